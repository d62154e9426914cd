"""Every nn layer and functional computes what PyTorch 2.13 does.

- golden: each case of tests/golden/record_nn.py replayed on autograd_lesson against what
  torch recorded in nn.json (no torch needed): output, grad_fn name, the gradient of every
  input and parameter, BatchNorm's running statistics; every error case gives torch's
  exception and message; reprs of two models are torch's, character for character;
- live: the same cases on torch and autograd_lesson side by side (needs torch).
"""


import numpy as np
import pytest
from golden_support import load_golden, load_recorder

import autograd_lesson

recorder = load_recorder("record_nn")
GOLDEN = load_golden("nn.json")
CASES = {c["name"]: c for c in recorder.CASES}
RECORDED = {c["name"]: c for c in GOLDEN["cases"]}


def assert_same_summary(ours, theirs, what):
    """Compare two `summarise` results; float32 sums in another order differ slightly."""
    assert ours.keys() == theirs.keys(), what
    for key in theirs:
        a, b = np.asarray(ours[key], np.float64), np.asarray(theirs[key], np.float64)
        scale = max(1.0, float(np.abs(b).max(initial=0.0)))
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4 * scale, err_msg=f"{what}: {key}")


def assert_same_result(ours, theirs):
    assert ours["shape"] == theirs["shape"]
    assert ours["grad_fn"] == theirs["grad_fn"]
    assert_same_summary(ours["output"], theirs["output"], "output")
    assert ours.get("grads", {}).keys() == theirs.get("grads", {}).keys()
    for name, grad in theirs.get("grads", {}).items():
        assert (ours["grads"][name] is None) == (grad is None), name
        if grad is not None:
            assert_same_summary(ours["grads"][name], grad, f"gradient of {name}")
    assert ours.get("buffers", {}).keys() == theirs.get("buffers", {}).keys()
    for name, buffer in theirs.get("buffers", {}).items():
        assert_same_summary(ours["buffers"][name], buffer, f"buffer {name}")


def test_every_case_was_recorded():
    assert GOLDEN["torch_version"].startswith("2.13.0")
    assert set(CASES) == set(RECORDED)


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_case(name):
    case, recorded = CASES[name], RECORDED[name]
    # The inputs are drawn again from the seeded generator: check they are the same numbers.
    checksums = recorder.checksum(recorder.make_inputs(case))
    for key, value in recorded["checksums"].items():
        assert checksums[key] == pytest.approx(value, rel=1e-6), f"input {key} changed"
    assert_same_result(recorder.run_case(autograd_lesson, case), recorded["torch"])


@pytest.mark.parametrize("name", sorted(GOLDEN["errors"]))
def test_golden_error(name):
    code = dict(recorder.ERRORS)[name]
    assert recorder.run_error(autograd_lesson, code) == GOLDEN["errors"][name]


@pytest.mark.parametrize("name", sorted(GOLDEN["reprs"]))
def test_golden_repr(name):
    namespace = {"torch": autograd_lesson, "nn": autograd_lesson.nn}
    namespace["small_network"] = recorder.small_network
    assert repr(eval(recorder.REPRS[name], namespace)) == GOLDEN["reprs"][name]


# ---------------------------------------------------------------------- live parity


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_live_case(torch, name):
    assert_same_result(
        recorder.run_case(autograd_lesson, CASES[name]), recorder.run_case(torch, CASES[name])
    )


@pytest.mark.parametrize("name", sorted(dict(recorder.ERRORS)))
def test_live_error(torch, name):
    code = dict(recorder.ERRORS)[name]
    assert recorder.run_error(autograd_lesson, code) == recorder.run_error(torch, code)
