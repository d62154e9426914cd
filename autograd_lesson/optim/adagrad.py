"""Adagrad: divide each gradient by the root of the sum of all its past squares.

For each parameter p with gradient g, at step t (t = 1, 2, ...), one `step()` does:

    g = -g                                       if maximize
    g = g + weight_decay * p
    clr = lr / (1 + (t - 1) * lr_decay)          the learning rate, optionally decaying
    sum = sum + g²                               never forgets: steps only shrink
    p = p - clr * g / (√sum + eps)

Weights whose gradients have been large take small steps, rarely-updated ones large steps.
The sum starts at initial_accumulator_value; PyTorch creates it (and the step count) for
every parameter as soon as the optimizer is built.
"""

import numpy as np

from ..grad_mode import no_grad
from ..tensor import Tensor
from .optimizer import (
    Optimizer,
    check_non_negative,
    check_option_support,
    check_tensor_lr,
    count_write,
    new_step_counter,
    to_scalar,
)


class Adagrad(Optimizer):
    """torch.optim.Adagrad:  s ← s + g²,   p ← p − lr/(1 + (t−1)·lr_decay) · g / (√s + ε)"""

    LOADED_GROUP_DEFAULTS = {
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "fused": None,
    }

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0,
        weight_decay=0,
        initial_accumulator_value=0,
        eps=1e-10,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        fused=None,
    ):
        check_tensor_lr(lr)
        check_non_negative(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        check_option_support(foreach, fused, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p):
        # As PyTorch: the optimizer-wide initial value, even if a group names another one.
        state = self.state[p]
        state["step"] = new_step_counter()
        initial = self.defaults["initial_accumulator_value"]
        state["sum"] = Tensor(np.full_like(p._data, initial))

    def _state_keys(self, group):
        return ("step", "sum")

    @no_grad()
    def step(self, closure=None):
        """Check every gradient, then update each parameter that has one (the rule below)."""
        return self._check_and_update(closure)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:  # a parameter added later with add_param_group
            self._init_state(p)
        state["step"]._data += 1
        t = state["step"].item()
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p._data
        clr = to_scalar(group["lr"]) / (1 + (t - 1) * group["lr_decay"])
        state_sum = state["sum"]._data
        state_sum += g * g
        std = np.sqrt(state_sum) + group["eps"]
        p._data -= clr * g / std
        count_write(p)
