"""optim.lr_scheduler follows torch 2.13: the lrs it sets step by step, get_last_lr(), the
"initial_lr" it writes into the groups, its state_dict, and its warnings.

Golden cases come from tests/golden/record_optim_rules.py (SCHEDULER_CASES); the live tests
rerun them on torch when it is installed.
"""

import math
import warnings

import pytest
from golden_support import load_golden, load_recorder
from test_optim_rules import as_json, assert_same_description, torch_or_skip

import autograd_lesson as lesson
from autograd_lesson.optim import lr_scheduler

recorder = load_recorder("record_optim_rules")
GOLDEN = load_golden("optim_rules.json")
SCHEDULER_IDS = list(GOLDEN["schedulers"])


def replay(engine, key):
    name, optimizer_name = key.split(" / ")
    return recorder.run_scheduler(engine, name, optimizer_name)


def test_golden_covers_every_scheduler_with_sgd_and_adam():
    assert len(SCHEDULER_IDS) == 2 * len(recorder.SCHEDULER_CASES)


@pytest.mark.parametrize("key", SCHEDULER_IDS)
def test_scheduler_matches_torch_golden(key):
    """lrs are Python floats computed by the same formula: they agree to the last bit."""
    ours = as_json(replay(lesson, key))
    expected = GOLDEN["schedulers"][key]
    assert ours["history"] == expected["history"]
    assert ours["group_keys"] == expected["group_keys"]
    assert ours["initial_lr"] == expected["initial_lr"]
    assert_same_description(ours["state_dict"], expected["state_dict"], where="state_dict")


@pytest.mark.parametrize("key", SCHEDULER_IDS[::2])
def test_scheduler_matches_live_torch(key):
    torch = torch_or_skip()
    assert replay(lesson, key) == replay(torch, key)


def make_optimizer(engine=lesson, lr=0.1):
    p = engine.ones(2, requires_grad=True)
    return engine.optim.SGD([p], lr=lr, momentum=0.9), p


def test_initial_lr_and_base_lrs():
    optimizer, _ = make_optimizer(lr=0.3)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2)
    assert optimizer.param_groups[0]["initial_lr"] == 0.3
    assert scheduler.base_lrs == [0.3]
    assert scheduler.last_epoch == 0 and scheduler.get_last_lr() == [0.3]
    # A second scheduler keeps the first one's initial_lr (setdefault), as in torch.
    optimizer.param_groups[0]["lr"] = 0.9
    second = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
    assert second.base_lrs == [0.3]


def test_steplr_sequence():
    optimizer, p = make_optimizer(lr=1.0)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(6):
        p.grad = lesson.ones(2)
        optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    assert lrs == [1.0, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_cosine_annealing_follows_the_closed_form():
    optimizer, p = make_optimizer(lr=1.0)
    scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=10, eta_min=0.1)
    for epoch in range(1, 11):
        optimizer.step()
        scheduler.step()
        closed = 0.1 + 0.9 * (1 + math.cos(math.pi * epoch / 10)) / 2
        assert scheduler.get_last_lr()[0] == pytest.approx(closed, abs=1e-12)


def test_onecycle_moves_adams_beta1():
    p = lesson.ones(2, requires_grad=True)
    optimizer = lesson.optim.Adam([p], lr=0.1)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, total_steps=10)
    assert optimizer.param_groups[0]["betas"] == (0.95, 0.999)
    assert optimizer.param_groups[0]["initial_lr"] == 1.0 / 25
    for _ in range(2):  # the peak is at step pct_start * total_steps - 1 = 2
        optimizer.step()
        scheduler.step()
    assert optimizer.param_groups[0]["betas"][0] == pytest.approx(0.85)
    assert scheduler.get_last_lr()[0] == pytest.approx(1.0)


def test_reduce_on_plateau_accepts_a_tensor_metric():
    optimizer, _ = make_optimizer(lr=1.0)
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0)
    scheduler.step(lesson.tensor(2.0))
    scheduler.step(lesson.tensor(3.0))
    assert scheduler.get_last_lr() == [0.1]


# ---------------------------------------------------------------------- warnings


def test_warns_when_scheduler_steps_before_optimizer():
    optimizer, _ = make_optimizer()
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1)
    with pytest.warns(UserWarning) as record:
        scheduler.step()
    assert len(record) == 1
    assert str(record[0].message) == lr_scheduler.STEP_ORDER_WARNING
    assert record[0].filename == __file__  # points at the caller's line, as torch's does


def test_no_warning_in_the_right_order_nor_on_later_steps():
    optimizer, p = make_optimizer()
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p.grad = lesson.ones(2)
        optimizer.step()
        scheduler.step()
        scheduler.step()  # the check only looks at the first step()


def test_warns_when_optimizer_step_was_replaced_after_the_scheduler():
    optimizer, _ = make_optimizer()
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1)
    optimizer.step = lambda closure=None: None
    with pytest.warns(UserWarning, match="Seems like `optimizer.step\\(\\)` has been overridden"):
        scheduler.step()


def test_warning_texts_and_conditions_match_live_torch():
    torch = torch_or_skip()

    def warnings_of(engine, optimizer_first, replace_step=False, calls=2):
        optimizer, p = make_optimizer(engine)
        scheduler = engine.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
        if replace_step:
            optimizer.step = lambda closure=None: None
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            for _ in range(calls):
                if optimizer_first:
                    p.grad = engine.ones(2)
                    optimizer.step()
                scheduler.step()
        return [(w.category.__name__, str(w.message)) for w in record]

    for case in [(False,), (True,), (False, True), (True, False, 1)]:
        assert warnings_of(lesson, *case) == warnings_of(torch, *case), case


def test_calling_get_lr_directly_warns():
    optimizer, _ = make_optimizer()
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        scheduler.get_lr()


def test_epoch_argument_is_deprecated_and_uses_the_closed_form():
    optimizer, p = make_optimizer(lr=1.0)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    optimizer.step()
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
        scheduler.step(5)
    assert scheduler.get_last_lr() == [0.25]


# ---------------------------------------------------------------------- state_dict


def test_state_dict_round_trip_resumes_the_schedule():
    optimizer, p = make_optimizer(lr=1.0)
    scheduler = lr_scheduler.MultiStepLR(optimizer, milestones=[2, 4], gamma=0.1)
    for _ in range(3):
        optimizer.step()
        scheduler.step()
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
    assert "optimizer" not in saved_scheduler

    resumed_optimizer, _ = make_optimizer(lr=1.0)
    resumed = lr_scheduler.MultiStepLR(resumed_optimizer, milestones=[2, 4], gamma=0.1)
    resumed_optimizer.load_state_dict(saved_optimizer)
    resumed.load_state_dict(saved_scheduler)
    for _ in range(2):
        optimizer.step()
        scheduler.step()
        resumed_optimizer.step()
        resumed.step()
    assert resumed.get_last_lr() == scheduler.get_last_lr()
    assert resumed.last_epoch == 5


def test_lambdalr_saves_callable_objects_but_not_functions():
    class Warmup:
        def __init__(self, epochs):
            self.epochs = epochs

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.epochs)

    p, q = lesson.ones(1, requires_grad=True), lesson.ones(1, requires_grad=True)
    optimizer = lesson.optim.SGD([{"params": [p]}, {"params": [q]}], lr=1.0)
    scheduler = lr_scheduler.LambdaLR(optimizer, [Warmup(4), lambda epoch: 1.0])
    saved = scheduler.state_dict()
    assert saved["lr_lambdas"] == [{"epochs": 4}, None]
    other = lr_scheduler.LambdaLR(optimizer, [Warmup(10), lambda epoch: 1.0])
    other.load_state_dict(saved)
    assert other.lr_lambdas[0].epochs == 4
    assert "lr_lambdas" in saved  # the caller's dict is given back whole


def test_resuming_needs_initial_lr():
    optimizer, _ = make_optimizer()
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups"):
        lr_scheduler.StepLR(optimizer, step_size=3, last_epoch=4)
