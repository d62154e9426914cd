"""Activation functions beyond relu/sigmoid/tanh (those are in elementwise.py): gelu,
leaky_relu, elu, silu, and erf (which gelu is made of)."""

import math

import numpy as np

from ..function import Function

_erf = np.frompyfunc(math.erf, 1, 1)  # NumPy has no erf; Python's is exact to the last bit


def erf(a):
    """erf(a): on arrays through Python's math.erf; on tensors (double backward) the op."""
    if isinstance(a, np.ndarray | np.generic):
        return _erf(a).astype(a.dtype)
    return a.erf()


class Erf(Function):
    """out = erf(a) = (2/√π) ∫₀ᵃ e^(-t²) dt    ∂out/∂a = (2/√π)·e^(-a²)"""

    name_in_pytorch = "ErfBackward0"

    def forward(self, a):
        self.save_for_backward(a)
        return erf(a)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * (2 / math.sqrt(math.pi)) * np.exp(-(a * a))


class Gelu(Function):
    """out = a·Φ(a), Φ(a) = ½(1 + erf(a/√2))    ∂out/∂a = Φ(a) + a·φ(a), φ(a) = e^(-a²/2)/√(2π)"""

    name_in_pytorch = "GeluBackward0"

    def forward(self, a):
        self.save_for_backward(a)
        return a * (0.5 * (1 + erf(a / math.sqrt(2)))).astype(a.dtype)

    def backward(self, grad):
        (a,) = self.saved_tensors
        cdf = 0.5 * (1 + erf(a * (1 / math.sqrt(2))))
        pdf = np.exp(-0.5 * (a * a)) * (1 / math.sqrt(2 * math.pi))
        return grad * (cdf + a * pdf)


_K = math.sqrt(2 / math.pi)
_C = 0.044715


class GeluTanh(Function):
    """out = ½a(1 + tanh u), u = √(2/π)(a + 0.044715a³)
    ∂out/∂a = ½(1 + tanh u) + ½a(1 - tanh² u)·√(2/π)(1 + 3·0.044715a²)"""

    name_in_pytorch = "GeluBackward0"
    same_node_as = Gelu  # gelu(approximate="tanh"): PyTorch records the same node

    def forward(self, a):
        self.save_for_backward(a)
        return 0.5 * a * (1 + np.tanh(_K * (a + _C * a * a * a)))

    def backward(self, grad):
        (a,) = self.saved_tensors
        t = np.tanh(_K * (a + _C * (a * a * a)))
        slope = 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * (_K * (1 + 3 * _C * (a * a)))
        return grad * slope


class LeakyRelu(Function):
    """out = a if a > 0 else slope·a    ∂out/∂a = 1 where a > 0, else slope"""

    name_in_pytorch = "LeakyReluBackward0"

    def forward(self, a, negative_slope):
        self.slope = negative_slope
        self.save_for_backward(a)
        return np.where(a > 0, a, a * np.asarray(negative_slope, dtype=a.dtype))

    def backward(self, grad):
        (a,) = self.saved_tensors
        return np.where(a > 0, grad, grad * self.slope)


class Elu(Function):
    """out = a if a > 0 else α(eᵃ - 1)    ∂out/∂a = 1 where a > 0, else α·eᵃ"""

    name_in_pytorch = "EluBackward0"

    def forward(self, a, alpha):
        self.alpha = alpha
        self.save_for_backward(a)
        return np.where(a > 0, a, (alpha * np.expm1(a)).astype(a.dtype))

    def backward(self, grad):
        (a,) = self.saved_tensors
        return np.where(a > 0, grad, grad * self.alpha * np.exp(a))


class Silu(Function):
    """out = a·σ(a)    ∂out/∂a = σ(a)·(1 + a·(1 - σ(a)))"""

    name_in_pytorch = "SiluBackward0"

    def forward(self, a):
        self.save_for_backward(a)
        with np.errstate(over="ignore"):  # e^(-a) = inf for very negative a: σ = 0, right
            return a / (1 + np.exp(-a))

    def backward(self, grad):
        (a,) = self.saved_tensors
        with np.errstate(over="ignore"):
            s = 1 / (1 + np.exp(-a))
        return grad * s * (1 + a * (1 - s))
