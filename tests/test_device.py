"""Devices as a CPU-only PyTorch 2.13 has them: torch.device, torch.cuda / accelerator /
backends, moving tensors and modules, device= on creation functions, the default device.

- golden: every expression recorded by tests/golden/record_device.py (no torch needed);
- live: the same expressions against torch itself, when it is installed;
- unit: what a table of expressions cannot show (nothing changes before an error, copies,
  gradients through .to, the context manager).
"""

import numpy as np
import pytest
from golden_support import load_golden, load_recorder

import autograd_lesson as torch
from autograd_lesson import nn

recorder = load_recorder("record_device")
GOLDEN = load_golden("device.json")
CASES = GOLDEN["cases"]


def expected(case):
    return {key: value for key, value in case.items() if key != "expression"}


def test_golden_file_is_the_recorder_table():
    assert [case["expression"] for case in CASES] == recorder.CASES
    assert GOLDEN["torch_version"].startswith("2.13.0")


@pytest.mark.parametrize("case", CASES, ids=[case["expression"] for case in CASES])
def test_matches_torch_golden(case):
    assert recorder.evaluate(torch, case["expression"]) == expected(case)


def test_matches_live_torch():
    real_torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    if real_torch.cuda.is_available():
        pytest.skip("the oracle has CUDA; these cases describe the CPU build")
    for expression in recorder.CASES:
        assert recorder.evaluate(torch, expression) == recorder.evaluate(real_torch, expression), (
            expression
        )


def test_the_usual_device_line_runs_unchanged():
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = nn.Linear(3, 2).to(device)
    x = torch.ones(4, 3, device=device)
    assert model(x).device == device == torch.device("cpu")
    accelerator = torch.accelerator.current_accelerator() or torch.device("cpu")
    assert torch.zeros(1).to(accelerator).device.type == "cpu"


def test_devices_are_values_usable_as_keys():
    assert {torch.device("cuda:0"), torch.device("cuda", 0), torch.device("cuda")} == {
        torch.device("cuda", 0),
        torch.device("cuda"),
    }
    with pytest.raises(AttributeError):
        torch.device("cpu").type = "cuda"  # read-only, as in PyTorch


def test_to_copy_makes_a_new_tensor_that_gradients_flow_through():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.to("cpu", copy=True)
    assert y is not x
    assert not np.shares_memory(y.detach().numpy(), x.detach().numpy())
    assert y.grad_fn.name() == "ToCopyBackward0"
    (y * torch.tensor([3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]


def test_failed_moves_change_nothing():
    model = nn.Linear(2, 2)
    weight = model.weight
    before = weight.detach().numpy().copy()
    for move in (lambda: model.to("cuda"), lambda: model.cuda(), lambda: model.to(torch.int64)):
        with pytest.raises((AssertionError, TypeError)):
            move()
        assert model.weight is weight and model.weight.dtype == torch.float32
        np.testing.assert_array_equal(model.weight.detach().numpy(), before)


def test_module_to_dtype_converts_in_place_and_returns_self():
    model = nn.Linear(2, 2)
    assert model.to("cpu", torch.float64) is model
    assert model.weight.dtype == model.bias.dtype == torch.float64


def test_with_device_sets_the_default_inside_the_block_only():
    with torch.device("cuda"):
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            torch.zeros(1)
        assert torch.zeros(1, device="cpu").device == torch.device("cpu")
    assert torch.get_default_device() == torch.device("cpu")
    with torch.device("cpu:0") as device:
        assert torch.get_default_device() == device == torch.device("cpu", 0)
    assert torch.get_default_device() == torch.device("cpu")


def test_default_device_is_used_by_creation_functions():
    try:
        torch.set_default_device("cuda")
        for make in (
            lambda: torch.rand(2),
            lambda: torch.randn(2),
            lambda: torch.arange(3),
            lambda: torch.full((1,), 2.0),
            lambda: torch.randperm(3),
        ):
            with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
                make()
        # *_like functions follow their input, as in PyTorch
        assert torch.rand_like(torch.zeros(2, device="cpu")).shape == (2,)
    finally:
        torch.set_default_device(None)
    assert torch.zeros(1).device == torch.device("cpu")


def test_devices_this_engine_refuses_say_why():
    with pytest.raises(NotImplementedError, match="CPU only.*'meta'"):
        torch.zeros(2, device="meta")
    with pytest.raises(NotImplementedError, match="CPU only"):
        torch.ones(2).to("meta")
    with pytest.raises(RuntimeError, match="^PyTorch is not linked with support for mps devices$"):
        torch.zeros(2, device="mps")


def test_cuda_seeding_boilerplate_is_a_no_op():
    torch.manual_seed(0)
    expected_values = torch.rand(3).tolist()
    torch.manual_seed(0)
    torch.cuda.manual_seed(0)
    torch.cuda.manual_seed_all(0)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    try:
        assert torch.rand(3).tolist() == expected_values
    finally:
        torch.backends.cudnn.deterministic = False
