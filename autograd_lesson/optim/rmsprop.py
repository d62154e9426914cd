"""RMSprop: divide each gradient by a running root mean square of its recent values.

For each parameter p with gradient g, one `step()` does:

    g = -g                                   if maximize
    g = g + weight_decay * p
    v = alpha * v + (1 - alpha) * g²         running mean of g²
    avg = √v + eps
      centered: also keep a running mean of g, ḡ = alpha * ḡ + (1 - alpha) * g,
                and use avg = √(v - ḡ²) + eps (a running standard deviation)
    p = p - lr * g / avg                     without momentum
    buf = momentum * buf + g / avg,  p = p - lr * buf     with momentum

Unlike Adam there is no bias correction: v starts at 0, so the first steps are large.
"""

import numpy as np

from ..grad_mode import no_grad
from .optimizer import (
    Optimizer,
    check_capturable,
    check_non_negative,
    check_option_support,
    check_tensor_lr,
    count_write,
    lerp_,
    new_step_counter,
    to_scalar,
    zeros_like_param,
)


class RMSprop(Optimizer):
    """torch.optim.RMSprop:  v ← αv + (1−α)g²,   p ← p − lr · g / (√v + ε)"""

    LOADED_GROUP_DEFAULTS = {
        "momentum": 0,
        "centered": False,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0,
        momentum=0,
        centered=False,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ):
        check_tensor_lr(lr)
        check_non_negative(
            lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha
        )
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)
        check_option_support(foreach, None, differentiable)

    def _check_gradient(self, p, grad, group):
        super()._check_gradient(p, grad, group)
        check_capturable(group)

    def _state_keys(self, group):
        keys = ["step", "square_avg"]
        if group["momentum"] > 0:
            keys.append("momentum_buffer")
        if group["centered"]:
            keys.append("grad_avg")
        return keys

    @no_grad()
    def step(self, closure=None):
        """Check every gradient, then update each parameter that has one (the rule below)."""
        return self._check_and_update(closure)

    def _update(self, p, grad, group):
        lr, alpha, eps, momentum = (
            to_scalar(group["lr"]),
            group["alpha"],
            group["eps"],
            group["momentum"],
        )
        state = self.state[p]
        if len(state) == 0:
            state["step"] = new_step_counter()
            state["square_avg"] = zeros_like_param(p)
            if momentum > 0:
                state["momentum_buffer"] = zeros_like_param(p)
            if group["centered"]:
                state["grad_avg"] = zeros_like_param(p)
        square_avg = state["square_avg"]._data

        g = -grad if group["maximize"] else grad
        state["step"]._data += 1  # counted, as PyTorch does, though the rule does not use it
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p._data
        square_avg *= alpha
        square_avg += (1 - alpha) * g * g
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            lerp_(grad_avg, g, 1 - alpha)  # ḡ ← αḡ + (1−α)g
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += eps
        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += g / avg
            p._data -= lr * buf
        else:
            p._data -= lr * g / avg
        count_write(p)
