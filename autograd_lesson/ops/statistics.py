"""logsumexp, and the pairs std_mean / var_mean.

PyTorch computes std_mean (and var_mean) in one node, StdMeanBackward0, with two outputs;
this engine's nodes have one output each, so each of the two results gets its own node of
that name (the same gradients: see Var, Std and Mean in reduction.py).
"""

import numpy as np

from ..dims import normalize_dims
from ..function import Function
from .reduction import Mean, Std, Var


class Logsumexp(Function):
    """out = log Σᵢ eᵃⁱ along dims    ∂out/∂aᵢ = eᵃⁱ⁻ᵒᵘᵗ = softmax(a)ᵢ"""

    name_in_pytorch = "LogsumexpBackward0"

    def forward(self, a, dim, keepdim=False):
        self.dims = normalize_dims(dim, a.ndim) if a.ndim else ()
        self.keepdim = keepdim
        # Subtracting the largest element keeps every exponential ≤ 1 (no overflow);
        # an infinite maximum is left out of that, as PyTorch does.
        top = np.max(a, axis=self.dims, keepdims=True) if a.size else np.zeros((), a.dtype)
        top = np.where(np.isfinite(top), top, 0)
        with np.errstate(divide="ignore"):  # log 0 = -inf for an all -inf row, as PyTorch
            total = np.log(np.sum(np.exp(a - top), axis=self.dims, keepdims=True)) + top
        out = np.asarray(total if keepdim else np.squeeze(total, self.dims), dtype=a.dtype)
        self.save_for_backward(a, out)
        return out

    def backward(self, grad):
        a, out = self.saved_tensors
        if not self.keepdim:
            grad, out = np.expand_dims(grad, self.dims), np.expand_dims(out, self.dims)
        return grad * np.exp(a - out)


class StdOfStdMean(Std):
    """std_mean's first result: √var    ∂out/∂aᵢ = (aᵢ - ā) / ((n - c)·out)"""

    name_in_pytorch = "StdMeanBackward0"


class MeanOfStdMean(Mean):
    """std_mean's second result: the mean    ∂out/∂aᵢ = 1/n"""

    def forward(self, a, dim=None, keepdim=False):
        out = super().forward(a, dim, keepdim)
        self.name_in_pytorch = "StdMeanBackward0"  # Mean names itself by dim; this is one node
        self.save_for_backward(a)  # PyTorch's one node saves the input for both results
        return out

    def backward(self, grad):
        self.saved_tensors  # noqa: B018 - raises, as PyTorch does, once backward freed them
        return super().backward(grad)


class VarOfVarMean(Var):
    """var_mean's first result: Σ (aᵢ - ā)² / (n - c)    ∂out/∂aᵢ = 2(aᵢ - ā)/(n - c)"""

    name_in_pytorch = "VarMeanBackward0"


class MeanOfVarMean(Mean):
    """var_mean's second result: the mean    ∂out/∂aᵢ = 1/n"""

    def forward(self, a, dim=None, keepdim=False):
        out = super().forward(a, dim, keepdim)
        self.name_in_pytorch = "VarMeanBackward0"
        self.save_for_backward(a)
        return out

    def backward(self, grad):
        self.saved_tensors  # noqa: B018 - raises, as PyTorch does, once backward freed them
        return super().backward(grad)
