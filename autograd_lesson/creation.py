"""Making tensors: `tensor`, `zeros`, `ones`, `arange`, `rand`, `randn`, ... and `*_like`.

Default dtypes follow PyTorch: Python floats give float32, Python ints int64, bools bool;
a NumPy array keeps its own dtype.
"""

import numbers

import numpy as np

from . import dtypes
from . import random as _random
from .device import check_creation_device
from .tensor import Size, Tensor


def _infer_array(data, dtype):
    """`data` as an array with PyTorch's default dtype for it (or the dtype asked for)."""
    if isinstance(data, Tensor):
        array = data._data
    elif isinstance(data, np.ndarray | np.generic):
        array = np.asarray(data)
    else:
        array = np.asarray(_unwrap(data))
        _check_python_numbers_fit(array, dtype)
        if array.dtype.kind == "f":
            with np.errstate(over="ignore"):  # 1e40 as float32 is inf, without a word
                array = array.astype(dtypes.DEFAULT_FLOAT.numpy_dtype)
        elif array.dtype.kind in "iu":
            array = array.astype(np.int64)
        elif array.dtype.kind != "b":
            raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if dtype is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            array = array.astype(dtype.numpy_dtype)
    return array


def _check_python_numbers_fit(array, dtype):
    """Python numbers that the dtype cannot hold are an error in PyTorch, never wrapped
    around: 300 as uint8, 70000 as int16, 1e20 as int64, 2**63 at all."""
    if array.dtype.kind == "O" or array.dtype == np.uint64:
        raise ValueError("Overflow when unpacking long long")
    if dtype is None or dtype.is_floating_point or dtype is dtypes.bool or array.size == 0:
        return
    info = np.iinfo(dtype.numpy_dtype)
    # As PyTorch's check: an unsigned type also takes negatives down to -max (they wrap).
    low = -int(info.max) if info.min == 0 else int(info.min)
    values = array[np.isfinite(array)] if array.dtype.kind == "f" else array
    if values.size and (values.max() > info.max or values.min() < low):
        raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")


def _unwrap(data):
    """Lists may hold 0-d tensors (`[x.sum(), y.sum()]`): take their numbers."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, list | tuple):
        return [_unwrap(d) for d in data]
    return data


def tensor(data, dtype=None, requires_grad=False, device=None):
    """A new leaf tensor holding a copy of `data`."""
    check_creation_device(device, "tensor")
    array = np.array(_infer_array(data, dtype), copy=True)
    if requires_grad and array.dtype.kind not in "f":
        # PyTorch words this check differently here than in requires_grad_().
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return Tensor(array, requires_grad=requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like `tensor`, but shares memory with a NumPy array when it can."""
    check_creation_device(device, "as_tensor")
    if isinstance(data, Tensor) and dtype in (None, data.dtype):
        return data
    return Tensor(_infer_array(data, dtype))


def from_numpy(array):
    """A tensor sharing memory with `array`: changing one changes the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor(array)


def _size(size):
    """Accept zeros(2, 3), zeros((2, 3)) and zeros(torch.Size([2, 3]))."""
    if len(size) == 1 and isinstance(size[0], tuple | list):
        size = size[0]
    for n in size:
        if not isinstance(n, numbers.Integral):
            raise TypeError(
                f"zeros(): argument 'size' must be tuple of ints, but found element of type "
                f"{type(n).__name__}"
            )
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(size)}")
    return tuple(int(n) for n in size)


def _make(array, dtype, requires_grad):
    dtype = dtype or dtypes.DEFAULT_FLOAT
    return Tensor(np.asarray(array, dtype=dtype.numpy_dtype), requires_grad=requires_grad)


def zeros(*size, dtype=None, requires_grad=False, device=None):
    check_creation_device(device, "zeros")
    return _make(np.zeros(_size(size)), dtype, requires_grad)


def ones(*size, dtype=None, requires_grad=False, device=None):
    check_creation_device(device, "ones")
    return _make(np.ones(_size(size)), dtype, requires_grad)


def empty(*size, dtype=None, requires_grad=False, device=None):
    check_creation_device(device, "empty")
    # PyTorch leaves the memory uninitialised; zeros keep notebook output reproducible.
    return zeros(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def full(size, fill_value, dtype=None, requires_grad=False, device=None):
    check_creation_device(device, "full")
    if dtype is None:
        dtype = dtypes.from_numpy(_infer_array(fill_value, None).dtype)
    return _make(np.full(_size((size,)), fill_value), dtype, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False, device=None):
    check_creation_device(device, "eye")
    return _make(np.eye(n, m), dtype, requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False, device=None):
    check_creation_device(device, "arange")
    if end is None:
        start, end = 0, start
    if dtype is None:
        all_ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
        dtype = dtypes.int64 if all_ints else dtypes.DEFAULT_FLOAT
    return _make(np.arange(start, end, step), dtype, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False, device=None):
    check_creation_device(device, "linspace")
    return _make(np.linspace(start, end, steps), dtype, requires_grad)


def rand(*size, generator=None, dtype=None, requires_grad=False, device=None):
    """Uniform random numbers in [0, 1): PyTorch's numbers for the same seed."""
    check_creation_device(device, "rand")
    dtype = dtype or dtypes.DEFAULT_FLOAT
    values = _random.uniform(_size(size), dtype.numpy_dtype, 0.0, 1.0, generator)
    return Tensor(values, requires_grad=requires_grad)


def randn(*size, generator=None, dtype=None, requires_grad=False, device=None):
    """Standard normal random numbers (mean 0, standard deviation 1), as PyTorch draws them."""
    check_creation_device(device, "randn")
    dtype = dtype or dtypes.DEFAULT_FLOAT
    values = _random.normal(_size(size), dtype.numpy_dtype, 0.0, 1.0, generator)
    return Tensor(values, requires_grad=requires_grad)


def randint(
    low, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False
):
    """Random integers in [low, high); `randint(high, size)` starts at 0, as in PyTorch."""
    check_creation_device(device, "randint")
    if size is None:
        low, high, size = 0, low, high
    values = _random.randint(_size((size,)), int(low), int(high), generator)
    return _make(values, dtype or dtypes.int64, requires_grad)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random ordering of 0, 1, ..., n-1 (PyTorch's shuffle of it)."""
    check_creation_device(device, "randperm")
    return _make(_random.randperm(n, generator), dtype or dtypes.int64, requires_grad)


def normal(mean, std=1.0, size=None, generator=None, dtype=None, requires_grad=False):
    """Normal random numbers; `mean` and `std` are numbers (with a size) or tensors.

    With tensors PyTorch draws standard normals z, then computes z·std + mean in two steps.
    """
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError(_NORMAL_SIGNATURES.format(type(mean).__name__, type(std).__name__))
        dtype = dtype or dtypes.DEFAULT_FLOAT
        values = _random.normal(_size((size,)), dtype.numpy_dtype, mean, std, generator)
        return Tensor(values, requires_grad=requires_grad)
    mean_array = mean._data if isinstance(mean, Tensor) else None
    std_array = std._data if isinstance(std, Tensor) else None
    like = mean_array if std_array is None else std_array if mean_array is None else None
    if like is None:
        like = np.broadcast_arrays(mean_array, std_array)[0]
    if std_array is None:  # normal(Tensor, float): N(0, std²) + mean
        values = _random.normal(like.shape, like.dtype, 0.0, std, generator) + mean_array
    else:  # a tensor std: z * std + mean
        z = _random.normal(like.shape, like.dtype, 0.0, 1.0, generator)
        values = z * std_array + (mean_array if mean_array is not None else like.dtype.type(mean))
    return Tensor(values.astype(like.dtype), requires_grad=requires_grad)


_NORMAL_SIGNATURES = """normal() received an invalid combination of arguments - got ({}, {}), \
but expected one of:
 * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)
 * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)
 * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)
 * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, \
Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, \
torch.device device = None, bool pin_memory = False, bool requires_grad = False)
"""


def bernoulli(input, p=None, generator=None):  # noqa: A002 - PyTorch's argument name
    """1 or 0 per element: 1 with the probability the element holds (or `p`, if given)."""
    if p is not None:
        values = _random.bernoulli_scalar(input.shape, p, generator)
    else:
        values = _random.bernoulli_tensor(input._data, generator)
    return Tensor(values.astype(input._data.dtype))


def zeros_like(t, dtype=None, requires_grad=False, device=None):
    check_creation_device(t.device if device is None else device, "zeros_like")
    return zeros(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, device=t.device)


def ones_like(t, dtype=None, requires_grad=False, device=None):
    check_creation_device(t.device if device is None else device, "ones_like")
    return ones(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, device=t.device)


def full_like(t, fill_value, dtype=None, requires_grad=False, device=None):
    check_creation_device(t.device if device is None else device, "full_like")
    return full(
        t.shape, fill_value, dtype=dtype or t.dtype, requires_grad=requires_grad, device=t.device
    )


def empty_like(t, dtype=None, requires_grad=False, device=None):
    check_creation_device(t.device if device is None else device, "empty_like")
    return zeros_like(t, dtype=dtype, requires_grad=requires_grad)


def rand_like(t, dtype=None, requires_grad=False, generator=None, device=None):
    check_creation_device(t.device if device is None else device, "rand_like")
    return rand(
        t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, generator=generator,
        device=t.device,
    )  # fmt: skip


def randn_like(t, dtype=None, requires_grad=False, generator=None, device=None):
    check_creation_device(t.device if device is None else device, "randn_like")
    return randn(
        t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, generator=generator,
        device=t.device,
    )  # fmt: skip


__all__ = [
    "Size",
    "arange",
    "as_tensor",
    "bernoulli",
    "empty",
    "empty_like",
    "eye",
    "from_numpy",
    "full",
    "full_like",
    "linspace",
    "normal",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
    "tensor",
    "zeros",
    "zeros_like",
]
