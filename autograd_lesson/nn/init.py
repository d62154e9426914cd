"""`nn.init`: fill weights in place with PyTorch's initialisation schemes.

Why the scale matters: with n inputs per neuron, a sum of n random terms has a variance n
times theirs. Kaiming (He) scales the weights by 1/√fan so the signal keeps its size layer
after layer through ReLUs; Xavier (Glorot) does the same for tanh-like layers.

Every draw comes from `autograd_lesson.random`, PyTorch's own generator: after
`manual_seed(s)` a model is built with the very weights PyTorch gives it for that seed.
Each scheme computes its bound or standard deviation with PyTorch's formula, operation for
operation, since one rounding apart in the bound changes the weights' last bits.
"""

import math
import warnings

import numpy as np

from .. import random
from ..grad_mode import no_grad
from ..tensor import Tensor


def calculate_gain(nonlinearity, param=None):
    """How much a nonlinearity shrinks the signal's standard deviation, undone by the init."""
    linear_like = (
        "linear",
        "conv1d",
        "conv2d",
        "conv3d",
        "conv_transpose1d",
        "conv_transpose2d",
        "conv_transpose3d",
        "sigmoid",
    )
    if nonlinearity in linear_like:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, int | float) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """Inputs and outputs per neuron; for a conv weight (out, in, kh, kw): in·kh·kw, out·kh·kw."""
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive_field = 1
    for n in tensor.shape[2:]:
        receptive_field *= n
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b): PyTorch's `tensor.uniform_(a, b)`."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std²): PyTorch's `tensor.normal_(mean, std)`."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """N(mean, std²) restricted to [a, b]: values outside are drawn again until inside.

    PyTorch 2.13 redraws the whole tensor each round and keeps the new values only where the
    old ones fell outside. (When [a, b] holds 30% of the mass or less it samples differently,
    by rejection from U(a, b); that branch is not reproduced here and raises.)
    """

    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    p = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std)
    if p <= 0.3:
        raise NotImplementedError(
            "trunc_normal_ with [a, b] holding 30% of the probability or less is not "
            "implemented in autograd_lesson"
        )
    data = tensor._data
    low, high = data.dtype.type(a), data.dtype.type(b)  # the bounds in the tensor's dtype
    result = random.normal_like(data, mean, std, generator)
    outside = (result < low) | (result > high)
    while outside.any():
        redrawn = random.normal_like(data, mean, std, generator)  # empty_like keeps the layout
        result = np.where(outside, redrawn, result)
        outside = (result < low) | (result > high)
    with no_grad():
        return tensor.copy_(Tensor(result))


def constant_(tensor, val):
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def _empty(tensor):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """U(-bound, bound) with bound = gain·√(3 / fan): standard deviation gain/√fan."""
    if _empty(tensor):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std  # a uniform on [-b, b] has standard deviation b/√3
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std²) with std = gain/√fan."""
    if _empty(tensor):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-a, a) with a = gain·√(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std²) with std = gain·√(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def default_weight_and_bias_(weight, bias):
    """PyTorch's default for Linear and Conv2d: kaiming_uniform_(a=√5), bias U(±1/√fan_in).

    With a=√5 the weight bound works out to 1/√fan_in as well.
    """
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
