"""Losses that are squared near zero and linear far away: smooth L1 and Huber.
(L1 itself is built from sub, abs and mean, as in PyTorch's graph.)"""

import numpy as np

from ..function import Function
from .loss import reduce_loss


class SmoothL1Loss(Function):
    """d = a - b;  loss = d²/(2β) where |d| < β, else |d| - β/2
    ∂loss/∂a = d/β where |d| < β, else sign(d);  ∂loss/∂b = -∂loss/∂a"""

    name_in_pytorch = "SmoothL1LossBackward0"

    def forward(self, a, b, reduction, beta):
        self.reduction, self.beta = reduction, beta
        self.save_for_backward(a, b)
        d = a - b
        self.count = d.size
        near = np.abs(d) < beta
        losses = np.where(near, 0.5 * d * d / beta, np.abs(d) - 0.5 * beta).astype(d.dtype)
        return reduce_loss(losses, reduction, self.count)

    def backward(self, grad):
        a, b = self.saved_tensors
        d = a - b
        if self.reduction == "mean":
            grad = grad / self.count
        slope = np.where(np.abs(d) < self.beta, d / self.beta, np.sign(d))
        return grad * slope, -(grad * slope)


class HuberLoss(Function):
    """d = a - b;  loss = d²/2 where |d| ≤ δ, else δ·(|d| - δ/2)
    ∂loss/∂a = d where |d| ≤ δ, else δ·sign(d);  ∂loss/∂b = -∂loss/∂a"""

    name_in_pytorch = "HuberLossBackward0"

    def forward(self, a, b, reduction, delta):
        self.reduction, self.delta = reduction, delta
        self.save_for_backward(a, b)
        d = a - b
        self.count = d.size
        near = np.abs(d) <= delta
        losses = np.where(near, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta)).astype(d.dtype)
        return reduce_loss(losses, reduction, self.count)

    def backward(self, grad):
        a, b = self.saved_tensors
        d = a - b
        if self.reduction == "mean":
            grad = grad / self.count
        slope = np.where(np.abs(d) <= self.delta, d, self.delta * np.sign(d))
        return grad * slope, -(grad * slope)
