"""Write torchvision's pretrained weights to a safe .npz file that this package can load.

Run on a machine with torch and torchvision (internet access needed once, to download):

    python -m autograd_lesson.models.export_weights resnet18 --out resnet18-f37072fd.npz

or, with torch alone and the .pth file already downloaded from the URL in
`ResNet18_Weights.DEFAULT.url`:

    python -m autograd_lesson.models.export_weights resnet18 --from-pth resnet18-f37072fd.pth \\
        --out resnet18-f37072fd.npz

Then put the file in ~/.cache/autograd_lesson/ (or set AUTOGRAD_LESSON_WEIGHTS to its path).
Before writing, the export checks every key and shape against this package's resnet18, so
a file that is written is a file that loads.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from .resnet import resnet18
from .weights import CACHE_FOLDER, ResNet18_Weights, check_state_dict

MODELS = {"resnet18": (resnet18, ResNet18_Weights.DEFAULT)}


def torchvision_state_dict(model_name):
    """Download (or reuse torch's cache of) torchvision's weights; return the state_dict."""
    import torchvision

    builder = getattr(torchvision.models, model_name)
    return builder(weights="DEFAULT").state_dict()


def pth_state_dict(path):
    """Read a torchvision .pth file with torch's safe loader (tensors only, no code)."""
    import torch

    return torch.load(path, map_location="cpu", weights_only=True)


def export(model_name, out_path, from_pth=None):
    """Convert the state_dict to NumPy arrays, check them, and write `out_path`."""
    state_dict = pth_state_dict(from_pth) if from_pth else torchvision_state_dict(model_name)
    arrays = {name: tensor.detach().cpu().numpy() for name, tensor in state_dict.items()}
    builder, _ = MODELS[model_name]
    check_state_dict(builder(), arrays, from_pth or "torchvision's state_dict")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as file:  # a file object: np.savez adds no second suffix
        np.savez(file, **arrays)
    return out_path


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
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
