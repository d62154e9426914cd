"""Record what PyTorch 2.13 prints for a table of tensors into printing.json.

Run once with the oracle installed:  python tests/golden/record_printing.py

Each case builds an input with NumPy (literal values or a seeded recipe), turns
it into a torch tensor, optionally runs a real torch op on it (so the printed
`grad_fn=<...>` is the name torch itself gives), and stores the result's values,
dtype, autograd flags, the print options in force, and `repr(tensor)`.
tests/test_printing.py replays every case through `format_tensor`, without torch.

Large tensors are stored as a recipe (seed, shape, generator) instead of their
values, to keep the JSON small; the ops used on them leave the values unchanged
(clone, view, multiplying by an identity matrix), which this script checks.
"""

import json
import math
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("printing.json")
NUMPY_DTYPES = {
    "torch.float32": np.float32,
    "torch.float64": np.float64,
    "torch.float16": np.float16,
    "torch.int64": np.int64,
    "torch.int32": np.int32,
    "torch.bool": np.bool_,
}


def array_from_recipe(recipe, dtype_name):
    """Regenerate a large input from its seed: the same numbers on every machine."""
    rng = np.random.default_rng(recipe["seed"])
    shape = tuple(recipe["shape"])
    kind = recipe["kind"]
    if kind == "random":  # uniform in [0, 1), like torch.rand
        array = rng.random(shape, dtype=np.float32)
    elif kind == "normal":  # like torch.randn
        array = rng.standard_normal(shape, dtype=np.float32)
    elif kind == "integers":
        array = rng.integers(recipe["low"], recipe["high"], shape)
    elif kind == "arange":
        array = np.arange(math.prod(shape)).reshape(shape)
    else:
        raise ValueError(f"unknown recipe kind {kind!r}")
    array = array.astype(NUMPY_DTYPES[dtype_name])
    if "scale" in recipe:
        array = array * array.dtype.type(recipe["scale"])
    return array


def encode_values(array):
    """Flat list for JSON; nan and ±inf become strings since JSON has no such numbers."""
    return [
        v if not isinstance(v, float) or math.isfinite(v) else str(v)
        for v in array.ravel().tolist()
    ]


def decode_values(values, shape, dtype_name):
    numbers = [float(v) if isinstance(v, str) else v for v in values]
    return np.array(numbers, dtype=NUMPY_DTYPES[dtype_name]).reshape(shape)


def golden_array(case):
    """The array whose repr a golden case recorded."""
    if "recipe" in case:
        return array_from_recipe(case["recipe"], case["dtype"])
    return decode_values(case["values"], case["shape"], case["dtype"])


def case(
    name,
    values=(),
    *,
    dtype="torch.float32",
    shape=None,
    recipe=None,
    requires_grad=False,
    op=None,
    options=None,
):
    """One row of the table; `op` names a torch op from torch_ops applied to the input."""
    return {
        "name": name,
        "values": values,
        "shape": shape,
        "dtype": dtype,
        "recipe": recipe,
        "requires_grad": requires_grad or op is not None,
        "op": op,
        "options": options or {},
    }


NAN, INF = math.nan, math.inf

CASES = [
    # 0-d tensors: no brackets, one number.
    case("seed_loss_sum", [-300.25, -120.125, -83.2627], op="sum"),
    case("scalar_fixed", 3.5),
    case("scalar_integral_float", 2.0),
    case("scalar_int", 7, dtype="torch.int64"),
    case("scalar_bool", True, dtype="torch.bool"),
    case("scalar_nan", NAN),
    case("scalar_neg_inf", -INF),
    case("scalar_zero", 0.0),
    case("scalar_negative_zero", -0.0),
    case("scalar_tiny_is_scientific", 1.234e-5),
    case("scalar_huge_is_scientific", 123456789012.0, dtype="torch.float64"),
    case("scalar_float64_leaf", 0.1, dtype="torch.float64", requires_grad=True),
    case("scalar_mean", [1.0, 2.0, 4.0], op="mean"),
    # 1-d tensors.
    case("tutorial_leaf", [2.0, 3.0], requires_grad=True),
    case("tutorial_Q", [[2.0, 3.0], [6.0, 4.0]], op="tutorial_Q"),
    case("ints", [1, 2], dtype="torch.int64"),
    case("negative_ints_padded", [-12, 5, 300], dtype="torch.int64"),
    case("bools_padded", [True, False], dtype="torch.bool"),
    case("int32_suffix", [1, -2, 3], dtype="torch.int32"),
    case("float64_suffix", [0.5, 1.25], dtype="torch.float64"),
    case("float16_suffix", [1.0, 2.5], dtype="torch.float16"),
    case("fixed_point_rounding", [0.12345, 1.00005, -2.5, 0.33333334]),
    case("ratio_1000_stays_fixed", [1.0, 1000.0]),
    case("ratio_over_1000_is_scientific", [1.0, 1001.0]),
    case("fraction_ratio_over_1000", [0.01, 10.5]),
    case("max_over_1e8_is_scientific", [1.0, 2.0e8]),
    case("min_below_1e-4_is_scientific", [5.0e-5, 0.5]),
    case("min_1e-4_stays_fixed", [1.0e-4, 0.5], dtype="torch.float64"),
    case("nan_inf_mixed", [NAN, 1.5, -INF]),
    case("only_nonfinite", [NAN, INF, -INF]),
    case("negative_zero_fixed", [-0.0, 1.5]),
    case("negative_zero_integral", [-0.0, 0.0]),
    case("all_zeros", [0.0, 0.0, 0.0]),
    case("relu_output", [-1.5, 0.25, 2.0], op="relu"),
    case("exp_output", [0.0, 1.0, -1.0], op="exp"),
    case("neg_output", [1.0, -2.0], op="neg"),
    case("mul_output_float64", [0.1, 0.2], dtype="torch.float64", op="mul2"),
    case("long_row_wraps", recipe={"kind": "normal", "seed": 1, "shape": [30]}),
    case(
        "long_int_row_wraps",
        recipe={"kind": "arange", "seed": 0, "shape": [60]},
        dtype="torch.int64",
    ),
    case(
        "long_bool_row_wraps",
        recipe={"kind": "integers", "seed": 2, "low": 0, "high": 2, "shape": [40]},
        dtype="torch.bool",
    ),
    case("long_row_with_grad_fn", recipe={"kind": "normal", "seed": 3, "shape": [20]}, op="clone"),
    # 2-d and more: nested brackets, blank lines between blocks.
    case("matrix", [[0.5, -1.25, 3.0], [2.0, 0.0, -0.75]]),
    case("int_matrix", [[1, 20], [-300, 4]], dtype="torch.int64"),
    case("bool_matrix", [[True, False], [False, True]], dtype="torch.bool"),
    case("matmul_output", [[1.0, 2.0], [3.0, 4.0]], op="matmul"),
    case("transpose_output", [[1.5, 2.0, 3.0], [4.0, 5.0, 6.0]], op="transpose"),
    case("scientific_matrix", [[1.0e-6, 2.0], [3.0, 4.0e5]], dtype="torch.float64"),
    case("wide_matrix_wraps", recipe={"kind": "normal", "seed": 4, "shape": [3, 20]}),
    case("three_d", recipe={"kind": "random", "seed": 5, "shape": [2, 3, 4]}, requires_grad=True),
    case("four_d", recipe={"kind": "arange", "seed": 0, "shape": [2, 2, 2, 3]}),
    # Empty tensors: shape and dtype are spelled out.
    case("empty", []),
    case("empty_0x3", shape=[0, 3]),
    case("empty_0x3_int64", dtype="torch.int64", shape=[0, 3]),
    case("empty_bool", dtype="torch.bool", shape=[0]),
    case("empty_float64", dtype="torch.float64", shape=[0]),
    case("empty_2x0_leaf", requires_grad=True, shape=[2, 0]),
    # More than 1000 elements: summarised with `...`.
    case("seed_rand_1x3x64x64", recipe={"kind": "random", "seed": 0, "shape": [1, 3, 64, 64]}),
    case(
        "seed_logits_1x1000",
        recipe={"kind": "normal", "seed": 6, "shape": [1, 1000], "scale": 0.5},
        op="addmm_identity",
    ),
    case("summarized_row", recipe={"kind": "arange", "seed": 0, "shape": [2000]}),
    case("summarized_scientific", recipe={"kind": "arange", "seed": 0, "shape": [2, 10, 100]}),
    case(
        "summarized_ints",
        recipe={"kind": "integers", "seed": 7, "low": -50, "high": 50, "shape": [40, 40]},
        dtype="torch.int64",
    ),
    case(
        "summarized_bools",
        recipe={"kind": "integers", "seed": 8, "low": 0, "high": 2, "shape": [1200]},
        dtype="torch.bool",
    ),
    case(
        "summarized_float64_leaf",
        recipe={"kind": "normal", "seed": 9, "shape": [1001]},
        dtype="torch.float64",
        requires_grad=True,
    ),
    case(
        "summarized_view_output",
        recipe={"kind": "normal", "seed": 10, "shape": [50, 30], "scale": 1000.0},
        op="clone",
    ),
    case(
        "exactly_1000_not_summarized",
        recipe={"kind": "integers", "seed": 11, "low": 0, "high": 10, "shape": [1000]},
        dtype="torch.int32",
    ),
    # torch.set_printoptions in force while printing.
    case("precision_2", [1.12345, -0.5], options={"precision": 2}),
    case("sci_mode_off", [1.0e-5, 1.0e9], options={"sci_mode": False}),
    case("sci_mode_off_integral", [1.0, 1.0e12], options={"sci_mode": False}),
    case("sci_mode_on", [1.0, 2.0], options={"sci_mode": True}),
    case("sci_mode_on_only_zeros", [0.0, 0.0], options={"sci_mode": True}),
    case(
        "threshold_5",
        recipe={"kind": "arange", "seed": 0, "shape": [10]},
        dtype="torch.int64",
        options={"threshold": 5},
    ),
    case(
        "edgeitems_1",
        recipe={"kind": "arange", "seed": 0, "shape": [2, 3, 4]},
        dtype="torch.float64",
        options={"threshold": 5, "edgeitems": 1},
    ),
    case(
        "edgeitems_0_adds_size",
        recipe={"kind": "arange", "seed": 0, "shape": [3, 4]},
        options={"threshold": 5, "edgeitems": 0},
    ),
    case(
        "linewidth_40",
        recipe={"kind": "normal", "seed": 12, "shape": [20]},
        op="clone",
        options={"linewidth": 40},
    ),
    case(
        "linewidth_10_suffix_on_new_line", [1.0, 2.0], requires_grad=True, options={"linewidth": 10}
    ),
    case(
        "profile_short",
        recipe={"kind": "normal", "seed": 13, "shape": [40, 40]},
        options={"profile": "short"},
    ),
    case(
        "profile_full",
        recipe={"kind": "integers", "seed": 14, "low": 0, "high": 100, "shape": [1100]},
        dtype="torch.int64",
        options={"profile": "full"},
    ),
]


def torch_ops(torch):
    """Real torch ops, so each output carries the grad_fn torch names for it."""
    return {
        "sum": lambda x: x.sum(),  # SumBackward0
        "mean": lambda x: x.mean(),  # MeanBackward0
        "tutorial_Q": lambda x: 3 * x[0] ** 3 - x[1] ** 2,  # SubBackward0, as in the tutorial
        "relu": lambda x: x.relu(),  # ReluBackward0
        "exp": lambda x: x.exp(),  # ExpBackward0
        "neg": lambda x: -x,  # NegBackward0
        "mul2": lambda x: x * 2,  # MulBackward0
        "matmul": lambda x: x @ x,  # MmBackward0
        "transpose": lambda x: x.t(),  # TBackward0
        "clone": lambda x: x.clone(),  # CloneBackward0
        # A linear layer's output (AddmmBackward0) with an identity weight and a
        # zero bias, so the values stay exactly those of the recipe.
        "addmm_identity": lambda x: torch.addmm(
            torch.zeros(x.shape[1], dtype=x.dtype), x, torch.eye(x.shape[1], dtype=x.dtype)
        ),
    }


def record_case(torch, spec):
    dtype_name = spec["dtype"]
    if spec["recipe"] is not None:
        array = array_from_recipe(spec["recipe"], dtype_name)
    else:
        array = np.array(spec["values"], dtype=NUMPY_DTYPES[dtype_name])
        if spec["shape"] is not None:
            array = array.reshape(spec["shape"])
    tensor = torch.from_numpy(array.copy())
    if spec["requires_grad"]:
        tensor.requires_grad_(True)
    if spec["op"] is not None:
        tensor = torch_ops(torch)[spec["op"]](tensor)
    torch.set_printoptions(**spec["options"])
    try:
        printed = repr(tensor)
    finally:
        torch.set_printoptions(profile="default")

    result = tensor.detach().numpy()
    assert str(tensor.dtype) == dtype_name, (spec["name"], tensor.dtype)
    entry = {
        "name": spec["name"],
        "dtype": dtype_name,
        "shape": list(result.shape),
        "requires_grad": tensor.requires_grad,
        "grad_fn": None if tensor.grad_fn is None else type(tensor.grad_fn).__name__,
        "options": spec["options"],
        "repr": printed,
    }
    if spec["recipe"] is not None:
        # The test regenerates the recipe, so the op must not have changed a value.
        assert np.array_equal(result, array, equal_nan=True), spec["name"]
        entry["recipe"] = spec["recipe"]
    else:
        entry["values"] = encode_values(result)
    return entry


def main():
    import torch

    assert torch.__version__.startswith("2.13."), f"record with torch 2.13, not {torch.__version__}"
    entries = [record_case(torch, spec) for spec in CASES]
    names = [entry["name"] for entry in entries]
    assert len(names) == len(set(names)), "case names must be unique"
    document = {"torch_version": torch.__version__, "cases": entries}
    GOLDEN_FILE.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n")
    print(f"wrote {len(entries)} cases to {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
