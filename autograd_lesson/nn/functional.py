"""`nn.functional`: the layers as plain functions of tensors (weights passed in).

Each function checks its arguments the way PyTorch does (same error messages), then calls
one op from `autograd_lesson.ops`, so the graph shows PyTorch's node names.
"""

import warnings

import numpy as np

from .. import dtypes, random
from ..ops import (
    conv_general,
    elementwise,
    loss,
    matmul,
    max_pool_general,
    pooling,
    reduction,
)
from ..ops.conv_fast import convolution_for
from ..ops.normalization_fast import batch_norm_for
from ..ops.pooling_fast import max_pool_for
from ..ops.windows import output_hw
from ..tensor import Tensor
from . import losses2


def _pair(value):
    """2 → (2, 2); (2, 3) stays (2, 3): kernel sizes, strides and paddings."""
    if isinstance(value, int | np.integer):
        return (int(value), int(value))
    return tuple(int(v) for v in value)


def _absent(like):
    """An empty tensor standing for an optional input that was not given (a conv's bias).

    It requires no grad, so the graph records (None, 0) in its place, as PyTorch does.
    """
    return Tensor(np.empty(0, dtype=like._data.dtype))


# ---------------------------------------------------------------------- linear layers


def linear(input, weight, bias=None):  # noqa: A002 - PyTorch's argument name
    """input @ weightᵀ + bias: one AddmmBackward0 node for a batch of rows, as in PyTorch."""
    out_features, in_features = weight.shape
    rows = int(np.prod(input.shape[:-1])) if input.ndim else 1
    if input.ndim == 0 or input.shape[-1] != in_features:
        width = input.shape[-1] if input.ndim else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{width} and "
            f"{in_features}x{out_features})"
        )
    if input.dtype != weight.dtype:
        # PyTorch runs mm without a bias, addmm with one, and their messages differ.
        if bias is None:
            raise RuntimeError(
                "expected m1 and m2 to have the same dtype, but got: "
                f"{input.dtype.c_name} != {weight.dtype.c_name}"
            )
        raise RuntimeError(
            "mat1 and mat2 must have the same dtype, but got "
            f"{input.dtype.short_name} and {weight.dtype.short_name}"
        )
    if input.ndim != 2:
        # Fold every leading dimension into rows, multiply, unfold: PyTorch does the same.
        flat = linear(input.reshape(rows, in_features), weight, bias)
        return flat.reshape(*input.shape[:-1], out_features)
    if bias is None:
        return input @ weight.t()
    return matmul.Addmm.apply(bias, input, weight.t())


# ---------------------------------------------------------------------- convolution


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """2-D convolution (cross-correlation, as in every deep-learning library)."""
    if input.ndim == 3:  # one unbatched image (C, H, W)
        batch = input.unsqueeze(0)
        return conv2d(batch, weight, bias, stride, padding, dilation, groups).squeeze(0)
    if input.ndim != 4:
        raise RuntimeError(
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
            f"{list(input.shape)}"
        )
    c_out, c_in, kh, kw = weight.shape
    if input.shape[1] != c_in * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {c_in * groups} channels, but got {input.shape[1]} "
            "channels instead"
        )
    dilation = _pair(dilation)
    kh, kw = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1  # the kernel's span
    if bias is not None and input.dtype != bias.dtype:
        raise RuntimeError(
            f"Input type ({input.dtype.c_name}) and bias type ({bias.dtype.c_name}) should be "
            "the same"
        )
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.short_name} but found {weight.dtype.short_name}"
        )
    stride, padding = _pair(stride), _conv_padding(padding, (kh, kw))
    padded = tuple(input.shape[2 + d] + 2 * padding[d] for d in range(2))
    if padded[0] < kh or padded[1] < kw:
        raise RuntimeError(
            f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). "
            f"Kernel size: ({kh} x {kw}). Kernel size can't be greater than actual input size"
        )
    bias = _absent(weight) if bias is None else bias
    if groups != 1 or dilation != (1, 1):  # (the fast kernels take neither)
        return conv_general.GroupedConvolution.apply(
            input, weight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups
        )
    convolution = convolution_for(input.shape, weight.shape, stride, padding)
    return convolution.apply(input, weight, bias, stride=stride, padding=padding)


def _conv_padding(padding, kernel):
    """Padding as (ph, pw); 'valid' is no padding, 'same' keeps the size (odd kernels)."""
    if padding == "valid":
        return (0, 0)
    if padding == "same":
        if any(k % 2 == 0 for k in kernel):
            raise NotImplementedError("padding='same' needs an odd kernel size here")
        return tuple((k - 1) // 2 for k in kernel)
    return _pair(padding)


# ---------------------------------------------------------------------- normalisation


def batch_norm(
    input,  # noqa: A002
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-05,
):
    """Normalise each channel (dim 1); in training, update the running statistics in place."""
    channels = input.shape[1] if input.ndim > 1 else 0
    for name, stat in (("running_mean", running_mean), ("running_var", running_var)):
        if stat is not None and stat.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {stat.numel()}")
    if training and input.numel() // max(channels, 1) <= 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {input.shape!r}"
        )
    others = [t for t in (running_mean, running_var, weight, bias) if t is not None]
    if any(t.dtype != input.dtype for t in others):
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    if not training and running_mean is None:
        training = True  # no running statistics to use: PyTorch normalises with the batch's
    stats = (None, None) if running_mean is None else (running_mean._data, running_var._data)
    return batch_norm_for(input.shape).apply(
        input,
        _absent(input) if weight is None else weight,
        _absent(input) if bias is None else bias,
        running_mean=stats[0],
        running_var=stats[1],
        training=training,
        momentum=momentum,
        eps=eps,
    )


# ---------------------------------------------------------------------- activations


def relu(input, inplace=False):  # noqa: A002
    """max(x, 0); with inplace=True written into x itself (x.relu_(), recorded in place)."""
    return input.relu_() if inplace else elementwise.Relu.apply(input)


def sigmoid(input):  # noqa: A002
    """F.sigmoid(x) is torch.sigmoid(x): the same node, SigmoidBackward0."""
    return input.sigmoid()


def tanh(input):  # noqa: A002
    """F.tanh(x) is torch.tanh(x): the same node, TanhBackward0."""
    return input.tanh()


def softmax(input, dim=None, dtype=None):  # noqa: A002
    source = input if dtype is None else input.to(dtype)
    return reduction.Softmax.apply(source, dim=_default_dim(source, dim))


def log_softmax(input, dim=None, dtype=None):  # noqa: A002
    source = input if dtype is None else input.to(dtype)
    return reduction.LogSoftmax.apply(source, dim=_default_dim(source, dim, "log_softmax"))


def _default_dim(input, dim, name="softmax"):  # noqa: A002
    """PyTorch's (deprecated) choice when softmax is called without dim, with its warning."""
    if dim is not None:
        return dim
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if input.ndim in (0, 1, 3) else 1


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero each element with probability p, scale the rest by 1/(1-p) (only in training)."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0
    mask = Tensor(random.dropout_mask(input._data, p))  # PyTorch's draws: see random.py
    return input * mask


def flatten(input, start_dim=0, end_dim=-1):  # noqa: A002
    return input.flatten(start_dim, end_dim)


# ---------------------------------------------------------------------- pooling


def max_pool2d(
    input,  # noqa: A002
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode=False,
    return_indices=False,
):
    if return_indices:
        raise NotImplementedError("autograd_lesson's max_pool2d has no return_indices=True")
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    padding = _pair(padding)
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise RuntimeError(
            f"pad should be at most half of effective kernel size, but got pad={padding[0]}, "
            f"kernel_size={kernel[0]} and dilation=1"
        )
    if input.ndim == 3:
        batch = input.unsqueeze(0)
        return max_pool2d(batch, kernel, stride, padding, dilation, ceil_mode).squeeze(0)
    if ceil_mode or _pair(dilation) != (1, 1):  # (pooling.py's kernels take neither)
        return _max_pool2d_general(input, kernel, stride, padding, _pair(dilation), ceil_mode)
    _, c, h, w = input.shape
    out_hw = output_hw((h, w), kernel, stride, padding)
    if min(out_hw) < 1:
        raise RuntimeError(
            f"Given input size: ({c}x{h}x{w}). Calculated output size: "
            f"({c}x{out_hw[0]}x{out_hw[1]}). Output size is too small"
        )
    max_pool = max_pool_for(input.shape, kernel)
    return max_pool.apply(input, kernel=kernel, stride=stride, padding=padding)


def _max_pool2d_general(input, kernel, stride, padding, dilation, ceil_mode):  # noqa: A002
    _, c, h, w = input.shape
    out_hw = [
        max_pool_general.pooled_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip((h, w), kernel, stride, padding, dilation)
    ]
    if min(out_hw) < 1:
        raise RuntimeError(
            f"Given input size: ({c}x{h}x{w}). Calculated output size: "
            f"({c}x{out_hw[0]}x{out_hw[1]}). Output size is too small"
        )
    return max_pool_general.MaxPool2dGeneral.apply(
        input, kernel=kernel, stride=stride, padding=padding, dilation=dilation, out_hw=out_hw
    )


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    size = _pair(output_size) if output_size is not None else input.shape[-2:]
    size = tuple(input.shape[-2 + d] if n is None else n for d, n in enumerate(size))
    if size == (1, 1):
        # What PyTorch does too: a mean over height and width (its graph shows MeanBackward1).
        return input.mean(dim=(-2, -1), keepdim=True)
    if input.ndim == 3:
        return adaptive_avg_pool2d(input.unsqueeze(0), size).squeeze(0)
    return pooling.AdaptiveAvgPool2dOp.apply(input, output_size=size)


# ---------------------------------------------------------------------- losses


def _check_reduction(reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):  # noqa: A002
    """-log_probs[n, target[n]], averaged (default), summed or kept per item."""
    _check_reduction(reduction)
    classes = input.shape[-1] if input.ndim == 1 else (input.shape[1] if input.ndim else 0)
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(
            f"weight tensor should be defined either for all {classes} classes or no classes but "
            f"got weight tensor of shape: {list(weight.shape)}"
        )
    if input.ndim not in (1, 2):
        raise NotImplementedError("autograd_lesson's nll_loss takes (N, C) or (C,) inputs")
    labels = target._data if isinstance(target, Tensor) else np.asarray(target)
    if labels.dtype.kind not in "iu":
        found = dtypes.from_numpy(labels.dtype).short_name
        raise RuntimeError(f"expected scalar type Long but found {found}")
    if input.ndim == 1:  # one unbatched item: (C,) scores, a 0-d target (one NllLoss node)
        labels = labels.reshape(1)
    elif labels.shape[0] != input.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({labels.shape[0]})."
        )
    counted = labels[labels != ignore_index]
    bad = counted[(counted < 0) | (counted >= input.shape[-1])]
    if bad.size:
        raise IndexError(f"Target {bad[0]} is out of bounds.")
    return loss.NllLoss.apply(
        input,
        target=labels.astype(np.int64),
        reduction=reduction,
        ignore_index=ignore_index,
        weight=None if weight is None else weight._data.astype(input._data.dtype),
    )


def cross_entropy(
    input,  # noqa: A002
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
    label_smoothing=0.0,
):
    """nll_loss(log_softmax(input)): two nodes, exactly as in PyTorch's graph. With class
    probabilities as target, or label_smoothing, the composite PyTorch builds (losses2.py)."""
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    log_p = log_softmax(input, class_dim)
    if isinstance(target, Tensor) and target.dtype.is_floating_point:
        return losses2.cross_entropy_with_probabilities(
            log_p, target, weight, reduction, label_smoothing, class_dim
        )
    nll = nll_loss(log_p, target, weight, ignore_index, reduction)
    if not label_smoothing:
        return nll
    return losses2.smoothed_cross_entropy(
        log_p, nll, target, weight, ignore_index, reduction, label_smoothing, class_dim
    )


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """(input - target)², averaged (default), summed or kept per element."""
    _check_reduction(reduction)
    # A target of another shape is broadcast, with PyTorch's warning (see losses2.py).
    input, target = losses2.broadcast(*losses2.same_shape(input, target))
    return loss.MseLoss.apply(input, target, reduction=reduction)


# ---------------------------------------------------------------------- more losses, layers
# (their code is in losses2.py and layers2.py; nn.functional is where PyTorch puts them)

from .layers2 import (  # noqa: E402, F401 - after the functions they build on
    avg_pool2d,
    conv1d,
    dropout2d,
    elu,
    embedding,
    gelu,
    layer_norm,
    leaky_relu,
    one_hot,
    silu,
)
from .losses2 import (  # noqa: E402, F401
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    huber_loss,
    l1_loss,
    smooth_l1_loss,
)
