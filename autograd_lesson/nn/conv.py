"""The 2-D convolution layer."""

from . import functional as F
from . import init
from .linear import add_weight_and_bias
from .module import Module


class Conv2d(Module):
    """Slides `out_channels` filters of shape (in_channels, kh, kw) over the image."""

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ):
        super().__init__()
        if padding_mode != "zeros":
            raise NotImplementedError("autograd_lesson's Conv2d supports padding_mode='zeros'")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = F._pair(kernel_size), F._pair(stride)
        self.padding = padding if isinstance(padding, str) else F._pair(padding)
        self.dilation, self.groups = F._pair(dilation), groups
        weight_shape = (out_channels, in_channels // groups, *self.kernel_size)
        add_weight_and_bias(self, weight_shape, bias, dtype)

    def reset_parameters(self):
        init.default_weight_and_bias_(self.weight, self.bias)

    def forward(self, input):  # noqa: A002 - PyTorch's argument name
        return F.conv2d(
            input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self):
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv1d(Module):
    """Slides `out_channels` filters of shape (in_channels, k) along a sequence."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        single = F._pair  # (k,) from k or (k,): the first of the pair
        if groups != 1 or single(dilation)[0] != 1 or padding_mode != "zeros":
            raise NotImplementedError(
                "autograd_lesson's Conv1d supports groups=1, dilation=1, padding_mode='zeros'"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = (single(kernel_size)[0],), (single(stride)[0],)
        self.padding = padding if isinstance(padding, str) else (single(padding)[0],)
        self.dilation, self.groups = (1,), 1
        add_weight_and_bias(self, (out_channels, in_channels, *self.kernel_size), bias, dtype)

    def reset_parameters(self):
        init.default_weight_and_bias_(self.weight, self.bias)

    def forward(self, input):  # noqa: A002
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return F.conv1d(input, self.weight, self.bias, self.stride[0], padding)

    def extra_repr(self):
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,):
            text += f", padding={self.padding}"
        if self.bias is None:
            text += ", bias=False"
        return text
