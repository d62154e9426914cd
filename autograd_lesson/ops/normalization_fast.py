"""A faster way to compute ops/normalization.py's batch norm: the same numbers, fewer passes.

Read ops/normalization.py first: its `BatchNorm` defines what the classes here compute,
and tests/test_nn_conv_paths.py checks that they give the same values and gradients.
`batch_norm_for` picks the class for a call (nn.functional.batch_norm asks it):

* `BatchNorm` itself, for tiny inputs (below MIN_ELEMENTS values).
* `BatchNormInPlace`: BatchNorm's formulas with the sums computed by np.einsum (about
  three times faster than x.sum(axis=...)), and x̂, the output and ∂loss/∂x built in
  place: every temporary array avoided is one allocation (page faults) and one pass
  over the activations saved. About twice as fast as BatchNorm on a ResNet's layers.
* `BatchNormInParts`, when the input is big enough to split (autograd_lesson/threads.py):
  the channels in parts computed at the same time, one per core, each by a
  `BatchNormInPlace` node. Each channel's statistics are its own, so a part is a group
  of channels.
"""

import numpy as np

from .. import threads
from .normalization import BatchNorm, per_channel, update_running

# Below this many values the reading path runs as it is.
MIN_ELEMENTS = 2**10
# An element-wise pass costs about as much per value as this many BLAS multiply-adds
# (memory-bound, about 1 ns per value against 0.03 ns per multiply-add); batch norm's
# forward and backward together make about 4 such passes.
PASS_WORK = 32
PASSES = 4


def batch_norm_for(x_shape):
    """The Function class that computes this batch norm fastest (all give the same)."""
    elements = int(np.prod(x_shape))
    if elements < MIN_ELEMENTS:
        return BatchNorm
    if len(threads.split(x_shape[1], elements * PASSES * PASS_WORK)) == 1:
        return BatchNormInPlace
    return BatchNormInParts


def channel_sum(x, y=None):
    """Σ x (or Σ x·y, without making the product array) over every axis but the channels."""
    letters = "nc" + "hwd"[: x.ndim - 2]  # "nchw" for images, "nc" for (N, C)
    if y is None:
        return np.einsum(f"{letters}->c", x)
    return np.einsum(f"{letters},{letters}->c", x, y)


class BatchNormInPlace(BatchNorm):
    """BatchNorm's formulas, each temporary written in place (alone, or as one part of
    BatchNormInParts)."""

    grad_x_into = None  # set by BatchNormInParts: where this part's ∂loss/∂x goes

    def forward(self, x, weight, bias, running_mean, running_var, training, momentum, eps):
        self.training, self.has_affine = training, weight.size > 0
        count = x.size // x.shape[1]  # values per channel
        if training:
            mean = channel_sum(x) / count
            centred = x - per_channel(mean, x)
            var = channel_sum(centred, centred) / count  # biased, for normalising
            if running_mean is not None:
                update_running(running_mean, running_var, mean, var, count, momentum)
        else:
            mean, var = running_mean, running_var
            centred = x - per_channel(mean, x)
        inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        x_hat = centred  # x̂ overwrites `centred`, and β is added into γ·x̂
        x_hat *= per_channel(inv_std, x)
        self.scale = per_channel(weight * inv_std if self.has_affine else inv_std, x)
        self.save_for_backward(x_hat)
        if not self.has_affine:
            return x_hat.astype(x.dtype)  # a copy: x̂ itself stays saved for backward
        out = x_hat * per_channel(weight, x)
        out += per_channel(bias, x)
        return out.astype(x.dtype, copy=False)

    def backward(self, grad):
        (x_hat,) = self.saved_tensors
        grad_bias = channel_sum(grad)
        grad_weight = channel_sum(grad, x_hat)
        if self.training:
            m = grad.size // grad.shape[1]
            # γ/σ · (g - mean(g) - x̂·mean(g·x̂)), built in place in one array.
            grad_x = np.multiply(x_hat, per_channel(-grad_weight / m, grad), out=self.grad_x_into)
            grad_x += grad
            grad_x -= per_channel(grad_bias / m, grad)
            grad_x *= self.scale
        else:
            grad_x = np.multiply(grad, self.scale, out=self.grad_x_into)
        grad_x = grad_x.astype(grad.dtype, copy=False)
        if not self.has_affine:
            return grad_x, None, None
        return grad_x, grad_weight, grad_bias


class BatchNormInParts(BatchNorm):
    """BatchNormInPlace on groups of channels, computed at the same time.

    A part's inputs are its channels' slices: x[:, part], and γ, β and the running
    statistics [part] (views: the running statistics are updated in place through them).
    """

    def forward(self, x, weight, bias, running_mean, running_var, training, momentum, eps):
        self.parts = threads.split(x.shape[1], x.size * PASSES * PASS_WORK)
        self.part_nodes = [BatchNormInPlace() for _ in self.parts]
        self.has_affine = weight.size > 0
        if len(self.parts) == 1:
            node = self.part_nodes[0]
            out = node.forward(x, weight, bias, running_mean, running_var, training, momentum, eps)
        else:
            out = np.empty_like(x)

            def forward_part(k):
                c = self.parts[k]
                stats = (None if s is None else s[c] for s in (running_mean, running_var))
                out[:, c] = self.part_nodes[k].forward(
                    x[:, c], weight[c], bias[c], *stats, training, momentum, eps
                )

            threads.run(forward_part, range(len(self.parts)))
        # What the parts saved (their x̂), saved here too: no copy, and backward after a
        # freed graph raises PyTorch's error, as at any node.
        self.save_for_backward(*(node.saved_tensors[0] for node in self.part_nodes))
        return out

    def backward(self, grad):
        self.saved_tensors  # noqa: B018 - raises PyTorch's error if the graph was freed
        if len(self.parts) == 1:
            return self.part_nodes[0].backward(grad)
        grad_x = np.empty_like(grad)

        def backward_part(k):
            c, node = self.parts[k], self.part_nodes[k]
            node.grad_x_into = grad_x[:, c]  # the part writes its channels' ∂loss/∂x there
            _, grad_weight, grad_bias = node.backward(grad[:, c])
            node.grad_x_into = None  # a view would keep the whole gradient alive
            return grad_weight, grad_bias

        per_part = threads.run(backward_part, range(len(self.parts)))
        if not self.has_affine:
            return grad_x, None, None
        grad_weight, grad_bias = (np.concatenate(grads) for grads in zip(*per_part))
        return grad_x, grad_weight, grad_bias

    def release_saved(self):
        for node in self.part_nodes:
            node.release_saved()
        super().release_saved()
