"""Broadcasting, both ways: checking that two shapes broadcast (with PyTorch's error when
they do not), and undoing it in backward. Every op relies on these two functions instead
of handling broadcasting itself.
"""

import numpy as np


def check_broadcastable(shape_a, shape_b, expanding=False):
    """Raise PyTorch's error when two shapes do not broadcast together."""
    for i in range(1, min(len(shape_a), len(shape_b)) + 1):
        a, b = shape_a[-i], shape_b[-i]
        if a != b and a != 1 and not (b == 1 and not expanding):
            if expanding:
                raise RuntimeError(
                    f"The expanded size of the tensor ({b}) must match the existing size ({a}) "
                    f"at non-singleton dimension {len(shape_b) - i}.  Target sizes: "
                    f"{list(shape_b)}.  Tensor sizes: {list(shape_a)}"
                )
            dim = max(len(shape_a), len(shape_b)) - i
            raise RuntimeError(
                f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                f"non-singleton dimension {dim}"
            )


def broadcast_shape(shape_a, shape_b):
    """The shape two broadcast operands give, or PyTorch's error naming the sizes."""
    check_broadcastable(shape_a, shape_b)
    return np.broadcast_shapes(tuple(shape_a), tuple(shape_b))


def unbroadcast(grad, shape):
    """Sum `grad` back to `shape`: the one place where broadcasting is undone.

    If x of shape (3,) was broadcast to (2, 3) in the forward pass, each x[j] was used
    twice, so its gradient is the sum of the two gradients that arrive for it.
    """
    if not hasattr(grad, "shape"):  # a plain number; a tensor stays a tensor
        grad = np.asarray(grad)
    if tuple(grad.shape) == tuple(shape):
        return grad
    # Dimensions that broadcasting added in front.
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    # Dimensions of size 1 that broadcasting stretched.
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad.reshape(shape)
