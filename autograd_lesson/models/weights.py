"""Pretrained weights: `ResNet18_Weights` and the safe loader behind `resnet18(weights=...)`.

Nothing is downloaded. Two kinds of file hold the weights, and either one is read:

* torchvision's own `resnet18-f37072fd.pth` (from the URL in `ResNet18_Weights.DEFAULT.url`),
  read by `autograd_lesson.load`, whose unpickler accepts tensors and containers only and
  never runs code from the file;
* a NumPy `resnet18-f37072fd.npz`, read with `allow_pickle=False`, made on any machine with
  torch and torchvision by

    python -m autograd_lesson.models.export_weights resnet18 --out resnet18-f37072fd.npz

The file is looked for in

    1. the `weights_path=` argument of `resnet18(...)`,
    2. the environment variable AUTOGRAD_LESSON_WEIGHTS (the file, or a folder holding it),
    3. ~/.cache/autograd_lesson/ (the .pth, then the .npz),
    4. torch's download cache, $TORCH_HOME/hub/checkpoints/ (~/.cache/torch/hub/checkpoints/),
       where torchvision keeps the .pth it downloaded.

Everything is checked before a single number is read: the names, shapes and dtypes come
from the archive's headers (the .npy headers inside an .npz; data.pkl inside a .pth), so
an unexpected 2 GB array is reported without being read. Then everything read is copied
into the model at once, so a bad file never leaves a half-loaded model.
"""

import enum
import os
import pickle
import zipfile
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from .. import serialization

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
        """The NumPy file's name, e.g. "resnet18-f37072fd.npz"."""
        return self.value.file_name

    @property
    def pth_file_name(self):
        """torchvision's file name, e.g. "resnet18-f37072fd.pth" (the URL's last part)."""
        return self.value.url.rsplit("/", 1)[-1]

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


def torch_hub_folder():
    """Where torchvision keeps downloaded weights: $TORCH_HOME/hub/checkpoints, with
    TORCH_HOME defaulting to $XDG_CACHE_HOME/torch, then ~/.cache/torch (as torch.hub)."""
    cache = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    torch_home = os.environ.get("TORCH_HOME") or os.path.join(cache, "torch")
    return Path(torch_home).expanduser() / "hub" / "checkpoints"


def candidate_paths(weights):
    """Every place `weights` is looked for when no path is given, in order."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        path = Path(configured).expanduser()
        if not path.is_dir():
            return [path]
        return [path / weights.pth_file_name, path / weights.file_name]
    cache = CACHE_FOLDER.expanduser()
    return [
        cache / weights.pth_file_name,
        cache / weights.file_name,
        torch_hub_folder() / weights.pth_file_name,
    ]


def default_weights_path(weights):
    """The first existing file among `candidate_paths(weights)`, else the first candidate."""
    candidates = candidate_paths(weights)
    return next((path for path in candidates if path.is_file()), candidates[0])


def export_command(weights, out_path):
    """The command that writes `weights` to `out_path` (needs torch and torchvision)."""
    model_name = weights.file_name.split("-")[0]  # "resnet18-f37072fd.npz" -> "resnet18"
    return f"python -m autograd_lesson.models.export_weights {model_name} --out {out_path}"


def find_weights_file(weights, weights_path=None):
    """The path of the weights file, or WeightsNotFoundError saying how to get one."""
    if weights_path:
        paths = [Path(weights_path).expanduser()]
    else:
        paths = candidate_paths(weights)
    for path in paths:
        if path.is_file():
            return path
    looked = "\n".join(f"    {path}" for path in paths)
    cache = CACHE_FOLDER / weights.pth_file_name
    raise WeightsNotFoundError(
        f"No weights file for {weights!r}. Looked for:\n{looked}\n"
        "autograd_lesson does not download weights. Two ways to get a file:\n"
        f"  1. download torchvision's file, {weights.url}\n"
        f"     (for example: curl -L --create-dirs -o {cache} {weights.url});\n"
        "     it is read safely: tensors only, no code from the file runs;\n"
        "  2. or, on a machine with torch and torchvision installed, write a NumPy file:\n"
        f"     {export_command(weights, weights.file_name)}\n"
        f"Then put the file in {CACHE_FOLDER}/, "
        f"or point the environment variable {ENVIRONMENT_VARIABLE} at it, "
        "or pass weights_path=... to resnet18()."
    )


# ---------------------------------------------------------------------- reading headers


@dataclass(frozen=True)
class ArrayHeader:
    """An entry's name, shape and NumPy dtype, as the file's headers state them."""

    shape: tuple
    dtype: np.dtype


def _corrupt(path, error):
    return WeightsFileError(
        f"{path} is corrupt: it could not be read as a zip archive, so it looks truncated "
        f"or damaged ({type(error).__name__}: {error}). Download or export it again."
    )


def read_headers(path):
    """{name: ArrayHeader} from the file's headers, without reading any array: the .npy
    headers of an .npz, or data.pkl of a torch .pth. Raises WeightsFileError for a file
    that is not a weights file, is corrupt, or holds anything but numeric arrays."""
    with open(path, "rb") as file:
        magic = file.read(4)
    if magic != b"PK\x03\x04":  # both formats are zip archives
        raise WeightsFileError(
            f"{path} is neither a .npz nor a PyTorch .pth file (it is not a zip archive). "
            "Download torchvision's .pth, or make a .npz with "
            "python -m autograd_lesson.models.export_weights."
        )
    if serialization.is_torch_zip(path):
        return _pth_headers(path)
    return _npz_headers(path)


def _pth_headers(path):
    try:
        infos = serialization.load_tensor_infos(path)
    except (RuntimeError, ValueError, TypeError, EOFError, pickle.UnpicklingError) as error:
        raise WeightsFileError(f"{path} could not be loaded: {error}") from None
    if not isinstance(infos, dict):
        raise WeightsFileError(
            f"{path} holds a {type(infos).__name__}, not a state_dict (a dict of tensors)."
        )
    headers, problems = {}, []
    for name, info in infos.items():
        if isinstance(info, serialization.TensorInfo):
            headers[name] = ArrayHeader(tuple(info.shape), info.dtype.numpy_dtype)
        else:
            problems.append(f"{name} is not a tensor ({type(info).__name__})")
    if problems:
        hint = ""
        if set(infos) & {"state_dict", "model", "model_state_dict"}:
            hint = " (a training checkpoint? its state_dict is one of its entries)"
        raise WeightsFileError(f"{path} is not a state_dict{hint}: " + "; ".join(problems[:3]))
    # A tensor may be a small view of a large storage; loading reads whole storages.
    storage_bytes = sum({i.storage_key: i.storage_bytes for i in infos.values()}.values())
    tensor_bytes = sum(i.numel() * i.dtype.itemsize for i in infos.values())
    if storage_bytes > tensor_bytes + 2**20:
        raise WeightsFileError(
            f"{path} stores {storage_bytes / 1e6:.1f} MB for {tensor_bytes / 1e6:.1f} MB of "
            "tensors (some are small views of larger storages). Save a copy of each tensor "
            "instead: {name: t.clone() for name, t in state_dict.items()}."
        )
    return headers


def _npz_headers(path):
    headers = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename.removesuffix(".npy")
                if not info.filename.endswith(".npy"):
                    hint = ""
                    if info.filename.endswith("data.pkl"):
                        hint = " It looks like a PyTorch file; give it a .pth name."
                    raise WeightsFileError(
                        f"{path} holds a file that is not a NumPy array: {info.filename}.{hint}"
                    )
                with archive.open(info) as member:
                    shape, dtype = _npy_header(member)
                if dtype.hasobject:
                    raise WeightsFileError(
                        f"{path} holds pickled Python objects ({name} is an object array). "
                        "They are refused: unpickling can run arbitrary code. A weights file "
                        "must hold numeric arrays only; re-export it with "
                        "autograd_lesson.models.export_weights."
                    )
                headers[name] = ArrayHeader(tuple(shape), dtype)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise _corrupt(path, error) from None
    except ValueError as error:  # a member whose .npy header is damaged
        raise WeightsFileError(f"{path} is corrupt: {error}") from None
    return headers


def _npy_header(member):
    """(shape, dtype) from the header at the start of a .npy file (its array is not read)."""
    major, _ = np.lib.format.read_magic(member)
    if major == 1:
        shape, _, dtype = np.lib.format.read_array_header_1_0(member)
    else:  # 2.0 and 3.0 have the same 4-byte header length
        shape, _, dtype = np.lib.format.read_array_header_2_0(member)
    return shape, dtype


def read_npz(path):
    """Every array in the .npz file at `path`, read completely, pickles refused."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except ValueError as error:
        raise WeightsFileError(f"{path} is not a readable .npz file: {error}") from error
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise WeightsFileError(
            f"{path} could not be read: it looks truncated or damaged "
            f"({type(error).__name__}: {error}). Re-export it, or copy it again."
        ) from error


def read_pth(path):
    """The state_dict in torch's .pth file at `path`, as NumPy arrays."""
    try:
        state_dict = serialization.load(path, weights_only=True)
    except (RuntimeError, ValueError, TypeError, EOFError, pickle.UnpicklingError) as error:
        raise WeightsFileError(f"{path} could not be loaded: {error}") from None
    return {name: tensor.detach().numpy() for name, tensor in state_dict.items()}


def read_arrays(path):
    """Every array of the weights file (.pth or .npz, told apart by their contents)."""
    return read_pth(path) if serialization.is_torch_zip(path) else read_npz(path)


# ---------------------------------------------------------------------- checking


def check_headers(model, headers, path):
    """Raise WeightsFileError listing every missing, unexpected, mis-shaped or non-numeric
    entry of `headers` ({name: ArrayHeader}) for `model`, before anything is read."""
    expected = model.state_dict()
    problems = []
    missing = [name for name in expected if name not in headers]
    unexpected = [name for name in headers if name not in expected]
    if missing:
        problems.append("missing keys: " + ", ".join(missing))
    if unexpected:
        problems.append("unexpected keys: " + ", ".join(unexpected))
    for name, target in expected.items():
        if name not in headers:
            continue
        header = headers[name]
        if header.dtype.kind not in "fiub":
            problems.append(f"{name} has dtype {header.dtype}, not a number type")
        elif header.shape != tuple(target.shape):
            problems.append(
                f"{name} has shape {header.shape}, the model expects {tuple(target.shape)}"
            )
    if problems:
        raise WeightsFileError(
            f"{path} does not fit {type(model).__name__} (the model is unchanged):\n  "
            + "\n  ".join(problems)
        )


def check_state_dict(model, arrays, path):
    """check_headers for arrays already in memory ({name: ndarray})."""
    headers = {name: ArrayHeader(tuple(a.shape), a.dtype) for name, a in arrays.items()}
    check_headers(model, headers, path)


def load_weights(model, weights, weights_path=None):
    """Fill `model` from the weights file: headers checked first, then every array read,
    then all copied."""
    path = find_weights_file(weights, weights_path)
    check_headers(model, read_headers(path), path)
    arrays = read_arrays(path)
    check_state_dict(model, arrays, path)  # the same file, read in full: still the same?
    model.load_state_dict(arrays, strict=True)
    return model
