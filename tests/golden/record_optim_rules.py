"""Record torch 2.13's Adam, AdamW, RMSprop, Adagrad and SGD, and its lr schedulers, into
optim_rules.json.

Run once with the oracle installed:  python tests/golden/record_optim_rules.py

Every recipe here takes the engine as an argument (`torch` or `autograd_lesson`), so
tests/test_optim_rules.py replays the same recipes on autograd_lesson and compares with
what torch computed here (and reruns them on torch itself when it is installed):

- RULE_CASES: each optimizer with combinations of its options, in float32 and float64, run
  for STEPS steps on fixed parameters with a new (seeded) gradient each step; the
  parameters are stored after the steps in RECORDED_STEPS;
- REPR_CASES: `print(optimizer)` text;
- STATE_DICT_CASES: `optimizer.state_dict()` after two steps, described by `describe`;
- SCHEDULER_CASES: the lr (and momentum) each scheduler sets, step by step, and its
  state_dict;
- ERROR_CASES: the exception type and message of invalid constructions and steps;
- run_training: a tiny model trained with Adam and StepLR, from given initial weights.
"""

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("optim_rules.json")
SHAPES = [(3,), (2, 2), (2,)]  # the last parameter never gets a gradient (frozen)
STEPS = 20
RECORDED_STEPS = (1, 2, 3, 10, 20)


def initial_parameters(dtype="float32"):
    rng = np.random.default_rng(2025)
    return [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]


def gradients(step, dtype="float32"):
    """The gradients handed to the optimizer at `step` (None for the frozen parameter)."""
    rng = np.random.default_rng(500 + step)
    return [rng.standard_normal(shape).astype(dtype) for shape in SHAPES[:-1]] + [None]


RULE_CASES = [
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "maximize": True}),
    ("Adam", {"lr": 0.05, "betas": (0.3, 0.6), "eps": 1e-3}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.01, "foreach": False}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.5, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "maximize": True, "betas": (0.8, 0.9)}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.3, "centered": True, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "eps": 1e-3, "maximize": True}),
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "maximize": True, "foreach": False}),
]
# foreach=True: torch runs its batched kernels; the rule is the same.
RULE_CASES += [
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "foreach": True}),
    ("AdamW", {"lr": 0.01, "foreach": True}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "foreach": True}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "foreach": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "foreach": True}),
]
DTYPES = ("float32", "float64")


def run_rule(engine, name, options, dtype):
    """Parameters (as float lists) after each step in RECORDED_STEPS, and the final state."""
    params = [engine.tensor(a, requires_grad=True) for a in initial_parameters(dtype)]
    optimizer = getattr(engine.optim, name)(params, **options)
    after = {}
    for step in range(1, STEPS + 1):
        for p, g in zip(params, gradients(step, dtype), strict=True):
            p.grad = None if g is None else engine.tensor(g)
        optimizer.step()
        if step in RECORDED_STEPS:
            after[str(step)] = [p.detach().numpy().astype(float).tolist() for p in params]
    return {"params_after": after, "state": describe(optimizer.state_dict()["state"])}


# ---------------------------------------------------------------------- printing, state_dict


def two_params(engine):
    return [
        engine.tensor([1.0, -2.0, 3.0], requires_grad=True),
        engine.tensor([[0.5, 0.25]], requires_grad=True),
    ]


REPR_CASES = {
    "SGD default": lambda e: e.optim.SGD(two_params(e)),
    "SGD momentum": lambda e: e.optim.SGD(two_params(e), lr=0.01, momentum=0.9),
    "SGD foreach": lambda e: e.optim.SGD(
        two_params(e), lr=0.1, foreach=True, nesterov=True, momentum=0.5
    ),
    "SGD two groups": lambda e: e.optim.SGD(
        [{"params": two_params(e)[:1], "lr": 3}, {"params": two_params(e)[1:]}], lr=0.01
    ),
    "SGD named": lambda e: e.optim.SGD(list(zip(["w", "b"], two_params(e))), lr=0.1),
    "Adam default": lambda e: e.optim.Adam(two_params(e)),
    "Adam options": lambda e: e.optim.Adam(
        two_params(e), lr=0.1, betas=(0.5, 0.75), amsgrad=True, weight_decay=1e-4, foreach=False
    ),
    "AdamW default": lambda e: e.optim.AdamW(two_params(e)),
    "RMSprop default": lambda e: e.optim.RMSprop(two_params(e)),
    "RMSprop options": lambda e: e.optim.RMSprop(two_params(e), centered=True, momentum=0.9),
    "Adagrad default": lambda e: e.optim.Adagrad(two_params(e)),
    "Adagrad options": lambda e: e.optim.Adagrad(
        two_params(e), lr_decay=0.1, initial_accumulator_value=0.1
    ),
}


def state_dict_after_two_steps(engine, make):
    params = two_params(engine)
    optimizer = make(engine, params)
    for step in (1, 2):
        params[0].grad = engine.tensor([0.5 * step, -1.0, 2.0])  # params[1] stays frozen
        optimizer.step()
    return describe(optimizer.state_dict())


STATE_DICT_CASES = {
    "SGD momentum": lambda e, ps: e.optim.SGD(ps, lr=0.1, momentum=0.9),
    "SGD plain": lambda e, ps: e.optim.SGD(ps, lr=0.1),
    "Adam amsgrad": lambda e, ps: e.optim.Adam(ps, amsgrad=True),
    "AdamW": lambda e, ps: e.optim.AdamW(ps),
    "RMSprop centered momentum": lambda e, ps: e.optim.RMSprop(ps, centered=True, momentum=0.9),
    "Adagrad": lambda e, ps: e.optim.Adagrad(ps, initial_accumulator_value=0.25),
    "Adam two groups, named": lambda e, ps: e.optim.Adam(
        [{"params": [("w", ps[0])], "lr": 0.5}, {"params": [("b", ps[1])]}]
    ),
}


def describe(value):
    """A JSON-able picture of a state_dict value that keeps what torch's layout shows:
    tensors (dtype, shape, values), tuples, int dict keys, Counters, infinities."""
    if hasattr(value, "detach") and hasattr(value, "dtype"):
        return {
            "tensor": value.detach().numpy().astype(float).tolist(),
            "dtype": repr(value.dtype),
            "shape": list(value.shape),
        }
    if isinstance(value, Counter):
        return {"Counter": [[k, v] for k, v in value.items()]}
    if isinstance(value, dict):
        return {"dict": [[describe(k), describe(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"tuple": [describe(v) for v in value]}
    if isinstance(value, list):
        return [describe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": repr(value)}
    return value


# ---------------------------------------------------------------------- schedulers

SCHEDULER_STEPS = 12
PLATEAU_METRICS = [5.0, 4.0, 4.0, 4.0, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 3.0]


def _inverse(epoch):
    return 1 / (epoch + 1)


def _decay(epoch):
    return 0.9**epoch


SCHEDULER_CASES = {
    "StepLR": lambda s, o: s.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.5),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=4, eta_min=0.01),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lr_lambda=[_decay, _inverse]),
    "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=12),
    "OneCycleLR three phase linear": lambda s, o: s.OneCycleLR(
        o, max_lr=1.0, epochs=3, steps_per_epoch=4, three_phase=True, anneal_strategy="linear"
    ),
    "ReduceLROnPlateau": lambda s, o: s.ReduceLROnPlateau(o, patience=1, cooldown=1, factor=0.5),
    "ReduceLROnPlateau max abs": lambda s, o: s.ReduceLROnPlateau(
        o, mode="max", threshold_mode="abs", threshold=0.5, patience=0, min_lr=[0.02, 0.3]
    ),
}


def run_scheduler(engine, name, optimizer_name):
    """The lrs (and momentum/betas) after construction and after each step, the group keys,
    and the scheduler's state_dict at the end."""
    w = engine.tensor([1.0, 2.0], requires_grad=True)
    b = engine.tensor([1.0], requires_grad=True)
    groups = [{"params": [w]}, {"params": [b], "lr": 0.5}]
    if optimizer_name == "SGD":
        optimizer = engine.optim.SGD(groups, lr=0.1, momentum=0.9)
    else:
        optimizer = engine.optim.Adam(groups, lr=0.1)
    scheduler = SCHEDULER_CASES[name](engine.optim.lr_scheduler, optimizer)
    history = [describe(scheduler.get_last_lr())]
    for step in range(SCHEDULER_STEPS):
        w.grad, b.grad = engine.tensor([1.0, -1.0]), engine.tensor([0.5])
        optimizer.step()
        if name.startswith("ReduceLROnPlateau"):
            scheduler.step(PLATEAU_METRICS[step])
        else:
            scheduler.step()
        group = optimizer.param_groups[0]
        history.append(
            describe([scheduler.get_last_lr(), group.get("momentum"), group.get("betas")])
        )
    return {
        "history": history,
        "group_keys": [list(group) for group in optimizer.param_groups],
        "initial_lr": [group.get("initial_lr") for group in optimizer.param_groups],
        "state_dict": describe(scheduler.state_dict()),
    }


# ---------------------------------------------------------------------- errors


def _param(engine):
    return engine.ones(2, requires_grad=True)


def _with_grad(engine, grad=None, shape=(3,)):
    """A parameter with a gradient; `grad` (a tensor) replaces the gradient's contents
    through `.data`, the one way a wrong gradient gets past `p.grad = ...` in torch."""
    p = engine.ones(*shape, requires_grad=True)
    p.grad = engine.ones(*shape)
    if grad is not None:
        p.grad.data = grad
    return p


def _step(engine, name, p, **options):
    getattr(engine.optim, name)([p], lr=0.1, **options).step()


def _integer_parameter(engine):
    p = engine.tensor([1, 2, 3])
    p.grad = engine.tensor([1, 1, 1])
    return p


ERROR_CASES = {
    # constructors
    "SGD negative lr": lambda e: e.optim.SGD([_param(e)], lr=-0.1),
    "SGD negative momentum": lambda e: e.optim.SGD([_param(e)], momentum=-0.5),
    "SGD negative weight_decay": lambda e: e.optim.SGD([_param(e)], weight_decay=-1),
    "SGD nesterov without momentum": lambda e: e.optim.SGD([_param(e)], nesterov=True),
    "SGD nesterov with dampening": lambda e: e.optim.SGD(
        [_param(e)], nesterov=True, momentum=0.9, dampening=0.1
    ),
    "SGD fused with differentiable": lambda e: e.optim.SGD(
        [_param(e)], fused=True, differentiable=True
    ),
    "SGD fused with foreach": lambda e: e.optim.SGD([_param(e)], fused=True, foreach=True),
    "Adam negative lr": lambda e: e.optim.Adam([_param(e)], lr=-1.0),
    "Adam negative eps": lambda e: e.optim.Adam([_param(e)], eps=-1e-8),
    "Adam beta0 too large": lambda e: e.optim.Adam([_param(e)], betas=(1.0, 0.999)),
    "Adam beta1 negative": lambda e: e.optim.Adam([_param(e)], betas=(0.9, -0.1)),
    "Adam betas not floats": lambda e: e.optim.Adam([_param(e)], betas=(0, 0.999)),
    "Adam negative weight_decay": lambda e: e.optim.Adam([_param(e)], weight_decay=-0.1),
    "Adam lr tensor of two": lambda e: e.optim.Adam([_param(e)], lr=e.tensor([0.1, 0.2])),
    "Adam fused with foreach": lambda e: e.optim.Adam([_param(e)], fused=True, foreach=True),
    "AdamW beta0 negative": lambda e: e.optim.AdamW([_param(e)], betas=(-0.1, 0.999)),
    "AdamW negative weight_decay": lambda e: e.optim.AdamW([_param(e)], weight_decay=-0.01),
    "RMSprop negative alpha": lambda e: e.optim.RMSprop([_param(e)], alpha=-0.5),
    "RMSprop negative momentum": lambda e: e.optim.RMSprop([_param(e)], momentum=-0.5),
    "RMSprop negative eps": lambda e: e.optim.RMSprop([_param(e)], eps=-1.0),
    "RMSprop negative lr": lambda e: e.optim.RMSprop([_param(e)], lr=-0.01),
    "Adagrad negative lr_decay": lambda e: e.optim.Adagrad([_param(e)], lr_decay=-0.1),
    "Adagrad negative initial_accumulator_value": lambda e: e.optim.Adagrad(
        [_param(e)], initial_accumulator_value=-1.0
    ),
    "Adagrad negative weight_decay": lambda e: e.optim.Adagrad([_param(e)], weight_decay=-1.0),
    "Adagrad negative eps": lambda e: e.optim.Adagrad([_param(e)], eps=-1.0),
    "Adagrad fused with differentiable": lambda e: e.optim.Adagrad(
        [_param(e)], fused=True, differentiable=True
    ),
    "empty parameter list": lambda e: e.optim.Adam([]),
    "parameter not a tensor": lambda e: e.optim.Adam([1.0]),
    "parameter an ndarray": lambda e: e.optim.RMSprop([np.ones(2)]),
    "one tensor, not a list": lambda e: e.optim.Adagrad(_param(e)),
    "non-leaf parameter": lambda e: e.optim.AdamW([_param(e) * 2]),
    "parameters in a set": lambda e: e.optim.SGD([{"params": {_param(e)}}]),
    "param group not a dict": lambda e: e.optim.SGD([_param(e)]).add_param_group([]),
    "add_param_group overlap": lambda e: _overlapping_group(e),
    "named and unnamed in one group": lambda e: e.optim.Adam([("w", _param(e)), _param(e)]),
    "named and unnamed groups": lambda e: e.optim.Adam(
        [{"params": [("w", _param(e))]}, {"params": [_param(e)]}]
    ),
    # steps (each must leave parameters and state unchanged here)
    "SGD grad of another shape": lambda e: _step(e, "SGD", _with_grad(e, e.ones(2))),
    "SGD grad larger than parameter": lambda e: _step(
        e, "SGD", _with_grad(e, e.ones(3), shape=(1,))
    ),
    "Adam grad of another shape": lambda e: _step(e, "Adam", _with_grad(e, e.ones(2))),
    "Adam float64 grad": lambda e: _step(e, "Adam", _with_grad(e, e.ones(3, dtype=e.float64))),
    "Adam int64 grad": lambda e: _step(e, "Adam", _with_grad(e, e.ones(3, dtype=e.int64))),
    "AdamW grad of another shape": lambda e: _step(e, "AdamW", _with_grad(e, e.ones(2))),
    "RMSprop grad of another shape": lambda e: _step(e, "RMSprop", _with_grad(e, e.ones(4))),
    "Adagrad grad of another shape": lambda e: _step(e, "Adagrad", _with_grad(e, e.ones(2))),
    "Adam capturable on the CPU": lambda e: _step(e, "Adam", _with_grad(e), capturable=True),
    "RMSprop capturable on the CPU": lambda e: _step(e, "RMSprop", _with_grad(e), capturable=True),
    "SGD integer parameter": lambda e: _step(e, "SGD", _integer_parameter(e)),
    "Adam integer parameter": lambda e: _step(e, "Adam", _integer_parameter(e)),
    "AdamW integer parameter": lambda e: _step(e, "AdamW", _integer_parameter(e)),
    "RMSprop integer parameter": lambda e: _step(e, "RMSprop", _integer_parameter(e)),
    "Adagrad integer parameter": lambda e: _step(e, "Adagrad", _integer_parameter(e)),
    "Adam integer parameter, weight decay": lambda e: _step(
        e, "Adam", _integer_parameter(e), weight_decay=0.1
    ),
    "AdamW integer parameter, no weight decay": lambda e: _step(
        e, "AdamW", _integer_parameter(e), weight_decay=0
    ),
    "RMSprop integer parameter, weight decay": lambda e: _step(
        e, "RMSprop", _integer_parameter(e), weight_decay=0.1
    ),
    # optimizer state_dict
    "load_state_dict group count": lambda e: e.optim.Adam([_param(e)]).load_state_dict(
        {"state": {}, "param_groups": []}
    ),
    "load_state_dict group size": lambda e: e.optim.Adam([_param(e)]).load_state_dict(
        {"state": {}, "param_groups": [{"lr": 0.1, "params": [0, 1]}]}
    ),
    # schedulers
    "scheduler without optimizer": lambda e: e.optim.lr_scheduler.StepLR(object(), 3),
    "LambdaLR wrong count": lambda e: e.optim.lr_scheduler.LambdaLR(
        e.optim.SGD([_param(e)]), [_decay, _decay]
    ),
    "resume without initial_lr": lambda e: e.optim.lr_scheduler.StepLR(
        e.optim.SGD([_param(e)]), 3, last_epoch=4
    ),
    "OneCycleLR without total": lambda e: e.optim.lr_scheduler.OneCycleLR(
        e.optim.SGD([_param(e)]), 1.0
    ),
    "OneCycleLR bad total_steps": lambda e: e.optim.lr_scheduler.OneCycleLR(
        e.optim.SGD([_param(e)]), 1.0, total_steps=0
    ),
    "OneCycleLR bad pct_start": lambda e: e.optim.lr_scheduler.OneCycleLR(
        e.optim.SGD([_param(e)]), 1.0, total_steps=5, pct_start=1
    ),
    "OneCycleLR bad strategy": lambda e: e.optim.lr_scheduler.OneCycleLR(
        e.optim.SGD([_param(e)]), 1.0, total_steps=5, anneal_strategy="exp"
    ),
    "OneCycleLR no momentum": lambda e: e.optim.lr_scheduler.OneCycleLR(
        e.optim.Adagrad([_param(e)]), 1.0, total_steps=5
    ),
    "OneCycleLR max_lr count": lambda e: e.optim.lr_scheduler.OneCycleLR(
        e.optim.SGD([_param(e)]), [1.0, 2.0], total_steps=5
    ),
    "OneCycleLR past the end": lambda e: _one_cycle_past_the_end(e),
    "ReduceLROnPlateau factor": lambda e: e.optim.lr_scheduler.ReduceLROnPlateau(
        e.optim.SGD([_param(e)]), factor=1.0
    ),
    "ReduceLROnPlateau mode": lambda e: e.optim.lr_scheduler.ReduceLROnPlateau(
        e.optim.SGD([_param(e)]), mode="lowest"
    ),
    "ReduceLROnPlateau threshold mode": lambda e: e.optim.lr_scheduler.ReduceLROnPlateau(
        e.optim.SGD([_param(e)]), threshold_mode="ratio"
    ),
    "ReduceLROnPlateau min_lr count": lambda e: e.optim.lr_scheduler.ReduceLROnPlateau(
        e.optim.SGD([_param(e)]), min_lr=[0.1, 0.2]
    ),
}


def _overlapping_group(engine):
    p = _param(engine)
    engine.optim.SGD([p], lr=0.1).add_param_group({"params": [p]})


def _one_cycle_past_the_end(engine):
    optimizer = engine.optim.SGD([_param(engine)], lr=0.1, momentum=0.9)
    scheduler = engine.optim.lr_scheduler.OneCycleLR(optimizer, 1.0, total_steps=2)
    for _ in range(3):
        optimizer.step()
        scheduler.step()


def run_error(engine, name):
    try:
        ERROR_CASES[name](engine)
    except Exception as error:  # noqa: BLE001 - recording whatever torch raises
        return {"type": type(error).__name__, "message": str(error)}
    return None


# ---------------------------------------------------------------------- a training run

TRAINING_STEPS = 12


def training_data():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    y = rng.standard_normal((8, 1)).astype(np.float32)
    w1 = (rng.standard_normal((3, 4)) * 0.5).astype(np.float32)
    b1 = np.zeros(4, dtype=np.float32)
    w2 = (rng.standard_normal((4, 1)) * 0.5).astype(np.float32)
    return x, y, [w1, b1, w2]


def run_training(engine):
    """A two-layer tanh network fitted with Adam and StepLR: loss and lr at every step."""
    x, y, weights = training_data()
    x, y = engine.tensor(x), engine.tensor(y)
    params = [engine.tensor(w, requires_grad=True) for w in weights]
    optimizer = engine.optim.Adam(params, lr=0.05)
    scheduler = engine.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)
    losses, lrs = [], []
    for _ in range(TRAINING_STEPS):
        optimizer.zero_grad()
        w1, b1, w2 = params
        prediction = (x @ w1 + b1).tanh() @ w2
        loss = ((prediction - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        lrs.append(scheduler.get_last_lr()[0])
    return {
        "losses": losses,
        "lrs": lrs,
        "params": [p.detach().numpy().astype(float).tolist() for p in params],
    }


def main():
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    record = {
        "torch_version": torch.__version__,
        "steps": STEPS,
        "rules": [
            {
                "optimizer": name,
                "options": options,
                "dtype": dtype,
                **run_rule(torch, name, options, dtype),
            }
            for name, options in RULE_CASES
            for dtype in DTYPES
        ],
        "reprs": {name: repr(make(torch)) for name, make in REPR_CASES.items()},
        "state_dicts": {
            name: state_dict_after_two_steps(torch, make) for name, make in STATE_DICT_CASES.items()
        },
        "schedulers": {
            f"{name} / {optimizer_name}": run_scheduler(torch, name, optimizer_name)
            for name in SCHEDULER_CASES
            for optimizer_name in ("SGD", "Adam")
        },
        "errors": {name: run_error(torch, name) for name in ERROR_CASES},
        "training": run_training(torch),
    }
    GOLDEN_FILE.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
