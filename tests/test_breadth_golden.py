"""Beginner breadth (issue 10, items 5-8) as PyTorch 2.13 has it (tests/golden/record_breadth.py):
losses, tensor ops, legacy spellings and nn layers. Each table is replayed from the golden
file (no torch needed) and, with torch installed, on both engines side by side:

- cases: values, dtype, shape, repr, grad_fn, the graph below it, every input's gradient;
- double: first gradients with create_graph=True and a Hessian-vector product through them;
- errors and warnings: type and message;
- api: the repr of a value (modules, named tuples, legacy constructors, out=, ...).
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

recorder = load_recorder("record_breadth")
GOLDEN = load_golden("breadth.json")


def test_golden_file_matches_the_recorder():
    assert GOLDEN["torch_version"].startswith("2.13.0")
    for table in ("cases", "double", "errors"):
        names = [c["name"] for c in getattr(recorder, table.upper())]
        assert [c["name"] for c in GOLDEN[table]] == names
    assert [a["expression"] for a in GOLDEN["api"]] == recorder.API


def assert_same(ours, theirs, name):
    if name in recorder.GRAPH_DIFFERS:
        # A known difference (einsum is one node here): everything else must agree.
        drawn = ("graph", "grad_fn", "repr", "second_backward")
        theirs = {**theirs, **{key: ours.get(key) for key in drawn}}
    assert_same_record(ours, theirs)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda c: c["name"])
def test_golden_case(case):
    ours = recorder.engine.run_case(
        autograd_lesson, case, stored_inputs(case), stored_upstream(case)
    )
    assert_same(ours, case["torch"], case["name"])


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
    ours = recorder.mechanics.run_double(autograd_lesson, case, stored_inputs(case))
    assert_same_double(ours, case["torch"])


@pytest.mark.parametrize("error", GOLDEN["errors"], ids=lambda e: e["name"])
def test_golden_error(error):
    assert recorder.engine.run_error(autograd_lesson, error) == error["torch"]


@pytest.mark.parametrize("api", GOLDEN["api"], ids=lambda a: a["expression"][:60])
def test_golden_api(api):
    assert recorder.engine.run_api(autograd_lesson, api["expression"]) == api["torch"]


def test_golden_default_dtype():
    assert recorder.set_default_dtype_roundtrip(autograd_lesson) == GOLDEN["default_dtype"]


# ---------------------------------------------------------------------- live PyTorch


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


@pytest.mark.parametrize("case", recorder.CASES, ids=lambda c: c["name"])
def test_live_case(torch, case):
    arrays = recorder.engine.make_inputs(case)
    run = recorder.engine.run_case
    assert_same(run(autograd_lesson, case, arrays), run(torch, case, arrays), case["name"])


@pytest.mark.parametrize("case", recorder.DOUBLE, ids=lambda c: c["name"])
def test_live_double_backward(torch, case):
    arrays = recorder.engine.make_inputs(case)
    run = recorder.mechanics.run_double
    assert_same_double(run(autograd_lesson, case, arrays), run(torch, case, arrays))


@pytest.mark.parametrize("error", recorder.ERRORS, ids=lambda e: e["name"])
def test_live_error(torch, error):
    run = recorder.engine.run_error
    assert run(autograd_lesson, error) == run(torch, error)


@pytest.mark.parametrize("expression", recorder.API, ids=lambda e: e[:60])
def test_live_api(torch, expression):
    run = recorder.engine.run_api
    assert run(autograd_lesson, expression) == run(torch, expression)


# ---------------------------------------------------------------------- beyond the tables


def test_dropout2d_zeroes_whole_channels_and_scales_the_rest():
    torch = autograd_lesson
    torch.manual_seed(0)
    x = torch.ones(4, 8, 3, 3, requires_grad=True)
    out = torch.nn.functional.dropout2d(x, 0.5)
    per_channel = out.detach().numpy().reshape(4, 8, 9)
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert (per_channel.min(-1) == per_channel.max(-1)).all()  # a channel is all kept or not
    assert 0 < (per_channel[..., 0] == 0).sum() < 32
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), per_channel.reshape(4, 8, 3, 3))
    assert torch.nn.Dropout2d(0.5).eval()(x) is x


def test_embedding_padding_row_starts_at_zero_and_gets_no_gradient():
    torch = autograd_lesson
    torch.manual_seed(0)
    layer = torch.nn.Embedding(4, 3, padding_idx=1)
    assert layer.weight[1].tolist() == [0.0, 0.0, 0.0]
    layer(torch.tensor([[1, 2], [1, 1]])).sum().backward()
    assert layer.weight.grad[1].tolist() == [0.0, 0.0, 0.0]
    assert layer.weight.grad[2].tolist() == [1.0, 1.0, 1.0]


def test_einsum_with_a_repeated_letter_refuses_a_gradient():
    torch = autograd_lesson
    x = torch.ones(2, 2, requires_grad=True)
    with pytest.raises(NotImplementedError, match="repeated"):
        torch.einsum("ii->i", x)
    with pytest.raises(NotImplementedError, match="ellipsis"):
        torch.einsum("...i->i", x)


def test_parameter_containers_register_their_parameters():
    nn = autograd_lesson.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
            self.scales = nn.ParameterList([nn.Parameter(autograd_lesson.ones(2))])
            self.extra = nn.ParameterDict({"bias": autograd_lesson.zeros(3)})

    names = [n for n, _ in Net().named_parameters()]
    assert names == [
        "scales.0", "extra.bias", "heads.a.weight", "heads.a.bias", "heads.b.weight",
        "heads.b.bias",
    ] or sorted(names) == sorted([
        "scales.0", "extra.bias", "heads.a.weight", "heads.a.bias", "heads.b.weight",
        "heads.b.bias",
    ])
    d = nn.ModuleDict({"a": nn.ReLU()})
    d["b"] = nn.Tanh()
    assert list(d.keys()) == ["a", "b"] and len(d) == 2 and "b" in d
    assert isinstance(d.pop("a"), nn.ReLU) and list(d) == ["b"]
