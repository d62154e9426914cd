"""Record files written by torch 2.13's torch.save, and what torch.load makes of them, for
tests/test_serialization.py (which reads them with autograd_lesson, without torch).

Run once with the oracle installed:  python tests/golden/record_serialization.py

Writes tests/golden/serialization/<case>.pt (each a few KB at most) and
serialization.json: for each case, `describe()` of what torch.load(weights_only=True)
returned (values, dtypes, shapes, strides, which tensors share a storage), the archive's
record names and sizes, and the words of torch's errors for the files it refuses.

The recipes take the module to build with (`torch`, or `autograd_lesson` in the tests),
so the same objects are saved by both and compared.
"""

import collections
import io
import json
import os
import zipfile
from pathlib import Path

GOLDEN_FILE = Path(__file__).with_name("serialization.json")
FIXTURES = Path(__file__).with_name("serialization")


# ---------------------------------------------------------------------- recipes


def every_dtype(torch):
    """Tensors of every dtype both engines have, 0-d, empty, views sharing a storage,
    a Parameter, and every container and plain value the weights_only loaders accept."""
    base = torch.arange(12.0).reshape(3, 4)
    return {
        "base": base,
        "transposed": base.t(),  # a view: same storage, strides (1, 4)
        "row": base[1],  # a view with a storage offset of 4
        "expanded": torch.ones(3).expand(2, 3),  # stride 0
        "float64": torch.tensor([1.5, -2.25], dtype=torch.float64),
        "float16": torch.tensor([0.5, 65504.0], dtype=torch.float16),
        "int64": torch.tensor([-(2**40), 7]),
        "int32": torch.tensor([-5, 2**31 - 1], dtype=torch.int32),
        "int16": torch.tensor([-300, 300], dtype=torch.int16),
        "int8": torch.tensor([-128, 127], dtype=torch.int8),
        "uint8": torch.tensor([0, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False]),
        "scalar": torch.tensor(3.25),
        "scalar_int": torch.tensor(4),
        "empty": torch.zeros(0),
        "requires_grad": torch.tensor([1.0, 2.0], requires_grad=True),
        "parameter": torch.nn.Parameter(torch.tensor([[0.5, -0.5]])),
        "nested": [1, -70000, 2**70, 2.5, "text", None, True, (1, (2, 3)), {"k": [False]}],
        "ordered": collections.OrderedDict([("b", 1), ("a", 2)]),
        "int_keys": {0: "zero", 1: "one"},
        "size": torch.Size([2, 3]),
        "dtype": torch.float16,
        "device": torch.device("cpu"),
        "set": {1, 2},
        "complex": 1 + 2j,
        "bytes": b"\x00\xffab",
        "counter": collections.Counter("aab"),
    }


def small_model(torch):
    """A module whose state_dict has weights, biases, BatchNorm buffers (an int64 0-d
    num_batches_tracked) and _metadata versions."""
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(2, 3))


def model_state(torch):
    torch.manual_seed(0)
    return small_model(torch).state_dict()


def sgd_state(torch):
    """SGD with momentum after two steps: momentum buffers, ints and floats in groups."""
    weight = torch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    bias = torch.tensor([0.25, -0.75], requires_grad=True)
    optimizer = torch.optim.SGD(
        [{"params": [weight]}, {"params": [bias], "lr": 0.5}], lr=0.1, momentum=0.9
    )
    for _ in range(2):
        optimizer.zero_grad()
        ((weight @ torch.tensor([1.0, 2.0]) + bias) ** 2).sum().backward()
        optimizer.step()
    return optimizer.state_dict()


def adam_state(torch):
    """Adam's state (0-d float32 `step` tensors, betas as a tuple), saved by torch only."""
    weight = torch.tensor([1.0, -2.0], requires_grad=True)
    optimizer = torch.optim.Adam([weight], lr=0.01, amsgrad=True)
    for _ in range(2):
        optimizer.zero_grad()
        (weight**2).sum().backward()
        optimizer.step()
    return optimizer.state_dict()


RECIPES = {
    "every_dtype": every_dtype,
    "model_state": model_state,
    "sgd_state": sgd_state,
}
TORCH_ONLY_RECIPES = {"adam_state": adam_state}


# ---------------------------------------------------------------------- describing


def describe(obj, tensor_layout, storages=None):
    """A JSON-able picture of `obj`: every value and type, and for each tensor its dtype,
    shape, strides, offset, values, requires_grad, class, and the index of its storage
    in order of first appearance (so shared storages show as equal indices).
    `tensor_layout(x)` is None for a non-tensor, else (strides, offset, storage identity)."""
    storages = {} if storages is None else storages

    def inner(value):
        layout = tensor_layout(value)
        if layout is not None:
            strides, offset, storage = layout
            return {
                "tensor": str(value.dtype),
                "class": type(value).__name__,
                "shape": list(value.shape),
                "stride": list(strides),
                "offset": offset,
                "storage": storages.setdefault(storage, len(storages)),
                "values": value.detach().tolist(),
                "requires_grad": value.requires_grad,
            }
        kind = type(value).__name__
        if kind == "Size":
            return {"Size": list(value)}
        if kind == "device":
            return {"device": str(value)}
        if kind == "dtype":
            return {"dtype": str(value)}
        if isinstance(value, bool | int | float | str) or value is None:
            return {type(value).__name__: value}
        if isinstance(value, complex):
            return {"complex": [value.real, value.imag]}
        if isinstance(value, bytes):
            return {"bytes": value.hex()}
        if isinstance(value, list | tuple):
            return {kind: [inner(item) for item in value]}
        if isinstance(value, set):
            return {"set": sorted(inner(item)["int"] for item in value)}
        if isinstance(value, dict):
            described = {kind: [[inner(k), inner(v)] for k, v in value.items()]}
            attributes = dict(vars(value)) if hasattr(value, "__dict__") else {}
            if attributes:
                described["attributes"] = inner(attributes)
            return described
        raise TypeError(f"describe() does not know {type(value)}")

    return inner(obj)


def torch_layout(value):
    import torch

    if not isinstance(value, torch.Tensor):
        return None
    return value.stride(), value.storage_offset(), value.untyped_storage().data_ptr()


def archive_records(data):
    """(name without the folder, size) of every record, in the archive's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [[info.filename.split("/", 1)[1], info.file_size] for info in archive.infolist()]


# ---------------------------------------------------------------------- refused files


class SystemCall:
    """Pickles as a call of os.system: a file no safe loader may execute."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def refused_objects():
    return {
        "refused_print": {"f": print},
        "refused_system": {"x": SystemCall("echo pwned > pwned.txt")},
    }


def torch_error(function):
    try:
        function()
    except Exception as error:  # noqa: BLE001 - recording whatever torch raises
        return {"type": type(error).__name__, "message": str(error)}
    raise AssertionError("torch did not raise")


def record():
    import torch

    FIXTURES.mkdir(exist_ok=True)
    golden = {"torch_version": torch.__version__, "cases": {}, "errors": {}}
    for name, recipe in {**RECIPES, **TORCH_ONLY_RECIPES}.items():
        torch.manual_seed(0)
        path = FIXTURES / f"{name}.pt"
        torch.save(recipe(torch), path)
        loaded = torch.load(path, weights_only=True)
        golden["cases"][name] = {
            "describe": describe(loaded, torch_layout),
            "records": archive_records(path.read_bytes()),
        }
    for name, obj in refused_objects().items():
        path = FIXTURES / f"{name}.pt"
        torch.save(obj, path)
        golden["errors"][name] = torch_error(lambda p=path: torch.load(p, weights_only=True))
    # A tensor of a dtype autograd_lesson lacks, and the legacy (non-zip) format.
    torch.save({"x": torch.ones(2, dtype=torch.bfloat16)}, FIXTURES / "bfloat16.pt")
    torch.save({"x": torch.ones(2)}, FIXTURES / "legacy.pt", _use_new_zipfile_serialization=False)
    good = FIXTURES / "every_dtype.pt"
    golden["errors"]["map_location_cuda"] = torch_error(
        lambda: torch.load(good, map_location="cuda", weights_only=True)
    )
    golden["errors"]["map_location_unknown"] = torch_error(
        lambda: torch.load(good, map_location="xyz", weights_only=True)
    )
    golden["errors"]["missing_parent"] = torch_error(
        lambda: torch.save(torch.ones(1), "no_such_folder/x.pt")
    )
    GOLDEN_FILE.write_text(json.dumps(golden, indent=1) + "\n")
    sizes = sorted((p.name, p.stat().st_size) for p in FIXTURES.iterdir())
    print(f"wrote {GOLDEN_FILE} and {FIXTURES}: {sizes}")


if __name__ == "__main__":
    record()
