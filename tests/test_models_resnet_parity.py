"""A full ResNet-18 training step gives PyTorch's numbers (the seed lesson, with weights).

Golden: tests/golden/record_resnet.py ran the step in torch 2.13.0 with weights from a
seeded NumPy generator and stored the logits, the loss, and checksums of every gradient,
every parameter after SGD(lr=1e-2, momentum=0.9).step() and every BatchNorm buffer.
Live: the same step in torch, compared array by array, when torch is installed.

"Relative error <= 1e-3" is checked on vectors: for a gradient g with torch's value t,
|g - t| <= 1e-3 |t|. The stored checksums imply bounds we can test without the arrays:
the norm differs by at most |g - t|; the sum by at most sqrt(n) |g - t|; the dot with a
random Gaussian vector is about |g - t| times a standard normal number (5 sigma allowed).
"""

import numpy as np
import pytest
from test_models import GOLDEN, recorder  # the recorder script, loaded without torch

import autograd_lesson as lesson
from autograd_lesson.models import resnet18

RELATIVE_ERROR = 1e-3
NAMES = [name for name, _ in recorder.resnet18_state_dict_shapes()]


@pytest.fixture(scope="module")
def step():
    """The seed lesson's step, with autograd_lesson: model, prediction, loss, weights before."""
    weights = recorder.golden_weights()
    model = resnet18()
    model.load_state_dict(weights)
    model.train()
    data, labels = recorder.golden_inputs()
    prediction = model(lesson.tensor(data))
    loss = (prediction - lesson.tensor(labels)).sum()
    loss.backward()
    grads = {n: p.grad.numpy().copy() for n, p in model.named_parameters()}
    optimizer = lesson.optim.SGD(model.parameters(), lr=recorder.LR, momentum=recorder.MOMENTUM)
    optimizer.step()
    return {"model": model, "prediction": prediction, "loss": loss, "grads": grads}


def assert_checksums_close(array, index, expected, name):
    ours = recorder.checksum(array, index)
    bound = RELATIVE_ERROR * expected["norm"]
    size = np.asarray(array).size
    assert abs(ours["norm"] - expected["norm"]) <= bound, (name, "norm", ours, expected)
    assert abs(ours["dot"] - expected["dot"]) <= 5 * bound, (name, "dot", ours, expected)
    assert abs(ours["sum"] - expected["sum"]) <= np.sqrt(size) * bound, (name, "sum", ours)


def test_logits_and_loss_match_golden(step):
    logits = step["prediction"].detach().numpy()[0]
    expected = np.array(GOLDEN["logits"])
    assert np.linalg.norm(logits - expected) <= RELATIVE_ERROR * np.linalg.norm(expected)
    np.testing.assert_allclose(logits, expected, rtol=0, atol=RELATIVE_ERROR * abs(expected).max())
    assert step["loss"].item() == pytest.approx(GOLDEN["loss"], rel=RELATIVE_ERROR)
    assert step["loss"].grad_fn.name() == "SumBackward0"


def test_every_gradient_matches_golden(step):
    assert sorted(step["grads"]) == sorted(GOLDEN["grad"])  # 62 parameters
    for index, name in enumerate(NAMES):
        if name in GOLDEN["grad"]:
            assert_checksums_close(step["grads"][name], index, GOLDEN["grad"][name], name)


def test_every_parameter_after_sgd_step_matches_golden(step):
    params = dict(step["model"].named_parameters())
    for index, name in enumerate(NAMES):
        if name in params:
            expected = GOLDEN["param_after_step"][name]
            assert_checksums_close(params[name].detach().numpy(), index, expected, name)


def test_batchnorm_running_statistics_update_in_train_mode(step):
    state = step["model"].state_dict()
    before = recorder.golden_weights()
    for index, name in enumerate(NAMES):
        if name in GOLDEN["buffers_after_forward"]:
            assert_checksums_close(
                state[name].numpy(), index, GOLDEN["buffers_after_forward"][name], name
            )
            if name.endswith("num_batches_tracked"):
                assert state[name].item() == before[name] + 1
            else:
                assert not np.array_equal(state[name].numpy(), before[name]), name


def test_eval_mode_leaves_running_statistics_alone():
    model = resnet18()
    model.load_state_dict(recorder.golden_weights())
    model.eval()
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    with lesson.no_grad():
        model(lesson.tensor(recorder.golden_inputs()[0]))
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[name])


@pytest.fixture(scope="module")
def torch_step():
    """The same step in torch, keeping whole arrays for a direct comparison."""
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    weights = recorder.golden_weights()
    model = recorder.torch_resnet18()
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in weights.items()})
    data, labels = recorder.golden_inputs()
    prediction = model(torch.from_numpy(data))
    loss = (prediction - torch.from_numpy(labels)).sum()
    loss.backward()
    grads = {n: p.grad.numpy().copy() for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=recorder.LR, momentum=recorder.MOMENTUM).step()
    return {"model": model, "prediction": prediction, "loss": loss, "grads": grads}


def relative_error(ours, theirs):
    return np.linalg.norm(ours - theirs) / max(np.linalg.norm(theirs), 1e-30)


def test_live_torch_logits_gradients_and_step(step, torch_step):
    ours_logits = step["prediction"].detach().numpy()
    assert relative_error(ours_logits, torch_step["prediction"].detach().numpy()) <= 1e-4
    for name, grad in torch_step["grads"].items():
        assert relative_error(step["grads"][name], grad) <= RELATIVE_ERROR, name
    ours_state = step["model"].state_dict()
    for name, value in torch_step["model"].state_dict().items():
        assert relative_error(ours_state[name].numpy(), value.numpy()) <= RELATIVE_ERROR, name
