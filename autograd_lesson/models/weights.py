"""Pretrained weights: `ResNet18_Weights` and the safe loader behind `resnet18(weights=...)`.

torchvision downloads `resnet18-f37072fd.pth`, a *pickle* file: loading a pickle can run
arbitrary code. This package reads a NumPy `.npz` instead, with `allow_pickle=False`, so a
weights file can only ever contain arrays. Nothing is downloaded; the file is looked for in

    1. the `weights_path=` argument of `resnet18(...)`,
    2. the environment variable AUTOGRAD_LESSON_WEIGHTS (the file, or a folder holding it),
    3. ~/.cache/autograd_lesson/resnet18-f37072fd.npz

and made, on any machine with torch and torchvision, by

    python -m autograd_lesson.models.export_weights resnet18 --out resnet18-f37072fd.npz

Everything in the file is checked (readable, arrays only, every key, every shape) before
a single number is copied into the model, so a bad file never leaves a half-loaded model.
"""

import enum
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

ENVIRONMENT_VARIABLE = "AUTOGRAD_LESSON_WEIGHTS"
CACHE_FOLDER = Path("~/.cache/autograd_lesson")


def _imagenet_categories():
    text = resources.files(__package__).joinpath("imagenet_categories.txt").read_text("utf-8")
    return text.splitlines()


_IMAGENET_CATEGORIES = _imagenet_categories()


class WeightsNotFoundError(FileNotFoundError):
    """No weights file where we looked; the message says how to make one."""


class WeightsFileError(ValueError):
    """The weights file exists but cannot be used (truncated, pickled objects, wrong
    keys or shapes). The model it was meant for is left unchanged."""


@dataclass(frozen=True)
class Weights:
    """Where a set of weights comes from (`url`, for reference), what file holds it here,
    and what is known about it (`meta`: category names, parameter count, accuracy)."""

    url: str
    file_name: str
    meta: dict = field(hash=False, compare=False)


class ResNet18_Weights(enum.Enum):  # noqa: N801 - torchvision's name
    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/resnet18-f37072fd.pth",
        file_name="resnet18-f37072fd.npz",
        meta={
            "num_params": 11689512,
            "min_size": (1, 1),
            "categories": _IMAGENET_CATEGORIES,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#resnet",
            "_metrics": {"ImageNet-1K": {"acc@1": 69.758, "acc@5": 89.078}},
        },
    )
    DEFAULT = IMAGENET1K_V1  # same value: an alias, as in torchvision

    @property
    def url(self):
        return self.value.url

    @property
    def meta(self):
        return self.value.meta

    @property
    def file_name(self):
        return self.value.file_name

    @classmethod
    def verify(cls, weights):
        """None, a member, or a member's name ("DEFAULT", "IMAGENET1K_V1") -> member or None."""
        if weights is None or isinstance(weights, cls):
            return weights
        if isinstance(weights, str):
            try:
                return cls[weights.replace(f"{cls.__name__}.", "")]
            except KeyError:
                pass
        raise ValueError(f"Unknown value '{weights}' for {cls.__name__}.")

    def __repr__(self):
        return f"{type(self).__name__}.{self.name}"


def default_weights_path(weights):
    """Where `weights` is looked for when no path is given: the environment variable's
    file (or folder), else the cache folder."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        path = Path(configured).expanduser()
        return path / weights.file_name if path.is_dir() else path
    return CACHE_FOLDER.expanduser() / weights.file_name


def export_command(weights, out_path):
    """The command that writes `weights` to `out_path` (needs torch and torchvision)."""
    model_name = weights.file_name.split("-")[0]  # "resnet18-f37072fd.npz" -> "resnet18"
    return f"python -m autograd_lesson.models.export_weights {model_name} --out {out_path}"


def find_weights_file(weights, weights_path=None):
    """The path of the weights file, or WeightsNotFoundError saying how to make one."""
    path = Path(weights_path).expanduser() if weights_path else default_weights_path(weights)
    if path.is_file():
        return path
    raise WeightsNotFoundError(
        f"No weights file for {weights!r} at {path}.\n"
        "autograd_lesson does not download weights (torchvision's .pth file is a pickle; "
        "this package only reads NumPy .npz files, which cannot run code).\n"
        "To make the file, run this on a machine with torch and torchvision installed:\n"
        f"    {export_command(weights, weights.file_name)}\n"
        f"then copy {weights.file_name} to {CACHE_FOLDER / weights.file_name}, "
        f"or point the environment variable {ENVIRONMENT_VARIABLE} at it, "
        "or pass weights_path=... to resnet18()."
    )


def read_npz(path):
    """Every array in the .npz file at `path`, read completely, pickles refused."""
    with open(path, "rb") as file:
        magic = file.read(4)
    if magic[:2] != b"PK":  # an .npz is a zip archive of .npy files
        raise WeightsFileError(
            f"{path} is not a .npz file (it is not a zip archive). Make one with "
            "python -m autograd_lesson.models.export_weights."
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise WeightsFileError(
                f"{path} holds pickled Python objects (object arrays). They are refused: "
                "unpickling can run arbitrary code. A weights file must hold numeric arrays "
                "only; re-export it with autograd_lesson.models.export_weights."
            ) from error
        raise WeightsFileError(f"{path} is not a readable .npz file: {error}") from error
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise WeightsFileError(
            f"{path} could not be read: it looks truncated or damaged "
            f"({type(error).__name__}: {error}). Re-export it, or copy it again."
        ) from error
    not_arrays = [name for name, value in arrays.items() if not isinstance(value, np.ndarray)]
    if not_arrays:
        hint = ""
        if any(name.endswith("data.pkl") for name in not_arrays):
            hint = (
                " It looks like a PyTorch .pth file (a pickle): convert it with "
                "python -m autograd_lesson.models.export_weights resnet18 --from-pth "
                f"{path} --out resnet18-f37072fd.npz"
            )
        raise WeightsFileError(
            f"{path} holds files that are not NumPy arrays: {', '.join(not_arrays[:3])}.{hint}"
        )
    return arrays


def check_state_dict(model, arrays, path):
    """Raise WeightsFileError listing every missing, unexpected, mis-shaped or non-numeric
    entry of `arrays` for `model`, before anything is copied."""
    expected = model.state_dict()
    problems = []
    missing = [name for name in expected if name not in arrays]
    unexpected = [name for name in arrays if name not in expected]
    if missing:
        problems.append("missing keys: " + ", ".join(missing))
    if unexpected:
        problems.append("unexpected keys: " + ", ".join(unexpected))
    for name, target in expected.items():
        if name not in arrays:
            continue
        array = arrays[name]
        if array.dtype.kind not in "fiub":
            problems.append(f"{name} has dtype {array.dtype}, not a number type")
        elif array.shape != tuple(target.shape):
            problems.append(
                f"{name} has shape {tuple(array.shape)}, the model expects {tuple(target.shape)}"
            )
    if problems:
        raise WeightsFileError(
            f"{path} does not fit {type(model).__name__} (the model is unchanged):\n  "
            + "\n  ".join(problems)
        )


def load_weights(model, weights, weights_path=None):
    """Fill `model` from the weights file; all checks happen before any copying."""
    path = find_weights_file(weights, weights_path)
    arrays = read_npz(path)
    check_state_dict(model, arrays, path)
    model.load_state_dict(arrays, strict=True)
    return model
