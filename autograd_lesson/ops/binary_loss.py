"""Binary cross-entropy: from probabilities (BCELoss) and from logits (BCEWithLogitsLoss).

`weight` and `pos_weight` are constants of the loss: PyTorch computes no gradient for them
(they are not inputs of the node), and neither does this engine.
"""

import numpy as np

from ..function import Function
from ..numpy_protocol import constant
from .loss import reduce_loss


def softplus(x):
    """log(1 + eˣ), written so that no exponential overflows."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


class _BinaryLoss:
    """What both losses share: the weighting and the reduction of the per-element losses."""

    def weighted(self, losses, weight):
        return losses if weight is None else losses * weight

    def reduced_grad(self, grad, shape):
        return np.broadcast_to(grad / self.count if self.reduction == "mean" else grad, shape)


class BinaryCrossEntropy(_BinaryLoss, Function):
    """loss = -w·(y·log p + (1 - y)·log(1 - p))  (each log at least -100, as in PyTorch)
    ∂loss/∂p = w·(p - y) / max(p(1 - p), 1e-12),  ∂loss/∂y = w·(log(1 - p) - log p)"""

    name_in_pytorch = "BinaryCrossEntropyBackward0"

    def forward(self, p, y, weight, reduction):
        self.weight, self.reduction, self.count = weight, reduction, p.size
        self.save_for_backward(p, y)
        with np.errstate(divide="ignore"):
            log_p, log_q = np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)
        losses = self.weighted(-(y * log_p + (1 - y) * log_q), weight).astype(p.dtype)
        return reduce_loss(losses, reduction, self.count)

    def backward(self, grad):
        p, y = self.saved_tensors
        grad = self.reduced_grad(grad, p.shape)
        w = None if self.weight is None else constant(self.weight, like=grad)
        grad_p = grad * (p - y) / np.maximum(p * (1 - p), 1e-12)
        grad_y = None
        if self.needs_input_grad[1]:
            grad_y = grad * (np.maximum(np.log1p(-p), -100) - np.maximum(np.log(p), -100))
            grad_y = self.weighted(grad_y, w)
        return self.weighted(grad_p, w), grad_y


class BinaryCrossEntropyWithLogits(_BinaryLoss, Function):
    """With σ the sigmoid and pw the pos_weight (1 if not given):
    loss = -w·(pw·y·log σ(x) + (1 - y)·log(1 - σ(x)))
    ∂loss/∂x = w·((pw·y + 1 - y)·σ(x) - pw·y),  ∂loss/∂y = w·(pw·log(1 + e⁻ˣ) - log(1 + eˣ))"""

    name_in_pytorch = "BinaryCrossEntropyWithLogitsBackward0"

    def forward(self, x, y, weight, pos_weight, reduction):
        self.weight, self.pos_weight = weight, pos_weight
        self.reduction, self.count = reduction, x.size
        self.save_for_backward(x, y)
        # -log σ(x) = softplus(-x) and -log(1 - σ(x)) = softplus(x): no log of 0.
        on_positive = softplus(-x) if pos_weight is None else pos_weight * softplus(-x)
        losses = self.weighted(y * on_positive + (1 - y) * softplus(x), weight).astype(x.dtype)
        return reduce_loss(losses, reduction, self.count)

    def backward(self, grad):
        x, y = self.saved_tensors
        grad = self.reduced_grad(grad, np.broadcast_shapes(x.shape, y.shape))
        w = None if self.weight is None else constant(self.weight, like=grad)
        pw = 1 if self.pos_weight is None else constant(self.pos_weight, like=grad)
        with np.errstate(over="ignore"):  # e^(-x) = inf for very negative x: σ = 0, right
            sigmoid = 1 / (1 + np.exp(-x))
        grad_x = self.weighted(grad * ((pw * y + 1 - y) * sigmoid - pw * y), w)
        grad_y = None
        if self.needs_input_grad[1]:
            grad_y = self.weighted(grad * (pw * softplus(-x) - softplus(x)), w)
        return grad_x, grad_y
