"""`out=` arguments: torch.add(a, b, out=c) writes the result into c and returns c.

As in PyTorch: no graph is recorded (an error if an input requires grad), a result that
does not fit c's dtype is refused, and a c of another shape is resized (with PyTorch's
warning unless c was empty).
"""

import warnings

import numpy as np

from . import grad_mode

RESIZE_WARNING = (
    "An output with one or more elements was resized since it had shape {old}, which does not "
    "match the required output shape {new}. This behavior is deprecated, and in a future "
    "PyTorch release outputs will not be resized unless they have zero elements. You can "
    "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
    "t.resize_(0)."
)


def write_into(out, name, compute):
    """Run `compute()` and write its result into `out` (checked first, then written)."""
    result = compute()
    if grad_mode.is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    to_int = result.dtype.is_floating_point and not out.dtype.is_floating_point
    to_bool = out.dtype.name == "bool" and result.dtype.name != "bool"
    if to_int or to_bool:
        raise RuntimeError(
            f"result type {result.dtype.short_name} can't be cast to the desired output type "
            f"{out.dtype.short_name}"
        )
    if out.shape != result.shape:
        if out.numel():
            warnings.warn(
                RESIZE_WARNING.format(old=list(out.shape), new=list(result.shape)),
                UserWarning,
                stacklevel=3,
            )
        out._data = np.empty(result._data.shape, dtype=out._data.dtype)
    np.copyto(out._data, result._data, casting="unsafe")
    out._version_counter.bump()
    return out
