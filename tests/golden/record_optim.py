"""Record torch 2.13's SGD updates, for every option combination, into optim.json.

Run once with the oracle installed:  python tests/golden/record_optim.py

Each case starts from the same parameters (drawn from a seeded NumPy generator), hands
SGD a new gradient at every step (also seeded, so the tests regenerate them without
storing them), and stores the parameters after each step. A third parameter never gets a
gradient: it stands for a frozen layer and must stay untouched. tests/test_optim.py
replays every case through autograd_lesson.optim.SGD, without torch, and
reruns them against torch itself when it is installed.
"""

import itertools
import json
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("optim.json")
SHAPES = [(3,), (2, 2), (2,)]  # the last one is the frozen parameter
STEPS = 4
LR = 0.1


def initial_parameters():
    rng = np.random.default_rng(2024)
    return [rng.standard_normal(shape).astype(np.float32) for shape in SHAPES]


def gradients(step):
    """The gradients handed to SGD at `step` (None for the frozen parameter)."""
    rng = np.random.default_rng(100 + step)
    grads = [rng.standard_normal(shape).astype(np.float32) for shape in SHAPES[:-1]]
    return grads + [None]


def option_combinations():
    """Every combination of the options, except those SGD refuses (nesterov needs
    momentum and no dampening)."""
    for momentum, dampening, weight_decay, nesterov, maximize in itertools.product(
        (0, 0.9), (0, 0.5), (0, 0.1), (False, True), (False, True)
    ):
        if nesterov and (momentum == 0 or dampening != 0):
            continue
        yield {
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }


def run_torch(options):
    import torch  # only here: the tests import this file for its recipes, without torch

    params = [torch.tensor(a, requires_grad=True) for a in initial_parameters()]
    optimizer = torch.optim.SGD(params, lr=LR, **options)
    history = []
    for step in range(STEPS):
        for p, g in zip(params, gradients(step), strict=True):
            p.grad = None if g is None else torch.tensor(g)
        optimizer.step()
        history.append([p.detach().numpy().astype(float).tolist() for p in params])
    return history


def main():
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    cases = [
        {"options": options, "params_after_each_step": run_torch(options)}
        for options in option_combinations()
    ]
    record = {
        "torch_version": torch.__version__,
        "lr": LR,
        "steps": STEPS,
        "shapes": SHAPES,
        "cases": cases,
    }
    GOLDEN_FILE.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
