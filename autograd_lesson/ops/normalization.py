"""Batch normalisation: give every channel mean 0 and variance 1, then scale and shift.

    x̂ = (x - μ) / √(σ² + eps)        out = γ·x̂ + β        (per channel)

In training μ and σ² are the batch's own statistics (σ² biased, divided by m), and the
running estimates move towards them: running = (1 - momentum)·running + momentum·batch,
with the *unbiased* variance (divided by m - 1), as PyTorch does. In evaluation the running
estimates are used instead, so one image gives the same answer whatever batch it is in.

Per-channel statistics are sums over every axis but the channel axis (1); the
per-channel numbers are then shaped (1, C, 1, 1) so that they broadcast over the input.
"""

import numpy as np

from ..function import Function


def channel_sum(x, y=None):
    """Σ x (or Σ x·y, without making the product array) over every axis but the channels.

    np.einsum does these reductions about three times faster than x.sum(axis=(0, 2, 3)).
    """
    letters = "nc" + "hwd"[: x.ndim - 2]  # "nchw" for images, "nc" for (N, C)
    if y is None:
        return np.einsum(f"{letters}->c", x)
    return np.einsum(f"{letters},{letters}->c", x, y)


def per_channel(values, x):
    """Per-channel numbers (C,) shaped to broadcast against x: (1, C, 1, 1) for images."""
    return values.reshape((1, -1) + (1,) * (x.ndim - 2))


class BatchNorm(Function):
    """out = γ·x̂ + β,  x̂ = (x - μ)/√(σ² + eps)
    ∂loss/∂x = γ/√(σ²+eps) · (g - mean(g) - x̂·mean(g·x̂))  (training; eval: γ/√(σ²+eps) · g)
    ∂loss/∂γ = Σ g·x̂,  ∂loss/∂β = Σ g

    γ and β may be empty arrays (affine=False): they then get no gradient. The running
    statistics are ndarrays updated in place (they are buffers, not inputs of the graph).
    """

    name_in_pytorch = "NativeBatchNormBackward0"
    supports_double_backward = False  # create_graph=True: an error if differentiated again

    def forward(self, x, weight, bias, running_mean, running_var, training, momentum, eps):
        self.count, self.training = x.size // x.shape[1], training  # count: values per channel
        if training:
            mean = channel_sum(x) / self.count
            centred = x - per_channel(mean, x)
            var = channel_sum(centred, centred) / self.count  # biased, for normalising
            if running_mean is not None:
                unbiased = var * self.count / (self.count - 1)
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * unbiased
        else:
            mean, var = running_mean, running_var
            centred = x - per_channel(mean, x)
        inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        # In place from here on (x̂ overwrites `centred`, β is added into γ·x̂): each
        # temporary array avoided is one pass over the activations saved.
        x_hat = centred
        x_hat *= per_channel(inv_std, x)
        self.has_affine = bool(weight.size)
        # ∂out/∂x in eval mode, and the common factor of the training formula.
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
            m = self.count
            # γ/σ · (g - mean(g) - x̂·mean(g·x̂)), built in place in one new array: each
            # temporary avoided is a fresh allocation (page faults) and a pass saved.
            grad_x = x_hat * per_channel(-grad_weight / m, grad)
            grad_x += grad
            grad_x -= per_channel(grad_bias / m, grad)
            grad_x *= self.scale
        else:
            grad_x = grad * self.scale
        grad_x = grad_x.astype(grad.dtype, copy=False)
        if not self.has_affine:
            return grad_x, None, None
        return grad_x, grad_weight, grad_bias
