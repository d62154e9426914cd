"""Rounding and its relatives: round, floor, ceil, trunc, remainder (%), floor division
(//), nan_to_num, and minimum.

Rounding is a staircase: flat wherever it has a slope at all, so its gradient is 0.
"""

import numpy as np

from ..function import Function


class Round(Function):
    """out = a rounded to the nearest integer (halves to even)    ∂out/∂a = 0"""

    name_in_pytorch = "RoundBackward0"

    def forward(self, a):
        return np.round(a)

    def backward(self, grad):
        return np.zeros_like(grad)


class RoundDecimals(Function):
    """out = a rounded to `decimals` digits after the point    ∂out/∂a = 0"""

    name_in_pytorch = "RoundBackward1"

    def forward(self, a, decimals):
        return np.round(a, decimals)

    def backward(self, grad):
        return np.zeros_like(grad)


class Floor(Function):
    """out = ⌊a⌋, the largest integer ≤ a    ∂out/∂a = 0"""

    name_in_pytorch = "FloorBackward0"

    def forward(self, a):
        return np.floor(a)

    def backward(self, grad):
        return np.zeros_like(grad)


class Ceil(Function):
    """out = ⌈a⌉, the smallest integer ≥ a    ∂out/∂a = 0"""

    name_in_pytorch = "CeilBackward0"

    def forward(self, a):
        return np.ceil(a)

    def backward(self, grad):
        return np.zeros_like(grad)


class Trunc(Function):
    """out = a without its fractional part (towards 0)    ∂out/∂a = 0"""

    name_in_pytorch = "TruncBackward0"

    def forward(self, a):
        return np.trunc(a)

    def backward(self, grad):
        return np.zeros_like(grad)


class Remainder(Function):
    """out = a - ⌊a/c⌋·c for a number c (the sign of c, as Python's %)    ∂out/∂a = 1"""

    name_in_pytorch = "RemainderBackward0"

    def forward(self, a, divisor):
        return np.remainder(a, np.asarray(divisor, dtype=a.dtype))

    def backward(self, grad):
        return grad


class RemainderTensor(Function):
    """out = a - ⌊a/b⌋·b    ∂out/∂a = 1;  for b PyTorch defines no derivative, and says so"""

    name_in_pytorch = "RemainderBackward1"

    def forward(self, a, b):
        return np.remainder(a, b)

    def backward(self, grad):
        if self.needs_input_grad[1]:
            raise RuntimeError("derivative for aten::remainder is not implemented")
        return grad, None


class FloorDivide(Function):
    """out = ⌊a/b⌋ (`a // b`)    ∂out/∂a, ∂out/∂b: none (PyTorch defines none, and says so)"""

    name_in_pytorch = "NotImplemented"  # the node PyTorch records for an op without derivative
    # Its backward only raises: there is no gradient to differentiate again.
    supports_double_backward = False

    def forward(self, a, b):
        return np.floor_divide(a, b)

    def backward(self, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


class NanToNum(Function):
    """out = a with nan, +inf, -inf replaced by numbers    ∂out/∂a = 1 where a is finite, else 0"""

    name_in_pytorch = "NanToNumBackward0"

    def forward(self, a, nan, posinf, neginf):
        self.save_for_backward(a)
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return np.where(np.isfinite(a), grad, 0)


class Minimum(Function):
    """out = min(a, b)    ∂out/∂a = 1 where a < b, ½ where a = b, else 0;  ∂out/∂b = 1 - ∂out/∂a"""

    name_in_pytorch = "MinimumBackward0"

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return np.minimum(a, b)

    def backward(self, grad):
        a, b = self.saved_tensors
        share_a = (a < b) + 0.5 * (a == b)
        return grad * share_a, grad * (1 - share_a)
