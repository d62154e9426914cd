"""The `torch.xxx(tensor, ...)` spellings of tensor methods, plus ops on several tensors.

`torch.exp(x)` and `x.exp()` are one and the same operation.
"""

import numpy as np

from . import dtypes, tensor_methods
from .broadcasting import check_broadcastable
from .dims import wrap_dim
from .ops import elementwise as ew
from .ops import shape as sh
from .ops.einsum import Einsum
from .out_argument import write_into as _into
from .tensor import Tensor, maximum
from .tensor import matmul as _matmul


def _method(name):
    def function(input, *args, out=None, **kwargs):  # noqa: A002 - PyTorch's argument name
        if out is not None:
            return _into(out, name, lambda: getattr(input, name)(*args, **kwargs))
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = name
    function.__doc__ = f"torch.{name}(input, ...) is input.{name}(...)."
    return function


def _binary(name):
    """torch.add(x, y) is x.add(y); a number first, as in torch.add(2, x), becomes a 0-d tensor
    (PyTorch records the op as number ⊕ x then, not as its reversed form)."""

    def function(input, other, *, out=None):  # noqa: A002 - PyTorch's argument name
        if out is not None:
            return _into(out, name, lambda: function(input, other))
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
sort, argsort, topk = _method("sort"), _method("argsort"), _method("topk")
cumsum, cumprod, logsumexp = _method("cumsum"), _method("cumprod"), _method("logsumexp")
gather, scatter, scatter_add = _method("gather"), _method("scatter"), _method("scatter_add")
index_select, erf = _method("index_select"), _method("erf")
round, floor, ceil, trunc = (_method(n) for n in ("round", "floor", "ceil", "trunc"))  # noqa: A001
remainder, floor_divide = _binary("remainder"), _binary("floor_divide")
flip, roll, tril, triu = _method("flip"), _method("roll"), _method("tril"), _method("triu")
nan_to_num, isnan, isinf = _method("nan_to_num"), _method("isnan"), _method("isinf")
isfinite, minimum, unflatten = _method("isfinite"), _binary("minimum"), _method("unflatten")
std_mean, var_mean = tensor_methods.std_mean, tensor_methods.var_mean


def einsum(equation, *operands):
    """Products and sums by index letters: einsum("ij,jk->ik", a, b) is a @ b."""
    if len(operands) == 1 and isinstance(operands[0], list | tuple):
        operands = tuple(operands[0])  # einsum("ij,jk", [a, b]), as PyTorch accepts
    equation = equation.replace(" ", "")
    if "." in equation:
        raise NotImplementedError("autograd_lesson's einsum does not take '...' (ellipsis)")
    left, arrow, output = equation.partition("->")
    inputs = tuple(left.split(","))
    if len(inputs) != len(operands):
        fewer = "fewer" if len(operands) < len(inputs) else "more"
        raise RuntimeError(
            f"einsum(): {fewer} operands were provided than specified in the equation"
        )
    letters = "".join(inputs)
    if not arrow:  # implicit output: the letters seen once, in alphabetical order
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    sizes = {}
    for i, (subscripts, operand) in enumerate(zip(inputs, operands)):
        if len(subscripts) != operand.ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(subscripts)}) does "
                f"not match the number of dimensions ({operand.ndim}) for operand {i} and no "
                "ellipsis was given"
            )
        for c, n in zip(subscripts, operand.shape):
            if sizes.setdefault(c, n) != n and 1 not in (n, sizes[c]):
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {n} for operand {i} which does not "
                    f"broadcast with previously seen size {sizes[c]}"
                )
        if operand.dtype is not operands[0].dtype:
            raise RuntimeError(
                f"expected scalar type {operands[0].dtype.short_name} but found "
                f"{operand.dtype.short_name}"
            )
        if len(set(subscripts)) != len(subscripts) and operand.requires_grad:
            raise NotImplementedError(
                f"einsum with a letter repeated in one operand ({subscripts!r}) has no backward "
                "in autograd_lesson: use diagonal() first"
            )
    return Einsum.apply(*operands, inputs=inputs, output=output)


def get_default_dtype():
    """The dtype of tensors made from Python floats (float32 unless set_default_dtype)."""
    return dtypes.DEFAULT_FLOAT


def set_default_dtype(d):
    if not isinstance(d, dtypes.dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    dtypes.DEFAULT_FLOAT = d


def logspace(start, end, steps, base=10.0, dtype=None, requires_grad=False, device=None):
    """base ** linspace(start, end, steps)."""
    dtype = dtype or dtypes.DEFAULT_FLOAT
    values = np.power(base, np.linspace(start, end, steps)).astype(dtype.numpy_dtype)
    return Tensor(values, requires_grad=requires_grad)


def tril_indices(row, col, offset=0, dtype=None, device=None):
    """The (row, column) indices of a row × col matrix's lower triangle, as a 2 × n tensor."""
    return Tensor(np.stack(np.tril_indices(row, offset, col)).astype(np.int64))


def triu_indices(row, col, offset=0, dtype=None, device=None):
    """The (row, column) indices of a row × col matrix's upper triangle, as a 2 × n tensor."""
    return Tensor(np.stack(np.triu_indices(row, offset, col)).astype(np.int64))


def matmul(input, other, *, out=None):  # noqa: A002 - PyTorch's argument name
    """input @ other (torch.matmul), also with out=."""
    if out is not None:
        return _into(out, "matmul", lambda: _matmul(input, other))
    return _matmul(input, other)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dimension."""
    if out is not None:
        return _into(out, "cat", lambda: cat(tensors, dim))
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


def stack(tensors, dim=0, *, out=None):
    """Join same-shaped tensors along a new dimension."""
    if out is not None:
        return _into(out, "stack", lambda: stack(tensors, dim))
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
    "argsort",
    "bmm",
    "cat",
    "ceil",
    "chunk",
    "clamp",
    "clone",
    "cos",
    "cumprod",
    "cumsum",
    "detach",
    "diag",
    "div",
    "dot",
    "einsum",
    "equal",
    "erf",
    "exp",
    "flatten",
    "flip",
    "floor",
    "floor_divide",
    "gather",
    "get_default_dtype",
    "index_select",
    "is_tensor",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "log",
    "log1p",
    "log_softmax",
    "logspace",
    "logsumexp",
    "masked_fill",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mul",
    "nan_to_num",
    "neg",
    "norm",
    "numel",
    "outer",
    "permute",
    "pow",
    "prod",
    "relu",
    "remainder",
    "reshape",
    "roll",
    "round",
    "scatter",
    "scatter_add",
    "set_default_dtype",
    "sigmoid",
    "sign",
    "sin",
    "softmax",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "std_mean",
    "sub",
    "sum",
    "t",
    "tanh",
    "topk",
    "transpose",
    "tril",
    "tril_indices",
    "triu",
    "triu_indices",
    "trunc",
    "unbind",
    "unflatten",
    "unsqueeze",
    "var",
    "var_mean",
    "where",
]
