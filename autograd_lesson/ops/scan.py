"""Running totals along a dimension: cumsum and cumprod."""

import numpy as np

from ..function import Function


class Cumsum(Function):
    """outᵢ = Σ_{j≤i} aⱼ along dim    ∂loss/∂aⱼ = Σ_{i≥j} gᵢ (a running total from the end)"""

    name_in_pytorch = "CumsumBackward0"

    def forward(self, a, dim, numpy_dtype=None):
        self.dim = dim
        return np.cumsum(a, axis=dim, dtype=numpy_dtype)

    def backward(self, grad):
        return np.flip(np.cumsum(np.flip(grad, self.dim), axis=self.dim), self.dim)


class Cumprod(Function):
    """outᵢ = Π_{j≤i} aⱼ along dim    ∂loss/∂aₖ = Σ_{i≥k} gᵢ·Π_{j≤i, j≠k} aⱼ
    (the products of the others, computed without dividing: right with zeros too)"""

    name_in_pytorch = "CumprodBackward0"

    def forward(self, a, dim, numpy_dtype=None):
        self.dim = dim
        self.save_for_backward(a)
        return np.cumprod(a, axis=dim, dtype=numpy_dtype)

    def backward(self, grad):
        (a,) = self.saved_tensors
        row, g = np.moveaxis(a, self.dim, -1), np.moveaxis(grad, self.dim, -1)
        n = row.shape[-1]
        # others[..., k, i] = Π_{j≤i, j≠k} aⱼ: row k of an n × n matrix has aₖ replaced by 1.
        without_k = np.where(np.eye(n, dtype=bool), 1, np.expand_dims(row, -2))
        others = np.cumprod(without_k, axis=-1)
        later = np.triu(np.ones((n, n), dtype=bool))  # i ≥ k
        grad_row = np.sum(np.where(later, others * np.expand_dims(g, -2), 0), axis=-1)
        return np.moveaxis(grad_row, -1, self.dim)
