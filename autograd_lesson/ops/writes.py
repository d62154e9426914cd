"""Operations that overwrite a tensor's values: they exist only in place (`zero_`, `fill_`,
`copy_`, `x[index] = v`, `normal_`, ...). See inplace.py for how a write is recorded.

The values that were overwritten no longer affect the result: their gradient is 0 where
the write reached them.
"""

import numpy as np

from ..function import Function


class Copy(Function):
    """out = src, broadcast to a's shape (a.copy_(src))    ∂out/∂a = 0,  ∂out/∂src = 1"""

    name_in_pytorch = "CopyBackwards"

    def name(self):
        return "torch::autograd::CopyBackwards"  # PyTorch's name() (its repr: <CopyBackwards>)

    def forward(self, a, src):
        return np.broadcast_to(src, a.shape).astype(a.dtype)

    def backward(self, grad):
        return np.zeros_like(grad), grad


class Zero(Function):
    """out = 0 (a.zero_())    ∂out/∂a = 0"""

    name_in_pytorch = "ZeroBackward0"

    def forward(self, a):
        return np.zeros_like(a)

    def backward(self, grad):
        return np.zeros_like(grad)


class Fill(Function):
    """out = value everywhere, for a number value (a.fill_(3))    ∂out/∂a = 0"""

    name_in_pytorch = "FillBackward2"

    def forward(self, a, value):
        return np.full_like(a, value)

    def backward(self, grad):
        return np.zeros_like(grad)


class FillTensor(Function):
    """out = value everywhere, for a 0-d tensor value    ∂out/∂a = 0,  ∂loss/∂value = Σ grad"""

    name_in_pytorch = "FillBackward3"

    def forward(self, a, value):
        return np.full_like(a, value)

    def backward(self, grad):
        return np.zeros_like(grad), grad.sum()


class IndexPut(Function):
    """out = a with out[key] = v (a[[0, 2]] = v)    ∂out/∂a = 0 at key, 1 elsewhere;
    ∂loss/∂v = grad[key]"""

    name_in_pytorch = "IndexPutBackward0"

    def forward(self, a, v, key):
        self.save_for_backward(key)  # the indices, as PyTorch saves them
        out = a.copy()
        out[key] = v
        return out

    def backward(self, grad):
        (key,) = self.saved_tensors
        grad_a = np.copy(grad)
        grad_a[key] = 0
        return grad_a, grad[key]


class IndexFill(Function):
    """out = a with value at `index` along dim (a.index_fill_(dim, index, 3))
    ∂out/∂a = 0 at the filled places, 1 elsewhere"""

    name_in_pytorch = "IndexFillBackward0"

    def forward(self, a, dim, index, value):
        self.key = (slice(None),) * dim + (index,)
        out = a.copy()
        out[self.key] = value
        return out

    def backward(self, grad):
        grad_a = np.copy(grad)
        grad_a[self.key] = 0
        return grad_a


class IndexFillTensor(IndexFill):
    """index_fill_ with a 0-d tensor value    ∂out/∂a as IndexFill,  ∂loss/∂value = Σ grad there"""

    name_in_pytorch = "IndexFillBackward1"

    def forward(self, a, value, dim, index):
        return super().forward(a, dim, index, value)

    def backward(self, grad):
        return super().backward(grad), grad[self.key].sum()


class Normal(Function):
    """out = samples of N(mean, std²) (a.normal_())    ∂out/∂a = 0"""

    name_in_pytorch = "NormalBackward0"

    def forward(self, a, draw):
        return draw(a)  # (the target itself: PyTorch fills it in memory order)

    def backward(self, grad):
        return np.zeros_like(grad)


class Uniform(Normal):
    """out = samples of U(low, high) (a.uniform_())    ∂out/∂a = 0"""

    name_in_pytorch = "UniformBackward0"


class RandomFromTo(Normal):
    """out = whole numbers from [low, high) (a.random_(low, high))    ∂out/∂a = 0"""

    name_in_pytorch = "RandomBackward0"


class RandomTo(Normal):
    """out = whole numbers from [0, high) (a.random_(high))    ∂out/∂a = 0"""

    name_in_pytorch = "RandomBackward1"


class RandomAll(Normal):
    """out = whole numbers from [0, the dtype's exact range] (a.random_())    ∂out/∂a = 0"""

    name_in_pytorch = "RandomBackward2"


class Bernoulli(Normal):
    """out = 1 with probability p, else 0 (a.bernoulli_(p))    ∂out/∂a = 0"""

    name_in_pytorch = "BernoulliBackward2"


class BernoulliTensor(Function):
    """out = 1 with the probability in each element of p (a.bernoulli_(p_tensor))
    ∂out/∂a = 0  (p gets no gradient: a draw is not differentiable in its probability)"""

    name_in_pytorch = "BernoulliBackward1"

    def forward(self, a, p, draw):
        return draw(a, p)

    def backward(self, grad):
        return np.zeros_like(grad), None


class IndexPutAccumulate(IndexPut):
    """out = a with out[key] += v, repeated indices adding up (index_put_(accumulate=True))
    ∂out/∂a = 1,  ∂loss/∂v = grad[key]"""

    def forward(self, a, v, key):
        self.save_for_backward(key)
        out = a.copy()
        np.add.at(out, key, v)
        return out

    def backward(self, grad):
        (key,) = self.saved_tensors
        return grad, grad[key]
