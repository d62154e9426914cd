"""Loss functions that PyTorch computes as one node each.

Cross-entropy is not here: PyTorch builds it from two nodes, log_softmax (ops/reduction.py)
followed by the negative log-likelihood below, and so do we.
"""

import numpy as np

from ..function import Function
from ..numpy_protocol import constant


def reduce_loss(losses, reduction, count):
    """'none' keeps one loss per item; 'sum' adds them; 'mean' divides the sum by `count`."""
    if reduction == "none":
        return losses
    total = losses.sum()
    return np.asarray(total if reduction == "sum" else total / count, dtype=losses.dtype)


class NllLoss(Function):
    """loss_n = -w[target_n]·logp[n, target_n]  (w = 1 without class weights), then summed,
    or averaged over the counted items' weights
    ∂loss_n/∂logp[n, k] = -w[target_n] if k = target_n else 0"""

    name_in_pytorch = "NllLossBackward0"

    def forward(self, log_probs, target, reduction, ignore_index, weight=None):
        self.input_shape, self.reduction = log_probs.shape, reduction
        if log_probs.ndim == 1:  # one unbatched item: a row of C log-probabilities
            log_probs, target = log_probs[None], target.reshape(1)
        self.target, self.counted = target, target != ignore_index
        if weight is not None:
            self.save_for_backward(target)  # as PyTorch does with weights (freed after backward)
        rows = np.arange(len(target))
        safe_target = np.where(self.counted, target, 0)
        picked = log_probs[rows, safe_target]
        # Each item's weight: its class's weight, 0 if ignored (it counts neither above nor below).
        self.item_weight = np.where(
            self.counted, 1 if weight is None else weight[safe_target], 0
        ).astype(log_probs.dtype)
        losses = np.where(self.counted, -picked * self.item_weight, 0).astype(log_probs.dtype)
        self.count = self.item_weight.sum()
        if len(self.input_shape) == 1:
            losses = losses.reshape(())
        return reduce_loss(losses, reduction, self.count)

    def backward(self, grad):
        self.saved_tensors  # noqa: B018 - with class weights, raises once backward freed them
        per_item = np.broadcast_to(grad, self.target.shape)
        if self.reduction == "mean":
            per_item = per_item / self.count
        grad_x = np.zeros_like(grad, shape=(len(self.target), self.input_shape[-1]))
        rows = np.arange(len(self.target))
        weight = constant(self.item_weight, like=grad)
        grad_x[rows, np.where(self.counted, self.target, 0)] = -per_item * weight
        return np.reshape(grad_x, self.input_shape)


class MseLoss(Function):
    """loss = (a - b)²  (then summed or averaged)    ∂loss/∂a = 2(a - b),  ∂loss/∂b = -2(a - b)"""

    name_in_pytorch = "MseLossBackward0"

    def forward(self, a, b, reduction):
        self.save_for_backward(a, b)
        self.reduction = reduction
        difference = a - b
        self.count = difference.size
        return reduce_loss(difference * difference, reduction, self.count)

    def backward(self, grad):
        a, b = self.saved_tensors
        scale = 2 / self.count if self.reduction == "mean" else 2
        grad_a = grad * scale * (a - b)
        return grad_a, -grad_a
