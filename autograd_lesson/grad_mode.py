"""Switching the recording of the graph on and off: `no_grad`, `enable_grad`.

Inside `with torch.no_grad():` operations still compute their results, but no backward
node is created, so nothing is remembered for a later `backward()`: less memory, less time.
Both also work as decorators, as in PyTorch.
"""

import functools

_enabled = True


def is_grad_enabled():
    return _enabled


class set_grad_enabled:  # noqa: N801 - PyTorch's name
    """Set grad mode to `mode` now; used as a context manager, restore it on exit."""

    def __init__(self, mode):
        global _enabled
        self.previous = _enabled
        _enabled = bool(mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        global _enabled
        _enabled = self.previous
        return False


class _GradModeContext:
    mode = True

    def __enter__(self):
        global _enabled
        self.previous = _enabled
        _enabled = self.mode
        return self

    def __exit__(self, *exc):
        global _enabled
        _enabled = self.previous
        return False

    def __call__(self, func):
        """Use as a decorator: run `func` in this grad mode."""

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with type(self)():
                return func(*args, **kwargs)

        return wrapper


class no_grad(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Context (or decorator) in which no graph is recorded."""

    mode = False


class enable_grad(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Context (or decorator) that turns recording back on inside a `no_grad` block."""

    mode = True
