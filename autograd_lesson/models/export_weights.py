"""Write torchvision's pretrained weights to a NumPy .npz file that this package can load.

autograd_lesson reads torchvision's .pth file directly (see weights.py); this command makes
the other kind of file, an .npz of plain arrays. On a machine with torch and torchvision
(internet access needed once, to download):

    python -m autograd_lesson.models.export_weights resnet18 --out resnet18-f37072fd.npz

or, with this package alone and the .pth file already downloaded from the URL in
`ResNet18_Weights.DEFAULT.url`:

    python -m autograd_lesson.models.export_weights resnet18 --from-pth resnet18-f37072fd.pth \\
        --out resnet18-f37072fd.npz

Then put the file in ~/.cache/autograd_lesson/ (or set AUTOGRAD_LESSON_WEIGHTS to its path).
Before writing, the export checks every key and shape against this package's resnet18, so
a file that is written is a file that loads. A problem is reported in one line on stderr,
with exit status 1.
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from ..serialization import is_torch_zip
from .resnet import resnet18
from .weights import (
    CACHE_FOLDER,
    ResNet18_Weights,
    WeightsFileError,
    WeightsNotFoundError,
    check_headers,
    check_state_dict,
    read_headers,
    read_pth,
)

MODELS = {"resnet18": (resnet18, ResNet18_Weights.DEFAULT)}


def torchvision_state_dict(model_name):
    """Download (or reuse torch's cache of) torchvision's weights, as NumPy arrays."""
    import torchvision

    builder = getattr(torchvision.models, model_name)
    state_dict = builder(weights="DEFAULT").state_dict()
    return {name: tensor.detach().cpu().numpy() for name, tensor in state_dict.items()}


def pth_arrays(path, model):
    """The arrays of a .pth file, read with autograd_lesson's safe loader (no torch needed),
    after its names and shapes were checked against `model` from the file's headers."""
    path = Path(path)
    if not path.is_file():
        raise WeightsNotFoundError(f"--from-pth {path}: no such file")
    headers = read_headers(path)  # a corrupt or foreign file is reported here
    if not is_torch_zip(path):
        raise WeightsFileError(
            f"--from-pth {path} is a NumPy .npz file, not a .pth file. It needs no export: "
            "load it as it is (see autograd_lesson.models.weights)."
        )
    check_headers(model, headers, path)
    return read_pth(path)


def export(model_name, out_path, from_pth=None):
    """Read the weights, check them against this package's model, and write `out_path`."""
    builder, _ = MODELS[model_name]
    out_path = Path(out_path)
    if out_path.is_dir():
        raise WeightsFileError(
            f"--out {out_path} is a folder: give the file to write, "
            f"e.g. --out {out_path / MODELS[model_name][1].file_name}"
        )
    if from_pth:
        arrays = pth_arrays(from_pth, builder())
    else:
        arrays = torchvision_state_dict(model_name)
    check_state_dict(builder(), arrays, from_pth or "torchvision's state_dict")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(out_path.name + ".partial")
    with open(partial, "wb") as file:  # a file object: np.savez adds no second suffix
        np.savez(file, **arrays)
    os.replace(partial, out_path)  # a failed write never leaves a half file at out_path
    return out_path


def one_line(error):
    """An error's message on one line, for stderr."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m autograd_lesson.models.export_weights", description=__doc__.split("\n")[0]
    )
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--out", help="the .npz file to write (default: the cache folder)")
    parser.add_argument("--from-pth", help="convert this .pth file instead of using torchvision")
    args = parser.parse_args(argv)
    _, weights = MODELS[args.model]
    out = args.out or CACHE_FOLDER.expanduser() / weights.file_name
    try:
        path = export(args.model, out, args.from_pth)
    except ImportError as error:
        sys.exit(
            f"{error}. This command needs torch (and torchvision unless --from-pth is given): "
            "pip install torch torchvision"
        )
    except (WeightsFileError, OSError) as error:  # WeightsNotFoundError is an OSError
        parser.exit(1, f"{parser.prog}: error: {one_line(error)}\n")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
