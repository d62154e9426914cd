"""Multiplying and dividing by a number, as PyTorch records them inside its own composite
functions (cross_entropy with label_smoothing): one input, no node for the number."""

from ..function import Function


class MulScalar(Function):
    """out = a·c for a number c    ∂out/∂a = c"""

    name_in_pytorch = "MulBackward1"

    def forward(self, a, number):
        self.number = number
        return a * a.dtype.type(number)

    def backward(self, grad):
        return grad * self.number


class DivScalar(Function):
    """out = a / c for a number c    ∂out/∂a = 1/c"""

    name_in_pytorch = "DivBackward1"

    def forward(self, a, number):
        self.number = number
        return a / a.dtype.type(number)

    def backward(self, grad):
        return grad / self.number
