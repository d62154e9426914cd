"""Adam, AdamW, RMSprop, Adagrad (and SGD) follow torch 2.13's update rules over many steps.

- golden: every case recorded by tests/golden/record_optim_rules.py (no torch needed):
  parameters after 1, 2, 3, 10 and 20 steps in float32 and float64, printed optimizers,
  state_dict layouts, errors, and a small training run with Adam and StepLR;
- live: the same recipes against torch itself, when it is installed;
- never half a step: a step that raises has changed no parameter and no state.

Tolerances: PyTorch's CPU kernels compute `a + s*b` (add with alpha, addcmul, lerp) with one
fused multiply-add, rounding once where NumPy rounds twice, so float32 results differ in the
last bits (measured here: at most a few units in the last place per step, about 1e-6
relative after 20 steps); float64 agrees to about 1e-14. With foreach=True PyTorch runs
its batched kernels, which mostly round as NumPy does: there nearly every number agrees to
the last bit.
"""

import copy

import numpy as np
import pytest
from golden_support import load_golden, load_recorder

import autograd_lesson as lesson

recorder = load_recorder("record_optim_rules")
GOLDEN = load_golden("optim_rules.json")
RTOL = {"float32": 2e-5, "float64": 1e-11}
ATOL = {"float32": 1e-6, "float64": 1e-12}


def torch_or_skip():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


def assert_same_description(ours, expected, rtol=2e-5, atol=1e-6, where="value"):
    """Compare two recorder.describe() pictures: structure, dtypes and shapes exactly,
    tensor values to the tolerance."""
    if isinstance(expected, dict) and "tensor" in expected:
        assert isinstance(ours, dict) and "tensor" in ours, f"{where}: {ours!r} is not a tensor"
        assert ours["dtype"] == expected["dtype"], where
        assert ours["shape"] == expected["shape"], where
        np.testing.assert_allclose(
            ours["tensor"], expected["tensor"], rtol=rtol, atol=atol, err_msg=where
        )
    elif isinstance(expected, dict):
        assert isinstance(ours, dict) and ours.keys() == expected.keys(), f"{where}: {ours!r}"
        for key in expected:
            assert_same_description(ours[key], expected[key], rtol, atol, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(ours, list) and len(ours) == len(expected), f"{where}: {ours!r}"
        for i, (o, e) in enumerate(zip(ours, expected, strict=True)):
            assert_same_description(o, e, rtol, atol, f"{where}[{i}]")
    else:
        assert ours == expected and type(ours) is type(expected), (
            f"{where}: {ours!r} != {expected!r}"
        )


def as_json(value):
    """What the golden file holds for `value` (tuples become lists there)."""
    import json

    return json.loads(json.dumps(value))


# ---------------------------------------------------------------------- update rules


def rule_id(case):
    options = ",".join(f"{k}={v}" for k, v in case["options"].items())
    return f"{case['optimizer']}({options})-{case['dtype']}"


def recipe_for(case):
    """The recorder's options (with tuples) for a golden case."""
    for name, options in recorder.RULE_CASES:
        if name == case["optimizer"] and as_json(options) == case["options"]:
            return name, options
    raise AssertionError(f"no recipe for {case}")


def test_golden_covers_every_rule_case_in_both_dtypes():
    assert len(GOLDEN["rules"]) == 2 * len(recorder.RULE_CASES)
    assert {case["optimizer"] for case in GOLDEN["rules"]} == {
        "Adam",
        "AdamW",
        "RMSprop",
        "Adagrad",
        "SGD",
    }


@pytest.mark.parametrize("case", GOLDEN["rules"], ids=rule_id)
def test_rule_matches_torch_golden(case):
    name, options = recipe_for(case)
    dtype = case["dtype"]
    ours = recorder.run_rule(lesson, name, options, dtype)
    for step, expected in case["params_after"].items():
        for i, (o, e) in enumerate(zip(ours["params_after"][step], expected, strict=True)):
            np.testing.assert_allclose(
                o, e, rtol=RTOL[dtype], atol=ATOL[dtype], err_msg=f"param {i} after step {step}"
            )
    assert_same_description(ours["state"], case["state"], RTOL[dtype], ATOL[dtype], "state")


@pytest.mark.parametrize("case", GOLDEN["rules"][::5], ids=rule_id)
def test_rule_matches_live_torch(case):
    torch = torch_or_skip()
    name, options = recipe_for(case)
    ours = recorder.run_rule(lesson, name, options, case["dtype"])
    theirs = recorder.run_rule(torch, name, options, case["dtype"])
    for step in theirs["params_after"]:
        np.testing.assert_allclose(
            np.concatenate([np.ravel(p) for p in ours["params_after"][step]]),
            np.concatenate([np.ravel(p) for p in theirs["params_after"][step]]),
            rtol=RTOL[case["dtype"]],
            atol=ATOL[case["dtype"]],
        )


def test_frozen_parameter_is_untouched_and_has_no_state():
    for name, options in recorder.RULE_CASES:
        if name == "Adagrad":
            continue  # Adagrad makes state for every parameter when it is built (checked below)
        ours = recorder.run_rule(lesson, name, options, "float32")
        frozen = recorder.initial_parameters()[-1].astype(float).tolist()
        assert ours["params_after"]["20"][-1] == frozen
        assert 2 not in [key for key, _ in ours["state"]["dict"]]


def test_adagrad_makes_state_for_every_parameter_at_once():
    params = [lesson.ones(2, requires_grad=True), lesson.ones(3, requires_grad=True)]
    optimizer = lesson.optim.Adagrad(params, initial_accumulator_value=0.5)
    assert sorted(optimizer.state_dict()["state"]) == [0, 1]
    assert optimizer.state[params[1]]["sum"].tolist() == [0.5, 0.5, 0.5]
    assert optimizer.state[params[1]]["step"].item() == 0.0


def test_step_count_is_a_float32_tensor_as_torch_keeps_it():
    p = lesson.ones(2, requires_grad=True)
    optimizer = lesson.optim.Adam([p])
    for _ in range(3):
        p.grad = lesson.ones(2)
        optimizer.step()
    step = optimizer.state_dict()["state"][0]["step"]
    assert isinstance(step, lesson.Tensor)
    assert step.dtype == lesson.float32 and step.shape == () and step.item() == 3.0
    assert repr(step) == "tensor(3.)"


def test_adamw_is_adam_with_decoupled_weight_decay():
    start = np.array([1.0, -2.0], dtype=np.float32)
    results = []
    for make in (
        lambda ps: lesson.optim.AdamW(ps, lr=0.1, weight_decay=0.5),
        lambda ps: lesson.optim.Adam(ps, lr=0.1, weight_decay=0.5, decoupled_weight_decay=True),
    ):
        p = lesson.tensor(start, requires_grad=True)
        optimizer = make([p])
        for _ in range(3):
            p.grad = lesson.tensor([0.5, 0.25])
            optimizer.step()
        results.append(p.tolist())
    assert results[0] == results[1]


def test_step_records_no_graph_and_keeps_the_parameter_array():
    for name in ("Adam", "AdamW", "RMSprop", "Adagrad"):
        p = lesson.tensor([1.0, 2.0], requires_grad=True)
        data = p._data
        p.grad = lesson.tensor([1.0, -1.0])
        getattr(lesson.optim, name)([p], lr=0.1).step()
        assert p._data is data and p.is_leaf and p.grad_fn is None and p.requires_grad


def test_closure_loss_is_returned():
    p = lesson.tensor([2.0], requires_grad=True)
    optimizer = lesson.optim.Adam([p], lr=0.5)

    def closure():
        optimizer.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    assert optimizer.step(closure).item() == 4.0
    assert p.item() == pytest.approx(1.5)  # Adam's first step is lr in the gradient's sign


def test_foreach_true_computes_the_same_rule():
    """foreach only picks PyTorch's batched kernels: the numbers are the rule's either way."""
    ours = {}
    for foreach in (None, True, False):
        ours[foreach] = recorder.run_rule(
            lesson, "Adam", {"lr": 0.01, "foreach": foreach}, "float64"
        )
    assert ours[None] == ours[True] == ours[False]


# ---------------------------------------------------------------------- printing


@pytest.mark.parametrize("name", list(GOLDEN["reprs"]))
def test_repr_matches_torch_golden(name):
    assert repr(recorder.REPR_CASES[name](lesson)) == GOLDEN["reprs"][name]


@pytest.mark.parametrize("name", list(GOLDEN["reprs"])[::3])
def test_repr_matches_live_torch(name):
    torch = torch_or_skip()
    assert repr(recorder.REPR_CASES[name](lesson)) == repr(recorder.REPR_CASES[name](torch))


def test_print_shows_the_repr(capsys):
    print(lesson.optim.Adam(recorder.two_params(lesson)))
    assert capsys.readouterr().out == GOLDEN["reprs"]["Adam default"] + "\n"


# ---------------------------------------------------------------------- state_dict


@pytest.mark.parametrize("name", list(GOLDEN["state_dicts"]))
def test_state_dict_layout_matches_torch_golden(name):
    ours = recorder.state_dict_after_two_steps(lesson, recorder.STATE_DICT_CASES[name])
    assert_same_description(as_json(ours), GOLDEN["state_dicts"][name], where=name)


def test_state_dict_layout_matches_live_torch():
    torch = torch_or_skip()
    for name, make in recorder.STATE_DICT_CASES.items():
        ours = recorder.state_dict_after_two_steps(lesson, make)
        theirs = recorder.state_dict_after_two_steps(torch, make)
        assert_same_description(ours, theirs, where=name)


@pytest.mark.parametrize("name", ["Adam", "AdamW", "RMSprop", "Adagrad"])
def test_state_dict_round_trip_continues_identically(name):
    """Save after three steps, load into a new optimizer over copies: the next steps agree."""
    options = {"RMSprop": {"centered": True, "momentum": 0.9}, "Adam": {"amsgrad": True}}
    params = [lesson.tensor(a, requires_grad=True) for a in recorder.initial_parameters()]
    optimizer = getattr(lesson.optim, name)(params, lr=0.05, **options.get(name, {}))
    copies = [lesson.tensor(p.detach().numpy(), requires_grad=True) for p in params]
    for step in range(1, 7):
        if step == 4:
            restored = getattr(lesson.optim, name)(copies, lr=0.5)  # options come from the dict
            restored.load_state_dict(copy.deepcopy(optimizer.state_dict()))
            assert repr(restored) == repr(optimizer)
        for group in (params, copies) if step >= 4 else (params,):
            for p, g in zip(group, recorder.gradients(step), strict=True):
                p.grad = None if g is None else lesson.tensor(g)
        optimizer.step()
        if step >= 4:
            restored.step()
        else:
            for p, q in zip(params, copies, strict=True):
                q._data[...] = p._data
    for p, q in zip(params, copies, strict=True):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_load_state_dict_from_torch_continues_as_torch():
    """A state dict made by torch (its tensors converted) loads here and the next step
    agrees with torch's next step."""
    torch = torch_or_skip()
    start = recorder.initial_parameters()
    theirs_params = [torch.tensor(a, requires_grad=True) for a in start]
    theirs = torch.optim.Adam(theirs_params, lr=0.05, amsgrad=True)
    for step in (1, 2):
        for p, g in zip(theirs_params, recorder.gradients(step), strict=True):
            p.grad = None if g is None else torch.tensor(g)
        theirs.step()
    saved = theirs.state_dict()
    converted = {
        "state": {
            i: {k: lesson.tensor(v.numpy()) for k, v in values.items()}
            for i, values in saved["state"].items()
        },
        "param_groups": saved["param_groups"],
    }
    ours_params = [lesson.tensor(p.detach().numpy(), requires_grad=True) for p in theirs_params]
    ours = lesson.optim.Adam(ours_params)
    ours.load_state_dict(converted)
    for engine, params, optimizer in ((torch, theirs_params, theirs), (lesson, ours_params, ours)):
        for p, g in zip(params, recorder.gradients(3), strict=True):
            p.grad = None if g is None else engine.tensor(g)
        optimizer.step()
    for p, q in zip(ours_params, theirs_params, strict=True):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize("name", list(GOLDEN["errors"]))
def test_error_matches_torch_golden(name):
    expected = GOLDEN["errors"][name]
    assert expected is not None, "torch raised nothing: the case is not an error"
    assert recorder.run_error(lesson, name) == expected


def test_errors_match_live_torch():
    torch = torch_or_skip()
    for name in recorder.ERROR_CASES:
        assert recorder.run_error(lesson, name) == recorder.run_error(torch, name), name


def snapshot(optimizer):
    params = [p._data.copy() for g in optimizer.param_groups for p in g["params"]]
    state = {
        id(p): {k: (v._data.copy() if isinstance(v, lesson.Tensor) else v) for k, v in s.items()}
        for p, s in optimizer.state.items()
    }
    return params, state


def assert_unchanged(optimizer, before):
    params, state = snapshot(optimizer)
    for ours, was in zip(params, before[0], strict=True):
        np.testing.assert_array_equal(ours, was)
    assert state.keys() == before[1].keys()
    for key in state:
        assert state[key].keys() == before[1][key].keys()
        for name in state[key]:
            np.testing.assert_array_equal(state[key][name], before[1][key][name])


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
@pytest.mark.parametrize(
    "bad", ["another shape", "larger than the parameter", "float64", "not a tensor"]
)
def test_a_bad_gradient_changes_nothing(name, bad):
    """The bad gradient belongs to the *last* parameter: every parameter before it would
    have been updated by an optimizer that checks as it goes."""
    good = lesson.tensor([1.0, 2.0, 3.0], requires_grad=True)
    last = lesson.tensor([1.0, 2.0, 3.0], requires_grad=True)
    options = {
        "SGD": {"momentum": 0.9, "weight_decay": 0.1},
        "Adam": {"amsgrad": True},
        "AdamW": {},
        "RMSprop": {"centered": True, "momentum": 0.5},
        "Adagrad": {"lr_decay": 0.1},
    }[name]
    optimizer = getattr(lesson.optim, name)([good, last], lr=0.1, **options)
    for _ in range(2):  # some state already there
        good.grad, last.grad = lesson.ones(3), lesson.ones(3)
        optimizer.step()
    good.grad, last.grad = lesson.ones(3), lesson.ones(3)
    if bad == "another shape":
        last.grad.data = lesson.ones(2)
    elif bad == "larger than the parameter":
        last.grad.data = lesson.ones(2, 3)
    elif bad == "float64":
        last.grad.data = lesson.ones(3, dtype=lesson.float64)
    else:
        last._grad = np.ones(3)  # what a setter without checks would let through
    before = snapshot(optimizer)
    if bad == "float64" and name != "Adam" and name != "AdamW":
        optimizer.step()  # torch computes with a float64 gradient too (in float64, then rounds)
        return
    with pytest.raises((RuntimeError, TypeError)):
        optimizer.step()
    assert_unchanged(optimizer, before)


def test_a_bad_gradient_in_a_later_group_changes_nothing():
    first = lesson.tensor([1.0, 2.0], requires_grad=True)
    second = lesson.tensor([1.0], requires_grad=True)
    optimizer = lesson.optim.Adam([{"params": [first]}, {"params": [second], "lr": 0.5}])
    first.grad, second.grad = lesson.ones(2), lesson.ones(1)
    second.grad.data = lesson.ones(4)
    before = snapshot(optimizer)
    with pytest.raises(RuntimeError, match="output with shape"):
        optimizer.step()
    assert_unchanged(optimizer, before)
    assert len(optimizer.state) == 0


def test_loaded_buffer_of_the_wrong_shape_is_refused_at_step_before_any_change():
    p = lesson.tensor([1.0, 2.0, 3.0], requires_grad=True)
    optimizer = lesson.optim.Adam([p])
    p.grad = lesson.ones(3)
    optimizer.step()
    saved = copy.deepcopy(optimizer.state_dict())
    saved["state"][0]["exp_avg"] = lesson.zeros(2)
    optimizer.load_state_dict(saved)
    before = snapshot(optimizer)
    with pytest.raises(RuntimeError, match="must match the size"):
        optimizer.step()
    assert_unchanged(optimizer, before)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad"])
def test_fused_is_refused_clearly(name):
    with pytest.raises(NotImplementedError, match="fused=True asks for PyTorch's fused"):
        getattr(lesson.optim, name)([lesson.ones(2, requires_grad=True)], fused=True)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_differentiable_is_refused_clearly(name):
    with pytest.raises(NotImplementedError, match="differentiable=True records"):
        getattr(lesson.optim, name)([lesson.ones(2, requires_grad=True)], differentiable=True)


def test_rmsprop_has_no_fused_option_as_in_torch():
    with pytest.raises(TypeError, match="fused"):
        lesson.optim.RMSprop([lesson.ones(2, requires_grad=True)], fused=False)


def test_duplicate_parameters_warn_as_torch():
    p = lesson.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        lesson.optim.Adam([p, p])


def test_add_param_group_fills_defaults_into_the_given_dict():
    a, b = lesson.ones(2, requires_grad=True), lesson.ones(3, requires_grad=True)
    optimizer = lesson.optim.Adam([a], lr=0.1)
    group = {"params": b, "betas": (0.5, 0.6)}
    optimizer.add_param_group(group)
    assert optimizer.param_groups[1] is group  # as in PyTorch: the dict itself
    assert group["params"] == [b] and group["lr"] == 0.1 and group["betas"] == (0.5, 0.6)


def test_named_parameters_are_accepted_and_saved():
    w = lesson.ones(2, requires_grad=True)
    optimizer = lesson.optim.AdamW([("layer.weight", w)])
    assert optimizer.param_groups[0]["params"] == [w]
    assert optimizer.state_dict()["param_groups"][0]["param_names"] == ["layer.weight"]


def test_zero_grad_keeps_the_grad_tensor_when_asked():
    p = lesson.ones(2, requires_grad=True)
    optimizer = lesson.optim.RMSprop([p])
    p.grad = lesson.tensor([3.0, 4.0])
    grad = p.grad
    optimizer.zero_grad(set_to_none=False)
    assert p.grad is grad and grad.tolist() == [0.0, 0.0] and not grad.requires_grad
    optimizer.zero_grad()
    assert p.grad is None


# ---------------------------------------------------------------------- a training run


def test_training_with_adam_and_steplr_matches_torch_golden():
    ours = recorder.run_training(lesson)
    expected = GOLDEN["training"]
    np.testing.assert_allclose(ours["losses"], expected["losses"], rtol=1e-5)
    assert ours["lrs"] == expected["lrs"]
    for o, e in zip(ours["params"], expected["params"], strict=True):
        np.testing.assert_allclose(o, e, rtol=1e-5, atol=1e-6)


def test_training_with_adam_and_steplr_matches_live_torch_step_for_step():
    torch = torch_or_skip()
    ours, theirs = recorder.run_training(lesson), recorder.run_training(torch)
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-5)
    assert ours["lrs"] == theirs["lrs"]
    for o, t in zip(ours["params"], theirs["params"], strict=True):
        np.testing.assert_allclose(o, t, rtol=1e-5, atol=1e-6)


OLD_STYLE_OPTIONS = {
    "SGD": {"lr": 0.1, "momentum": 0.9},
    "Adam": {"lr": 0.1, "amsgrad": True},
    "AdamW": {"lr": 0.1},
    "RMSprop": {"lr": 0.1, "momentum": 0.5, "centered": True},
    "Adagrad": {"lr": 0.1},
}


def old_style_state_dict(engine, name):
    """A state dict as older PyTorch versions saved it: fewer options, a numeric step."""
    p = engine.tensor([1.0, 2.0], requires_grad=True)
    optimizer = getattr(engine.optim, name)([p], **OLD_STYLE_OPTIONS[name])
    p.grad = engine.tensor([0.5, -0.5])
    optimizer.step()
    saved = copy.deepcopy(optimizer.state_dict())
    for group in saved["param_groups"]:
        for key in getattr(lesson.optim, name).LOADED_GROUP_DEFAULTS:
            if key not in ("amsgrad", "momentum", "centered"):
                group.pop(key, None)
    for values in saved["state"].values():
        if "step" in values:
            values["step"] = values["step"].item()
    return saved


@pytest.mark.parametrize("name", list(OLD_STYLE_OPTIONS))
def test_old_style_state_dict_loads_as_torch_loads_it(name):
    torch = torch_or_skip()
    results = []
    for engine in (lesson, torch):
        saved = old_style_state_dict(engine, name)
        p = engine.tensor([1.0, 2.0], requires_grad=True)
        optimizer = getattr(engine.optim, name)([p], lr=0.5)
        optimizer.load_state_dict(saved)
        step = optimizer.state[p].get("step")
        p.grad = engine.tensor([0.25, 1.0])
        optimizer.step()
        results.append((repr(optimizer), None if step is None else repr(step), p.tolist()))
    (ours_repr, ours_step, ours_p), (their_repr, their_step, their_p) = results
    assert ours_repr == their_repr
    assert ours_step == their_step
    np.testing.assert_allclose(ours_p, their_p, rtol=1e-6)


def test_state_of_another_rule_is_refused_before_any_change():
    """Adam given SGD's state (or amsgrad switched on later) raises torch's KeyError first."""
    p = lesson.tensor([1.0, 2.0], requires_grad=True)
    q = lesson.tensor([1.0], requires_grad=True)
    optimizer = lesson.optim.Adam([p, q], lr=0.1)
    p.grad, q.grad = lesson.ones(2), lesson.ones(1)
    optimizer.step()
    optimizer.param_groups[0]["amsgrad"] = True
    before = snapshot(optimizer)
    with pytest.raises(KeyError, match="max_exp_avg_sq"):
        optimizer.step()
    assert_unchanged(optimizer, before)


VERSION_CASES = [
    ("SGD", {"momentum": 0.9}),
    ("Adam", {"amsgrad": True}),
    ("AdamW", {}),
    ("AdamW", {"weight_decay": 0}),
    ("RMSprop", {"centered": True, "momentum": 0.5}),
    ("Adagrad", {}),
]


def versions_after_steps(engine, name, options):
    p = engine.ones(2, requires_grad=True)
    optimizer = getattr(engine.optim, name)([p], lr=0.1, **options)
    versions = []
    for _ in range(2):
        p.grad = engine.ones(2)
        optimizer.step()
        versions.append(p._version)
    grad = p.grad
    optimizer.zero_grad(set_to_none=False)
    return versions, grad._version


@pytest.mark.parametrize(("name", "options"), VERSION_CASES)
def test_step_counts_its_in_place_writes_as_torch(name, options):
    """One per in-place operation on the parameter: AdamW's decay is a second one."""
    twice = name == "AdamW" and options.get("weight_decay", 0.01) != 0
    expected = ([2, 4] if twice else [1, 2], 1)
    assert versions_after_steps(lesson, name, options) == expected


def test_step_counts_match_live_torch():
    torch = torch_or_skip()
    for name, options in VERSION_CASES:
        ours = versions_after_steps(lesson, name, options)
        assert ours == versions_after_steps(torch, name, options), name


def backward_after_step(engine):
    """The classic mistake: step() between the forward pass and backward()."""
    w = engine.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = engine.tensor([[1.0, -1.0]], requires_grad=True)
    optimizer = engine.optim.Adam([w], lr=0.1)
    loss = (x @ w).sum()  # matmul saves w for x's gradient
    w.grad = engine.ones(2, 2)
    optimizer.step()
    try:
        loss.backward()
    except RuntimeError as error:
        return str(error)
    return None


def test_backward_through_weights_changed_by_step_raises():
    message = backward_after_step(lesson)
    assert message is not None and "modified by an inplace operation" in message


def test_backward_through_weights_changed_by_step_raises_as_live_torch():
    torch = torch_or_skip()
    assert backward_after_step(lesson) == backward_after_step(torch)


def custom_optimizer_run(engine):
    """A custom optimizer as older tutorials write one, with `required` for lr."""
    from importlib import import_module

    required = import_module(f"{engine.__name__}.optim.optimizer").required

    class PlainSGD(engine.optim.Optimizer):
        def __init__(self, params, lr=required):
            super().__init__(params, {"lr": lr})

        def step(self, closure=None):
            with engine.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        p -= group["lr"] * p.grad

    try:
        PlainSGD([engine.ones(2, requires_grad=True)])
    except ValueError as error:
        missing = str(error)
    p = engine.tensor([1.0, 2.0], requires_grad=True)
    optimizer = PlainSGD([p], lr=0.5)
    p.grad = engine.tensor([1.0, 1.0])
    optimizer.step()
    return missing, repr(required), repr(optimizer), p.tolist()


def test_custom_optimizer_with_required_lr():
    missing, required_repr, printed, values = custom_optimizer_run(lesson)
    assert missing == (
        "parameter group didn't specify a value of required optimization parameter lr"
    )
    assert required_repr == "<required parameter>"
    assert printed == "PlainSGD (\nParameter Group 0\n    lr: 0.5\n)"
    assert values == [0.5, 1.5]


def test_custom_optimizer_matches_live_torch():
    torch = torch_or_skip()
    assert custom_optimizer_run(lesson) == custom_optimizer_run(torch)


def test_a_group_without_an_option_is_refused_before_any_change():
    first = lesson.tensor([1.0, 2.0], requires_grad=True)
    second = lesson.tensor([1.0], requires_grad=True)
    optimizer = lesson.optim.RMSprop([{"params": [first]}, {"params": [second]}])
    first.grad, second.grad = lesson.ones(2), lesson.ones(1)
    del optimizer.param_groups[1]["centered"]
    before = snapshot(optimizer)
    with pytest.raises(KeyError, match="centered"):
        optimizer.step()
    assert_unchanged(optimizer, before)


def test_signatures_match_live_torch():
    """Same argument names, order, kinds (positional or keyword-only) and defaults."""
    import inspect

    torch = torch_or_skip()

    def parameters(cls):
        signature = inspect.signature(cls.__init__)
        return [(p.name, p.kind, p.default) for p in signature.parameters.values()]

    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad"):
        assert parameters(getattr(lesson.optim, name)) == parameters(getattr(torch.optim, name))
    for name in lesson.optim.lr_scheduler.__all__:
        ours = getattr(lesson.optim.lr_scheduler, name)
        assert parameters(ours) == parameters(getattr(torch.optim.lr_scheduler, name)), name
