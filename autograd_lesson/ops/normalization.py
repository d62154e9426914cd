"""Batch normalisation: give every channel mean 0 and variance 1, then scale and shift.

    x̂ = (x - μ) / √(σ² + eps)        out = γ·x̂ + β        (per channel)

In training μ and σ² are the batch's own statistics (σ² biased, divided by m), and the
running estimates move towards them: running = (1 - momentum)·running + momentum·batch,
with the *unbiased* variance (divided by m - 1), as PyTorch does. In evaluation the running
estimates are used instead, so one image gives the same answer whatever batch it is in.

Per-channel statistics are taken over every axis but the channel axis (1); the
per-channel numbers are then shaped (1, C, 1, 1) so that they broadcast over the input.
ops/normalization_fast.py computes the same with fewer passes over memory, on both cores.
"""

import numpy as np

from ..function import Function


def per_channel(values, x):
    """Per-channel numbers (C,) shaped to broadcast against x: (1, C, 1, 1) for images."""
    return values.reshape((1, -1) + (1,) * (x.ndim - 2))


def other_axes(x):
    """Every axis but the channels (axis 1): (0, 2, 3) for images, (0,) for (N, C)."""
    return (0, *range(2, x.ndim))


def update_running(running_mean, running_var, mean, var, count, momentum):
    """running = (1 - momentum)·running + momentum·batch, in place, with the unbiased
    variance var·m/(m - 1), as PyTorch does."""
    running_mean *= 1 - momentum
    running_mean += momentum * mean
    running_var *= 1 - momentum
    running_var += momentum * var * count / (count - 1)


class BatchNorm(Function):
    """out = γ·x̂ + β,  x̂ = (x - μ)/√(σ² + eps)
    ∂loss/∂x = γ/√(σ²+eps) · (g - mean(g) - x̂·mean(g·x̂))  (training; eval: γ/√(σ²+eps) · g)
    ∂loss/∂γ = Σ g·x̂,  ∂loss/∂β = Σ g

    The op behind F.batch_norm (PyTorch's native_batch_norm). γ and β may be empty arrays
    (affine=False): they then get no gradient. The running statistics are ndarrays updated
    in place (they are buffers, not inputs of the graph).
    """

    name_in_pytorch = "NativeBatchNormBackward0"
    supports_double_backward = False  # create_graph=True: an error if differentiated again

    def forward(self, x, weight, bias, running_mean, running_var, training, momentum, eps):
        self.training, self.has_affine = training, weight.size > 0
        if training:
            mean, var = x.mean(axis=other_axes(x)), x.var(axis=other_axes(x))
            if running_mean is not None:
                update_running(running_mean, running_var, mean, var, x.size // x.shape[1], momentum)
        else:
            mean, var = running_mean, running_var
        inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        x_hat = (x - per_channel(mean, x)) * per_channel(inv_std, x)
        # ∂out/∂x̂ = γ, and ∂x̂/∂x = 1/√(σ² + eps) (plus, in training, the statistics' share).
        self.scale = per_channel(weight * inv_std if self.has_affine else inv_std, x)
        self.save_for_backward(x_hat)
        if not self.has_affine:
            return x_hat.astype(x.dtype, copy=False)
        return (x_hat * per_channel(weight, x) + per_channel(bias, x)).astype(x.dtype, copy=False)

    def backward(self, grad):
        (x_hat,) = self.saved_tensors
        grad_bias = grad.sum(axis=other_axes(grad))
        grad_weight = (grad * x_hat).sum(axis=other_axes(grad))
        if self.training:
            m = grad.size // grad.shape[1]  # values per channel
            mean_grad, mean_grad_x_hat = grad_bias / m, grad_weight / m
            grad_x = self.scale * (
                grad - per_channel(mean_grad, grad) - x_hat * per_channel(mean_grad_x_hat, grad)
            )
        else:
            grad_x = grad * self.scale
        grad_x = grad_x.astype(grad.dtype, copy=False)
        if not self.has_affine:
            return grad_x, None, None
        return grad_x, grad_weight, grad_bias
