"""Shared test settings: deterministic Hypothesis runs and a header saying whether the
PyTorch oracle is installed (without it, parity tests skip and say why)."""

import importlib.metadata
import os

from hypothesis import settings

# Tests draw figures without a screen.
os.environ.setdefault("MPLBACKEND", "Agg")

# "course" (the default) runs the same examples every time, so a red test is reproducible
# and CI never fails by luck. HYPOTHESIS_PROFILE=thorough searches more, with fresh examples.
settings.register_profile("course", derandomize=True, max_examples=25, deadline=None, database=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "course"))


def pytest_report_header(config):
    try:
        version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return "PyTorch oracle: not installed, parity tests skip (pip install torch==2.13.0)"
    return f"PyTorch oracle: torch {version} (golden files were recorded with 2.13.0)"
