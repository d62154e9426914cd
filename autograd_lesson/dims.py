"""Dimension arguments, read as PyTorch reads them: `dim=-1` counts from the end, and a
dimension out of range raises PyTorch's IndexError. Every op that takes a `dim` uses these.
"""


def wrap_dim(dim, ndim):
    """A dimension index in range, counting negative ones from the end, as PyTorch does.

    A 0-d tensor accepts dim 0 and -1, as if it had one dimension.
    """
    low, high = -max(ndim, 1), max(ndim, 1) - 1
    if not low <= dim <= high:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})"
        )
    return dim % max(ndim, 1)


def normalize_dims(dim, ndim):
    """`dim` (None, an int or a tuple) as a sorted tuple of non-negative axes; None is all."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted(wrap_dim(d, ndim) for d in dims))
