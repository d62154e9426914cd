"""optim.SGD follows PyTorch's update rule step for step, and Optimizer behaves as torch's.

- golden: every option combination recorded by tests/golden/record_optim.py (no torch);
- live: the same cases, and a small model trained with backward(), against torch;
- errors, param groups, zero_grad, frozen parameters, state_dict round trip, printing.
"""

import copy

import numpy as np
import pytest
from golden_support import load_golden, load_recorder

import autograd_lesson as lesson
from autograd_lesson.optim import SGD, Optimizer

recorder = load_recorder("record_optim")
GOLDEN = load_golden("optim.json")


def case_id(case):
    return ",".join(f"{k}={v}" for k, v in case["options"].items())


def run_lesson(options):
    """The recorder's run, with autograd_lesson in place of torch."""
    params = [lesson.tensor(a, requires_grad=True) for a in recorder.initial_parameters()]
    optimizer = SGD(params, lr=GOLDEN["lr"], **options)
    history = []
    for step in range(GOLDEN["steps"]):
        for p, g in zip(params, recorder.gradients(step), strict=True):
            p.grad = None if g is None else lesson.tensor(g)
        optimizer.step()
        history.append([p.detach().numpy().astype(float).tolist() for p in params])
    return history


def assert_same_history(ours, expected):
    for step, (ours_step, expected_step) in enumerate(zip(ours, expected, strict=True)):
        for ours_p, expected_p in zip(ours_step, expected_step, strict=True):
            np.testing.assert_allclose(
                ours_p, expected_p, rtol=1e-6, atol=1e-6, err_msg=f"after step {step + 1}"
            )


def test_golden_covers_every_valid_combination():
    assert len(GOLDEN["cases"]) == 20  # 16 without nesterov + 4 with it


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=case_id)
def test_sgd_matches_torch_golden(case):
    assert_same_history(run_lesson(case["options"]), case["params_after_each_step"])


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=case_id)
def test_frozen_parameter_stays_untouched(case):
    history = run_lesson(case["options"])
    frozen_start = recorder.initial_parameters()[-1]
    for step in history:
        assert step[-1] == frozen_start.astype(float).tolist()


@pytest.mark.parametrize("case", GOLDEN["cases"][::3], ids=case_id)
def test_sgd_matches_live_torch(case):
    pytest.importorskip("torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)")
    assert_same_history(run_lesson(case["options"]), recorder.run_torch(case["options"]))


def test_training_loop_matches_live_torch():
    """backward() then step(), several times, through a small two-layer model."""
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    rng = np.random.default_rng(7)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    w1 = rng.standard_normal((4, 3)).astype(np.float32)
    w2 = rng.standard_normal((3, 1)).astype(np.float32)

    def train(engine):
        params = [engine.tensor(w, requires_grad=True) for w in (w1, w2)]
        optimizer = engine.optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=0.01)
        losses = []
        for _ in range(5):
            optimizer.zero_grad()
            loss = ((engine.tensor(x) @ params[0]).relu() @ params[1]).pow(2).mean()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses, [p.detach().numpy() for p in params]

    ours_losses, ours_params = train(lesson)
    torch_losses, torch_params = train(torch)
    np.testing.assert_allclose(ours_losses, torch_losses, rtol=1e-5)
    for ours, theirs in zip(ours_params, torch_params, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------- behaviour


def make_params():
    return [lesson.ones(2, requires_grad=True), lesson.ones(3, requires_grad=True)]


def test_step_updates_in_place():
    p = lesson.tensor([1.0, 2.0], requires_grad=True)
    data_before = p._data
    p.grad = lesson.tensor([10.0, 10.0])
    SGD([p], lr=0.1).step()
    assert p._data is data_before  # the same array, changed: references see new values
    np.testing.assert_allclose(p.detach().numpy(), [0.0, 1.0])
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


def test_momentum_buffer_starts_as_first_gradient():
    """PyTorch's form, not the averaging one: the first step is a plain lr * g step."""
    p = lesson.tensor([0.0], requires_grad=True)
    optimizer = SGD([p], lr=1.0, momentum=0.9)
    p.grad = lesson.tensor([1.0])
    optimizer.step()
    assert p.item() == -1.0
    optimizer.step()  # buf = 0.9 * 1 + 1 = 1.9
    assert p.item() == pytest.approx(-2.9)


def test_zero_grad_sets_to_none_by_default():
    params = make_params()
    optimizer = SGD(params, lr=0.1)
    (params[0].sum() + params[1].sum()).backward()
    optimizer.zero_grad()
    assert all(p.grad is None for p in params)


def test_zero_grad_can_fill_with_zeros_in_place():
    params = make_params()
    optimizer = SGD(params, lr=0.1)
    (params[0].sum() * 3).backward()
    grad = params[0].grad
    optimizer.zero_grad(set_to_none=False)
    assert params[0].grad is grad
    assert grad.tolist() == [0.0, 0.0]
    assert params[1].grad is None  # never had a gradient: stays None


def test_param_groups_take_their_own_options_and_default_the_rest():
    a, b = make_params()
    optimizer = SGD([{"params": [a], "lr": 1.0}, {"params": b}], lr=0.1, momentum=0.5)
    assert optimizer.param_groups[0]["lr"] == 1.0
    assert optimizer.param_groups[1]["lr"] == 0.1
    assert optimizer.param_groups[0]["momentum"] == 0.5
    a.grad, b.grad = lesson.ones(2), lesson.ones(3)
    optimizer.step()
    assert a.tolist() == [0.0, 0.0]
    np.testing.assert_allclose(b.detach().numpy(), [0.9] * 3)


def test_changing_lr_in_a_group_takes_effect():
    p = lesson.tensor([1.0], requires_grad=True)
    optimizer = SGD([p], lr=0.1)
    optimizer.param_groups[0]["lr"] = 0.5
    p.grad = lesson.tensor([1.0])
    optimizer.step()
    assert p.item() == 0.5


def test_add_param_group():
    a, b = make_params()
    optimizer = SGD([a], lr=0.1, momentum=0.9)
    optimizer.add_param_group({"params": [b], "lr": 0.01})
    assert len(optimizer.param_groups) == 2
    assert optimizer.param_groups[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optimizer.add_param_group({"params": [a]})


def test_duplicate_parameters_warn():
    p = lesson.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        SGD([p, p], lr=0.1)


def test_closure_is_evaluated_and_its_loss_returned():
    p = lesson.tensor([2.0], requires_grad=True)
    optimizer = SGD([p], lr=0.25)

    def closure():
        optimizer.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = optimizer.step(closure)
    assert loss.item() == 4.0
    assert p.item() == 1.0  # 2 - 0.25 * 2 * 2


def test_step_records_no_graph():
    p = lesson.tensor([1.0], requires_grad=True)
    p.grad = lesson.tensor([1.0])
    SGD([p], lr=0.1, momentum=0.9).step()
    assert p.grad_fn is None and p.is_leaf


def test_repr_lists_every_option_as_torch():
    a, b = make_params()
    optimizer = SGD([{"params": [a], "lr": 3}, {"params": [b]}], lr=0.01, momentum=0.9)
    assert repr(optimizer) == (
        "SGD (\n"
        "Parameter Group 0\n"
        "    dampening: 0\n"
        "    differentiable: False\n"
        "    foreach: None\n"
        "    fused: None\n"
        "    lr: 3\n"
        "    maximize: False\n"
        "    momentum: 0.9\n"
        "    nesterov: False\n"
        "    weight_decay: 0\n"
        "\n"
        "Parameter Group 1\n"
        "    dampening: 0\n"
        "    differentiable: False\n"
        "    foreach: None\n"
        "    fused: None\n"
        "    lr: 0.01\n"
        "    maximize: False\n"
        "    momentum: 0.9\n"
        "    nesterov: False\n"
        "    weight_decay: 0\n"
        ")"
    )


def test_repr_matches_torch():
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    theirs = repr(torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=0.01, momentum=0.9))
    assert repr(SGD(make_params(), lr=0.01, momentum=0.9)) == theirs


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": -1}, "Invalid learning rate: -1"),
        ({"momentum": -0.5}, "Invalid momentum value: -0.5"),
        ({"weight_decay": -1}, "Invalid weight_decay value: -1"),
        ({"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
        (
            {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
            "Nesterov momentum requires a momentum and zero dampening",
        ),
    ],
)
def test_invalid_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD(make_params(), **{"lr": 0.1, **kwargs})


def test_empty_parameter_list():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        SGD([], lr=0.1)


def test_non_leaf_tensor():
    p = lesson.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        SGD([p * 2], lr=0.1)


def test_single_tensor_instead_of_iterable():
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        SGD(lesson.ones(2, requires_grad=True), lr=0.1)


def test_not_a_tensor():
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors"):
        SGD([np.ones(2)], lr=0.1)


def test_base_class_has_no_rule():
    with pytest.raises(NotImplementedError):
        Optimizer(make_params(), {"lr": 0.1}).step()


def test_error_messages_match_torch():
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    cases = [
        lambda engine: engine.optim.SGD([], lr=0.1),
        lambda engine: engine.optim.SGD([engine.ones(2, requires_grad=True) * 2], lr=0.1),
        lambda engine: engine.optim.SGD([engine.ones(2, requires_grad=True)], lr=-2),
        lambda engine: engine.optim.SGD([engine.ones(2, requires_grad=True)], nesterov=True),
        lambda engine: engine.optim.SGD(engine.ones(2, requires_grad=True), lr=0.1),
        lambda engine: engine.optim.SGD([1.0], lr=0.1),
        lambda engine: engine.optim.SGD([np.ones(2)], lr=0.1),
        lambda engine: engine.optim.SGD([{"params": {engine.ones(2, requires_grad=True)}}]),
        lambda engine: engine.optim.SGD([engine.ones(2, requires_grad=True)]).add_param_group([]),
    ]
    for make in cases:
        with pytest.raises(Exception) as theirs:
            make(torch)
        with pytest.raises(theirs.type) as ours:
            make(lesson)
        assert str(ours.value) == str(theirs.value)


# ---------------------------------------------------------------------- state_dict


def trained_optimizer(params):
    optimizer = SGD(params, lr=0.1, momentum=0.9, nesterov=True)
    for step in range(2):
        for p, g in zip(params, recorder.gradients(step), strict=True):
            p.grad = None if g is None else lesson.tensor(g)
        optimizer.step()
    return optimizer


def fresh_params():
    return [lesson.tensor(a, requires_grad=True) for a in recorder.initial_parameters()]


def test_state_dict_format_is_torchs():
    optimizer = trained_optimizer(fresh_params())
    saved = optimizer.state_dict()
    assert set(saved) == {"state", "param_groups"}
    assert sorted(saved["state"]) == [0, 1]  # the frozen parameter (2) has no state
    assert set(saved["state"][0]) == {"momentum_buffer"}
    assert saved["param_groups"] == [
        {
            "lr": 0.1,
            "momentum": 0.9,
            "dampening": 0,
            "weight_decay": 0,
            "nesterov": True,
            "maximize": False,
            "foreach": None,
            "differentiable": False,
            "fused": None,
            "params": [0, 1, 2],
        }
    ]


def test_state_dict_keys_match_torch():
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    params = [torch.tensor(a, requires_grad=True) for a in recorder.initial_parameters()]
    theirs = torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True)
    for p, g in zip(params, recorder.gradients(0), strict=True):
        p.grad = None if g is None else torch.tensor(g)
    theirs.step()
    theirs = theirs.state_dict()
    ours = trained_optimizer(fresh_params()).state_dict()
    assert theirs["param_groups"] == ours["param_groups"]
    assert sorted(theirs["state"]) == sorted(ours["state"])


def test_state_dict_round_trip_continues_identically():
    """Save after two steps, load into a new optimizer over copies: the next steps agree."""
    params = fresh_params()
    optimizer = trained_optimizer(params)
    copies = [lesson.tensor(p.detach().numpy(), requires_grad=True) for p in params]
    restored = SGD(copies, lr=0.5)  # different options: load_state_dict brings the saved ones
    # A copy, as saving to a file makes one: loading shares the buffers, as in PyTorch.
    restored.load_state_dict(copy.deepcopy(optimizer.state_dict()))
    assert repr(restored) == repr(optimizer)
    for step in (2, 3):
        for group in (params, copies):
            for p, g in zip(group, recorder.gradients(step), strict=True):
                p.grad = None if g is None else lesson.tensor(g)
        optimizer.step()
        restored.step()
    for p, q in zip(params, copies, strict=True):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_loaded_state_is_used_as_is_as_in_torch():
    """PyTorch neither copies the state into state_dict() nor out of it in load_state_dict():
    a buffer of the parameter's dtype is the same tensor (copy.deepcopy the dict to keep one)."""
    params = fresh_params()
    optimizer = trained_optimizer(params)
    saved = optimizer.state_dict()
    assert saved["state"][0] is optimizer.state[params[0]]
    restored = SGD(fresh_params(), lr=0.1)
    restored.load_state_dict(saved)
    buffer = saved["state"][0]["momentum_buffer"]
    assert restored.state[restored.param_groups[0]["params"][0]]["momentum_buffer"] is buffer
    assert restored.param_groups[0] is not saved["param_groups"][0]  # groups are copied


def test_loaded_buffers_take_the_parameters_dtype():
    params = fresh_params()
    saved = trained_optimizer(params).state_dict()
    doubles = [
        lesson.tensor(p.detach().numpy(), dtype=lesson.float64, requires_grad=True) for p in params
    ]
    restored = SGD(doubles, lr=0.1)
    restored.load_state_dict(saved)
    assert restored.state[doubles[0]]["momentum_buffer"].dtype == lesson.float64


def test_load_state_dict_errors_change_nothing():
    optimizer = SGD(fresh_params(), lr=0.1)
    before = repr(optimizer)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optimizer.load_state_dict({"state": {}, "param_groups": []})
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optimizer.load_state_dict({"state": {}, "param_groups": [{"lr": 9, "params": [0]}]})
    assert repr(optimizer) == before
