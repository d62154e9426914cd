"""Matrix products. PyTorch picks a kernel (and a node name) by the inputs' ranks:
vector·vector is `dot`, matrix·vector `mv`, matrix·matrix `mm`, stacks of matrices `bmm`.

The first half holds the four kernels (one Function each); the second, `matmul`, shows
how `a @ b` of any ranks is reduced to them, node for node as in PyTorch's graph.
"""

import numpy as np

from ..broadcasting import broadcast_shape
from ..function import Function
from .shape import SqueezeInplace, UnsafeView


class Mm(Function):
    """out = A @ B    ∂loss/∂A = grad @ Bᵀ,  ∂loss/∂B = Aᵀ @ grad"""

    name_in_pytorch = "MmBackward0"

    def forward(self, a, b):
        # Save only what a gradient will need (as PyTorch, and in its order): B for ∂/∂A,
        # A for ∂/∂B.
        need_a, need_b = self.needs_input_grad
        self.save_for_backward(b if need_a else None, a if need_b else None)
        return a @ b

    def backward(self, grad):
        b, a = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        return grad @ b.T if need_a else None, a.T @ grad if need_b else None


class Mv(Function):
    """out = A @ v    ∂loss/∂A = grad ⊗ v (outer product),  ∂loss/∂v = Aᵀ @ grad"""

    name_in_pytorch = "MvBackward0"

    def forward(self, a, v):
        need_a, need_v = self.needs_input_grad
        self.save_for_backward(v if need_a else None, a if need_v else None)
        return a @ v

    def backward(self, grad):
        v, a = self.saved_tensors
        need_a, need_v = self.needs_input_grad
        return np.outer(grad, v) if need_a else None, a.T @ grad if need_v else None


class Dot(Function):
    """out = u · v = Σᵢ uᵢvᵢ    ∂out/∂u = v,  ∂out/∂v = u"""

    name_in_pytorch = "DotBackward0"

    def forward(self, u, v):
        need_u, need_v = self.needs_input_grad
        self.save_for_backward(v if need_u else None, u if need_v else None)
        return np.asarray(u @ v)

    def backward(self, grad):
        v, u = self.saved_tensors
        need_u, need_v = self.needs_input_grad
        return grad * v if need_u else None, grad * u if need_v else None


class Bmm(Function):
    """out[i] = A[i] @ B[i] for a batch of matrices (batch dims broadcast)
    ∂loss/∂A = grad @ Bᵀ,  ∂loss/∂B = Aᵀ @ grad  (per batch item)"""

    name_in_pytorch = "BmmBackward0"

    def forward(self, a, b):
        need_a, need_b = self.needs_input_grad
        self.save_for_backward(b if need_a else None, a if need_b else None)
        return a @ b

    def backward(self, grad):
        b, a = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        grad_a = grad @ np.swapaxes(b, -1, -2) if need_a else None
        return grad_a, np.swapaxes(a, -1, -2) @ grad if need_b else None


class Addmm(Function):
    """out = bias + A @ W  (nn.Linear's kernel)
    ∂loss/∂bias = grad,  ∂loss/∂A = grad @ Wᵀ,  ∂loss/∂W = Aᵀ @ grad"""

    name_in_pytorch = "AddmmBackward0"

    def forward(self, bias, a, w):
        _, need_a, need_w = self.needs_input_grad
        self.save_for_backward(w if need_a else None, a if need_w else None)
        return bias + a @ w

    def backward(self, grad):
        w, a = self.saved_tensors
        _, need_a, need_w = self.needs_input_grad
        return grad, grad @ w.T if need_a else None, a.T @ grad if need_w else None


# ---------------------------------------------------------------------- `a @ b`
# Which kernel `a @ b` runs depends on the ranks, and the graph shows it. The tensor
# methods used below (reshape, unsqueeze, expand, ...) record their own nodes, so a
# learner sees the same graph as in PyTorch, e.g. UnsafeViewBackward0(MmBackward0(...))
# for a batch of rows times a matrix.


def matmul(a, b):
    """`a @ b` for tensors, decomposed as PyTorch decomposes it."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.ndim == 1 and b.ndim == 1:
        _check_dot(a, b)
        return Dot.apply(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return _mv(a, b)
    if a.ndim == 1 and b.ndim == 2:
        # A row vector times a matrix, then the row dimension is squeezed away in place.
        return SqueezeInplace.apply(mm(a.unsqueeze(0), b), dim=0)
    if a.ndim == 2 and b.ndim == 2:
        return mm(a, b)
    # A 3-d operand with a batch of one is a matrix in disguise, when the other is a batch.
    if a.ndim == 3 == b.ndim and b.shape[0] == 1 and a.shape[0] != 1:
        b = b.squeeze(0)
    elif a.ndim == 3 == b.ndim and a.shape[0] == 1 and b.shape[0] != 1:
        a = a.squeeze(0)
    if b.ndim <= 2:
        return _fold_rows(a, b)
    if a.ndim <= 2:
        # (a @ b) = (bᵀ @ aᵀ)ᵀ: fold b's batch into rows instead.
        if a.ndim == 1:
            return _fold_rows(b.mT, a)
        return _fold_rows(b.mT, a.t()).mT.contiguous()
    return _batched(a, b)


def _fold_rows(a, b):
    """A stack of matrices (or vectors) times one matrix (or vector): stack the rows into
    one tall matrix, run one mm (or mv), and give the result its batch dimensions back."""
    k = a.shape[-1]
    rows = a.reshape(-1, k)
    out = mm(rows, b) if b.ndim == 2 else _mv(rows, b)
    out_shape = tuple(a.shape[:-1]) + tuple(b.shape[1:])
    return UnsafeView.apply(out, shape=out_shape)


def _batched(a, b):
    """Broadcast the batch dimensions, flatten them into one, run bmm, unflatten."""
    batch = broadcast_shape(a.shape[:-2], b.shape[:-2])
    count = int(np.prod(batch, dtype=np.int64))
    (n, k), (k2, p) = a.shape[-2:], b.shape[-2:]
    a3 = a.expand(*batch, n, k).reshape(count, n, k)
    b3 = b.expand(*batch, k2, p).reshape(count, k2, p)
    return UnsafeView.apply(bmm(a3, b3), shape=(*batch, n, p))


def mm(a, b):
    """`torch.mm`: two matrices only."""
    for name, t in (("self", a), ("mat2", b)):
        if t.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix")
    if a.dtype is not b.dtype:
        # Unlike `+`, matrix products do not promote: mixing dtypes is an error in PyTorch.
        raise RuntimeError(
            "expected m1 and m2 to have the same dtype, but got: "
            f"{a.dtype.c_name} != {b.dtype.c_name}"
        )
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )
    return Mm.apply(a, b)


def bmm(a, b):
    """`torch.bmm`: two stacks of matrices with the same batch size, no broadcasting."""
    for name, t in (("batch1", a), ("batch2", b)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected scalar type {a.dtype.short_name} but found {b.dtype.short_name}"
        )
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    return Bmm.apply(a, b)


def dot(u, v):
    """`torch.dot`: two vectors of the same length and dtype, no broadcasting."""
    if u.ndim != 1 or v.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {u.ndim}D and {v.ndim}D tensors")
    _check_dot(u, v)
    return Dot.apply(u, v)


def outer(u, v):
    """`torch.outer`: out[i, j] = u[i]·v[j]. PyTorch computes it as u as a column times v
    (broadcasting), so its graph shows MulBackward0(ViewBackward0(...), ...), as ours does."""
    for name, t in (("self", u), ("vec2", v)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return u.reshape(-1, 1) * v


def _mv(a, v):
    _check_mv(a, v)
    return Mv.apply(a, v)


def _check_dot(u, v):
    if u.dtype is not v.dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{u.dtype.short_name} and {v.dtype.short_name}"
        )
    if u.shape[0] != v.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{u.shape[0]}] and src [{v.shape[0]}] "
            f"to have the same number of elements, but got {u.shape[0]} and {v.shape[0]} "
            "elements respectively"
        )


def _check_mv(a, v):
    if a.dtype is not v.dtype:
        raise RuntimeError(
            "addmv input tensors must have the same dtype, but got "
            f"{v.dtype.short_name}, {a.dtype.short_name}, and {v.dtype.short_name}"
        )
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), "
            f"vec ({v.shape[0]})"
        )
