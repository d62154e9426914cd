"""Reading tests/golden/: the JSON files torch 2.13.0 recorded, and the scripts that
recorded them (their tables and `run_*` functions are replayed on autograd_lesson; a
script imports torch only when it runs as a recorder, so loading it needs no torch)."""

import importlib.util
import json
from pathlib import Path

import numpy as np

GOLDEN_DIR = Path(__file__).parent / "golden"


def load_recorder(name):
    """tests/golden/<name>.py as a module, e.g. load_recorder("record_engine")."""
    spec = importlib.util.spec_from_file_location(name, GOLDEN_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_golden(file_name):
    """The recorded results in tests/golden/<file_name>."""
    return json.loads((GOLDEN_DIR / file_name).read_text())


# ---------------------------------------------------------------------- comparing records
# (a record: what record_engine.run_case observed of one case, on either engine)


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
