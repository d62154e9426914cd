"""Stochastic gradient descent, with PyTorch's momentum rule step for step.

For each parameter p with gradient g, one `step()` does:

    g = -g                      if maximize  (climb instead of descend)
    g = g + weight_decay * p    (L2 penalty: its gradient is weight_decay * p)
    if momentum:
        buf = g                                    on the first step (a copy)
        buf = momentum * buf + (1 - dampening) * g on later steps
        g = g + momentum * buf  if nesterov  else  buf
    p = p - lr * g              (in place: every reference to p sees the new values)

Note the momentum buffer starts as the first gradient itself and is *not* an average
(no factor (1 - momentum) in front of g): some courses teach the averaging form, whose
steps are (1 - momentum) times smaller. This is PyTorch's form.
"""

import numpy as np

from ..grad_mode import no_grad
from ..tensor import Tensor
from .optimizer import Optimizer


class SGD(Optimizer):
    """torch.optim.SGD: the update rule above, with its options per parameter group."""

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        maximize=False,
    ):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; parameters without one stay as they are."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, p.grad._data, group)
        return loss

    def _update(self, p, grad, group):
        momentum, dampening = group["momentum"], group["dampening"]
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p._data
        if momentum != 0:
            state = self.state[p]
            if state.get("momentum_buffer") is None:
                buf = Tensor(np.array(g, copy=True))
                state["momentum_buffer"] = buf
            else:
                buf = state["momentum_buffer"]
                buf._data *= momentum
                # (1 - 0) * g is g: skipping the multiply saves a pass over every weight.
                buf._data += (1 - dampening) * g if dampening else g
            g = g + momentum * buf._data if group["nesterov"] else buf._data
        # In place, so the model (and anything else holding p) sees the new values.
        p._data -= group["lr"] * g
