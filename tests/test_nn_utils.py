"""torch.nn.utils: clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_,
parameters_to_vector, vector_to_parameters.

- golden: the UTILS scenarios of tests/golden/record_nn_scenarios.py give the logs torch
  2.13.0 recorded (total norms for every order, clipped gradients, inf and nan, a single
  tensor or a generator as parameters, parameters without grad, errors and warnings);
- live: the same scenarios on torch itself, when it is installed;
- what the logs do not show: gradients changed in place, nothing changed on an error.
"""

import warnings

import numpy as np
import pytest
from golden_support import load_golden, load_recorder

import autograd_lesson as torch
from autograd_lesson import nn
from autograd_lesson.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)

recorder = load_recorder("record_nn_scenarios")
GOLDEN = load_golden("nn_scenarios.json")["scenarios"]


@pytest.mark.parametrize("scenario", recorder.UTILS, ids=lambda s: s.__name__)
def test_scenario_matches_torch_golden(scenario):
    recorder.assert_same_log(recorder.run(scenario, torch), GOLDEN[scenario.__name__])


def parameter(grad):
    param = nn.Parameter(torch.zeros(len(grad)))
    param.grad = torch.tensor(grad)
    return param


def test_gradients_are_changed_in_place():
    """An optimizer (or a learner) holding `p.grad` sees the clipped values."""
    param = parameter([3.0, 4.0])
    grad = param.grad
    total = clip_grad_norm_([param], max_norm=1.0)
    assert param.grad is grad and grad.tolist() == pytest.approx([0.6, 0.8], rel=1e-6)
    assert total.item() == 5.0 and total.grad_fn is None and total.ndim == 0
    clip_grad_value_([param], 0.7)
    assert param.grad is grad and grad.tolist() == pytest.approx([0.6, 0.7], rel=1e-6)


def test_small_gradients_are_unchanged():
    param = parameter([0.3, -0.4])
    clip_grad_norm_(param, max_norm=1.0)
    assert param.grad.tolist() == pytest.approx([0.3, -0.4], rel=1e-6)


def test_clipping_after_backward_limits_a_training_step():
    model = nn.Linear(3, 1)
    model(torch.full((4, 3), 100.0)).sum().backward()
    before = clip_grad_norm_(model.parameters(), max_norm=2.0)
    after = np.sqrt(sum(float((p.grad * p.grad).sum()) for p in model.parameters()))
    assert before.item() > 100 and after == pytest.approx(2.0, rel=1e-5)


def test_an_infinite_norm_gives_nan_without_numpy_warnings():
    param = parameter([3.0, float("inf")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's "invalid value" would fail here
        total = clip_grad_norm_([param], 1.0)
    assert total.item() == float("inf")
    assert param.grad.numpy()[0] == 0.0 and np.isnan(param.grad.numpy()[1])


def test_the_nonfinite_error_changes_nothing():
    params = [parameter([3.0, float("nan")]), parameter([1.0, 2.0])]
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 .* is non-finite"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert params[1].grad.tolist() == [1.0, 2.0]


def test_parameters_to_vector_records_the_graph():
    model = nn.Linear(2, 2)
    vector = parameters_to_vector(model.parameters())
    assert vector.shape == (6,) and vector.grad_fn.name() == "CatBackward0"
    (vector * 2).sum().backward()
    assert model.weight.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_vector_too_short_leaves_every_parameter_unchanged():
    """PyTorch has already replaced the first parameter when it meets the second; here the
    slices are all cut before any parameter changes."""
    model = nn.Linear(2, 2)
    before = [p.detach().numpy().copy() for p in model.parameters()]
    with pytest.raises(RuntimeError, match=r"shape '\[2\]' is invalid for input of size 1"):
        vector_to_parameters(torch.zeros(5), model.parameters())
    for param, old in zip(model.parameters(), before, strict=True):
        np.testing.assert_array_equal(param.detach().numpy(), old)


def test_vector_to_parameters_shares_memory_and_keeps_the_parameter_objects():
    model = nn.Linear(2, 1)
    weight = model.weight
    vector = torch.arange(3.0)
    vector_to_parameters(vector, model.parameters())
    assert model.weight is weight and weight.requires_grad
    vector.add_(10)
    assert model.weight.tolist() == [[10.0, 11.0]] and model.bias.tolist() == [12.0]


# ---------------------------------------------------------------------- live parity


@pytest.fixture(scope="module")
def real_torch():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


@pytest.mark.parametrize("scenario", recorder.UTILS, ids=lambda s: s.__name__)
def test_live_golden_is_what_torch_does(real_torch, scenario):
    recorder.assert_same_log(recorder.run(scenario, real_torch), GOLDEN[scenario.__name__])


def test_live_random_gradients_clip_as_in_torch(real_torch):
    rng = np.random.default_rng(0)
    shapes = [(5, 3), (3,), (2, 2, 2)]
    for norm_type in (2.0, 1.0, float("inf"), 3.0):
        grads = [rng.standard_normal(shape).astype(np.float32) * 10 for shape in shapes]
        totals, clipped = [], []
        for engine in (torch, real_torch):
            params = [engine.nn.Parameter(engine.zeros(*g.shape)) for g in grads]
            for param, grad in zip(params, grads, strict=True):
                param.grad = engine.tensor(grad)
            totals.append(engine.nn.utils.clip_grad_norm_(params, 1.5, norm_type).item())
            clipped.append([p.grad.numpy().copy() for p in params])
        assert totals[0] == pytest.approx(totals[1], rel=1e-6)
        for ours, theirs in zip(*clipped, strict=True):
            np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
