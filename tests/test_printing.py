"""Tensors print exactly as PyTorch 2.13 prints them.

- golden: every case recorded by tests/golden/record_printing.py (no torch needed);
- live: Hypothesis-generated small arrays against torch's own repr (needs torch);
- set_printoptions: torch's semantics for options, profiles and sci_mode.
"""

import math

import numpy as np
import pytest
from golden_support import load_golden, load_recorder
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_lesson import printing
from autograd_lesson.printing import format_tensor, set_printoptions

recorder = load_recorder("record_printing")
GOLDEN_CASES = load_golden("printing.json")["cases"]


@pytest.fixture(autouse=True)
def default_print_options():
    """Every test starts and ends with PyTorch's defaults, whatever it changed."""
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")


def test_golden_table_covers_the_interesting_cases():
    names = {case["name"] for case in GOLDEN_CASES}
    assert len(GOLDEN_CASES) >= 60
    assert {"seed_loss_sum", "tutorial_Q", "seed_rand_1x3x64x64", "seed_logits_1x1000"} <= names


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=[case["name"] for case in GOLDEN_CASES])
def test_golden_repr(case):
    array = recorder.golden_array(case)
    assert list(array.shape) == case["shape"]
    set_printoptions(**case["options"])
    printed = format_tensor(
        array,
        dtype_name=case["dtype"],
        requires_grad=case["requires_grad"],
        grad_fn_name=case["grad_fn"],
    )
    assert printed == case["repr"]


def test_tutorial_examples():
    assert format_tensor(
        np.array(-503.6377, np.float32),
        dtype_name="torch.float32",
        requires_grad=True,
        grad_fn_name="SumBackward0",
    ) == ("tensor(-503.6377, grad_fn=<SumBackward0>)")
    assert (
        format_tensor(
            np.array([2.0, 3.0], np.float32), dtype_name="torch.float32", requires_grad=True
        )
        == "tensor([2., 3.], requires_grad=True)"
    )


def test_requires_grad_is_shown_only_on_leaves():
    # A non-leaf output requires grad too, but torch names its grad_fn instead.
    printed = format_tensor(
        np.array([1.0], np.float32),
        dtype_name="torch.float32",
        requires_grad=True,
        grad_fn_name="MulBackward0",
    )
    assert printed == "tensor([1.], grad_fn=<MulBackward0>)"


# ---------------------------------------------------------------- set_printoptions


def test_set_printoptions_examples_from_torch_docs():
    set_printoptions(precision=2)
    assert format_tensor(np.float32([1.12345]), dtype_name="torch.float32") == "tensor([1.12])"
    set_printoptions(threshold=5)
    assert (
        format_tensor(np.arange(10), dtype_name="torch.int64") == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    )
    set_printoptions(profile="default")
    assert format_tensor(np.float32([1.12345]), dtype_name="torch.float32") == "tensor([1.1235])"
    assert (
        format_tensor(np.arange(10), dtype_name="torch.int64")
        == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"
    )


def current_options():
    o = printing.options
    return (o.precision, o.threshold, o.edgeitems, o.linewidth, o.sci_mode)


def test_set_printoptions_profiles_and_overrides():
    set_printoptions(profile="short")
    assert current_options() == (2, 1000, 2, 80, None)
    set_printoptions(profile="full")
    assert current_options() == (4, math.inf, 3, 80, None)
    # Arguments given with a profile override it.
    set_printoptions(profile="default", precision=6, linewidth=100)
    assert current_options() == (6, 1000, 3, 100, None)
    # Options not mentioned keep their value...
    set_printoptions(edgeitems=1)
    assert current_options() == (6, 1000, 1, 100, None)
    # ...except sci_mode, which torch resets to automatic whenever it is left out.
    set_printoptions(sci_mode=False)
    assert printing.options.sci_mode is False
    set_printoptions(precision=3)
    assert current_options() == (3, 1000, 1, 100, None)
    # An unknown profile is ignored, as in torch.
    set_printoptions(profile="no such profile")
    assert current_options() == (3, 1000, 1, 100, None)


def test_full_profile_never_summarises():
    set_printoptions(profile="full")
    printed = format_tensor(np.zeros(5000, np.float32), dtype_name="torch.float32")
    assert "..." not in printed
    assert printed.count("0.") == 5000


# ---------------------------------------------------------------- live PyTorch parity

DTYPES = ["torch.float32", "torch.float64", "torch.int64", "torch.int32", "torch.bool"]
# Values that exercise each choice of format: whole numbers, tiny and huge
# magnitudes, signed zeros and non-finite numbers.
SPECIAL_FLOATS = [
    0.0,
    -0.0,
    1.0,
    -2.0,
    0.5,
    1e-5,
    1e-4,
    1000.0,
    1e8,
    2e8,
    math.nan,
    math.inf,
    -math.inf,
]


@st.composite
def arrays_with_dtype(draw):
    dtype_name = draw(st.sampled_from(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    numpy_dtype = recorder.NUMPY_DTYPES[dtype_name]
    if dtype_name.startswith("torch.float"):
        width = 32 if dtype_name == "torch.float32" else 64
        elements = st.one_of(
            st.floats(width=width),
            st.sampled_from(SPECIAL_FLOATS),
            st.integers(-1000, 1000).map(float),
            st.floats(-10, 10, width=width),
        )
    elif dtype_name == "torch.bool":
        elements = st.booleans()
    else:
        elements = st.integers(-(2**31), 2**31 - 1)
    array = draw(hnp.arrays(numpy_dtype, shape, elements=elements))
    return array, dtype_name


# Cheap examples, so many more than the suite's default.
@settings(max_examples=300)
@given(arrays_with_dtype(), st.booleans())
def test_matches_live_torch_repr(array_and_dtype, track_grad):
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    array, dtype_name = array_and_dtype
    tensor = torch.from_numpy(array.copy())
    grad_fn_name = None
    if track_grad and tensor.is_floating_point():
        tensor = tensor.requires_grad_()
        if array.size % 2:  # sometimes a non-leaf: its repr names the grad_fn instead
            tensor = tensor * 1
            grad_fn_name = "MulBackward0"
    printed = format_tensor(
        tensor.detach().numpy(),
        dtype_name=str(tensor.dtype),
        requires_grad=tensor.requires_grad,
        grad_fn_name=grad_fn_name,
    )
    assert printed == repr(tensor)


@settings(max_examples=300)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "precision": st.integers(0, 8),
            "threshold": st.sampled_from([0, 3, 10, 1000, math.inf]),
            "edgeitems": st.integers(0, 4),
            "linewidth": st.integers(1, 120),
            "sci_mode": st.booleans(),
            "profile": st.sampled_from(["default", "short", "full"]),
        },
    ),
    arrays_with_dtype(),
)
def test_print_options_match_live_torch(print_options, array_and_dtype):
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    array, dtype_name = array_and_dtype
    torch.set_printoptions(**print_options)
    try:
        expected = repr(torch.from_numpy(array.copy()))
    finally:
        torch.set_printoptions(profile="default")
    # Hypothesis runs many examples inside one test call, so restore the
    # defaults after each one, as for torch above.
    set_printoptions(**print_options)
    try:
        printed = format_tensor(array, dtype_name=dtype_name)
    finally:
        set_printoptions(profile="default")
    assert printed == expected
