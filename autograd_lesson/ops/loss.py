"""Loss functions that PyTorch computes as one node each.

Cross-entropy is not here: PyTorch builds it from two nodes, log_softmax (ops/reduction.py)
followed by the negative log-likelihood below, and so do we.
"""

import numpy as np

from ..function import Function


def reduce_loss(losses, reduction, count):
    """'none' keeps one loss per item; 'sum' adds them; 'mean' divides the sum by `count`."""
    if reduction == "none":
        return losses
    total = losses.sum()
    return np.asarray(total if reduction == "sum" else total / count, dtype=losses.dtype)


class NllLoss(Function):
    """loss_n = -logp[n, target_n]  (then summed or averaged over the counted items)
    ∂loss_n/∂logp[n, k] = -1 if k = target_n else 0"""

    name_in_pytorch = "NllLossBackward0"

    def forward(self, log_probs, target, reduction, ignore_index):
        self.input_shape, self.reduction = log_probs.shape, reduction
        self.target, self.counted = target, target != ignore_index
        rows = np.arange(len(target))
        picked = log_probs[rows, np.where(self.counted, target, 0)]
        losses = np.where(self.counted, -picked, 0).astype(log_probs.dtype)
        self.count = int(self.counted.sum())  # ignored items count neither above nor below
        return reduce_loss(losses, reduction, self.count)

    def backward(self, grad):
        per_item = np.broadcast_to(grad, self.target.shape)
        if self.reduction == "mean":
            per_item = per_item / self.count
        grad_x = np.zeros_like(grad, shape=self.input_shape)
        rows = np.arange(len(self.target))
        grad_x[rows, np.where(self.counted, self.target, 0)] = np.where(self.counted, -per_item, 0)
        return grad_x


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
