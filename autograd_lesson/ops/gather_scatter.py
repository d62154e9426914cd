"""Moving elements by an index tensor: gather, scatter, scatter_add, index_select, the
embedding lookup, and sort/topk (a gather by the sorting order).

What a gather reads, its gradient adds back (a scatter-add into zeros), and what a scatter
writes, its gradient reads back (a gather): the two are each other's backward.
"""

import numpy as np

from ..function import Function


def along(index, dim):
    """The NumPy key that reads a[i][index[i][j]] (for dim=1): index at `dim`, and at every
    other dim the position itself."""
    key = list(np.indices(index.shape, sparse=True))
    key[dim] = index
    return tuple(key)


def added_into_zeros(shape, key, values):
    """zeros(shape) with `values` added at `key` (a position picked twice gets both)."""
    out = np.zeros_like(values, shape=shape)
    np.add.at(out, key, values)
    return out


def leading_block(shape):
    """The key of the corner of a larger tensor that a smaller `shape` covers."""
    return tuple(slice(0, n) for n in shape)


class Gather(Function):
    """out[i][j] = a[i][index[i][j]] (dim=1)
    ∂loss/∂a = each gradient added back where it was read (zero elsewhere)"""

    name_in_pytorch = "GatherBackward0"

    def forward(self, a, dim, index):
        self.dim, self.input_shape = dim, a.shape
        self.save_for_backward(index)  # as PyTorch: backward needs it, and frees it after
        return a[along(index, dim)]

    def backward(self, grad):
        (index,) = self.saved_tensors
        return added_into_zeros(self.input_shape, along(np.asarray(index), self.dim), grad)


class Sort(Gather):
    """values = a sorted along dim: a gather by the sorting order
    ∂loss/∂a = each gradient put back where its value came from"""

    name_in_pytorch = "SortBackward0"


class Topk(Gather):
    """values = the k largest (or smallest) along dim: a gather by their indices
    ∂loss/∂a = each gradient put back where its value came from, 0 elsewhere"""

    name_in_pytorch = "TopkBackward0"


class Scatter(Function):
    """out = a, then out[i][index[i][j]] = src[i][j] (dim=1)
    ∂out/∂a = 1 where nothing was written, else 0;  ∂loss/∂src = grad read back at index"""

    name_in_pytorch = "ScatterBackward0"

    def forward(self, a, src, dim, index):
        self.dim, self.src_shape = dim, src.shape
        self.save_for_backward(index)
        key = along(index, dim)
        out = a.copy()
        out[key] = src[leading_block(index.shape)]
        self.written = np.zeros(a.shape, dtype=bool)
        self.written[key] = True
        return out

    def backward(self, grad):
        (index,) = self.saved_tensors
        key = along(np.asarray(index), self.dim)
        return np.where(self.written, 0, grad), read_back(grad, key, self.src_shape)


def read_back(grad, key, src_shape):
    """grad[key], in the corner of a zero gradient shaped like src (src may be larger)."""
    picked = grad[key]
    if tuple(picked.shape) == tuple(src_shape):
        return picked
    return added_into_zeros(src_shape, leading_block(picked.shape), picked)


class ScatterValue(Function):
    """out = a, then out[i][index[i][j]] = value (dim=1)    ∂out/∂a = 0 where written, else 1"""

    name_in_pytorch = "ScatterBackward1"

    def forward(self, a, dim, index, value):
        self.save_for_backward(index)  # unused by backward, but saved (and freed) as PyTorch's
        key = along(index, dim)
        out = a.copy()
        out[key] = value
        self.written = np.zeros(a.shape, dtype=bool)
        self.written[key] = True
        return out

    def backward(self, grad):
        self.saved_tensors  # noqa: B018 - raises, as PyTorch does, once backward freed them
        return np.where(self.written, 0, grad)


class ScatterAdd(Function):
    """out = a, then out[i][index[i][j]] += src[i][j] (dim=1)
    ∂out/∂a = 1,  ∂loss/∂src = grad read back at index"""

    name_in_pytorch = "ScatterAddBackward0"

    def forward(self, a, src, dim, index):
        self.dim, self.src_shape = dim, src.shape
        self.save_for_backward(index)
        out = a.copy()
        np.add.at(out, along(index, dim), src[leading_block(index.shape)])
        return out

    def backward(self, grad):
        (index,) = self.saved_tensors
        return grad, read_back(grad, along(np.asarray(index), self.dim), self.src_shape)


class IndexSelect(Function):
    """out = a's slices number index[0], index[1], ... along dim
    ∂loss/∂a = each slice's gradient added back where it was read (twice if read twice)"""

    name_in_pytorch = "IndexSelectBackward0"

    def forward(self, a, dim, index):
        self.dim, self.input_shape = dim, a.shape
        self.save_for_backward(index)
        return a[(slice(None),) * dim + (index,)]

    def backward(self, grad):
        (index,) = self.saved_tensors
        key = (slice(None),) * self.dim + (np.asarray(index),)
        return added_into_zeros(self.input_shape, key, grad)


class Embedding(Function):
    """out[...] = weight[indices[...]]: a row of weight per index
    ∂loss/∂weight[r] = Σ the gradients of the places that read row r (none for padding_idx)"""

    name_in_pytorch = "EmbeddingBackward0"

    def forward(self, weight, indices, padding_idx):
        self.weight_shape = weight.shape
        self.counted = indices != (-1 if padding_idx is None else padding_idx)
        self.save_for_backward(indices)
        return weight[indices]

    def backward(self, grad):
        (indices,) = self.saved_tensors
        grad = np.where(np.expand_dims(self.counted, -1), grad, 0)
        return added_into_zeros(self.weight_shape, (np.asarray(indices),), grad)
