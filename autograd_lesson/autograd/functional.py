"""`torch.autograd.functional`: Jacobians and vector-Jacobian products of a function.

Reverse mode computes vᵀ·J (a vjp) for any v in one backward pass. The full Jacobian
is then just one vjp per output element, with v = each unit vector: row i of J is eᵢᵀ·J.
"""

import numpy as np

from ..tensor import Tensor
from .grad import grad


def _prepared(inputs):
    """Fresh leaves with the same values, so we never touch the caller's graph or `.grad`."""
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    return single, tuple(x.detach().requires_grad_(True) for x in inputs)


def vjp(func, inputs, v=None):
    """Return (func(inputs), vᵀ·J): the output and the vector-Jacobian product."""
    single, xs = _prepared(inputs)
    out = func(*xs)
    grads = grad(out, xs, grad_outputs=v, allow_unused=True)
    grads = tuple(Tensor(np.zeros_like(x._data)) if g is None else g for x, g in zip(xs, grads))
    return out.detach(), grads[0] if single else grads


def jacobian(func, inputs):
    """The Jacobian ∂func(inputs)/∂inputs, built row by row from vjps.

    Its shape is output.shape + input.shape (one such tensor per input when given a tuple).
    """
    single, xs = _prepared(inputs)
    out = func(*xs)
    rows = [np.zeros((out.numel(),) + tuple(x.shape), dtype=x._data.dtype) for x in xs]
    for i in range(out.numel()):
        unit = np.zeros(out.numel(), dtype=out._data.dtype)
        unit[i] = 1
        if out.requires_grad:
            grads = grad(
                out, xs, grad_outputs=unit.reshape(out.shape), retain_graph=True, allow_unused=True
            )
            for row, g in zip(rows, grads):
                if g is not None:
                    row[i] = g._data
    jac = tuple(Tensor(r.reshape(tuple(out.shape) + r.shape[1:])) for r in rows)
    return jac[0] if single else jac
