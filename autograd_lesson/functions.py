"""The `torch.xxx(tensor, ...)` spellings of tensor methods, plus ops on several tensors.

`torch.exp(x)` and `x.exp()` are one and the same operation.
"""

import numpy as np

from . import dtypes
from .broadcasting import check_broadcastable
from .dims import wrap_dim
from .ops import elementwise as ew
from .ops import shape as sh
from .tensor import Tensor, matmul, maximum


def _method(name):
    def function(input, *args, **kwargs):  # noqa: A002 - PyTorch's argument name
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = name
    function.__doc__ = f"torch.{name}(input, ...) is input.{name}(...)."
    return function


def _binary(name):
    """torch.add(x, y) is x.add(y); a number first, as in torch.add(2, x), becomes a 0-d tensor
    (PyTorch records the op as number ⊕ x then, not as its reversed form)."""

    def function(input, other):  # noqa: A002 - PyTorch's argument name
        if not isinstance(input, Tensor):
            number, tensor = other._promoted(input)[::-1]
            if name == "pow":
                return tensor.__rpow__(input)  # PowBackward2, as in PyTorch
            return getattr(number, name)(tensor)
        return getattr(input, name)(other)

    function.__name__ = name
    function.__doc__ = f"torch.{name}(input, other) is input.{name}(other)."
    return function


add, sub, mul, div, pow = (_binary(n) for n in ("add", "sub", "mul", "div", "pow"))  # noqa: A001
exp, log, sqrt, abs = (_method(n) for n in ("exp", "log", "sqrt", "abs"))  # noqa: A001
relu, sigmoid, tanh, clamp = (_method(n) for n in ("relu", "sigmoid", "tanh", "clamp"))
neg, square, sign, log1p = (_method(n) for n in ("neg", "square", "sign", "log1p"))
sin, cos, masked_fill = _method("sin"), _method("cos"), _method("masked_fill")
sum, mean, max, min = (_method(n) for n in ("sum", "mean", "max", "min"))  # noqa: A001
argmax, argmin, norm = (_method(n) for n in ("argmax", "argmin", "norm"))
var, std, prod = _method("var"), _method("std"), _method("prod")
softmax, log_softmax = _method("softmax"), _method("log_softmax")
reshape, flatten, transpose = _method("reshape"), _method("flatten"), _method("transpose")
permute, squeeze, unsqueeze, t = (_method(n) for n in ("permute", "squeeze", "unsqueeze", "t"))
mm, bmm, clone = _method("mm"), _method("bmm"), _method("clone")
split, chunk, unbind = _method("split"), _method("chunk"), _method("unbind")
dot, outer, diag = _method("dot"), _method("outer"), _method("diag")
detach, numel = _method("detach"), _method("numel")
equal = _method("equal")


def is_tensor(obj):
    return isinstance(obj, Tensor)


def cat(tensors, dim=0):
    """Join tensors along an existing dimension."""
    tensors = _common_dtype(tensors)
    dim = wrap_dim(dim, tensors[0].ndim)
    first = tensors[0].shape
    for i, t in enumerate(tensors[1:], start=1):
        other = [n for d, n in enumerate(t.shape) if d != dim]
        if t.ndim != len(first) or other != [n for d, n in enumerate(first) if d != dim]:
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {dim}. Expected size "
                f"{first[1 - dim if len(first) > 1 else 0]} but got size "
                f"{t.shape[1 - dim if t.ndim > 1 else 0]} for tensor number {i} in the list."
            )
    return sh.Cat.apply(*tensors, dim=dim)


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dimension."""
    tensors = _common_dtype(tensors)
    for i, t in enumerate(tensors[1:], start=1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} "
                f"at entry 0 and {list(t.shape)} at entry {i}"
            )
    return sh.Stack.apply(*tensors, dim=wrap_dim(dim, tensors[0].ndim + 1))


def _common_dtype(tensors):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("expected a non-empty list of Tensors")
    result = tensors[0].dtype
    for t in tensors[1:]:
        result = dtypes.promote((result, 1, False), (t.dtype, 1, False))
    return [t._cast_for_op(result) for t in tensors]


def where(condition, input, other):  # noqa: A002 - PyTorch's argument names
    """Pick from `input` where `condition` is True, else from `other`."""
    a, b = input._binary(other) if isinstance(input, Tensor) else other._binary(input)[::-1]
    check_broadcastable(condition.shape, a.shape)
    check_broadcastable(condition.shape, b.shape)
    # The output takes the broadcast shape; the engine sums each gradient back to its input.
    return ew.Where.apply(a, b, condition=condition._data)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    return Tensor(np.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


__all__ = [
    "abs",
    "add",
    "allclose",
    "argmax",
    "argmin",
    "bmm",
    "cat",
    "chunk",
    "clamp",
    "clone",
    "cos",
    "detach",
    "diag",
    "div",
    "dot",
    "equal",
    "exp",
    "flatten",
    "is_tensor",
    "isclose",
    "log",
    "log1p",
    "log_softmax",
    "masked_fill",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "mm",
    "mul",
    "neg",
    "norm",
    "numel",
    "outer",
    "permute",
    "pow",
    "prod",
    "relu",
    "reshape",
    "sigmoid",
    "sign",
    "sin",
    "softmax",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "sub",
    "sum",
    "t",
    "tanh",
    "transpose",
    "unbind",
    "unsqueeze",
    "var",
    "where",
]
