"""Spellings from PyTorch's early days that torch 2.13 still accepts, so old code runs:

    torch.Tensor([1, 2])         a float tensor (the default dtype), not int64 as torch.tensor
    torch.Tensor(2, 3)           a 2 × 3 tensor (uninitialised in PyTorch; zeros here)
    torch.FloatTensor([1, 2])    and LongTensor, DoubleTensor, ...: a tensor of that dtype;
                                 isinstance(x, torch.FloatTensor) asks for a float32 tensor
    Variable(x)                  x itself in a new tensor object (Variables and Tensors merged
                                 in PyTorch 0.4); Variable(x, requires_grad=True) a leaf
"""

import numpy as np

from . import dtypes
from .tensor import Size, Tensor


def tensor_data(data, sizes, dtype):
    """The array a legacy constructor makes from its arguments (`data` is the first one)."""
    if data is None and not sizes:
        return np.zeros(0, dtype=dtype.numpy_dtype)  # torch.Tensor(): empty
    if isinstance(data, Size) or isinstance(data, int) and not isinstance(data, bool):
        shape = tuple(data) if isinstance(data, Size) else (data, *sizes)
        return np.zeros(shape, dtype=dtype.numpy_dtype)  # torch.Tensor(2, 3)
    if isinstance(data, Tensor):
        return data._data  # the same memory, as PyTorch's torch.Tensor(t)
    if not isinstance(data, list | tuple):
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    from .creation import tensor

    return tensor(data, dtype=dtype)._data


class _LegacyTensorType(type):
    """The type of torch.FloatTensor & co.: calling it makes a tensor of its dtype, and
    isinstance(x, torch.FloatTensor) is True for a float32 tensor."""

    def __call__(cls, *args):
        first, sizes = (args[0], args[1:]) if args else (None, ())
        if isinstance(first, Tensor) and first.dtype is not cls.dtype:
            raise TypeError(f"expected {_options(cls.dtype)} (got {_options(first.dtype)})")
        if isinstance(first, Tensor):
            return Tensor(first._data)
        return Tensor(tensor_data(first, sizes, cls.dtype))

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _options(dtype):
    return (
        f"TensorOptions(dtype={dtype.c_name}, device=cpu, layout=Strided, requires_grad=false "
        "(default), pinned_memory=false (default), memory_format=(nullopt))"
    )


class FloatTensor(metaclass=_LegacyTensorType):
    dtype = dtypes.float32


class DoubleTensor(metaclass=_LegacyTensorType):
    dtype = dtypes.float64


class HalfTensor(metaclass=_LegacyTensorType):
    dtype = dtypes.float16


class LongTensor(metaclass=_LegacyTensorType):
    dtype = dtypes.int64


class IntTensor(metaclass=_LegacyTensorType):
    dtype = dtypes.int32


class ShortTensor(metaclass=_LegacyTensorType):
    dtype = dtypes.int16


class CharTensor(metaclass=_LegacyTensorType):
    dtype = dtypes.int8


class ByteTensor(metaclass=_LegacyTensorType):
    dtype = dtypes.uint8


class BoolTensor(metaclass=_LegacyTensorType):
    dtype = dtypes.bool


def Variable(data, requires_grad=False, volatile=False):  # noqa: N802 - PyTorch's name
    """torch.autograd.Variable: since PyTorch 0.4 a Variable is a Tensor. Returns a new
    leaf sharing data's memory, requiring grad if asked."""
    if not isinstance(data, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    return data.detach().requires_grad_(requires_grad)
