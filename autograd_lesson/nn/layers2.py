"""nn.functional's activations, normalisation, embedding, pooling, dropout and 1-D
convolution beyond the ones in functional.py; each checks its arguments with PyTorch's
words, then calls one op of autograd_lesson.ops."""

import warnings

import numpy as np

from .. import dtypes
from ..ops import activation, avg_pool, gather_scatter
from ..ops import conv1d as conv1d_ops
from ..ops import layer_norm as ln
from ..tensor import Tensor
from . import functional as F


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) → rows of 0s with a 1 at each index (int64)."""
    if tensor.dtype is not dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    labels = tensor._data
    if num_classes == -1:
        if labels.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(labels.max()) + 1
    if labels.size and labels.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if labels.size and labels.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor((labels[..., None] == np.arange(num_classes)).astype(np.int64))


# ---------------------------------------------------------------------- activations


def gelu(input, approximate="none"):  # noqa: A002 - PyTorch's argument name
    """x·Φ(x), Φ the standard normal CDF; approximate='tanh' uses PyTorch's tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    op = activation.Gelu if approximate == "none" else activation.GeluTanh
    return op.apply(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """x where x > 0, else negative_slope·x."""
    if inplace:
        return input._inplace(activation.LeakyRelu, negative_slope=negative_slope)
    return activation.LeakyRelu.apply(input, negative_slope=negative_slope)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """x where x > 0, else alpha·(eˣ - 1)."""
    if inplace:
        return input._inplace(activation.Elu, alpha=alpha)
    return activation.Elu.apply(input, alpha=alpha)


def silu(input, inplace=False):  # noqa: A002
    """x·sigmoid(x) (also called swish)."""
    if inplace:
        return input._inplace(activation.Silu)
    return activation.Silu.apply(input)


# ---------------------------------------------------------------------- normalisation


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):  # noqa: A002
    """Normalise each sample over its last len(normalized_shape) dimensions."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape) :]) != shape or input.ndim < len(shape):
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(n) for n in shape)}], but got input of size{list(input.shape)}"
        )
    return ln.LayerNorm.apply(
        input,
        F._absent(input) if weight is None else weight,
        F._absent(input) if bias is None else bias,
        normalized_ndim=len(shape),
        eps=eps,
    )


# ---------------------------------------------------------------------- embedding


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002
              scale_grad_by_freq=False, sparse=False):
    """weight[input]: one row of weight per index; padding_idx's row gets no gradient."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "autograd_lesson's embedding has no max_norm, scale_grad_by_freq or sparse"
        )
    if input.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.dtype.tensor_type_name} instead (while checking "
            "arguments for embedding)"
        )
    indices = input._data.astype(np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    return gather_scatter.Embedding.apply(weight, indices=indices, padding_idx=padding_idx)


# ---------------------------------------------------------------------- pooling, dropout, conv


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    """The mean of each kernel_size window, moved by `stride` (default: kernel_size)."""
    if ceil_mode:
        raise NotImplementedError("autograd_lesson's avg_pool2d supports ceil_mode=False only")
    kernel = F._pair(kernel_size)
    stride = kernel if stride is None or stride == [] else F._pair(stride)
    padding = F._pair(padding)
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise RuntimeError("pad should be smaller than or equal to half of kernel size, but got "
                           f"padW = {padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, "
                           f"kH = {kernel[0]}")
    if input.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    return avg_pool.AvgPool2d.apply(
        input, kernel=kernel, stride=stride, padding=padding,
        count_include_pad=count_include_pad, divisor_override=divisor_override,
    )


DROPOUT2D_3D_WARNING = (
    "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
    "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
    "dim. This behavior will change in a future release to interpret the input as one without "
    "a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
    "behavior, please switch to using dropout1d instead."
)


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels (each with probability p), scale the rest by 1/(1-p)."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).",
            UserWarning,
            stacklevel=2,
        )
    if input.ndim == 3:
        warnings.warn(DROPOUT2D_3D_WARNING, UserWarning, stacklevel=2)
    if not training or p == 0:
        return input
    # As PyTorch: one draw per (sample, channel), bernoulli_(1 - p) then / (1 - p), the
    # same numbers as torch for the same seed; size-1 dims spread it over each channel.
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    noise = Tensor(np.zeros(shape, dtype=input._data.dtype))
    if p == 1:
        return input * noise
    noise.bernoulli_(1 - p)
    noise.div_(1 - p)
    return input * noise


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """1-D convolution (cross-correlation) over the last dimension."""
    if groups != 1 or dilation not in (1, (1,), [1]):
        raise NotImplementedError("autograd_lesson's conv1d supports groups=1, dilation=1 only")
    stride = stride[0] if isinstance(stride, tuple | list) else stride
    padding = padding[0] if isinstance(padding, tuple | list) else padding
    if input.ndim == 2:  # one unbatched sequence (C, L)
        return conv1d(input.unsqueeze(0), weight, bias, stride, padding).squeeze(0)
    if input.ndim != 3:
        raise RuntimeError(
            "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
            f"{list(input.shape)}"
        )
    if input.shape[1] != weight.shape[1]:
        raise RuntimeError(
            f"Given groups=1, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {weight.shape[1]} channels, but got {input.shape[1]} "
            "channels instead"
        )
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.short_name} but found {weight.dtype.short_name}"
        )
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same" and weight.shape[2] % 2:
            padding = (weight.shape[2] - 1) // 2
        else:
            raise NotImplementedError("padding='same' needs an odd kernel size here")
    bias = F._absent(weight) if bias is None else bias
    return conv1d_ops.Convolution1d.apply(input, weight, bias, stride=stride, padding=padding)
