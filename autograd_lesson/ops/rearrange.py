"""Operations that move elements without changing them: flip, roll, and the triangles
tril/triu (which keep some elements and zero the rest). Each gradient moves back the way
its element moved."""

import numpy as np

from ..function import Function


class Flip(Function):
    """out = a reversed along dims    ∂loss/∂a = grad reversed along the same dims"""

    name_in_pytorch = "FlipBackward0"

    def forward(self, a, dims):
        self.dims = dims
        return np.flip(a, dims).copy()  # a copy: PyTorch's flip does not share memory

    def backward(self, grad):
        return np.flip(grad, self.dims)


class Roll(Function):
    """out = a shifted along dims, elements falling off one end coming back at the other
    ∂loss/∂a = grad rolled back by the opposite shifts"""

    name_in_pytorch = "RollBackward0"

    def forward(self, a, shifts, dims):
        self.shifts, self.dims, self.shape = shifts, dims, a.shape
        if dims is None:  # roll the flattened tensor, as PyTorch does
            return np.roll(a.reshape(-1), shifts).reshape(a.shape)
        return np.roll(a, shifts, dims)

    def backward(self, grad):
        back = tuple(-s for s in self.shifts) if isinstance(self.shifts, tuple) else -self.shifts
        if self.dims is None:
            return np.reshape(np.roll(np.reshape(grad, (-1,)), back), self.shape)
        return np.roll(grad, back, self.dims)


def triangle(shape, diagonal, lower):
    """The mask of the kept elements of the last two dims (j ≤ i + diagonal for tril)."""
    rows, cols = shape[-2:]
    below = np.tri(rows, cols, diagonal, dtype=bool)
    return below if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)


class Tril(Function):
    """out = a where j ≤ i + diagonal, else 0    ∂loss/∂a = grad on the kept elements, else 0"""

    name_in_pytorch = "TrilBackward0"
    lower = True

    def forward(self, a, diagonal):
        self.kept = triangle(a.shape, diagonal, self.lower)
        return np.where(self.kept, a, np.zeros((), a.dtype))

    def backward(self, grad):
        return np.where(self.kept, grad, 0)


class Triu(Tril):
    """out = a where j ≥ i + diagonal, else 0    ∂loss/∂a = grad on the kept elements, else 0"""

    name_in_pytorch = "TriuBackward0"
    lower = False
