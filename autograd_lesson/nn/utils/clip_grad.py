"""Gradient clipping, applied between backward() and optimizer.step().

clip_grad_norm_ scales all gradients together by one factor, so that their combined norm
(the norm of every gradient number laid end to end) is at most max_norm: the direction of
the step is kept, only its length is limited. clip_grad_value_ clamps each number instead.
Both change `.grad` in place and record nothing in the graph.
"""

import math
import types
import warnings

import numpy as np

from ...grad_mode import no_grad
from ...tensor import Tensor


def _as_list(parameters):
    """A single tensor, or any iterable of them (a generator is read once, here)."""
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def _vector_norm(array, norm_type, foreach):
    """‖array‖ of order norm_type over all its numbers, as torch.linalg.vector_norm:
    (Σ|x|ᵖ)^(1/p); inf: max |x|; -inf: min |x|; 0: the number of non-zeros."""
    if array.size == 0 and (norm_type < 0 or norm_type == math.inf):
        # max and min of nothing are undefined; PyTorch names the kernel that refused.
        if norm_type == math.inf and foreach is not False:
            raise RuntimeError(
                "_foreach_norm cannot compute the infinity norm on an empty tensor because "
                "the operation does not have an identity"
            )
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {norm_type:g} norm on an empty tensor "
            "because the operation does not have an identity"
        )
    magnitudes = np.abs(array.astype(np.float64))
    if norm_type == math.inf:
        norm = magnitudes.max()
    elif norm_type == -math.inf:
        norm = magnitudes.min()
    elif norm_type == 0:
        norm = np.count_nonzero(magnitudes)
    else:
        with np.errstate(divide="ignore"):  # 0 ** negative p is inf, as in PyTorch
            norm = np.sum(magnitudes**norm_type) ** (1.0 / norm_type)
    return np.asarray(norm, dtype=array.dtype)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the norms of `tensors` (= the norm of all their numbers together)."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return Tensor(np.array(0.0, dtype=np.float32))
    norms = [_vector_norm(t._data, norm_type, foreach) for t in tensors]
    # As torch.stack: float32 and float64 norms together give a float64 total.
    dtype = np.result_type(*norms)
    total = _vector_norm(np.stack(norms).astype(dtype), norm_type, foreach)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return Tensor(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Multiply every `.grad` by min(1, max_norm / (total_norm + 1e-6)), in place."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    # (An infinite norm gives the factor 0, and inf · 0 = nan, as in PyTorch: NumPy's
    # warning about it is not PyTorch's behaviour, so it is silenced.)
    with no_grad(), np.errstate(invalid="ignore"):
        # The 1e-6 keeps a zero norm from dividing by zero. The factor is applied even when
        # it is 1 (PyTorch does the same, to avoid a branch that would wait for the GPU).
        clip_coef = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
        for grad in grads:
            grad.mul_(clip_coef.to(grad.dtype))  # multiplied in the gradient's own dtype


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale the gradients of `parameters` so that their total norm is at most `max_norm`.

    Returns the total norm before clipping, as a 0-d tensor (worth logging: a sudden jump
    means exploding gradients). `norm_type` may be inf (the largest |gradient| number).
    """
    is_generator = isinstance(parameters, types.GeneratorType)
    parameters = _as_list(parameters)
    if is_generator and not parameters:
        warnings.warn(
            "`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2
        )
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The old name of clip_grad_norm_ (deprecated in PyTorch)."""
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
        "`torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient number into [-clip_value, clip_value], in place. Returns None."""
    parameters = _as_list(parameters)
    clip_value = float(clip_value)
    with no_grad():
        for p in parameters:
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
