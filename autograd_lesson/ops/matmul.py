"""Matrix products. PyTorch picks a kernel (and a node name) by the inputs' ranks:
vector·vector is `dot`, matrix·vector `mv`, matrix·matrix `mm`, stacks of matrices `bmm`.
"""

import numpy as np

from ..function import Function


class Mm(Function):
    """out = A @ B    ∂loss/∂A = grad @ Bᵀ,  ∂loss/∂B = Aᵀ @ grad"""

    name_in_pytorch = "MmBackward0"

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a @ b

    def backward(self, grad):
        a, b = self.saved_tensors
        return grad @ b.T, a.T @ grad


class Mv(Function):
    """out = A @ v    ∂loss/∂A = grad ⊗ v (outer product),  ∂loss/∂v = Aᵀ @ grad"""

    name_in_pytorch = "MvBackward0"

    def forward(self, a, v):
        self.save_for_backward(a, v)
        return a @ v

    def backward(self, grad):
        a, v = self.saved_tensors
        return np.outer(grad, v), a.T @ grad


class Dot(Function):
    """out = u · v = Σᵢ uᵢvᵢ    ∂out/∂u = v,  ∂out/∂v = u"""

    name_in_pytorch = "DotBackward0"

    def forward(self, u, v):
        self.save_for_backward(u, v)
        return np.asarray(u @ v)

    def backward(self, grad):
        u, v = self.saved_tensors
        return grad * v, grad * u


class Bmm(Function):
    """out[i] = A[i] @ B[i] for a batch of matrices (batch dims broadcast)
    ∂loss/∂A = grad @ Bᵀ,  ∂loss/∂B = Aᵀ @ grad  (per batch item)"""

    name_in_pytorch = "BmmBackward0"

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a @ b

    def backward(self, grad):
        a, b = self.saved_tensors
        return grad @ np.swapaxes(b, -1, -2), np.swapaxes(a, -1, -2) @ grad


class Addmm(Function):
    """out = bias + A @ W  (nn.Linear's kernel)
    ∂loss/∂bias = grad,  ∂loss/∂A = grad @ Wᵀ,  ∂loss/∂W = Aᵀ @ grad"""

    name_in_pytorch = "AddmmBackward0"

    def forward(self, bias, a, w):
        self.save_for_backward(a, w)
        return bias + a @ w

    def backward(self, grad):
        a, w = self.saved_tensors
        return grad, grad @ w.T, a.T @ grad
