"""Reductions: operations that combine many elements into fewer (sum, mean, max, norm)
and the softmax family, whose every output depends on a whole row.

Their backward spreads the output gradient back over the elements that were combined.
"""

import numpy as np

from ..dims import normalize_dims
from ..function import Function


def expand_back(grad, input_shape, dims, keepdim):
    """Give a reduced gradient its reduced dimensions back, as size-1 axes, then broadcast."""
    if not keepdim:
        grad = np.expand_dims(grad, dims)
    return np.broadcast_to(grad, input_shape)


class Sum(Function):
    """out = Σᵢ aᵢ    ∂out/∂aᵢ = 1"""

    name_in_pytorch = "SumBackward0"

    def forward(self, a, dim=None, keepdim=False, numpy_dtype=None):
        self.dims = normalize_dims(dim, a.ndim) if a.ndim else ()
        self.keepdim = keepdim
        self.input_shape = a.shape
        # `numpy_dtype`: sum(dtype=...) adds up in that dtype; the engine casts the gradient back.
        return np.asarray(a.sum(axis=self.dims, keepdims=keepdim, dtype=numpy_dtype))

    def backward(self, grad):
        return expand_back(grad, self.input_shape, self.dims, self.keepdim)



class SumDim(Sum):
    """out = Σ aᵢ over the given dims (x.sum(dim))    ∂out/∂aᵢ = 1"""

    name_in_pytorch = "SumBackward1"  # PyTorch's node for a sum over given dims


class Mean(Function):
    """out = (1/n) Σᵢ aᵢ    ∂out/∂aᵢ = 1/n"""

    name_in_pytorch = "MeanBackward0"

    def forward(self, a, dim=None, keepdim=False):
        self.dims = normalize_dims(dim, a.ndim) if a.ndim else ()
        self.keepdim = keepdim
        self.input_shape = a.shape
        self.count = int(np.prod([a.shape[d] for d in self.dims]))
        return np.asarray(a.mean(axis=self.dims, keepdims=keepdim), dtype=a.dtype)

    def backward(self, grad):
        return expand_back(grad / self.count, self.input_shape, self.dims, self.keepdim)



class MeanDim(Mean):
    """out = (1/n) Σ aᵢ over the given dims (x.mean(dim))    ∂out/∂aᵢ = 1/n"""

    name_in_pytorch = "MeanBackward1"


class MaxAll(Function):
    """out = max over all elements    ∂out/∂aᵢ = 1/k for each of the k maximal elements"""

    name_in_pytorch = "MaxBackward1"
    reduce = staticmethod(np.max)

    def forward(self, a):
        out = np.asarray(self.reduce(a))
        self.save_for_backward(a, out)
        return out

    def backward(self, grad):
        a, out = self.saved_tensors
        is_extreme = a == out
        return grad * is_extreme / is_extreme.sum()


class MinAll(MaxAll):
    """out = min over all elements    ∂out/∂aᵢ = 1/k for each of the k minimal elements"""

    name_in_pytorch = "MinBackward1"
    reduce = staticmethod(np.min)


class MaxDim(Function):
    """out = max along `dim`    ∂out/∂aᵢ = 1 at the index returned, 0 elsewhere"""

    name_in_pytorch = "MaxBackward0"
    arg_reduce = staticmethod(np.argmax)

    def forward(self, a, dim, keepdim=False):
        (self.dim,) = normalize_dims(dim, a.ndim) if a.ndim else (0,)
        self.keepdim = keepdim
        self.input_shape = a.shape
        if a.ndim == 0:
            self.save_for_backward(np.zeros((), dtype=np.int64))
            return a.copy()
        # The indices are kept with a size-1 axis at `dim`, ready for put_along_axis.
        indices = np.expand_dims(self.arg_reduce(a, axis=self.dim), self.dim)
        self.save_for_backward(indices)  # saved, as in PyTorch: a second backward needs them
        values = np.take_along_axis(a, indices, axis=self.dim)
        return values if keepdim else np.squeeze(values, self.dim)

    def backward(self, grad):
        (indices,) = self.saved_tensors
        if len(self.input_shape) == 0:
            return grad
        grad = grad if self.keepdim else np.expand_dims(grad, self.dim)
        out = np.zeros_like(grad, shape=self.input_shape)
        # out[..., indices, ...] = grad, the index at `dim` taken from `indices`
        key = list(np.indices(indices.shape, sparse=True))
        key[self.dim] = indices
        out[tuple(key)] = grad
        return out


class MinDim(MaxDim):
    """out = min along `dim`    ∂out/∂aᵢ = 1 at the index returned, 0 elsewhere"""

    name_in_pytorch = "MinBackward0"
    arg_reduce = staticmethod(np.argmin)


class Norm(Function):
    """out = ‖a‖₂ = √(Σ aᵢ²)    ∂out/∂aᵢ = aᵢ / ‖a‖  (0 when ‖a‖ = 0)"""

    name_in_pytorch = "LinalgVectorNormBackward0"

    def forward(self, a, dim=None, keepdim=False):
        self.dims = normalize_dims(dim, a.ndim) if a.ndim else ()
        self.keepdim = keepdim
        out = np.sqrt(np.sum(a * a, axis=self.dims, keepdims=keepdim))
        self.save_for_backward(a, out)
        return out

    def backward(self, grad):
        a, out = self.saved_tensors
        if not self.keepdim:
            grad, out = np.expand_dims(grad, self.dims), np.expand_dims(out, self.dims)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(out == 0, 0, grad * a / out)


class Var(Function):
    """out = Σᵢ (aᵢ - ā)² / (n - c)    ∂out/∂aᵢ = 2(aᵢ - ā)/(n - c)
    (n elements, correction c: 1 by default, 0 with unbiased=False)"""

    name_in_pytorch = "VarBackward0"

    def forward(self, a, dim=None, correction=1, keepdim=False):
        self.dims = normalize_dims(dim, a.ndim) if a.ndim else ()
        self.keepdim = keepdim
        self.input_shape = a.shape
        count = int(np.prod([a.shape[d] for d in self.dims]))
        # As PyTorch does, a divisor below 0 counts as 0: the result is then inf or nan.
        self.divisor = max(0, count - correction)
        self.count = count
        self.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):  # an empty input gives nan
            deviation = self.deviation(a)
            squares = (deviation * deviation).sum(axis=self.dims, keepdims=keepdim)
            return np.asarray(squares / self.divisor, dtype=a.dtype)

    def deviation(self, a):
        """aᵢ - ā, the mean taken over the reduced dims."""
        return a - np.sum(a, axis=self.dims, keepdims=True) / self.count

    def backward(self, grad):
        a = self.saved_tensors[0]
        grad = expand_back(grad, self.input_shape, self.dims, self.keepdim)
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad * 2 * self.deviation(a) / self.divisor


class Std(Var):
    """out = √var(a)    ∂out/∂aᵢ = (aᵢ - ā) / ((n - c)·out)  (0 where out = 0, as in PyTorch)"""

    name_in_pytorch = "StdBackward0"

    def forward(self, a, dim=None, correction=1, keepdim=False):
        out = np.sqrt(super().forward(a, dim, correction, keepdim))
        self.save_for_backward(a, out)
        return out

    def backward(self, grad):
        out = self.saved_tensors[1]
        # Chain rule through the square root: ∂√v/∂v = 1/(2√v), then Var's backward.
        with np.errstate(divide="ignore", invalid="ignore"):
            grad_of_var = np.where(out == 0, 0, grad / (2 * out))
        return super().backward(grad_of_var)


class Prod(Function):
    """out = Πᵢ aᵢ    ∂out/∂aᵢ = Πⱼ≠ᵢ aⱼ, the product of the others (no division: zeros are fine)"""

    name_in_pytorch = "ProdBackward0"

    def forward(self, a, dim=None, keepdim=False, numpy_dtype=None):
        # Along a dim, or over everything seen as one long row.
        self.axis = None if dim is None or a.ndim == 0 else dim
        self.keepdim = keepdim
        self.save_for_backward(a)
        return np.asarray(np.prod(a, axis=self.axis, keepdims=keepdim, dtype=numpy_dtype))

    def backward(self, grad):
        (a,) = self.saved_tensors
        if self.axis is None:
            return grad * products_of_the_others(a.reshape(-1), axis=0).reshape(a.shape)
        grad = expand_back(grad, a.shape, (self.axis,), self.keepdim)
        return grad * products_of_the_others(a, self.axis)


class ProdDim(Prod):
    """out = Πᵢ aᵢ along one dim (x.prod(dim))    ∂out/∂aᵢ = Πⱼ≠ᵢ aⱼ along that dim"""

    name_in_pytorch = "ProdBackward1"


def products_of_the_others(a, axis):
    """For each element, the product of all the other elements along `axis`:
    (product of those before it) × (product of those after it)."""
    row = np.moveaxis(a, axis, -1)
    if not isinstance(row, np.ndarray):
        # On tensors (create_graph=True), a form that records a graph: for each element, the
        # row with that element replaced by 1 (an n × n matrix), multiplied out.
        n = row.shape[-1]
        others = np.where(np.eye(n, dtype=bool), 1, np.expand_dims(row, -2))
        return np.moveaxis(others.prod(-1), -1, axis)
    before, after = np.ones_like(row), np.ones_like(row)
    before[..., 1:] = np.cumprod(row[..., :-1], axis=-1)
    after[..., :-1] = np.cumprod(row[..., :0:-1], axis=-1)[..., ::-1]
    return np.moveaxis(before * after, -1, axis)


class Softmax(Function):
    """sᵢ = eᵃⁱ / Σⱼ eᵃʲ along dim    ∂loss/∂aᵢ = sᵢ·(gᵢ - Σⱼ gⱼsⱼ)"""

    name_in_pytorch = "SoftmaxBackward0"

    def forward(self, a, dim):
        (self.dim,) = normalize_dims(dim, a.ndim)
        # Subtracting the row maximum changes nothing mathematically and avoids overflow.
        e = np.exp(a - a.max(axis=self.dim, keepdims=True))
        out = e / e.sum(axis=self.dim, keepdims=True)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (s,) = self.saved_tensors
        return s * (grad - (grad * s).sum(axis=self.dim, keepdims=True))


class LogSoftmax(Function):
    """yᵢ = aᵢ - log Σⱼ eᵃʲ along dim    ∂loss/∂aᵢ = gᵢ - softmax(a)ᵢ·Σⱼ gⱼ"""

    name_in_pytorch = "LogSoftmaxBackward0"

    def forward(self, a, dim):
        (self.dim,) = normalize_dims(dim, a.ndim)
        shifted = a - a.max(axis=self.dim, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=self.dim, keepdims=True))
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad - np.exp(out) * grad.sum(axis=self.dim, keepdims=True)
