"""The engine computes, records and prints what PyTorch 2.13 does, case by case.

- golden: every case of tests/golden/record_engine.py, replayed on autograd_lesson with the
  stored inputs and upstream gradients, against what torch recorded (no torch needed):
  values, dtype, shape, repr, grad_fn, the graph below it, every input's gradient, and
  whether a second backward raises; every error case gives torch's exception and message;
  every API call (tensor methods, creation, torch.* functions) prints torch's repr;
- live: the same table on torch and autograd_lesson side by side (needs torch).
"""

import re

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

recorder = load_recorder("record_engine")
GOLDEN = load_golden("engine.json")
CASES = GOLDEN["cases"]
ERRORS = GOLDEN["errors"]
API = GOLDEN["api"]


def test_golden_file_was_recorded_from_torch_2_13():
    assert GOLDEN["torch_version"].startswith("2.13.0")
    assert [c["name"] for c in CASES] == [c["name"] for c in recorder.CASES]
    assert [e["name"] for e in ERRORS] == [e["name"] for e in recorder.ERRORS]
    assert [a["expression"] for a in API] == recorder.API


def test_every_backward_node_of_the_engine_has_a_golden_case():
    """A new op without a golden case fails here, with the node names it lacks.
    (In-place and view nodes have theirs in mechanics.json.)"""
    mechanics = load_golden("mechanics.json")["inplace"]
    seen = {
        name for case in CASES + mechanics for name in re.findall(r"\w+", case["torch"]["graph"])
    }
    from autograd_lesson import inplace
    from autograd_lesson.ops import elementwise, matmul, reduction, shape, writes

    names = set()
    for module in (elementwise, matmul, reduction, shape, writes, inplace):
        for obj in vars(module).values():
            if isinstance(obj, type) and obj.__module__ == module.__name__:
                names.add(getattr(obj, "name_in_pytorch", None))
    # Nodes whose name changes with the arguments (sum over dims, mean over dims).
    names |= {"SumBackward1", "MeanBackward1"}
    # Addmm is nn.Linear's kernel; its golden cases live with the nn tests.
    names -= {None, "Node", "AddmmBackward0"}
    assert names - seen == set()


# Some cases compute a variance over one element on purpose; the warning PyTorch gives
# there is checked by the "*_warning" error cases, so here it would only be noise.
QUIET_DOF_WARNING = pytest.mark.filterwarnings(r"ignore:var\(\):UserWarning")


@QUIET_DOF_WARNING
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_case(case):
    ours = recorder.run_case(
        autograd_lesson, case, stored_inputs(case), upstream=stored_upstream(case)
    )
    assert_same_record(ours, case["torch"])


@pytest.mark.parametrize("error", ERRORS, ids=[e["name"] for e in ERRORS])
def test_golden_error(error):
    assert recorder.run_error(autograd_lesson, error) == error["torch"]


@QUIET_DOF_WARNING
@pytest.mark.parametrize("call", API, ids=[a["expression"] for a in API])
def test_golden_api(call):
    assert recorder.run_api(autograd_lesson, call["expression"]) == call["torch"]


# ---------------------------------------------------------------------- live PyTorch


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


@QUIET_DOF_WARNING
@pytest.mark.parametrize("case", recorder.CASES, ids=[c["name"] for c in recorder.CASES])
def test_live_case(torch, case):
    arrays = recorder.make_inputs(case)
    theirs = recorder.run_case(torch, case, arrays)
    ours = recorder.run_case(autograd_lesson, case, arrays)
    assert_same_record(ours, theirs)


@pytest.mark.parametrize("error", recorder.ERRORS, ids=[e["name"] for e in recorder.ERRORS])
def test_live_error(torch, error):
    assert recorder.run_error(autograd_lesson, error) == recorder.run_error(torch, error)


@QUIET_DOF_WARNING
@pytest.mark.parametrize("expression", recorder.API)
def test_live_api(torch, expression):
    assert recorder.run_api(autograd_lesson, expression) == recorder.run_api(torch, expression)


UNARY_STEPS = ["exp", "tanh", "sigmoid", "relu", "abs", "neg", "square", "sum0", "mean", "t"]
BINARY_STEPS = ["add", "sub", "mul", "div", "maximum", "rsub", "rmul", "matmul"]


def composite(torch, x, y, steps):
    """Apply a sequence of ops to two tensors; the same code runs on both engines."""
    for step in steps:
        if step == "exp":
            x = (x * 0.1).exp()
        elif step == "tanh":
            x = x.tanh()
        elif step == "sigmoid":
            x = x.sigmoid()
        elif step == "relu":
            x = x.relu()
        elif step == "abs":
            x = x.abs()
        elif step == "neg":
            x = -x
        elif step == "square":
            x = x**2
        elif step == "sum0" and x.ndim > 0:
            x = x.sum(0, keepdim=x.ndim == 1)
        elif step == "mean":
            x = x.mean()
        elif step == "t" and x.ndim == 2:
            x = x.t()
        elif step == "add":
            x = x + y
        elif step == "sub":
            x = y - x
        elif step == "mul":
            x = x * y
        elif step == "div":
            x = x / (y.abs() + 1)
        elif step == "maximum":
            x = torch.maximum(x, y * 0.5)
        elif step == "rsub":
            x = 1 - x
        elif step == "rmul":
            x = 2 * x
        elif step == "matmul" and x.ndim >= 1 and y.ndim >= 1:
            if x.shape[-1] == y.shape[0 if y.ndim == 1 else -2]:
                x = x @ y
    return x


def test_live_random_composites_agree(torch):
    """Hypothesis builds chains of ops on broadcasting shapes; both engines must agree on
    the graph, the values and every gradient."""
    from hypothesis import given
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    steps = st.lists(st.sampled_from(UNARY_STEPS + BINARY_STEPS), min_size=1, max_size=6)
    shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3)
    values = st.floats(-2, 2, width=32)

    @given(shapes=shapes, steps=steps, data=st.data())
    def check(shapes, steps, data):
        shape_x, shape_y = shapes.input_shapes
        arrays = [data.draw(hnp.arrays(np.float32, s, elements=values)) for s in (shape_x, shape_y)]
        results = []
        for engine in (torch, autograd_lesson):
            x, y = (engine.tensor(a, requires_grad=True) for a in arrays)
            out = composite(engine, x, y, steps)
            out.sum().backward()
            results.append(
                (
                    recorder.graph_string(out.grad_fn),
                    recorder.flat(out),
                    [None if t.grad is None else recorder.flat(t.grad) for t in (x, y)],
                )
            )
        (graph_t, out_t, grads_t), (graph_a, out_a, grads_a) = results
        assert graph_a == graph_t
        assert_close(out_a, out_t, "torch.float32", "values")
        for ours, theirs in zip(grads_a, grads_t):
            assert (ours is None) == (theirs is None)
            if theirs is not None:
                assert_close(ours, theirs, "torch.float32", "grad")

    check()
