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
from .optimizer import (
    Optimizer,
    check_option_support,
    check_tensor_lr,
    count_write,
    integral_alpha_error,
    to_scalar,
)


class SGD(Optimizer):
    """torch.optim.SGD:  buf ← μ·buf + (1−τ)·g  (buf₁ = g),   p ← p − lr·buf

    (g includes weight_decay·p; nesterov uses g + μ·buf instead of buf.)
    """

    LOADED_GROUP_DEFAULTS = {
        "nesterov": False,
        "maximize": False,
        "foreach": None,
        "differentiable": False,
        "fused": False,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        *,
        maximize=False,
        foreach=None,
        differentiable=False,
        fused=None,
    ):
        check_tensor_lr(lr)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        check_option_support(foreach, fused, differentiable)

    @no_grad()
    def step(self, closure=None):
        """Check every gradient, then update each parameter that has one (the rule below)."""
        return self._check_and_update(closure)

    def _update(self, p, grad, group):
        lr, momentum, dampening = to_scalar(group["lr"]), group["momentum"], group["dampening"]
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
        p._data -= lr * g
        count_write(p)

    def _integer_parameter_error(self, p, group):
        if isinstance(to_scalar(group["lr"]), float) or isinstance(group["weight_decay"], float):
            return integral_alpha_error()
        return NotImplementedError(
            f"autograd_lesson's optimizers update floating-point parameters only, not "
            f"{p.dtype.short_name} ones"
        )
