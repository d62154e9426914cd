"""AdamW: Adam whose weight decay shrinks the weights directly ("decoupled").

Adam's weight_decay adds weight_decay * p to the gradient, so the decay then passes through
the running averages and is divided by √v like the rest of the gradient: weights with large
gradients are hardly decayed at all. AdamW instead shrinks every weight by the same factor
before the Adam step:

    p = p * (1 - lr * weight_decay)
    (then Adam's update, with weight_decay left out of g)

It is Adam with decoupled_weight_decay=True, and its weight_decay defaults to 0.01.
"""

from .adam import Adam


class AdamW(Adam):
    """torch.optim.AdamW:  p ← p·(1 − lr·λ),  then Adam's step with g (λ not added to g)."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        *,
        maximize=False,
        foreach=None,
        capturable=False,
        differentiable=False,
        fused=None,
    ):
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True  # whatever the saved dict says, as PyTorch
