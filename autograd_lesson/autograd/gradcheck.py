"""Check an analytic gradient against finite differences, as `torch.autograd.gradcheck` does.

For each input element x_k we nudge it by ±eps and measure how every output moves:
    ∂out/∂x_k ≈ (f(x + eps·e_k) - f(x - eps·e_k)) / (2·eps)        (central difference)
That gives the Jacobian column by column. Backward gives it row by row (one vector-Jacobian
product per output element). The two must agree. Use float64: in float32 the rounding error
of the difference quotient is larger than the tolerance.
"""

import numpy as np

from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from .functional import jacobian


class GradcheckError(RuntimeError):
    """Raised when analytic and numerical gradients disagree."""


def numerical_jacobian(fn, inputs, eps):
    """Jacobian of fn's output w.r.t. each input, by central differences: one (m, n) per input."""
    jacobians = []
    for x in inputs:
        flat = x._data.reshape(-1)  # a view: writing it changes x
        columns = []
        for k in range(flat.size):
            saved = flat[k]
            with no_grad():
                flat[k] = saved + eps
                plus = np.array(fn(*inputs)._data, dtype=np.float64).reshape(-1)
                flat[k] = saved - eps
                minus = np.array(fn(*inputs)._data, dtype=np.float64).reshape(-1)
            flat[k] = saved
            columns.append((plus - minus) / (2 * eps))
        jacobians.append(np.stack(columns, axis=1) if columns else np.zeros((0, 0)))
    return jacobians


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True if backward's gradients of `fn` match finite differences at `inputs`.

    Otherwise raises GradcheckError naming the input and the worst entry (or returns False
    with raise_exception=False).
    """
    inputs = tuple(inputs) if isinstance(inputs, list | tuple) else (inputs,)
    differentiable = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    for x in differentiable:
        if x.dtype.name != "float64":
            raise GradcheckError(
                f"gradcheck expects float64 inputs (got {x.dtype}): in float32 the "
                "finite-difference estimate is too coarse to compare with"
            )

    def only_differentiable(*xs):
        it = iter(xs)
        return fn(*(next(it) if isinstance(x, Tensor) and x.requires_grad else x for x in inputs))

    analytic = jacobian(only_differentiable, tuple(differentiable))
    numerical = numerical_jacobian(only_differentiable, differentiable, eps)
    for i, num in enumerate(numerical):
        ana = analytic[i]._data.reshape(num.shape[0], -1) if num.size else num
        bad = np.abs(ana - num) > atol + rtol * np.abs(num)
        if bad.any():
            out_k, in_k = np.unravel_index(np.argmax(np.abs(ana - num)), num.shape)
            message = (
                f"Jacobian mismatch for output 0 with respect to input {i},\n"
                f"numerical:{num}\nanalytical:{ana}\n"
                f"worst entry: d output[{out_k}] / d input[{i}][{in_k}]: numerical "
                f"{num[out_k, in_k]:.6g}, analytical {ana[out_k, in_k]:.6g}"
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True


def gradgradcheck(
    fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True
):
    """True if the gradients of `fn`'s gradients match finite differences.

    The first derivative is made with create_graph=True, as a function of the inputs and
    of the upstream gradient v (random when not given: a fixed seed, so a failure repeats);
    then gradcheck runs on that function.
    """
    from ..functions import cat
    from .grad import grad

    inputs = tuple(inputs) if isinstance(inputs, list | tuple) else (inputs,)
    differentiable = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    if grad_outputs is None:
        with no_grad():
            out = fn(*inputs)
        rng = np.random.default_rng(0)
        values = rng.uniform(-1, 1, tuple(out.shape)).astype(out._data.dtype)
        grad_outputs = Tensor(values, requires_grad=True)
    v = grad_outputs

    def first_derivative(*xs_and_v):
        *xs, upstream = xs_and_v
        it = iter(xs)
        full = [next(it) if isinstance(x, Tensor) and x.requires_grad else x for x in inputs]
        with enable_grad():  # also while gradcheck nudges the inputs under no_grad
            out = fn(*full)
            needed = [x for x in full if isinstance(x, Tensor) and x.requires_grad]
            grads = grad(out, needed, grad_outputs=upstream, create_graph=True, allow_unused=True)
        pieces = [g.reshape(-1) for g in grads if g is not None]
        return cat(pieces) if pieces else upstream.reshape(-1) * 0

    return gradcheck(
        first_derivative,
        (*differentiable, v),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
