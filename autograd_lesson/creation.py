"""Making tensors: `tensor`, `zeros`, `ones`, `arange`, `rand`, `randn`, ... and `*_like`.

Default dtypes follow PyTorch: Python floats give float32, Python ints int64, bools bool;
a NumPy array keeps its own dtype.
"""

import numbers

import numpy as np

from . import dtypes
from .device import check_creation_device
from .random import rng
from .tensor import Size, Tensor


def _infer_array(data, dtype):
    """`data` as an array with PyTorch's default dtype for it (or the dtype asked for)."""
    if isinstance(data, Tensor):
        array = data._data
    elif isinstance(data, np.ndarray | np.generic):
        array = np.asarray(data)
    else:
        array = np.asarray(_unwrap(data))
        if array.dtype.kind == "f":
            array = array.astype(dtypes.DEFAULT_FLOAT.numpy_dtype)
        elif array.dtype.kind in "iu":
            array = array.astype(np.int64)
        elif array.dtype.kind != "b":
            raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if dtype is not None:
        array = array.astype(dtype.numpy_dtype)
    return array


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
    """Uniform random numbers in [0, 1)."""
    check_creation_device(device, "rand")
    dtype = dtype or dtypes.DEFAULT_FLOAT
    values = rng(generator).random(_size(size), dtype=dtype.numpy_dtype)
    return Tensor(values, requires_grad=requires_grad)


def randn(*size, generator=None, dtype=None, requires_grad=False, device=None):
    """Standard normal random numbers (mean 0, standard deviation 1)."""
    check_creation_device(device, "randn")
    dtype = dtype or dtypes.DEFAULT_FLOAT
    values = rng(generator).standard_normal(_size(size), dtype=dtype.numpy_dtype)
    return Tensor(values, requires_grad=requires_grad)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None):
    """Random integers in [low, high); `randint(high, size)` starts at 0, as in PyTorch."""
    check_creation_device(device, "randint")
    if size is None:
        low, high, size = 0, low, high
    values = rng(generator).integers(low, high, _size((size,)))
    return _make(values, dtype or dtypes.int64, False)


def randperm(n, generator=None, dtype=None, device=None):
    """A random ordering of 0, 1, ..., n-1."""
    check_creation_device(device, "randperm")
    return _make(rng(generator).permutation(n), dtype or dtypes.int64, False)


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
    "empty",
    "empty_like",
    "eye",
    "from_numpy",
    "full",
    "full_like",
    "linspace",
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
