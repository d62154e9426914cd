"""Record what torch 2.13.0's CPU generator draws, into random.json.

Run once with the oracle installed:  python tests/golden/record_random.py

A case is a program: a seed, then a sequence of random calls (the table below covers every
random function, float32 and float64, sizes on both sides of torch's algorithm switches,
transposed outputs, and calls interleaved so that one call's leftovers, the cached normal
and the position in the stream, reach the next). `run_program` runs a program on a
backend, torch or autograd_lesson, which share the API; every output is stored as its
dtype, shape, SHA-256 of its bytes (bit-identical or not) and first values (to read).
tests/test_random_golden.py replays every program on autograd_lesson without torch, and
against torch itself when it is installed.
"""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("random.json")
SEEDS = [0, 1, 42, 2**32 + 7, -5]
SIZES = [1, 2, 3, 15, 16, 17, 31, 33, 100, 1000, 4099]


def digest(tensor):
    """dtype, shape, SHA-256 of the bytes, and the first values of a tensor."""
    array = np.ascontiguousarray(tensor.detach().numpy())
    return {
        "dtype": str(array.dtype),
        "shape": list(array.shape),
        "sha256": hashlib.sha256(array.tobytes()).hexdigest(),
        "head": array.reshape(-1)[:4].tolist(),
    }


def steps(start, end, n):
    """n evenly spaced Python floats (the same tensor in both backends, unlike linspace's
    float32 arithmetic, which is not what this file tests)."""
    return [start + (end - start) * i / (n - 1) for i in range(n)]


def dtype_of(backend, name):
    return {"float32": backend.float32, "float64": backend.float64}[name]


def run_call(backend, call, resnet18):
    """One random call on `backend` (torch or autograd_lesson); returns its digests."""
    kind, *args = call
    nn = backend.nn
    if kind == "seed":
        backend.manual_seed(args[0])
        return [{"initial_seed": backend.initial_seed()}]
    if kind == "state":
        return [digest(backend.get_rng_state())]
    if kind == "rand":
        return [digest(backend.rand(tuple(args[0]), dtype=dtype_of(backend, args[1])))]
    if kind == "randn":
        return [digest(backend.randn(tuple(args[0]), dtype=dtype_of(backend, args[1])))]
    if kind == "randint":
        low, high, shape = args
        return [digest(backend.randint(low, high, tuple(shape)))]
    if kind == "randperm":
        return [digest(backend.randperm(args[0]))]
    if kind == "normal":  # numbers for mean and std, with a size
        mean, std, shape = args
        return [digest(backend.normal(mean, std, tuple(shape)))]
    if kind == "normal_tensors":  # tensors for mean and/or std
        n, which = args
        mean = backend.tensor(steps(-1.0, 1.0, n)) if "mean" in which else 0.5
        std = backend.tensor(steps(0.1, 2.0, n)) if "std" in which else 1.5
        return [digest(backend.normal(mean, std))]
    if kind == "bernoulli":  # probabilities 0 … 1 in the given dtype
        n, dtype = args
        probabilities = backend.tensor(steps(0.0, 1.0, n), dtype=dtype_of(backend, dtype))
        return [digest(backend.bernoulli(probabilities))]
    if kind == "bernoulli_p":
        n, p = args
        return [digest(backend.bernoulli(backend.zeros(n), p))]
    if kind == "dropout":
        shape, p = args
        return [digest(nn.functional.dropout(backend.ones(*shape), p, True))]
    if kind in ("init", "init_transposed"):
        name, shape, dtype, kwargs = args
        tensor = backend.zeros(*shape, dtype=dtype_of(backend, dtype))
        if kind == "init_transposed":
            tensor = tensor.t()
        getattr(nn.init, name)(tensor, **kwargs)
        return [digest(tensor)]
    if kind == "linear":
        layer = nn.Linear(*args)
        return [digest(layer.weight), digest(layer.bias)]
    if kind == "conv2d":
        in_channels, out_channels, kernel_size, bias = args
        layer = nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias)
        return [digest(p) for p in layer.parameters()]
    if kind == "resnet18":
        return [digest(p) for p in resnet18().state_dict().values()]
    raise ValueError(f"unknown call {kind}")


def run_program(backend, program, resnet18=None):
    return [run_call(backend, call, resnet18) for call in program] + [
        run_call(backend, ["state"], resnet18)
    ]


def programs():
    """(name, program) pairs: every function, size class, dtype; then interleavings."""
    cases = []
    for seed in SEEDS:
        for dtype in ("float32", "float64"):
            for kind in ("rand", "randn"):
                program = [["seed", seed]] + [[kind, [n], dtype] for n in SIZES]
                cases.append((f"{kind}_{dtype}_seed{seed}", program))
            cases.append(
                (
                    f"shapes_{dtype}_seed{seed}",
                    [["seed", seed], ["randn", [4, 5], dtype], ["rand", [2, 3, 4], dtype],
                     ["randn", [3, 1], dtype], ["randn", [], dtype], ["rand", [0], dtype]],
                ),
            )  # fmt: skip
        spans = [(0, 2), (0, 10), (-7, 3), (0, 2**24), (0, 2**28 - 1), (0, 2**28), (5, 2**31),
                 (0, 2**32), (-(2**40), 2**40), (0, 2**62)]  # fmt: skip
        cases.append(
            (
                f"randint_seed{seed}",
                [["seed", seed]] + [["randint", lo, hi, [37]] for lo, hi in spans],
            )
        )
        cases.append(
            (
                f"randperm_seed{seed}",
                [["seed", seed]] + [["randperm", n] for n in [0, 1, 2, 5, 17, 1000, 70000]],
            )
        )
    for seed in SEEDS[:3]:
        cases.append(
            (
                f"normal_and_bernoulli_seed{seed}",
                [["seed", seed], ["normal", 0.5, 2.0, [7]], ["normal", -1.0, 0.25, [300]],
                 ["normal_tensors", 5, "mean std"], ["normal_tensors", 40, "mean std"],
                 ["normal_tensors", 20, "mean"], ["normal_tensors", 20, "std"],
                 ["bernoulli", 9, "float32"], ["bernoulli", 50, "float64"],
                 ["bernoulli_p", 33, 0.3], ["dropout", [4, 9], 0.5], ["dropout", [100], 0.1],
                 ["dropout", [3], 0.0], ["dropout", [3], 1.0]],
            )
        )  # fmt: skip
        init_calls = [["seed", seed]]
        for dtype in ("float32", "float64"):
            for name, kwargs in [
                ("uniform_", {"a": -0.3, "b": 0.9}),
                ("normal_", {"mean": 0.1, "std": 0.02}),
                ("kaiming_uniform_", {"a": 5**0.5}),
                ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
                ("kaiming_normal_", {}),
                ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}),
                ("xavier_uniform_", {"gain": 2.0}),
                ("xavier_normal_", {}),
                ("trunc_normal_", {"std": 0.7}),
                ("trunc_normal_", {"mean": 0.2, "std": 1.0, "a": -0.5, "b": 1.5}),
            ]:
                init_calls += [["init", name, shape, dtype, kwargs] for shape in ([3, 4], [8, 7])]
                init_calls.append(["init_transposed", name, [6, 5], dtype, kwargs])
        cases.append((f"init_seed{seed}", init_calls))
        cases.append(
            (
                f"layers_seed{seed}",
                [["seed", seed], ["linear", 3, 2], ["linear", 512, 10], ["conv2d", 1, 8, 3, False],
                 ["conv2d", 3, 4, 1, True], ["linear", 2, 1]],
            )
        )  # fmt: skip
    cases.append(
        (
            "interleaved",
            [["seed", 3], ["randn", [3], "float32"], ["rand", [2], "float32"],
             ["randn", [1], "float64"], ["randn", [40], "float32"], ["randn", [5], "float32"],
             ["randint", 0, 10, [3]], ["randn", [1], "float32"], ["randperm", 9],
             ["randn", [2], "float64"], ["bernoulli_p", 3, 0.5], ["randn", [17], "float64"],
             ["randn", [1], "float32"], ["seed", 3], ["randn", [1], "float32"],
             ["rand", [5], "float64"]],
        )
    )  # fmt: skip
    cases.append(("resnet18_seed0", [["seed", 0], ["resnet18"]]))
    cases.append(("lesson_01_seed0", [["seed", 0], ["linear", 3, 2], ["linear", 2, 1]]))
    return cases


def main():
    import torch

    sys.path.insert(0, str(Path(__file__).parent.parent))
    from torch_resnet18 import resnet18

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    record = {
        "torch_version": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "cases": {name: run_program(torch, program, resnet18) for name, program in programs()},
    }
    GOLDEN_FILE.write_text(json.dumps(record, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {len(record['cases'])} programs to {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
