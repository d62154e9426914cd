"""The engine computes, records and prints what PyTorch 2.13 does, case by case.

- golden: every case of tests/golden/record_engine.py, replayed on autograd_lesson with the
  stored inputs and upstream gradients, against what torch recorded (no torch needed):
  values, dtype, shape, repr, grad_fn, the graph below it, every input's gradient, and
  whether a second backward raises; every error case gives torch's exception and message;
  every API call (tensor methods, creation, torch.* functions) prints torch's repr;
- live: the same table on torch and autograd_lesson side by side (needs torch).
"""

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

import autograd_lesson

GOLDEN_DIR = Path(__file__).parent / "golden"


def load_recorder():
    """The recorder holds the table and `run_case`; it imports torch only when run."""
    spec = importlib.util.spec_from_file_location("record_engine", GOLDEN_DIR / "record_engine.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


recorder = load_recorder()
GOLDEN = json.loads((GOLDEN_DIR / "engine.json").read_text())
CASES = GOLDEN["cases"]
ERRORS = GOLDEN["errors"]
API = GOLDEN["api"]


def stored_inputs(case):
    return {
        name: np.array(a["values"], dtype=a["dtype"]).reshape(a["shape"])
        for name, a in case["arrays"].items()
    }


def stored_upstream(case):
    recorded = case["torch"]
    if "upstream" not in recorded:
        return None
    dtype = recorded["dtype"].removeprefix("torch.")
    return np.array(recorded["upstream"], dtype=dtype).reshape(recorded["shape"])


def assert_close(ours, theirs, dtype, what):
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, what
    # float32 results are compared to 1e-5 (sums in another order differ in the last bits).
    rtol = 1e-10 if dtype == "torch.float64" else 1e-5
    atol = rtol * max(1.0, float(np.abs(theirs).max(initial=0.0)))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=what)


def assert_same_record(ours, theirs):
    for key in ("dtype", "shape", "requires_grad", "grad_fn", "graph"):
        assert ours[key] == theirs[key], key
    if theirs["dtype"] in ("torch.float32", "torch.float64"):
        assert_close(ours["values"], theirs["values"], theirs["dtype"], "values")
    else:
        assert ours["values"] == theirs["values"]
    assert ours["repr"] == theirs["repr"]
    assert ours.get("second_backward") == theirs.get("second_backward")
    assert (ours.get("grads") is None) == (theirs.get("grads") is None)
    for name, grad in (theirs.get("grads") or {}).items():
        if grad is None:
            assert ours["grads"][name] is None, name
        else:
            assert_close(ours["grads"][name], grad, theirs["dtype"], f"grad of {name}")


def test_golden_file_was_recorded_from_torch_2_13():
    assert GOLDEN["torch_version"].startswith("2.13.0")
    assert [c["name"] for c in CASES] == [c["name"] for c in recorder.CASES]
    assert [e["name"] for e in ERRORS] == [e["name"] for e in recorder.ERRORS]
    assert [a["expression"] for a in API] == recorder.API


def test_every_backward_node_of_the_engine_has_a_golden_case():
    """A new op without a golden case fails here, with the node names it lacks."""
    seen = {name for case in CASES for name in re.findall(r"\w+", case["torch"]["graph"])}
    from autograd_lesson.ops import elementwise, matmul, reduction, shape

    names = set()
    for module in (elementwise, matmul, reduction, shape):
        for obj in vars(module).values():
            if isinstance(obj, type) and obj.__module__ == module.__name__:
                names.add(getattr(obj, "name_in_pytorch", None))
                names.add(getattr(obj, "name_with_dim", None))
    # Nodes whose name changes with the arguments (sum over dims, mean over dims).
    names |= {"SumBackward1", "MeanBackward1"}
    # Addmm is nn.Linear's kernel; its golden cases live with the nn tests.
    names -= {None, "Node", "AddmmBackward0"}
    assert names - seen == set()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_case(case):
    ours = recorder.run_case(
        autograd_lesson, case, stored_inputs(case), upstream=stored_upstream(case)
    )
    assert_same_record(ours, case["torch"])


@pytest.mark.parametrize("error", ERRORS, ids=[e["name"] for e in ERRORS])
def test_golden_error(error):
    assert recorder.run_error(autograd_lesson, error) == error["torch"]


@pytest.mark.parametrize("call", API, ids=[a["expression"] for a in API])
def test_golden_api(call):
    assert recorder.run_api(autograd_lesson, call["expression"]) == call["torch"]


# ---------------------------------------------------------------------- live PyTorch


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


@pytest.mark.parametrize("case", recorder.CASES, ids=[c["name"] for c in recorder.CASES])
def test_live_case(torch, case):
    arrays = recorder.make_inputs(case)
    theirs = recorder.run_case(torch, case, arrays)
    ours = recorder.run_case(autograd_lesson, case, arrays)
    assert_same_record(ours, theirs)


@pytest.mark.parametrize("error", recorder.ERRORS, ids=[e["name"] for e in recorder.ERRORS])
def test_live_error(torch, error):
    assert recorder.run_error(autograd_lesson, error) == recorder.run_error(torch, error)


@pytest.mark.parametrize("expression", recorder.API)
def test_live_api(torch, expression):
    assert recorder.run_api(autograd_lesson, expression) == recorder.run_api(torch, expression)
