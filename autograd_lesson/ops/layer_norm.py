"""Layer normalisation: each sample normalised over its last dimensions (no running
statistics, the same in training and evaluation)."""

import numpy as np

from ..function import Function


class LayerNorm(Function):
    """x̂ = (a - mean) / √(var + eps) over the last dims;  out = x̂·weight + bias
    ∂loss/∂a = (1/σ)(g' - mean(g') - x̂·mean(g'·x̂)) with g' = grad·weight;
    ∂loss/∂weight = Σ grad·x̂,  ∂loss/∂bias = Σ grad  (sums over the leading dims)"""

    name_in_pytorch = "NativeLayerNormBackward0"

    def forward(self, a, weight, bias, normalized_ndim, eps):
        self.dims = tuple(range(a.ndim - normalized_ndim, a.ndim))
        self.leading = tuple(range(a.ndim - normalized_ndim))
        self.eps, self.has_weight, self.has_bias = eps, weight.size > 0, bias.size > 0
        self.save_for_backward(a, weight)
        x_hat = self.normalized(a)
        out = x_hat * weight if self.has_weight else x_hat
        return (out + bias if self.has_bias else out).astype(a.dtype, copy=False)

    def normalized(self, a):
        """x̂ and 1/σ, computed again in backward from the saved input (so that a second
        backward sees how they depend on it)."""
        count = int(np.prod([a.shape[d] for d in self.dims]))
        centered = a - np.sum(a, axis=self.dims, keepdims=True) / count
        variance = np.sum(centered * centered, axis=self.dims, keepdims=True) / count
        self.inv_std = 1 / np.sqrt(variance + self.eps)
        self.count = count
        return centered * self.inv_std

    def backward(self, grad):
        a, weight = self.saved_tensors
        x_hat = self.normalized(a)
        g = grad * weight if self.has_weight else grad
        mean_g = np.sum(g, axis=self.dims, keepdims=True) / self.count
        mean_gx = np.sum(g * x_hat, axis=self.dims, keepdims=True) / self.count
        grad_a = self.inv_std * (g - mean_g - x_hat * mean_gx)
        grad_w = np.sum(grad * x_hat, axis=self.leading) if self.needs_input_grad[1] else None
        grad_b = np.sum(grad, axis=self.leading) if self.needs_input_grad[2] else None
        return grad_a, grad_w, grad_b
