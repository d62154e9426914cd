"""Element-wise operations: arithmetic and the usual activation functions.

Broadcasting: `backward` may return a gradient shaped like the (broadcast) output;
the engine's `unbroadcast` sums it back to each input's shape.
"""

import numpy as np

from ..function import Function


class Add(Function):
    """out = a + alpha·b (alpha = 1 unless given)    ∂out/∂a = 1,  ∂out/∂b = alpha"""

    name_in_pytorch = "AddBackward0"

    def forward(self, a, b, alpha=1):
        self.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

    def backward(self, grad):
        return grad, grad if self.alpha == 1 else self.alpha * grad


class Sub(Function):
    """out = a - alpha·b (alpha = 1 unless given)    ∂out/∂a = 1,  ∂out/∂b = -alpha"""

    name_in_pytorch = "SubBackward0"

    def forward(self, a, b, alpha=1):
        self.alpha = alpha
        return a - b if alpha == 1 else a - alpha * b

    def backward(self, grad):
        return grad, -grad if self.alpha == 1 else -self.alpha * grad


class Rsub(Function):
    """out = c - a for a number c (`2 - x`, "reversed subtraction")    ∂out/∂a = -1"""

    name_in_pytorch = "RsubBackward1"

    def forward(self, a, number):
        return np.asarray(number, dtype=a.dtype) - a

    def backward(self, grad):
        return -grad


class Mul(Function):
    """out = a * b    ∂out/∂a = b,  ∂out/∂b = a"""

    name_in_pytorch = "MulBackward0"

    def forward(self, a, b):
        # Save only what a gradient will need, as PyTorch does: b for ∂/∂a, a for ∂/∂b
        # (so changing an input that no gradient needs, in place, is no error). b first, in
        # PyTorch's order: it decides which changed input the error names first.
        need_a, need_b = self.needs_input_grad
        self.save_for_backward(b if need_a else None, a if need_b else None)
        return a * b

    def backward(self, grad):
        b, a = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        return grad * b if need_a else None, grad * a if need_b else None


class Div(Function):
    """out = a / b    ∂out/∂a = 1/b,  ∂out/∂b = -a/b²"""

    name_in_pytorch = "DivBackward0"
    makes_floats = True  # integer inputs give float results

    def forward(self, a, b):
        # b is needed for both gradients, a only for ∂/∂b (PyTorch saves no more, b first).
        self.save_for_backward(b, a if self.needs_input_grad[1] else None)
        return a / b

    def backward(self, grad):
        b, a = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        return grad / b if need_a else None, -grad * a / (b * b) if need_b else None


class Neg(Function):
    """out = -a    ∂out/∂a = -1"""

    name_in_pytorch = "NegBackward0"

    def forward(self, a):
        return -a

    def backward(self, grad):
        return -grad


class Reciprocal(Function):
    """out = 1/a    ∂out/∂a = -1/a²  = -out²"""

    name_in_pytorch = "ReciprocalBackward0"

    def forward(self, a):
        out = 1 / a
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return -grad * out * out


class Pow(Function):
    """out = aⁿ for a number n    ∂out/∂a = n·aⁿ⁻¹"""

    name_in_pytorch = "PowBackward0"

    def forward(self, a, exponent):
        self.exponent = exponent
        self.save_for_backward(a)
        return a**exponent

    def backward(self, grad):
        (a,) = self.saved_tensors
        if self.exponent == 0:
            return np.zeros_like(grad)
        return grad * self.exponent * a ** (self.exponent - 1)


class PowTensor(Function):
    """out = aᵇ for tensors a, b    ∂out/∂a = b·aᵇ⁻¹,  ∂out/∂b = aᵇ·ln a"""

    name_in_pytorch = "PowBackward1"

    def forward(self, a, b):
        out = a**b
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad):
        a, b, out = self.saved_tensors
        grad_a = grad * b * a ** (b - 1)
        # Where a = 0 the term aᵇ·ln a is taken as 0 (its limit for b > 0), as PyTorch does.
        with np.errstate(divide="ignore", invalid="ignore"):
            grad_b = np.where(a == 0, 0, grad * out * np.log(a))
        return grad_a, grad_b


class PowScalarBase(Function):
    """out = cᵇ for a number c (`2 ** x`)    ∂out/∂b = cᵇ·ln c"""

    name_in_pytorch = "PowBackward2"

    def forward(self, b, base):
        out = np.power(b.dtype.type(base), b)
        self.log_base = np.log(b.dtype.type(base))
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * out * self.log_base


class Exp(Function):
    """out = eᵃ    ∂out/∂a = eᵃ = out"""

    name_in_pytorch = "ExpBackward0"
    makes_floats = True  # integer inputs give float results

    def forward(self, a):
        out = np.exp(a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * out


class Log(Function):
    """out = ln a    ∂out/∂a = 1/a"""

    name_in_pytorch = "LogBackward0"
    makes_floats = True  # integer inputs give float results

    def forward(self, a):
        self.save_for_backward(a)
        return np.log(a)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad / a


class Abs(Function):
    """out = |a|    ∂out/∂a = sign(a)  (0 at a = 0, as in PyTorch)"""

    name_in_pytorch = "AbsBackward0"

    def forward(self, a):
        self.save_for_backward(a)
        return np.abs(a)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * np.sign(a)


class Sqrt(Function):
    """out = √a    ∂out/∂a = 1/(2√a)"""

    name_in_pytorch = "SqrtBackward0"
    makes_floats = True  # integer inputs give float results

    def forward(self, a):
        out = np.sqrt(a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad / (2 * out)


class Relu(Function):
    """out = max(a, 0)    ∂out/∂a = 1 where a > 0, else 0"""

    name_in_pytorch = "ReluBackward0"

    def forward(self, a):
        out = np.maximum(a, 0)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        # where, not grad * mask: a negative grad times 0 would give -0., and PyTorch prints 0.
        return np.where(out > 0, grad, 0)


class Sigmoid(Function):
    """out = 1/(1 + e⁻ᵃ)    ∂out/∂a = out·(1 - out)"""

    name_in_pytorch = "SigmoidBackward0"
    makes_floats = True  # integer inputs give float results

    def forward(self, a):
        # Written with exp(-|a|) so that no exponential overflows.
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * out * (1 - out)


class Tanh(Function):
    """out = tanh a    ∂out/∂a = 1 - out²"""

    name_in_pytorch = "TanhBackward0"
    makes_floats = True  # integer inputs give float results

    def forward(self, a):
        out = np.tanh(a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * (1 - out * out)


class Clamp(Function):
    """out = min(max(a, low), high)    ∂out/∂a = 1 where low ≤ a ≤ high, else 0"""

    name_in_pytorch = "ClampBackward1"

    def forward(self, a, low=None, high=None):
        self.save_for_backward(a)
        self.low, self.high = low, high
        return np.clip(a, low, high)

    def backward(self, grad):
        (a,) = self.saved_tensors
        inside = np.ones_like(a, dtype=bool)
        if self.low is not None:
            inside = inside & (a >= self.low)
        if self.high is not None:
            inside = inside & (a <= self.high)
        return np.where(inside, grad, 0)


class Maximum(Function):
    """out = max(a, b)    ∂out/∂a = 1 where a > b, ½ where a = b, else 0;  ∂out/∂b = 1 - ∂out/∂a"""

    name_in_pytorch = "MaximumBackward0"

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return np.maximum(a, b)

    def backward(self, grad):
        a, b = self.saved_tensors
        share_a = (a > b) + 0.5 * (a == b)
        return grad * share_a, grad * (1 - share_a)


class Where(Function):
    """out = a where condition else b    ∂out/∂a = condition,  ∂out/∂b = not condition"""

    name_in_pytorch = "WhereBackward0"

    def forward(self, a, b, condition):
        self.save_for_backward(condition)
        return np.where(condition, a, b)

    def backward(self, grad):
        (condition,) = self.saved_tensors
        return np.where(condition, grad, 0), np.where(condition, 0, grad)


class Sin(Function):
    """out = sin a    ∂out/∂a = cos a"""

    name_in_pytorch = "SinBackward0"

    def forward(self, a):
        self.save_for_backward(a)
        return np.sin(a)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * np.cos(a)


class Cos(Function):
    """out = cos a    ∂out/∂a = -sin a"""

    name_in_pytorch = "CosBackward0"

    def forward(self, a):
        self.save_for_backward(a)
        return np.cos(a)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return -grad * np.sin(a)


class Log1p(Function):
    """out = ln(1 + a)    ∂out/∂a = 1/(1 + a)"""

    name_in_pytorch = "Log1PBackward0"

    def forward(self, a):
        self.save_for_backward(a)
        # log1p, not log(1 + a): exact for tiny a, where 1 + a would round to 1.
        # PyTorch gives -inf and nan at a ≤ -1 without a warning, so NumPy's is silenced.
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(a)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad / (1 + a)


class Sign(Function):
    """out = -1, 0 or 1    ∂out/∂a = 0  (a step: flat wherever it has a slope at all)"""

    name_in_pytorch = "SignBackward0"

    def forward(self, a):
        return np.sign(a)

    def backward(self, grad):
        # PyTorch records the node, and the gradient it sends back is all zeros.
        return np.zeros_like(grad)


class MaskedFill(Function):
    """out = value where mask else a, for a number value    ∂out/∂a = not mask"""

    name_in_pytorch = "MaskedFillBackward0"

    def forward(self, a, mask, value):
        self.save_for_backward(mask)
        return np.where(mask, np.asarray(value).astype(a.dtype), a)

    def backward(self, grad):
        (mask,) = self.saved_tensors
        return np.where(mask, 0, grad)


class MaskedFillTensor(Function):
    """out = value where mask else a, for a 0-d tensor value
    ∂out/∂a = not mask,  ∂loss/∂value = Σ grad where mask"""

    name_in_pytorch = "MaskedFillBackward1"

    def forward(self, a, value, mask):
        self.save_for_backward(mask)
        return np.where(mask, value.astype(a.dtype), a)

    def backward(self, grad):
        (mask,) = self.saved_tensors
        return np.where(mask, 0, grad), np.where(mask, grad, 0).sum()
