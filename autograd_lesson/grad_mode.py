"""Switching the recording of the graph on and off: `no_grad`, `enable_grad`.

Inside `with torch.no_grad():` operations still compute their results, but no backward
node is created, so nothing is remembered for a later `backward()`: less memory, less time.
Both also work as decorators, as in PyTorch.
"""

import functools

_enabled = True


def is_grad_enabled():
    return _enabled


class _GradModeContext:
    """Sets grad mode to `self.mode` inside a `with` block, or around a decorated function."""

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
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper


class _NoArgumentContext(_GradModeContext):
    """no_grad and enable_grad decorate with or without parentheses, as in PyTorch:
    `@torch.no_grad()` and `@torch.no_grad` both work."""

    def __new__(cls, func=None):
        self = super().__new__(cls)
        return self if func is None else self(func)

    def __init__(self, func=None):
        pass


class no_grad(_NoArgumentContext):  # noqa: N801 - PyTorch's name
    """Context (or decorator) in which no graph is recorded."""

    mode = False


class enable_grad(_NoArgumentContext):  # noqa: N801 - PyTorch's name
    """Context (or decorator) that turns recording back on inside a `no_grad` block."""

    mode = True


class set_grad_enabled(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Set grad mode to `mode` now; used as a context manager, restore it on exit.

    As a decorator (`@torch.set_grad_enabled(False)`) it runs the function in that mode;
    the mode it set when created is undone at once, as PyTorch does.
    """

    def __init__(self, mode):
        global _enabled
        self.previous = _enabled
        self.mode = bool(mode)
        _enabled = self.mode

    def __enter__(self):
        return self  # the mode was already set by __init__

    def __call__(self, func):
        global _enabled
        _enabled = self.previous
        return super().__call__(func)


# ---------------------------------------------------------------------- inference mode
_inference = False


def is_inference_mode_enabled():
    return _inference


class inference_mode(_GradModeContext):  # noqa: N801 - PyTorch's name
    """no_grad, and more: tensors made inside are *inference tensors*, which autograd may
    never record (PyTorch raises if one is saved for backward, or changed in place or asked
    to require grad outside the block). `inference_mode(False)` switches it off inside."""

    def __init__(self, mode=True):
        self.inference = bool(mode)

    @property
    def mode(self):
        return False if self.inference else _enabled

    def __enter__(self):
        global _inference
        self.previous_inference = _inference
        _inference = self.inference
        return super().__enter__()

    def __exit__(self, *exc):
        global _inference
        _inference = self.previous_inference
        return super().__exit__(*exc)

    def __call__(self, func):
        inference = self.inference

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with inference_mode(inference):
                return func(*args, **kwargs)

        return wrapper
