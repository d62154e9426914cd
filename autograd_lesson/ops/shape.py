"""Operations that move elements around without changing their values: views, transposes,
indexing, joining. Their backward puts each gradient back where its element came from.
"""

import numpy as np

from ..function import Function


class View(Function):
    """out = a laid out in a new shape    ∂loss/∂a = grad laid back in a's shape"""

    name_in_pytorch = "ViewBackward0"
    is_view = True

    def forward(self, a, shape):
        self.input_shape = a.shape
        return a.reshape(shape)

    def backward(self, grad):
        return grad.reshape(self.input_shape)


class ReshapeAlias(View):
    """`reshape` of a strided view that needs no copy (a column `m[:, 0]`)    ∂loss/∂a as View"""

    name_in_pytorch = "ReshapeAliasBackward0"


class UnsafeView(View):
    """`reshape` of a freshly copied (or computed) array    ∂loss/∂a as View
    (PyTorch names this node apart from View because nothing else can see the memory)"""

    name_in_pytorch = "UnsafeViewBackward0"
    is_view = False  # a view of a copy nobody else holds: the result owns its memory


class Alias(Function):
    """out = a, as a new tensor (`x[...]`)    ∂out/∂a = 1"""

    name_in_pytorch = "AliasBackward0"
    is_view = True

    def forward(self, a):
        return a.view()

    def backward(self, grad):
        return grad


class Transpose(Function):
    """out = a with dims d0 and d1 swapped    ∂loss/∂a = grad with them swapped back"""

    name_in_pytorch = "TransposeBackward0"
    is_view = True

    def forward(self, a, dim0, dim1):
        self.dims = (dim0, dim1)
        return np.swapaxes(a, dim0, dim1)

    def backward(self, grad):
        return np.swapaxes(grad, *self.dims)


class Permute(Function):
    """out = a with its dims reordered    ∂loss/∂a = grad with the inverse order"""

    name_in_pytorch = "PermuteBackward0"
    is_view = True

    def forward(self, a, dims):
        self.dims = dims
        return np.transpose(a, dims)

    def backward(self, grad):
        return np.transpose(grad, np.argsort(self.dims))


class T(Function):
    """out = aᵀ for a matrix (`a.t()`)    ∂loss/∂a = gradᵀ"""

    name_in_pytorch = "TBackward0"
    is_view = True

    def forward(self, a):
        return a.T

    def backward(self, grad):
        return grad.T


class Unsqueeze(Function):
    """out = a with a new dim of size 1    ∂loss/∂a = grad without it"""

    name_in_pytorch = "UnsqueezeBackward0"
    is_view = True

    def forward(self, a, dim):
        self.dim = dim
        return np.expand_dims(a, dim)

    def backward(self, grad):
        return np.squeeze(grad, self.dim)


class Squeeze(Function):
    """out = a without dims of size 1    ∂loss/∂a = grad reshaped back"""

    name_in_pytorch = "SqueezeBackward0"
    is_view = True

    def forward(self, a, dim=None):
        self.input_shape = a.shape
        if dim is None:
            return np.squeeze(a)
        # As in PyTorch, squeezing a dim whose size is not 1 leaves the tensor as it is.
        return np.squeeze(a, dim) if a.shape[dim] == 1 else a

    def backward(self, grad):
        return grad.reshape(self.input_shape)


class SqueezeDim(Squeeze):
    """out = a without dim `dim` if its size is 1 (x.squeeze(dim))    ∂loss/∂a = grad reshaped"""

    name_in_pytorch = "SqueezeBackward1"  # PyTorch's node when a dim is given


class SqueezeInplace(SqueezeDim):
    """The in-place squeeze_ that `vector @ matrix` ends with    ∂loss/∂a as Squeeze"""

    name_in_pytorch = "SqueezeBackward4"
    is_view = False  # squeezed in place: the same tensor, not a view of another one


class Expand(Function):
    """out = a repeated along size-1 dims    ∂loss/∂a = grad summed over the copies"""

    name_in_pytorch = "ExpandBackward0"
    is_view = True

    def forward(self, a, shape):
        return np.broadcast_to(a, shape)

    def backward(self, grad):
        return grad  # the engine's unbroadcast sums the copies back to a's shape


class Clone(Function):
    """out = a copy of a    ∂out/∂a = 1"""

    name_in_pytorch = "CloneBackward0"

    def forward(self, a, order="K"):
        # order "K" keeps the memory layout (x.clone()); "C" lays it out row by row
        # (x.contiguous(), and reshape when it must copy), as PyTorch does.
        return np.array(a, order=order, copy=True)

    def backward(self, grad):
        return grad


class ToCopy(Function):
    """out = a converted to another dtype    ∂loss/∂a = grad converted back (by the engine)"""

    name_in_pytorch = "ToCopyBackward0"

    def forward(self, a, numpy_dtype):
        return a.astype(numpy_dtype)

    def backward(self, grad):
        return grad


class Select(Function):
    """out = a[..., i, ...] along one dim    ∂loss/∂a = grad placed at index i, zeros elsewhere"""

    name_in_pytorch = "SelectBackward0"
    is_view = True

    def forward(self, a, dim, index):
        self.input_shape = a.shape
        self.key = (slice(None),) * dim + (index,)
        return a[self.key + (Ellipsis,)]  # the "..." keeps even a single element a view

    def backward(self, grad):
        out = np.zeros_like(grad, shape=self.input_shape)
        out[self.key] = grad
        return out


class Slice(Select):
    """out = a[..., start:stop:step, ...]    ∂loss/∂a = grad placed in the slice, zeros elsewhere"""

    name_in_pytorch = "SliceBackward0"

    def forward(self, a, dim, index):
        return super().forward(a, dim, index)  # `index` is a slice here


class SplitPart(Slice):
    """One piece of x.split(n) or x.chunk(k): a slice along dim    ∂loss/∂a = grad in its place

    PyTorch makes ONE SplitBackward0 node with an output per piece; this engine's nodes have
    a single output, so each piece gets its own node of that name (the gradients are the same).
    """

    name_in_pytorch = "SplitBackward0"


class SplitWithSizesPart(SplitPart):
    """One piece of x.split([sizes])    ∂loss/∂a = grad in its place (one node per piece)"""

    name_in_pytorch = "SplitWithSizesBackward0"


class UnbindPart(Select):
    """One piece of x.unbind(dim): a[..., i, ...]    ∂loss/∂a = grad at index i (node per piece)"""

    name_in_pytorch = "UnbindBackward0"


class Repeat(Function):
    """out = a tiled `repeats` times along each dim    ∂loss/∂a = grad summed over the tiles"""

    name_in_pytorch = "RepeatBackward0"

    def forward(self, a, repeats):
        self.input_shape = a.shape
        self.repeats = repeats
        return np.tile(a, repeats)

    def backward(self, grad):
        # a's shape, with 1s in front for the new leading dims, then grad seen as
        # (r₀, s₀, r₁, s₁, ...): tile r of dim d is grad[r, :, ...]; sum over every r.
        shape = (1,) * (len(self.repeats) - len(self.input_shape)) + self.input_shape
        tiled = grad.reshape([n for pair in zip(self.repeats, shape) for n in pair])
        return tiled.sum(axis=tuple(range(0, tiled.ndim, 2))).reshape(self.input_shape)


class DiagEmbed(Function):
    """out = the matrix with v on its k-th diagonal, zeros elsewhere (torch.diag of a vector)
    ∂loss/∂v = the k-th diagonal of grad"""

    name_in_pytorch = "DiagEmbedBackward0"

    def forward(self, v, diagonal=0):
        self.diagonal = diagonal
        return np.diag(v, diagonal)

    def backward(self, grad):
        return np.diagonal(grad, self.diagonal)


class Diagonal(Function):
    """out = the k-th diagonal of a matrix (torch.diag of a matrix)
    ∂loss/∂a = grad placed on that diagonal, zeros elsewhere"""

    name_in_pytorch = "DiagonalBackward0_copy"  # sic: PyTorch 2.13's name for torch.diag's node

    def forward(self, a, diagonal=0):
        self.diagonal = diagonal
        self.input_shape = a.shape
        return np.diagonal(a, diagonal).copy()  # a copy, as torch.diag returns one

    def backward(self, grad):
        out = np.zeros_like(grad, shape=self.input_shape)
        steps = np.arange(len(grad))
        # Above the main diagonal (k > 0) the columns start at k; below it, the rows at -k.
        out[steps + max(-self.diagonal, 0), steps + max(self.diagonal, 0)] = grad
        return out


class DiagonalView(Function):
    """out = the elements a[..., i, i + offset] (x.diagonal()), a view into a
    ∂loss/∂a = grad placed on that diagonal, zeros elsewhere"""

    name_in_pytorch = "DiagonalBackward0"
    is_view = True

    def forward(self, a, offset=0, dim1=0, dim2=1):
        self.options = dict(offset=offset, dim1=dim1, dim2=dim2)
        self.input_shape = a.shape
        return diagonal_view(a, offset, dim1, dim2)

    def backward(self, grad):
        out = np.zeros_like(grad, shape=self.input_shape)
        if isinstance(out, np.ndarray):
            diagonal_view(out, **self.options)[...] = grad
        else:  # a tensor (create_graph=True): the write is recorded
            out.diagonal(**self.options)[...] = grad
        return out


def diagonal_view(a, offset, dim1, dim2):
    """A writable view of a diagonal (NumPy's np.diagonal gives a read-only one): step along
    both dims at once, i.e. with the sum of their strides."""
    b = np.moveaxis(a, (dim1, dim2), (-2, -1))
    b = b[..., max(-offset, 0) :, max(offset, 0) :]
    n = min(b.shape[-2], b.shape[-1])
    strides = b.strides[:-2] + (b.strides[-2] + b.strides[-1],)
    return np.lib.stride_tricks.as_strided(b, b.shape[:-2] + (n,), strides)


class Index(Function):
    """out = a[indices] (lists, tensors, masks)    ∂loss/∂a = grad added back at each index"""

    name_in_pytorch = "IndexBackward0"

    def forward(self, a, key):
        self.input_shape = a.shape
        self.save_for_backward(key)  # PyTorch saves the indices (a second backward needs them)
        return a[key]

    def backward(self, grad):
        (key,) = self.saved_tensors
        out = np.zeros_like(grad, shape=self.input_shape)
        np.add.at(out, key, grad)  # add, not assign: an index may appear twice
        return out


class Cat(Function):
    """out = [a; b; ...] joined along dim    ∂loss/∂(each) = its own part of grad"""

    name_in_pytorch = "CatBackward0"

    def forward(self, *arrays, dim=0):
        self.dim = dim
        self.boundaries = np.cumsum([x.shape[dim] for x in arrays])[:-1]
        return np.concatenate(arrays, axis=dim)

    def backward(self, grad):
        return tuple(np.split(grad, self.boundaries, axis=self.dim))


class Stack(Function):
    """out = [a, b, ...] stacked along a new dim    ∂loss/∂(each) = its slice of grad"""

    name_in_pytorch = "StackBackward0"

    def forward(self, *arrays, dim=0):
        self.dim = dim
        return np.stack(arrays, axis=dim)

    def backward(self, grad):
        return tuple(np.moveaxis(grad, self.dim, 0))
