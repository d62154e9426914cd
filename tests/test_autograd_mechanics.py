"""Autograd's mechanics as PyTorch 2.13 has them (tests/golden/record_mechanics.py):

- in-place operations and views: values, graphs (CopySlices, AsStridedBackward0, ...),
  every input's gradient, and the version counter after the write;
- gradients of gradients: first gradients made with create_graph=True, then a Hessian-
  vector product through them, for every family of ops;
- the errors: "modified by an inplace operation", leaf and dtype rules, setters.
Each table is replayed from the golden file (no torch needed) and, with torch installed,
on both engines side by side.
"""

import numpy as np
import pytest
from golden_support import (
    assert_close,
    assert_same_record,
    load_golden,
    load_recorder,
    stored_inputs,
    stored_upstream,
)

import autograd_lesson

recorder = load_recorder("record_mechanics")
GOLDEN = load_golden("mechanics.json")


def test_golden_file_matches_the_recorder():
    assert GOLDEN["torch_version"].startswith("2.13.0")
    for table in ("inplace", "double", "errors"):
        names = [c["name"] for c in getattr(recorder, table.upper())]
        assert [c["name"] for c in GOLDEN[table]] == names
    assert [s["name"] for s in GOLDEN["scripts"]] == [name for name, _ in recorder.SCRIPTS]


@pytest.mark.parametrize("case", GOLDEN["inplace"], ids=lambda c: c["name"])
def test_golden_inplace(case):
    arrays = stored_inputs(case)
    ours = recorder.run_inplace(autograd_lesson, case, arrays, stored_upstream(case))
    assert_same_record(ours, case["torch"])
    assert recorder.version_of(autograd_lesson, case, arrays) == case["torch"]["version"]


def assert_same_double(ours, theirs):
    assert_close(ours["out"], theirs["out"], "torch.float64", "out")
    for order in ("first", "second"):
        for name, grad in theirs[order].items():
            if grad is None:
                assert ours[order][name] is None, (order, name)
            else:
                assert_close(ours[order][name], grad, "torch.float64", f"{order} of {name}")


@pytest.mark.parametrize("case", GOLDEN["double"], ids=lambda c: c["name"])
def test_golden_double_backward(case):
    ours = recorder.run_double(autograd_lesson, case, stored_inputs(case))
    assert_same_double(ours, case["torch"])


@pytest.mark.parametrize("error", GOLDEN["errors"], ids=lambda e: e["name"])
def test_golden_error(error):
    assert recorder.engine.run_error(autograd_lesson, error) == error["torch"]


@pytest.mark.parametrize("script", GOLDEN["scripts"], ids=lambda s: s["name"])
def test_golden_script(script):
    """Hooks, modes, formatting, node type names, views: what a short program prints."""
    assert recorder.run_script(autograd_lesson, script["code"]) == script["torch"]


# ---------------------------------------------------------------------- live PyTorch


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


@pytest.mark.parametrize("case", recorder.INPLACE, ids=lambda c: c["name"])
def test_live_inplace(torch, case):
    arrays = recorder.engine.make_inputs(case)
    assert_same_record(
        recorder.run_inplace(autograd_lesson, case, arrays),
        recorder.run_inplace(torch, case, arrays),
    )
    assert recorder.version_of(autograd_lesson, case, arrays) == recorder.version_of(
        torch, case, arrays
    )


@pytest.mark.parametrize("case", recorder.DOUBLE, ids=lambda c: c["name"])
def test_live_double_backward(torch, case):
    arrays = recorder.engine.make_inputs(case)
    assert_same_double(
        recorder.run_double(autograd_lesson, case, arrays), recorder.run_double(torch, case, arrays)
    )


@pytest.mark.parametrize("name, code", recorder.SCRIPTS, ids=[n for n, _ in recorder.SCRIPTS])
def test_live_script(torch, name, code):
    assert recorder.run_script(autograd_lesson, code) == recorder.run_script(torch, code)


@pytest.mark.parametrize("error", recorder.ERRORS, ids=lambda e: e["name"])
def test_live_error(torch, error):
    run = recorder.engine.run_error
    assert run(autograd_lesson, error) == run(torch, error)


# ---------------------------------------------------------------------- the four reproducers


def test_the_four_reproducers_of_issue_8():
    torch = autograd_lesson
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    buf = torch.zeros(2)
    buf += w * 2
    (buf.sum() + w.sum()).backward()
    assert w.grad.tolist() == [3.0, 3.0]

    out = torch.zeros(2)
    out[0] = w[0] * 5
    assert repr(out.grad_fn) == "<CopySlices>"
    assert out.tolist() == [5.0, 0.0]

    x = torch.tensor([1.0, 2.0])
    y = (w * x).sum()
    x.add_(10)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()

    x = torch.zeros(2, 2)
    x[0, 1].mul_(0)
    x.view(-1)[0].fill_(9)
    assert x.tolist() == [[9.0, 0.0], [0.0, 0.0]]
    assert x._version == 2


def test_views_share_memory_and_base_as_in_pytorch():
    x = autograd_lesson.zeros(3, 4)
    views = [
        x[0, 1],
        x[1],
        x[:, 1:3],
        x.view(12),
        x.t(),
        x.unsqueeze(0),
        x.diagonal(),
        x.narrow(1, 1, 2) if hasattr(x, "narrow") else x[:, 1:3],
        x.unbind()[0],
        x.split(1)[0],
        x.reshape(12),
        x[...],
    ]
    for v in views:
        assert v._base is x
        assert np.shares_memory(v._data, x._data)
    assert x.t().reshape(12)._base is None  # reshape copies here
    assert x[[0]]._base is None  # advanced indexing copies
    assert x.view(-1).view(3, 4)._base is x  # a view of a view has the same base
    assert x[0, 1].data_ptr() - x.data_ptr() == 4
    d = x.detach()
    assert d._base is None and not d._is_view()
    d.add_(1)
    assert x._version == 1  # detach shares the version counter
    x.data.add_(1)
    assert x._version == 1  # .data does not


def test_a_change_no_node_needs_keeps_working():
    """relu_ after a batch norm is fine (batch norm does not save its output)."""
    torch = autograd_lesson
    bn = torch.nn.BatchNorm2d(2)
    x = torch.ones(2, 2, 3, 3).clone().requires_grad_()
    h = bn(x * torch.arange(36.0).reshape(2, 2, 3, 3))
    h.relu_()
    h.sum().backward()
    assert x.grad is not None
    e = x.exp()
    e.mul_(2)
    with pytest.raises(RuntimeError, match="which is output 0 of Exp, is at version 1"):
        e.sum().backward()


def test_a_failed_backward_writes_no_grad():
    torch = autograd_lesson
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0], requires_grad=True)
    x = torch.tensor([1.0, 2.0])
    y = (a * 2).sum() + (b * x).sum()
    x.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()
    assert a.grad is None and b.grad is None


def test_setters_validate_before_they_change_anything():
    torch = autograd_lesson
    x = torch.zeros(2)
    for bad in (0.0, np.zeros(2), torch.zeros(3), torch.zeros(2, dtype=torch.float64)):
        with pytest.raises((TypeError, RuntimeError)):
            x.grad = bad
        assert x.grad is None
    with pytest.raises(TypeError):
        x.data = [1.0, 2.0]
    with pytest.raises(RuntimeError):
        x.requires_grad = "yes"
    assert x.tolist() == [0.0, 0.0] and not x.requires_grad
    for bad in ("a", np.array([1.0]), [1.0]):
        with pytest.raises(TypeError):
            x[0] = bad
    assert x._version == 0
