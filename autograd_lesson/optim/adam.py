"""Adam: each weight gets its own step size, from running averages of its gradient.

For each parameter p with gradient g, at step t (t = 1, 2, ...), one `step()` does:

    g = -g                                  if maximize
    g = g + weight_decay * p                (L2 penalty; AdamW decays p directly instead)
    m = beta1 * m + (1 - beta1) * g         first moment: a running mean of g
    v = beta2 * v + (1 - beta2) * g²        second moment: a running mean of g²
    m̂ = m / (1 - beta1^t),  v̂ = v / (1 - beta2^t)      undo the pull towards the zero start
    p = p - lr * m̂ / (√v̂ + eps)

so a weight whose gradient is steady moves by about lr per step, whatever the gradient's
size. amsgrad divides by the largest v seen so far instead of the current one.
"""

import numpy as np

from ..grad_mode import no_grad
from ..tensor import Tensor
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


class Adam(Optimizer):
    """torch.optim.Adam:  m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
    p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
    """

    LOADED_GROUP_DEFAULTS = {
        "amsgrad": False,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
        "fused": None,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
        fused=None,
        decoupled_weight_decay=False,
    ):
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError(
                "lr as a Tensor is not supported for capturable=False and foreach=True"
            )
        check_tensor_lr(lr)
        check_non_negative(lr=lr, eps=eps)
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        check_non_negative(weight_decay=weight_decay)
        both_floats = isinstance(betas[0], float) and isinstance(betas[1], float)
        both_tensors = isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor)
        if not (both_floats or both_tensors):
            raise ValueError("betas must be either both floats or both Tensors")
        for index, beta in enumerate(betas):
            if isinstance(beta, Tensor) and not capturable and foreach:
                raise ValueError(
                    f"betas[{index}] as a Tensor is not supported for capturable=False and "
                    "foreach=True"
                )
            if isinstance(beta, Tensor) and beta.numel() != 1:
                raise ValueError(f"Tensor betas[{index}] must be 1-element")
        defaults = {
            "lr": lr,
            "betas": tuple(to_scalar(beta) for beta in betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)
        check_option_support(foreach, fused, differentiable)

    def _check_gradient(self, p, grad, group):
        super()._check_gradient(p, grad, group)
        check_capturable(group)
        # PyTorch's lerp (the running mean m) needs the gradient in the parameter's dtype.
        if grad.dtype is not p.dtype:
            raise RuntimeError(
                f"expected dtype {p.dtype.c_name} for `end` but got dtype {grad.dtype.c_name}"
            )

    def _state_keys(self, group):
        keys = ("step", "exp_avg", "exp_avg_sq")
        return (*keys, "max_exp_avg_sq") if group["amsgrad"] else keys

    def _integer_parameter_error(self, p, group):
        if group["weight_decay"] != 0:
            return super()._integer_parameter_error(p, group)
        return NotImplementedError(
            f"\"lerp_kernel_scalar\" not implemented for '{p.dtype.short_name}'"
        )

    @no_grad()
    def step(self, closure=None):
        """Check every gradient, then update each parameter that has one (the rule below)."""
        return self._check_and_update(closure)

    def _update(self, p, grad, group):
        lr, (beta1, beta2) = to_scalar(group["lr"]), group["betas"]
        weight_decay, eps = group["weight_decay"], group["eps"]
        state = self.state[p]
        if len(state) == 0:
            state["step"] = new_step_counter()
            state["exp_avg"] = zeros_like_param(p)
            state["exp_avg_sq"] = zeros_like_param(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like_param(p)
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data

        g = -grad if group["maximize"] else grad
        state["step"]._data += 1
        t = state["step"].item()
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p._data *= 1 - lr * weight_decay  # AdamW: shrink p itself, outside m and v
                count_write(p)
            else:
                g = g + weight_decay * p._data
        lerp_(m, g, 1 - beta1)  # m ← β₁m + (1−β₁)g
        v *= beta2
        v += (1 - beta2) * g * g
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"]._data, v, out=state["max_exp_avg_sq"]._data)
            v = state["max_exp_avg_sq"]._data
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        step_size = lr / bias_correction1
        denom = np.sqrt(v) / bias_correction2**0.5 + eps
        p._data -= step_size * m / denom
        count_write(p)
