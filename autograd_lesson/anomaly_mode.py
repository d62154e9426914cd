"""Anomaly detection: find the line of *your* code whose operation went wrong in backward.

    with torch.autograd.detect_anomaly():
        loss = model(x)          # each node remembers where in your code it was made
        loss.backward()          # a NaN coming out of a node's backward raises, and the
                                 # warning shows the forward line that made that node

It slows every operation down (a stack trace per node), so it is for debugging only.
"""

import traceback
import warnings
from pathlib import Path

PACKAGE_DIR = str(Path(__file__).resolve().parent)

_enabled = False
_check_nan = True


def is_anomaly_enabled():
    return _enabled


def is_anomaly_check_nan_enabled():
    return _check_nan


class set_detect_anomaly:  # noqa: N801 - PyTorch's name
    """Turn anomaly detection on or off, for good or (in a `with` block) for a while."""

    def __init__(self, mode, check_nan=True):
        global _enabled, _check_nan
        self.previous = (_enabled, _check_nan)
        _enabled, _check_nan = bool(mode), bool(check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        global _enabled, _check_nan
        _enabled, _check_nan = self.previous
        return False


class detect_anomaly(set_detect_anomaly):  # noqa: N801 - PyTorch's name
    """A `with` block (or decorator) in which anomaly detection is on."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            UserWarning,
            stacklevel=2,
        )
        super().__init__(True, self.check_nan)
        return self

    def __call__(self, func):
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return func(*args, **kwargs)

        return wrapper


def forward_trace():
    """Where the current operation was called from, without this package's own frames."""
    frames = [f for f in traceback.extract_stack() if not f.filename.startswith(PACKAGE_DIR)]
    return "".join(traceback.format_list(frames))


def warn_with_forward_trace(node):
    """PyTorch's warning naming the node and the forward line that made it."""
    trace = getattr(node, "forward_trace", None)
    if trace is not None:
        warnings.warn(
            f"Error detected in {node.name()}. Traceback of forward call that caused the "
            f"error:\n{trace}",
            UserWarning,
            stacklevel=4,
        )


def check_for_nan(node, input_grads):
    """Raise PyTorch's error if a gradient a node returned holds a NaN."""
    import numpy as np

    for i, g in enumerate(input_grads):
        if g is None:
            continue
        values = g if isinstance(g, np.ndarray | np.generic) else g._data
        if np.issubdtype(values.dtype, np.floating) and np.isnan(values).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
