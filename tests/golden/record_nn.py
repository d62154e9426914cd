"""Record what PyTorch 2.13 computes for every nn layer and functional into nn.json.

Run once with the oracle installed:  python tests/golden/record_nn.py

Each case is an expression over named inputs (`"F.conv2d(x, w, b, stride=2)"`, or `"m(x)"`
for a module `m` built by the case and loaded with given weights). Inputs come from a NumPy
generator seeded by the case's name, so nn.json stores no inputs, only a checksum of them.
`run_case` records, for torch or autograd_lesson alike: the output, its grad_fn name, the
gradient of every input and parameter for a seeded upstream gradient, and the module's
buffers afterwards (BatchNorm's running statistics). ERRORS lists code that must fail with
PyTorch's exception and message; REPRS modules whose printout must be PyTorch's.

tests/test_nn_golden.py replays everything on autograd_lesson against this file (no torch
needed), and on both engines side by side when torch is installed.
"""

import json
import zlib
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("nn.json")


def rand(*shape, grad=True, low=-2.0, high=2.0):
    return {"shape": list(shape), "grad": grad, "low": low, "high": high}


def const(*shape, grad=False):
    """A parameter-like input that is not differentiated (running statistics)."""
    return rand(*shape, grad=grad, low=0.5, high=1.5)


def labels(n, classes, ignore=None):
    return {"labels": [n, classes], "ignore": ignore}


def grid(*shape, grad=True):
    """Small integers: many ties, so max pooling's choice of gradient is tested."""
    return {"grid": list(shape), "grad": grad}


def case(name, expr, module=None, state=None, mode="train", **inputs):
    """`state` maps a parameter or buffer name of `module` to the input holding its values."""
    return {
        "name": name,
        "expr": expr,
        "module": module,
        "state": state or {},
        "mode": mode,
        "inputs": inputs,
    }


X = rand(2, 3, 7, 7)
CASES = [
    # --- linear
    case("linear", "F.linear(x, w, b)", x=rand(4, 5), w=rand(3, 5), b=rand(3)),
    case("linear_no_bias", "F.linear(x, w)", x=rand(4, 5), w=rand(3, 5)),
    case("linear_3d_input", "F.linear(x, w, b)", x=rand(2, 3, 5), w=rand(3, 5), b=rand(3)),
    case("linear_1d_input", "F.linear(x, w, b)", x=rand(5), w=rand(3, 5), b=rand(3)),
    case(
        "Linear_module",
        "m(x)",
        module="nn.Linear(5, 3)",
        state={"weight": "w", "bias": "b"},
        x=rand(4, 5),
        w=rand(3, 5),
        b=rand(3),
    ),
    # --- convolution
    case("conv2d_pad1", "F.conv2d(x, w, b, padding=1)", x=X, w=rand(4, 3, 3, 3), b=rand(4)),
    case("conv2d_stride2_no_bias", "F.conv2d(x, w, stride=2)", x=X, w=rand(4, 3, 3, 3)),
    case(
        "conv2d_rect_kernel",
        "F.conv2d(x, w, b, stride=(2, 1), padding=(0, 1))",
        x=X,
        w=rand(4, 3, 1, 3),
        b=rand(4),
    ),
    case("conv2d_1x1_stride2", "F.conv2d(x, w, stride=2)", x=X, w=rand(5, 3, 1, 1)),
    case(
        "conv2d_7x7_stride2_pad3",
        "F.conv2d(x, w, stride=2, padding=3)",
        x=rand(2, 3, 9, 9),
        w=rand(4, 3, 7, 7),
    ),
    case(
        "conv2d_unbatched",
        "F.conv2d(x, w, b, padding=1)",
        x=rand(3, 5, 5),
        w=rand(2, 3, 3, 3),
        b=rand(2),
    ),
    # Fewer output pixels than output channels: the other im2col order (ops/conv.py).
    case(
        "conv2d_few_pixels_many_channels",
        "F.conv2d(x, w, b, stride=2, padding=1)",
        x=rand(1, 3, 3, 3),
        w=rand(16, 3, 3, 3),
        b=rand(16),
    ),
    case("conv2d_padding_same", "F.conv2d(x, w, padding='same')", x=X, w=rand(2, 3, 3, 3)),
    case(
        "Conv2d_module",
        "m(x)",
        module="nn.Conv2d(3, 4, 3, stride=2, padding=1)",
        state={"weight": "w", "bias": "b"},
        x=X,
        w=rand(4, 3, 3, 3),
        b=rand(4),
    ),
    # --- batch normalisation
    case(
        "batch_norm_training",
        "F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3)",
        x=X,
        rm=const(3),
        rv=const(3),
        w=rand(3),
        b=rand(3),
    ),
    case(
        "batch_norm_eval",
        "F.batch_norm(x, rm, rv, w, b, training=False)",
        x=X,
        rm=const(3),
        rv=const(3),
        w=rand(3),
        b=rand(3),
    ),
    case("batch_norm_no_affine_no_stats", "F.batch_norm(x, None, None, training=True)", x=X),
    case(
        "BatchNorm2d_train",
        "m(x)",
        module="nn.BatchNorm2d(3)",
        state={"weight": "w", "bias": "b", "running_mean": "rm", "running_var": "rv"},
        x=X,
        w=rand(3),
        b=rand(3),
        rm=const(3),
        rv=const(3),
    ),
    case(
        "BatchNorm2d_eval",
        "m(x)",
        module="nn.BatchNorm2d(3)",
        mode="eval",
        state={"weight": "w", "bias": "b", "running_mean": "rm", "running_var": "rv"},
        x=X,
        w=rand(3),
        b=rand(3),
        rm=const(3),
        rv=const(3),
    ),
    case("BatchNorm2d_cumulative_average", "m(x)", module="nn.BatchNorm2d(3, momentum=None)", x=X),
    case("BatchNorm2d_no_affine", "m(x)", module="nn.BatchNorm2d(3, affine=False)", x=X),
    case("BatchNorm1d", "m(x)", module="nn.BatchNorm1d(4)", x=rand(6, 4)),
    # --- activations, pooling, reshaping
    case("relu", "F.relu(x)", x=rand(3, 4)),
    case("ReLU_module_inplace", "m(x * 1)", module="nn.ReLU(inplace=True)", x=rand(2, 3, 4)),
    case("max_pool2d_k3_s2_p1", "F.max_pool2d(x, 3, 2, 1)", x=X),
    case("max_pool2d_k2", "F.max_pool2d(x, 2)", x=rand(2, 3, 6, 6)),
    case("max_pool2d_ties", "F.max_pool2d(x, 3, 2, 1)", x=grid(1, 2, 6, 6)),
    case(
        "MaxPool2d_module", "m(x)", module="nn.MaxPool2d(kernel_size=3, stride=2, padding=1)", x=X
    ),
    case("adaptive_avg_pool2d_1x1", "F.adaptive_avg_pool2d(x, (1, 1))", x=X),
    case("adaptive_avg_pool2d_even", "F.adaptive_avg_pool2d(x, 2)", x=rand(2, 3, 4, 6)),
    case("adaptive_avg_pool2d_uneven", "F.adaptive_avg_pool2d(x, (3, 2))", x=rand(1, 2, 5, 7)),
    case("AdaptiveAvgPool2d_module", "m(x)", module="nn.AdaptiveAvgPool2d((1, 1))", x=X),
    case("flatten", "torch.flatten(x, 1)", x=rand(2, 3, 1, 1)),
    case("Flatten_module", "m(x)", module="nn.Flatten()", x=rand(2, 3, 2, 2)),
    case("softmax", "F.softmax(x, dim=1)", x=rand(3, 4)),
    case("log_softmax", "F.log_softmax(x, dim=-1)", x=rand(3, 4)),
    case("dropout_eval", "F.dropout(x, 0.5, training=False)", x=rand(3, 4)),
    case("Dropout_module_eval", "m(x)", module="nn.Dropout(0.3)", mode="eval", x=rand(3, 4)),
    # --- losses
    case("cross_entropy", "F.cross_entropy(x, t)", x=rand(4, 5), t=labels(4, 5)),
    case(
        "cross_entropy_sum", "F.cross_entropy(x, t, reduction='sum')", x=rand(4, 5), t=labels(4, 5)
    ),
    case(
        "cross_entropy_none",
        "F.cross_entropy(x, t, reduction='none')",
        x=rand(4, 5),
        t=labels(4, 5),
    ),
    case(
        "cross_entropy_ignore_index",
        "F.cross_entropy(x, t, ignore_index=2)",
        x=rand(4, 5),
        t=labels(4, 5, ignore=2),
    ),
    case("cross_entropy_unbatched", "F.cross_entropy(x, t)", x=rand(5), t=labels(None, 5)),
    case(
        "CrossEntropyLoss_module",
        "m(x, t)",
        module="nn.CrossEntropyLoss()",
        x=rand(4, 5),
        t=labels(4, 5),
    ),
    case("nll_loss", "F.nll_loss(x, t)", x=rand(4, 5), t=labels(4, 5)),
    case("mse_loss", "F.mse_loss(x, y)", x=rand(3, 4), y=rand(3, 4)),
    case("mse_loss_sum", "F.mse_loss(x, y, reduction='sum')", x=rand(3, 4), y=rand(3, 4)),
    case("mse_loss_none", "F.mse_loss(x, y, reduction='none')", x=rand(3, 4), y=rand(3, 4)),
    case("MSELoss_module", "m(x, y)", module="nn.MSELoss()", x=rand(3, 4), y=rand(3, 4)),
    # --- a small network: every layer above, in a row, then a loss
    case(
        "small_network",
        "F.cross_entropy(m(x), t)",
        module="small_network(torch)",
        x=rand(2, 3, 12, 12, grad=False),
        t=labels(2, 4),
    ),
]


def small_network(torch):
    nn = torch.nn
    torch.manual_seed(0)  # different numbers in each library: the case loads its own below
    return nn.Sequential(
        nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(8),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        nn.Conv2d(8, 6, 1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
        nn.Linear(6, 4),
    )


def seeded_state(module, seed):
    """Seeded values for every parameter and buffer of `module`, as NumPy arrays."""
    rng = np.random.default_rng(seed)
    state = {}
    for key, value in module.state_dict().items():
        shape = tuple(value.shape)
        if key.endswith("num_batches_tracked"):
            state[key] = np.array(3, dtype=np.int64)
        elif key.endswith("running_var"):
            state[key] = rng.uniform(0.5, 1.5, shape).astype(np.float32)
        else:
            state[key] = rng.uniform(-1, 1, shape).astype(np.float32)
    return state


# ---------------------------------------------------------------------- running a case


def seed_of(name):
    return zlib.crc32(name.encode())


def make_inputs(case):
    """The case's NumPy inputs, drawn from a generator seeded by its name."""
    rng = np.random.default_rng(seed_of(case["name"]))
    arrays = {}
    for name, spec in case["inputs"].items():
        if "labels" in spec:
            n, classes = spec["labels"]
            values = rng.integers(0, classes, size=() if n is None else (n,))
            if spec["ignore"] is not None:
                values[0] = spec["ignore"]
            arrays[name] = values.astype(np.int64)
        elif "grid" in spec:
            arrays[name] = rng.integers(0, 3, size=spec["grid"]).astype(np.float32)
        else:
            shape = spec["shape"]
            arrays[name] = rng.uniform(spec["low"], spec["high"], shape).astype(np.float32)
    return arrays


def summarise(array):
    """A small array as its values; a larger one as a few numbers that change whenever any
    element does: its sum, sum of absolute values, four projections on seeded random
    vectors, and its first values (so nn.json stays small)."""
    array = np.asarray(array, dtype=np.float64)
    if array.size <= 48:
        return {"values": array.ravel().tolist()}
    flat = array.ravel()
    directions = np.random.default_rng(array.size).uniform(-1, 1, (4, flat.size))
    return {
        "sum": float(flat.sum()),
        "abs_sum": float(np.abs(flat).sum()),
        "projections": (directions @ flat).tolist(),
        "head": flat[:8].tolist(),
    }


def checksum(arrays):
    return {name: float(np.float64(a).sum()) for name, a in arrays.items()}


def run_case(torch, case):
    """Run one case on `torch` (PyTorch or autograd_lesson); return what it computed."""
    arrays = make_inputs(case)
    tensors = {
        name: torch.tensor(a, requires_grad=bool(case["inputs"][name].get("grad")))
        for name, a in arrays.items()
    }
    namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, **tensors}
    namespace["small_network"] = small_network
    module = None
    if case["module"]:
        module = eval(case["module"], namespace)
        if case["name"] == "small_network":
            state = seeded_state(module, seed_of(case["name"]))
            module.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
        else:
            loaded = {key: torch.tensor(arrays[name]) for key, name in case["state"].items()}
            module.load_state_dict(loaded, strict=False)
        module.train(case["mode"] == "train")
        namespace["m"] = module
    out = eval(case["expr"], namespace)
    result = {
        "output": summarise(out.detach().numpy()),
        "shape": list(out.shape),
        "grad_fn": None if out.grad_fn is None else type(out.grad_fn).__name__,
    }
    if getattr(out.grad_fn, "name_in_pytorch", None):  # autograd_lesson's nodes
        result["grad_fn"] = out.grad_fn.name_in_pytorch
    if out.requires_grad:
        rng = np.random.default_rng(seed_of(case["name"]) + 1)
        upstream = rng.uniform(-1, 1, tuple(out.shape)).astype(np.float32)
        out.backward(torch.tensor(upstream))
        grads = {name: t.grad for name, t in tensors.items() if t.requires_grad}
        if module is not None:
            grads.update({f"m.{k}": p.grad for k, p in module.named_parameters()})
        result["grads"] = {
            name: None if g is None else summarise(g.numpy()) for name, g in grads.items()
        }
    if module is not None:
        result["buffers"] = {key: summarise(b.numpy()) for key, b in module.named_buffers()}
    return result


# ---------------------------------------------------------------------- errors and reprs

ERRORS = [
    ("conv_wrong_channels", "nn.Conv2d(3, 64, 7, 2, 3, bias=False)(torch.rand(1, 4, 64, 64))"),
    ("conv_wrong_rank", "nn.Conv2d(3, 8, 3)(torch.rand(8, 8))"),
    ("conv_input_too_small", "nn.Conv2d(3, 8, 3)(torch.rand(1, 3, 2, 2))"),
    ("linear_wrong_width", "nn.Linear(10, 5)(torch.rand(1, 20))"),
    ("linear_wrong_width_3d", "nn.Linear(10, 5)(torch.rand(2, 3, 20))"),
    ("batchnorm_wrong_rank", "nn.BatchNorm2d(3)(torch.rand(2, 3))"),
    ("batchnorm_wrong_channels", "nn.BatchNorm2d(3)(torch.rand(2, 4, 2, 2))"),
    ("batchnorm_one_value", "nn.BatchNorm2d(3)(torch.rand(1, 3, 1, 1))"),
    ("maxpool_output_too_small", "nn.MaxPool2d(3)(torch.rand(1, 3, 2, 2))"),
    ("maxpool_pad_too_big", "nn.MaxPool2d(3, padding=2)(torch.rand(1, 3, 8, 8))"),
    (
        "cross_entropy_target_out_of_bounds",
        "F.cross_entropy(torch.rand(2, 3), torch.tensor([0, 3]))",
    ),
    ("cross_entropy_batch_mismatch", "F.cross_entropy(torch.rand(2, 3), torch.tensor([0, 1, 1]))"),
    ("dropout_bad_p", "nn.Dropout(1.5)"),
    ("conv_float64_input", "nn.Conv2d(3, 4, 3)(torch.rand(1, 3, 5, 5, dtype=torch.float64))"),
    (
        "conv_float64_input_no_bias",
        "nn.Conv2d(3, 4, 3, bias=False)(torch.rand(1, 3, 5, 5, dtype=torch.float64))",
    ),
    ("conv_int64_input", "nn.Conv2d(3, 4, 3)(torch.ones(1, 3, 5, 5, dtype=torch.int64))"),
    ("linear_float64_input", "nn.Linear(3, 4)(torch.rand(2, 3, dtype=torch.float64))"),
    (
        "linear_float64_input_no_bias",
        "nn.Linear(3, 4, bias=False)(torch.rand(2, 3, dtype=torch.float64))",
    ),
    ("batchnorm_float64_input", "nn.BatchNorm2d(3)(torch.rand(2, 3, 2, 2, dtype=torch.float64))"),
    ("bad_reduction", "F.mse_loss(torch.rand(2), torch.rand(2), reduction='avg')"),
    ("assign_tensor_to_parameter", "setattr(nn.Linear(2, 2), 'weight', torch.rand(2, 2))"),
    ("fan_of_vector", "nn.init.kaiming_uniform_(torch.empty(3))"),
]


def run_error(torch, code):
    try:
        eval(code, {"torch": torch, "nn": torch.nn, "F": torch.nn.functional})
    except Exception as error:  # noqa: BLE001 - recording whatever torch raises
        return {"type": type(error).__name__, "message": str(error)}
    return None


REPRS = {
    "small_network": "small_network(torch)",
    "with_options": "nn.Sequential(nn.Conv2d(2, 3, (1, 3), stride=(2, 1), padding=(0, 1)), "
    "nn.BatchNorm2d(3, affine=False, track_running_stats=False, momentum=None), "
    "nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Dropout(0.2), nn.Identity(), "
    "nn.Sequential(), nn.Linear(3, 2, bias=False), nn.Softmax(dim=1), nn.LogSoftmax(1), "
    "nn.CrossEntropyLoss(), nn.MSELoss(reduction='sum'), nn.Flatten(0), nn.BatchNorm1d(4))",
}


def record():
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    golden = {
        "torch_version": torch.__version__,
        "cases": [
            {"name": c["name"], "checksums": checksum(make_inputs(c)), "torch": run_case(torch, c)}
            for c in CASES
        ],
        "errors": {name: run_error(torch, code) for name, code in ERRORS},
        "reprs": {
            name: repr(eval(code, {"torch": torch, "nn": torch.nn, "small_network": small_network}))
            for name, code in REPRS.items()
        },
    }
    GOLDEN_FILE.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"wrote {len(CASES)} cases, {len(ERRORS)} errors to {GOLDEN_FILE}")


if __name__ == "__main__":
    record()
