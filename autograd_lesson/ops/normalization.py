"""Batch normalisation: give every channel mean 0 and variance 1, then scale and shift.

    x̂ = (x - μ) / √(σ² + eps)        out = γ·x̂ + β        (per channel)

In training μ and σ² are the batch's own statistics (σ² biased, divided by m), and the
running estimates move towards them: running = (1 - momentum)·running + momentum·batch,
with the *unbiased* variance (divided by m - 1), as PyTorch does. In evaluation the running
estimates are used instead, so one image gives the same answer whatever batch it is in.

All the work happens on an (m, C) view of the input, one row per pixel (m = N·H·W): for
channels-last activations (see ops/conv.py) that view needs no copy, and per-channel sums
become sums down the columns.
"""

import numpy as np

from ..function import Function


def rows_per_channel(x):
    """x (N, C, ...) seen as (m, C): one row per position, one column per channel."""
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def back_to_input_layout(rows, shape):
    """Undo rows_per_channel: (m, C) back to `shape` (N, C, ...), memory channels-last."""
    channels_last_shape = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    return np.moveaxis(rows.reshape(channels_last_shape), -1, 1)


class BatchNorm(Function):
    """out = γ·x̂ + β,  x̂ = (x - μ)/√(σ² + eps)
    ∂loss/∂x = γ/√(σ²+eps) · (g - mean(g) - x̂·mean(g·x̂))  (training; eval: γ/√(σ²+eps) · g)
    ∂loss/∂γ = Σ g·x̂,  ∂loss/∂β = Σ g

    γ and β may be empty arrays (affine=False): they then get no gradient. The running
    statistics are ndarrays updated in place (they are buffers, not inputs of the graph).
    """

    name_in_pytorch = "NativeBatchNormBackward0"

    def forward(self, x, weight, bias, running_mean, running_var, training, momentum, eps):
        rows = rows_per_channel(x)
        self.input_shape, self.training = x.shape, training
        if training:
            mean = rows.mean(axis=0)
            centred = rows - mean
            var = np.einsum("mc,mc->c", centred, centred) / len(rows)  # biased, for normalising
            if running_mean is not None:
                unbiased = var * len(rows) / (len(rows) - 1)
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * unbiased
        else:
            mean, var = running_mean, running_var
            centred = rows - mean
        inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        x_hat = centred * inv_std
        self.has_affine = bool(weight.size)
        self.scale = weight * inv_std if self.has_affine else inv_std  # ∂out/∂x in eval mode
        out = x_hat * weight + bias if self.has_affine else x_hat
        self.save_for_backward(x_hat)
        return back_to_input_layout(out.astype(x.dtype, copy=False), x.shape)

    def backward(self, grad):
        (x_hat,) = self.saved_tensors
        g = rows_per_channel(grad)
        grad_bias = g.sum(axis=0)
        grad_weight = np.einsum("mc,mc->c", g, x_hat)
        if self.training:
            m = len(g)
            # g - mean(g) - x̂·mean(g·x̂), then times γ/σ: one pass over the data.
            grad_x = (g - grad_bias / m - x_hat * (grad_weight / m)) * self.scale
        else:
            grad_x = g * self.scale
        grad_x = back_to_input_layout(grad_x.astype(grad.dtype, copy=False), self.input_shape)
        if not self.has_affine:
            return grad_x, None, None
        return grad_x, grad_weight, grad_bias
