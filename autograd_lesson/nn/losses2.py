"""The losses of nn.functional beyond mse_loss and nll_loss: binary cross-entropy (from
probabilities or logits), L1, smooth L1, Huber, and cross_entropy's two composite forms
(class probabilities as target, label smoothing), built from the same nodes as PyTorch's.
"""

import warnings

import numpy as np

from ..ops import binary_loss, regression_loss
from ..ops.scalar import DivScalar, MulScalar
from ..tensor import Size, Tensor
from . import functional as F


def same_shape(input, target, stacklevel=3):  # noqa: A002 - PyTorch's argument name
    """Operands of an element-wise loss; a target of another shape is broadcast, with
    PyTorch's warning (broadcasting is rarely what was meant in a loss)."""
    if input.shape != target.shape:
        warnings.warn(
            f"Using a target size ({target.shape!r}) that is different to the input size "
            f"({input.shape!r}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=stacklevel,
        )
    return input._binary(target)


def _constant(weight, like, shape):
    """A weight tensor as an array of like's dtype, broadcast to `shape` (None stays None)."""
    if weight is None:
        return None
    return np.broadcast_to(weight._data.astype(like._data.dtype), shape)


def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"  # noqa: A002
):
    """-(y·log p + (1 - y)·log(1 - p)) for probabilities p = input, labels y = target."""
    F._check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape!r}) that is different to the input size "
            f"({input.shape!r}) is deprecated. Please ensure they have the same size."
        )
    if ((input._data < 0) | (input._data > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    input, target = input._binary(target)
    return binary_loss.BinaryCrossEntropy.apply(
        input, target, weight=_constant(weight, input, input.shape), reduction=reduction
    )


def binary_cross_entropy_with_logits(
    input,  # noqa: A002
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction="mean",
    pos_weight=None,
):
    """binary_cross_entropy(sigmoid(input), target) in one stable node; pos_weight weighs
    the positive examples' term (one weight per class, the last dim)."""
    F._check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape!r}) must be the same as input size ({input.shape!r})"
        )
    input, target = input._binary(target)
    return binary_loss.BinaryCrossEntropyWithLogits.apply(
        input,
        target,
        weight=_constant(weight, input, input.shape),
        pos_weight=_constant(pos_weight, input, input.shape),
        reduction=reduction,
    )


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """|input - target|, averaged (default), summed or kept: sub, abs, mean, as PyTorch."""
    F._check_reduction(reduction)
    input, target = broadcast(*same_shape(input, target))
    losses = (input - target).abs()
    if reduction == "none":
        return losses
    return losses.mean() if reduction == "mean" else losses.sum()


def smooth_l1_loss(
    input, target, size_average=None, reduce=None, reduction="mean", beta=1.0  # noqa: A002
):
    """Squared (divided by 2·beta) where |input - target| < beta, linear beyond."""
    F._check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:  # PyTorch's l1_loss then, node for node
        return l1_loss(input, target, reduction=reduction)
    input, target = same_shape(input, target)
    input, target = broadcast(input, target)
    return regression_loss.SmoothL1Loss.apply(input, target, reduction=reduction, beta=beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    """Squared (halved) where |input - target| ≤ delta, linear (slope delta) beyond."""
    F._check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        raise NotImplementedError("autograd_lesson's huber_loss has no `weight` argument")
    input, target = same_shape(input, target)
    input, target = broadcast(input, target)
    return regression_loss.HuberLoss.apply(input, target, reduction=reduction, delta=delta)


def broadcast(input, target):  # noqa: A002
    """Both operands expanded to their broadcast shape (as torch.broadcast_tensors)."""
    if input.shape != target.shape:
        shape = Size(np.broadcast_shapes(input.shape, target.shape))
        input, target = input.expand(shape), target.expand(shape)
    return input, target


# ---------------------------------------------------------------------- cross_entropy's forms


def _class_weights(weight, log_p, class_dim):
    """The class weights shaped to multiply log_p along its class dimension."""
    shape = [1] * log_p.ndim
    shape[class_dim] = log_p.shape[class_dim]
    return weight.reshape(shape)


def cross_entropy_with_probabilities(log_p, target, weight, reduction, label_smoothing, class_dim):
    """-Σ_c target_c·weight_c·log p_c per item (target: class probabilities)."""
    F._check_reduction(reduction)
    if target.shape != log_p.shape:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    classes = log_p.shape[class_dim]
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    weighted = log_p if weight is None else log_p * _class_weights(weight, log_p, class_dim)
    terms = weighted * target
    if reduction == "none":
        return -terms.sum(class_dim)
    total = -terms.sum()
    if reduction == "sum":
        return total
    return DivScalar.apply(total, number=log_p.numel() / classes)  # the batch size


def smoothed_cross_entropy(
    log_p, nll, target, weight, ignore_index, reduction, label_smoothing, class_dim
):
    """(1 - ε)·nll + ε/C·(-Σ_c weight_c·log p_c): the target spread by ε over all C classes."""
    classes = log_p.shape[class_dim]
    weighted = log_p if weight is None else log_p * _class_weights(weight, log_p, class_dim)
    smooth = -weighted.sum(class_dim)
    labels = target._data if isinstance(target, Tensor) else target
    ignored = Tensor(labels == ignore_index)
    smooth = smooth.masked_fill_(ignored, 0.0)
    if reduction == "sum":
        smooth = smooth.sum()
    elif reduction == "mean":
        counted = labels[labels != ignore_index]
        if weight is None:
            denominator = Tensor(np.asarray(counted.size))
        else:
            denominator = Tensor(weight._data[counted].sum(dtype=weight._data.dtype))
        smooth = smooth.sum() / denominator
    return MulScalar.apply(nll, number=1 - label_smoothing) + MulScalar.apply(
        smooth, number=label_smoothing / classes
    )
