"""Turning a list of samples into one batch: `default_collate`, and `default_convert`
(used when the DataLoader does not batch, batch_size=None).

default_collate follows the structure of the first sample, as PyTorch does:

    tensors               -> stacked along a new first dimension
    NumPy arrays/scalars  -> tensors, then stacked
    Python ints / floats  -> an int64 / float64 tensor (bools: a bool tensor)
    strings, bytes        -> left as a list
    dicts                 -> a dict of collated values, key by key
    tuples, lists         -> transposed: a list whose item k collates every sample's item k
                             (named tuples keep their type)
"""

import collections.abc
import copy

import numpy as np

from ... import dtypes
from ...creation import as_tensor, tensor
from ...functions import stack
from ...tensor import Tensor

COLLATE_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _holds_text_or_objects(array):
    """Arrays of strings, bytes or Python objects have no tensor counterpart."""
    return array.dtype.kind in "SaUO"


def default_collate(batch):
    """Merge a list of samples into a batch (see the module docstring for the rules)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if _holds_text_or_objects(elem):
            raise TypeError(COLLATE_ERROR.format(elem.dtype))
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, np.bool_ | np.number | np.object_):
        return as_tensor(np.asarray(batch))  # NumPy scalars keep their dtype
    if isinstance(elem, float):
        return tensor(batch, dtype=dtypes.float64)
    if isinstance(elem, int):  # bools too: they give a bool tensor
        return tensor(batch)
    if isinstance(elem, str | bytes):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
        return _same_kind_of_mapping(elem, collated)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a named tuple
        return type(elem)(*(default_collate(items) for items in zip(*batch, strict=True)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # zip gives each column as a tuple: a column of strings stays a tuple, as in PyTorch
        columns = [default_collate(items) for items in zip(*batch, strict=True)]
        if isinstance(elem, tuple):
            return columns  # a list, not a tuple: PyTorch keeps this for compatibility
        return _same_kind_of_sequence(elem, columns)
    raise TypeError(COLLATE_ERROR.format(type(elem)))


def default_convert(data):
    """NumPy arrays and scalars (also inside dicts, tuples and lists) become tensors;
    nothing is batched. Anything else is returned as it is."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _holds_text_or_objects(data) else as_tensor(data)
    if isinstance(data, np.bool_ | np.number):
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        return _same_kind_of_mapping(data, converted)
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a named tuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, str | bytes):
        return _same_kind_of_sequence(data, [default_convert(d) for d in data])
    return data


def _same_kind_of_mapping(original, values):
    """`values` (a dict) in the mapping type of `original` when that type can be rebuilt
    (an OrderedDict stays one, a defaultdict keeps its default); a plain dict otherwise."""
    try:
        if isinstance(original, collections.abc.MutableMapping):
            clone = copy.copy(original)
            clone.update(values)
            return clone
        return type(original)(values)
    except TypeError:
        return values


def _same_kind_of_sequence(original, items):
    """`items` (a list) in the sequence type of `original` when that type can be rebuilt."""
    try:
        if isinstance(original, collections.abc.MutableSequence):
            clone = copy.copy(original)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(original)(items)
    except TypeError:
        return items
