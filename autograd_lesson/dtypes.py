"""PyTorch's dtypes (`torch.float32`, `torch.int64`, ...) and its type-promotion rule.

Each dtype wraps the NumPy dtype that stores its numbers. The promotion rule decides
the dtype of `a + b` when the two differ; it is PyTorch's, which differs from NumPy's
in two places a learner will meet:

* a Python number never widens a tensor: `float32_tensor * 2.5` stays float32, and
  `int64_tensor * 2.5` becomes float32 (the default float), not float64;
* a 0-d tensor only changes the result when it is of a higher *category*
  (bool < integer < floating point) than the tensors with dimensions.
"""

import numpy as np


class dtype:  # noqa: N801 - PyTorch spells it in lower case
    """A torch dtype. Error messages name it in other ways, as PyTorch's do: `short_name`
    ("Float", as in "Got: Float"), `c_name` ("float", the C++ type) and `tensor_type_name`
    ("torch.FloatTensor"). Every message takes these names from here."""

    def __init__(self, name, numpy_dtype, is_floating_point, short_name, c_name):
        self.name = name
        self.numpy_dtype = np.dtype(numpy_dtype)
        self.is_floating_point = is_floating_point
        self.short_name = short_name
        self.c_name = c_name

    @property
    def itemsize(self):
        return self.numpy_dtype.itemsize

    @property
    def tensor_type_name(self):
        """PyTorch's legacy name for a tensor of this dtype, e.g. "torch.FloatTensor"."""
        return f"torch.{self.short_name}Tensor"

    def __repr__(self):
        return f"torch.{self.name}"


float32 = dtype("float32", np.float32, True, "Float", "float")
float64 = dtype("float64", np.float64, True, "Double", "double")
float16 = dtype("float16", np.float16, True, "Half", "c10::Half")
int64 = dtype("int64", np.int64, False, "Long", "long int")
int32 = dtype("int32", np.int32, False, "Int", "int")
int16 = dtype("int16", np.int16, False, "Short", "short int")
int8 = dtype("int8", np.int8, False, "Char", "signed char")
uint8 = dtype("uint8", np.uint8, False, "Byte", "unsigned char")
bool = dtype("bool", np.bool_, False, "Bool", "bool")  # noqa: A001 - torch.bool, as in PyTorch

# The aliases PyTorch accepts for the same dtypes.
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16

_ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool)
_BY_NUMPY = {d.numpy_dtype: d for d in _ALL}

DEFAULT_FLOAT = float32
DEFAULT_INT = int64


def from_numpy(numpy_dtype):
    """The torch dtype that stores numbers like `numpy_dtype`."""
    try:
        return _BY_NUMPY[np.dtype(numpy_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(numpy_dtype)}. The only supported "
            "types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def category(d):
    """0 for bool, 1 for integers, 2 for floating point: the order promotion respects."""
    if d is bool:
        return 0
    return 2 if d.is_floating_point else 1


def default_for_category(cat):
    return {0: bool, 1: DEFAULT_INT, 2: DEFAULT_FLOAT}[cat]


def promote(a, b):
    """The dtype of a binary op's result, PyTorch's way.

    `a` and `b` are (dtype, ndim, is_python_number) triples.
    """
    (da, nda, num_a), (db, ndb, num_b) = a, b
    cat_a, cat_b = category(da), category(db)
    if cat_a != cat_b:
        # The higher category wins; a Python number of that category brings the default dtype.
        high_dtype, high_is_number = (da, num_a) if cat_a > cat_b else (db, num_b)
        if high_is_number:
            return default_for_category(max(cat_a, cat_b))
        return high_dtype
    # Same category: Python numbers and 0-d tensors defer to tensors with dimensions.
    rank_a = 0 if num_a else (1 if nda == 0 else 2)
    rank_b = 0 if num_b else (1 if ndb == 0 else 2)
    if rank_a != rank_b:
        return da if rank_a > rank_b else db
    return from_numpy(np.promote_types(da.numpy_dtype, db.numpy_dtype))
