"""Linear, Identity and Flatten layers."""

import numpy as np

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def empty_parameter(shape, dtype=None):
    """A Parameter of this shape (float32 unless a dtype is given), to be filled by nn.init."""
    numpy_dtype = np.float32 if dtype is None else dtype.numpy_dtype
    return Parameter(np.empty(shape, dtype=numpy_dtype))


def add_weight_and_bias(module, weight_shape, bias, dtype):
    """Register `weight` and (if asked for) `bias` on a Linear or Conv2d layer, then fill
    them with PyTorch's default initialisation."""
    module.weight = empty_parameter(weight_shape, dtype)
    bias = empty_parameter(weight_shape[:1], dtype) if bias else None
    module.register_parameter("bias", bias)
    module.reset_parameters()


class Linear(Module):
    """y = x @ Wᵀ + b, with W of shape (out_features, in_features)."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        add_weight_and_bias(self, (out_features, in_features), bias, dtype)

    def reset_parameters(self):
        init.default_weight_and_bias_(self.weight, self.bias)

    def forward(self, input):  # noqa: A002 - PyTorch's argument name
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged (handy to remove a layer: `model.fc = nn.Identity()`)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):  # noqa: A002
        return input


class Flatten(Module):
    """Merges dims start_dim..end_dim into one: (N, 512, 1, 1) → (N, 512) by default."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):  # noqa: A002
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dimension `dim` into `unflattened_size`: Flatten's inverse."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input):  # noqa: A002
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
