"""Reading tests/golden/: the JSON files torch 2.13.0 recorded, and the scripts that
recorded them (their tables and `run_*` functions are replayed on autograd_lesson; a
script imports torch only when it runs as a recorder, so loading it needs no torch)."""

import importlib.util
import json
from pathlib import Path

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
