"""A faster way to compute ops/pooling.py's max pooling: the same maximum, less memory.

Read ops/pooling.py first: its `MaxPool2dWithIndices` defines what the class here
computes, and tests/test_nn_conv_paths.py checks that it gives the same values and
gradients. `max_pool_for` picks the class for a call (nn.functional.max_pool2d asks it):

* `MaxPool2dWithIndices` itself for small inputs (below MIN_WORK comparisons), and for
  windows of more than 255 offsets (see below).
* `MaxPool2dInParts` for the rest: the batch in parts computed at the same time, one per
  core (autograd_lesson/threads.py), each part by a `MaxPoolRunningMaximum` node. That
  keeps the maximum so far, offset by offset, instead of stacking what all kh·kw offsets
  see (kh·kw times the output: 9 times for a 3×3 window), and saves the winning offset
  as one byte per output (uint8, hence at most 255 offsets; PyTorch saves 8-byte indices).
"""

import numpy as np

from .parts import BatchInParts
from .pooling import MaxPool2dWithIndices
from .windows import output_hw, pad, unpad

# Below this many comparisons (input values × offsets) the reading path runs as it is.
MIN_WORK = 2**18


def max_pool_for(x_shape, kernel):
    """The Function class that computes this max pooling fastest (both give the same)."""
    offsets = kernel[0] * kernel[1]
    if offsets > 255 or np.prod(x_shape) * offsets < MIN_WORK:
        return MaxPool2dWithIndices
    return MaxPool2dInParts


class MaxPoolRunningMaximum(MaxPool2dWithIndices):
    """One part of MaxPool2dInParts: the maximum so far, updated offset by offset."""

    grad_x_into = None  # set by MaxPool2dInParts: where ∂loss/∂x goes (ops/parts.py)

    def forward(self, x, kernel, stride, padding):
        self.kernel, self.stride, self.padding = kernel, stride, padding
        self.input_shape, self.out_hw = x.shape, output_hw(x.shape[2:], kernel, stride, padding)
        x_padded = pad(x, padding, fill=-np.inf)  # padding never wins a maximum
        best = winner = None
        for offset, (_, _, (rows, columns)) in enumerate(self.offsets()):
            candidate = x_padded[:, :, rows, columns]
            if best is None:
                best = candidate.copy()
                winner = np.zeros(best.shape, dtype=np.uint8)  # which offset holds the max
                continue
            # Strictly greater: on ties the first maximum keeps the gradient, as in PyTorch.
            better = candidate > best
            np.maximum(best, candidate, out=best)
            # winner = offset where better, written as arithmetic: a masked assignment
            # (winner[better] = offset) is about 30 times slower on random masks.
            winner *= ~better
            winner += better * np.uint8(offset)
        self.save_for_backward(winner)
        return best

    def backward(self, grad):
        (winner,) = self.saved_tensors
        (n, c, h, w), (ph, pw) = self.input_shape, self.padding
        grad_padded = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=grad.dtype)
        for offset, (_, _, (rows, columns)) in enumerate(self.offsets()):
            grad_padded[:, :, rows, columns] += grad * (winner == offset)
        grad_x = unpad(grad_padded, self.padding, (h, w))
        if self.grad_x_into is None:
            return np.ascontiguousarray(grad_x)
        np.copyto(self.grad_x_into, grad_x)
        return self.grad_x_into


class MaxPool2dInParts(BatchInParts, MaxPool2dWithIndices):
    """MaxPoolRunningMaximum on parts of the batch, computed at the same time."""

    part_class = MaxPoolRunningMaximum
    saves_inputs = False  # backward needs only the winning offsets, as the reading path

    def work(self, x, kernel, stride, padding):
        """In BLAS multiply-adds: each offset costs about three element-wise passes
        (compare, maximum, winner) over the output, each about 8 multiply-adds a value."""
        return x.size * kernel[0] * kernel[1] * 8
