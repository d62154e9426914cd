"""More Tensor methods: ordering (sort, topk), gather/scatter, running totals, rounding,
`//` and `%`, flips and rolls, triangles, logsumexp, tests for nan/inf, `new_*` creation.

Each is a function of `self` that tensor.py binds as a method (`Tensor.sort = sort`); the
ops they record live in ops/ (gather_scatter.py, scan.py, rounding.py, rearrange.py,
statistics.py, activation.py).
"""

import numbers

import numpy as np

from . import dtypes, inplace
from . import tensor as tensor_module
from .dims import wrap_dim
from .ops import activation as act
from .ops import gather_scatter as gs
from .ops import rearrange as rr
from .ops import rounding as rd
from .ops import scan
from .ops import statistics as st


def _tensor(array):
    return tensor_module.Tensor(array)


def return_types(kind, values, indices):
    """torch.return_types.sort / .topk: tensor.py's named pair (values, indices) of max(dim),
    printed under the name `kind`."""
    if kind not in _RETURN_TYPES:
        base = tensor_module.return_types_max
        _RETURN_TYPES[kind] = type(f"return_types_{kind}", (base,), {"_kind": kind})
    return _RETURN_TYPES[kind](values, indices)


_RETURN_TYPES = {}


# ---------------------------------------------------------------------- ordering


def _sort_order(data, dim, descending):
    """Indices that sort `data` along dim; stable, so ties keep their order (as PyTorch's CPU
    sort does, also when descending)."""
    if data.ndim == 0:
        return np.zeros((), dtype=np.int64)
    if descending:
        keys = -data.astype(np.int64) if data.dtype.kind in "bu" else -data
        return np.argsort(keys, axis=dim, kind="stable")
    return np.argsort(data, axis=dim, kind="stable")


def sort(self, dim=-1, descending=False, stable=False):
    dim = wrap_dim(dim, self.ndim)
    order = _sort_order(self._data, dim, descending)
    if self.ndim == 0:
        return return_types("sort", self.clone(), _tensor(order))
    values = gs.Sort.apply(self, dim=dim, index=order)
    return return_types("sort", values, _tensor(order.astype(np.int64)))


def argsort(self, dim=-1, descending=False, stable=False):
    dim = wrap_dim(dim, self.ndim)
    return _tensor(_sort_order(self._data, dim, descending).astype(np.int64))


def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002 - PyTorch's argument name
    """The k largest (or smallest) along dim, sorted, and where they were. Tied values come
    in their original order here; PyTorch leaves the order of ties unspecified, and its CPU
    kernel (a partial sort) may give their indices in another order."""
    dim = wrap_dim(dim, self.ndim)
    size = self.shape[dim] if self.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    order = _sort_order(self._data, dim, descending=largest)
    if self.ndim == 0:
        return return_types("topk", self.clone(), _tensor(order))
    index = np.take(order, np.arange(k), axis=dim).astype(np.int64)
    return return_types("topk", gs.Topk.apply(self, dim=dim, index=index), _tensor(index))


# ---------------------------------------------------------------------- gather and scatter


def _check_index(self, dim, index, name, src=None):
    """PyTorch's checks for gather/scatter: dtype, rank, sizes, bounds."""
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index.ndim != self.ndim and not (index.ndim <= 1 and self.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    if src is not None and src.dtype is not self.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
    for d in range(index.ndim):
        too_big = d != dim and index.shape[d] > self.shape[d]
        if too_big or (src is not None and index.shape[d] > src.shape[d]):
            shown = "" if src is None else f" and to be no larger size than src {list(src.shape)}"
            raise RuntimeError(
                f"Expected index {list(index.shape)} to be no larger than self "
                f"{list(self.shape)} apart from dimension {dim}{shown}"
            )
    values = index._data
    size = self.shape[dim] if self.ndim else 1
    bad = values[(values < -size) | (values >= size)] if values.size else values
    if bad.size:
        raise RuntimeError(
            f"index {bad.flat[0]} is out of bounds for dimension {dim} with size {size}"
        )
    return np.where(values < 0, values + size, values).astype(np.int64).reshape(index.shape)


def gather(self, dim, index, *, sparse_grad=False):
    dim = wrap_dim(dim, self.ndim)
    return gs.Gather.apply(self, dim=dim, index=_check_index(self, dim, index, "gather"))


def _scatter_operands(self, dim, index, src, value, name):
    dim = wrap_dim(dim, self.ndim)
    if src is None and value is None:
        raise TypeError(f"{name}() missing 1 required positional argument: 'src' or 'value'")
    if src is not None and not isinstance(src, tensor_module.Tensor):
        src, value = None, src  # x.scatter(dim, index, 1.): a number in src's place
    return dim, _check_index(self, dim, index, name, src), src, value


def scatter(self, dim, index, src=None, value=None, *, reduce=None):
    if reduce is not None:
        raise NotImplementedError("autograd_lesson's scatter has no `reduce` argument")
    dim, index, src, value = _scatter_operands(self, dim, index, src, value, "scatter")
    if src is None:
        return gs.ScatterValue.apply(self, dim=dim, index=index, value=value)
    return gs.Scatter.apply(self, src, dim=dim, index=index)


def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    if reduce is not None:
        raise NotImplementedError("autograd_lesson's scatter_ has no `reduce` argument")
    dim, index, src, value = _scatter_operands(self, dim, index, src, value, "scatter")
    if src is None:
        return inplace.apply_inplace(gs.ScatterValue, self, dim=dim, index=index, value=value)
    return inplace.apply_inplace(gs.Scatter, self, src, dim=dim, index=index)


def scatter_add(self, dim, index, src):
    dim = wrap_dim(dim, self.ndim)
    index = _check_index(self, dim, index, "scatter_add", src)
    return gs.ScatterAdd.apply(self, src, dim=dim, index=index)


def scatter_add_(self, dim, index, src):
    dim = wrap_dim(dim, self.ndim)
    index = _check_index(self, dim, index, "scatter_add", src)
    return inplace.apply_inplace(gs.ScatterAdd, self, src, dim=dim, index=index)


def index_select(self, dim, index):
    dim = wrap_dim(dim, self.ndim)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    values = index._data.reshape(-1).astype(np.int64)
    size = self.shape[dim] if self.ndim else 1
    bad = values[(values < 0) | (values >= size)]
    if bad.size:
        raise RuntimeError(
            f"INDICES element is out of DATA bounds, id={bad[0]} axis_dim={size}"
        )
    return gs.IndexSelect.apply(self, dim=dim, index=values)


# ---------------------------------------------------------------------- running totals


def _scan(self, op, dim, dtype):
    dim = wrap_dim(dim, self.ndim)
    if dtype is None and not self.dtype.is_floating_point:
        dtype = dtypes.int64  # as sum: integers and bools add up as int64
    source = self if dtype is None else self.to(dtype)
    if self.ndim == 0:
        return op.apply(source.reshape(1), dim=0).reshape(())
    return op.apply(source, dim=dim)


def cumsum(self, dim, dtype=None):
    return _scan(self, scan.Cumsum, dim, dtype)


def cumprod(self, dim, dtype=None):
    return _scan(self, scan.Cumprod, dim, dtype)


def logsumexp(self, dim, keepdim=False):
    source = self if self.dtype.is_floating_point else self.to(dtypes.DEFAULT_FLOAT)
    return st.Logsumexp.apply(source, dim=dim, keepdim=keepdim)


# ---------------------------------------------------------------------- rounding, // and %


def _rounding(self, op, **options):
    if not self.dtype.is_floating_point:
        return self.clone()  # integers are whole already (PyTorch returns a copy)
    return op.apply(self, **options)


def round(self, decimals=0):  # noqa: A001 - PyTorch's name
    if decimals:
        return _rounding(self, rd.RoundDecimals, decimals=decimals)
    return _rounding(self, rd.Round)


def floor(self):
    return _rounding(self, rd.Floor)


def ceil(self):
    return _rounding(self, rd.Ceil)


def trunc(self):
    return _rounding(self, rd.Trunc)


def remainder(self, other):
    """self % other, with the sign of other (Python's rule, and PyTorch's)."""
    if isinstance(other, tensor_module.Tensor):
        return rd.RemainderTensor.apply(*self._binary(other))
    a, number = self._binary(other)
    if not a.dtype.is_floating_point and number.item() == 0:
        raise RuntimeError("ZeroDivisionError")
    return rd.Remainder.apply(a, divisor=number._data)


def rremainder(self, other):
    """number % tensor."""
    a, b = self._binary(other)
    return rd.RemainderTensor.apply(b, a)


def floor_divide(self, other):
    a, b = self._binary(other)
    if not a.dtype.is_floating_point and np.any(b._data == 0):
        raise RuntimeError("ZeroDivisionError")
    return rd.FloorDivide.apply(a, b)


def rfloor_divide(self, other):
    a, b = self._binary(other)
    return floor_divide(b, a)


def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
    if not self.dtype.is_floating_point:
        return self.clone()
    return rd.NanToNum.apply(self, nan=nan, posinf=posinf, neginf=neginf)


def minimum(self, other):
    a, b = self._binary(other)
    return rd.Minimum.apply(a, b)


def isnan(self):
    return _tensor(np.isnan(self._data))


def isinf(self):
    return _tensor(np.isinf(self._data))


def isfinite(self):
    return _tensor(np.isfinite(self._data))


def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.allclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _tensor(np.isclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def erf(self):
    return act.Erf.apply(self._as_float())


# ---------------------------------------------------------------------- flips, rolls, triangles


def flip(self, *dims):
    dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], list | tuple) else dims
    wrapped = tuple(wrap_dim(d, self.ndim) for d in dims)
    for d in wrapped:
        if wrapped.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return rr.Flip.apply(self, dims=wrapped)


def roll(self, shifts, dims=None):
    if dims is None:
        return rr.Roll.apply(self, shifts=_ints(shifts)[0] if _many(shifts) else shifts, dims=None)
    shifts, dims = _ints(shifts), _ints(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    dims = tuple(wrap_dim(d, self.ndim) for d in dims)
    return rr.Roll.apply(self, shifts=shifts, dims=dims)


def _many(value):
    return isinstance(value, list | tuple)


def _ints(value):
    return tuple(int(v) for v in value) if _many(value) else (int(value),)


def _triangle(self, op, diagonal, name):
    if self.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return op.apply(self, diagonal=diagonal)


def tril(self, diagonal=0):
    return _triangle(self, rr.Tril, diagonal, "tril")


def triu(self, diagonal=0):
    return _triangle(self, rr.Triu, diagonal, "triu")


def unflatten(self, dim, sizes):
    """Split dimension `dim` into `sizes` (one may be -1): a view."""
    dim = wrap_dim(dim, self.ndim)
    sizes = tuple(int(n) for n in sizes)
    known = int(np.prod([n for n in sizes if n != -1]))
    if -1 not in sizes and known != self.shape[dim]:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
            f"{dim} ({self.shape[dim]}) in the input tensor"
        )
    return self.view(*self.shape[:dim], *sizes, *self.shape[dim + 1 :])


# ---------------------------------------------------------------------- new_* creation


def _new(self, array, dtype, requires_grad):
    array = np.asarray(array, dtype=(dtype or self.dtype).numpy_dtype)
    return tensor_module.Tensor(array, requires_grad=requires_grad)


def _sizes(size):
    if len(size) == 1 and isinstance(size[0], list | tuple):
        size = size[0]
    return tuple(int(n) for n in size)


def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding `data`, with this tensor's dtype unless another is given."""
    from .creation import tensor

    values = data._data if isinstance(data, tensor_module.Tensor) else data
    return tensor(values, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    return _new(self, np.zeros(_sizes(size)), dtype, requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    return _new(self, np.ones(_sizes(size)), dtype, requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    # PyTorch leaves the memory uninitialised; zeros keep outputs reproducible.
    return _new(self, np.zeros(_sizes(size)), dtype, requires_grad)


def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    if not isinstance(fill_value, numbers.Number):
        raise TypeError(
            "new_full(): argument 'fill_value' (position 2) must be Number, not "
            f"{type(fill_value).__name__}"
        )
    return _new(self, np.full(_sizes((size,)), fill_value), dtype, requires_grad)


# ---------------------------------------------------------------------- statistics


def std_mean(self, dim=None, unbiased=True, keepdim=False, *, correction=None):
    """(std, mean) in one call: torch.std_mean."""
    return _spread_mean(self, st.StdOfStdMean, st.MeanOfStdMean, dim, unbiased, keepdim,
                        correction, "std_mean")


def var_mean(self, dim=None, unbiased=True, keepdim=False, *, correction=None):
    """(var, mean) in one call: torch.var_mean."""
    return _spread_mean(self, st.VarOfVarMean, st.MeanOfVarMean, dim, unbiased, keepdim,
                        correction, "var_mean")


def _spread_mean(self, spread_op, mean_op, dim, unbiased, keepdim, correction, name):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    name_of_spread = name.split("_")[0]
    spread = self._spread(spread_op, name_of_spread, dim, unbiased, keepdim, correction)
    return spread, mean_op.apply(self, dim=dim, keepdim=keepdim)

