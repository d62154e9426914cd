"""`torch.autograd.functional`: Jacobians, Hessians and the products that avoid building them.

Reverse mode computes vᵀ·J (a vjp) for any v in one backward pass. The full Jacobian is
then one vjp per output element, with v = each unit vector: row i of J is eᵢᵀ·J.

Second derivatives come from differentiating a gradient again (create_graph=True):
    vhp:  vᵀ·H = ∂(∇f · v)/∂x         one backward through the recorded backward pass
    jvp:  J·v  = ∂(uᵀJ · v)/∂u         the "double-vjp" trick: uᵀJ is linear in u
    hessian: the Jacobian of ∇f, row by row.
"""

import numpy as np

from ..creation import zeros_like
from ..tensor import Tensor
from .grad import grad


def _prepared(inputs, create_graph=False):
    """The inputs as a tuple of tensors that require grad.

    Fresh leaves with the same values, so the caller's graph and `.grad` are left alone;
    with create_graph=True an input that already requires grad stays in its graph (through
    a view), so the result can be differentiated with respect to it.
    """
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    prepared = tuple(
        x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(True)
        for x in inputs
    )
    return single, prepared


def _zeros_for_unused(xs, grads):
    return tuple(zeros_like(x) if g is None else g for x, g in zip(xs, grads))


def _result(value, create_graph):
    """What the caller gets: detached unless a graph was asked for."""
    if isinstance(value, tuple):
        return tuple(_result(v, create_graph) for v in value)
    return value if create_graph else value.detach()


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Return (func(inputs), vᵀ·J): the output and the vector-Jacobian product."""
    single, xs = _prepared(inputs, create_graph)
    out = func(*xs)
    grads = grad(out, xs, grad_outputs=v, create_graph=create_graph, allow_unused=True)
    grads = _zeros_for_unused(xs, grads)
    return _result(out, create_graph), _result(grads[0] if single else grads, create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Return (func(inputs), J·v): the Jacobian-vector product, by the double-vjp trick."""
    single, xs = _prepared(inputs, create_graph)
    vs = (v,) if isinstance(v, Tensor) else tuple(v) if v is not None else None
    out = func(*xs)
    if vs is None:
        if out.numel() != 1:
            raise RuntimeError(
                "The vector v can only be None if the input to the user-provided "
                "function is a single Tensor with a single element."
            )
        vs = (Tensor(np.ones_like(xs[0]._data)),)
    u = zeros_like(out).requires_grad_(True)  # uᵀJ is linear in u: its gradient in u is J·v
    grads = grad(out, xs, grad_outputs=u, create_graph=True, allow_unused=True)
    pairs = [(g, w) for g, w in zip(grads, vs) if g is not None]
    if not pairs:
        return _result(out, create_graph), _result(zeros_like(out), create_graph)
    total = sum((g * w).sum() for g, w in pairs)
    (jv,) = grad(total, u, create_graph=create_graph, allow_unused=True)
    jv = zeros_like(out) if jv is None else jv
    return _result(out, create_graph), _result(jv, create_graph)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """Return (func(inputs), vᵀ·H) for a scalar function: ∂(∇f · v)/∂x."""
    single, xs = _prepared(inputs, create_graph)
    vs = (v,) if isinstance(v, Tensor) else tuple(v) if v is not None else None
    out = func(*xs)
    if out.numel() != 1:
        raise RuntimeError(
            "The function given to hvp should return a single element Tensor, but the given "
            f"function returned a Tensor with {out.numel()} elements."
        )
    if vs is None:
        if len(xs) != 1 or xs[0].numel() != 1:
            raise RuntimeError(
                "The vector v can only be None if the input to the user-provided "
                "function is a single Tensor with a single element."
            )
        vs = (Tensor(np.ones_like(xs[0]._data)),)
    gradient = grad(out, xs, create_graph=True, allow_unused=True)
    pairs = [(g, w) for g, w in zip(gradient, vs) if g is not None]
    if not pairs:
        products = tuple(zeros_like(x) for x in xs)
    else:
        total = sum((g * w).sum() for g, w in pairs)
        products = grad(total, xs, create_graph=create_graph, allow_unused=True)
        products = _zeros_for_unused(xs, products)
    return _result(out, create_graph), _result(products[0] if single else products, create_graph)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """Return (func(inputs), H·v). H is symmetric for a twice-differentiable f, so H·v = vᵀ·H."""
    return vhp(func, inputs, v, create_graph, strict)


def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    """The Jacobian ∂func(inputs)/∂inputs, built row by row from vjps.

    Its shape is output.shape + input.shape (one such tensor per input when given a tuple).
    """
    single, xs = _prepared(inputs, create_graph)
    out = func(*xs)
    rows = [[] for _ in xs]
    flat_out = out.reshape(-1)
    for i in range(out.numel()):
        if out.requires_grad:
            grads = grad(
                flat_out[i], xs, retain_graph=True, create_graph=create_graph, allow_unused=True
            )
        else:
            grads = (None,) * len(xs)
        for row, x, g in zip(rows, xs, grads):
            row.append(zeros_like(x) if g is None else g)
    jac = tuple(_stack_rows(row, out, x) for row, x in zip(rows, xs))
    jac = _result(jac, create_graph)
    return jac[0] if single else jac


def _stack_rows(row, out, x):
    from ..functions import stack

    if not row:
        return Tensor(np.zeros(tuple(out.shape) + tuple(x.shape), dtype=x._data.dtype))
    return stack(row).reshape(tuple(out.shape) + tuple(x.shape))


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    """The Hessian of a scalar function: the Jacobian of its gradient.

    For one input of shape s it has shape s + s; for a tuple of inputs, a tuple of tuples
    (H[i][j] = ∂²f/∂xᵢ∂xⱼ).
    """
    single, xs = _prepared(inputs, create_graph)

    def gradient(*ys):
        out = func(*ys)
        if out.numel() != 1:
            raise RuntimeError(
                "The function given to hessian should return a single element Tensor, but the "
                f"given function returned a Tensor with {out.numel()} elements."
            )
        grads = grad(out, ys, create_graph=True, allow_unused=True)
        return _zeros_for_unused(ys, grads)

    rows = []
    for i in range(len(xs)):
        row = jacobian(lambda *ys, i=i: gradient(*ys)[i], xs, create_graph=create_graph)
        rows.append(row)
    if single:
        return rows[0][0]
    return tuple(tuple(r) for r in rows)
