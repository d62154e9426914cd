"""Pooling: summarise each window of an image by its maximum or its average.

Max pooling loops only over the kernel offsets (9 for a 3×3 window), each step comparing
one strided slice of all images, channels and pixels at once; never over pixels.
"""

import numpy as np

from ..function import Function
from .conv import kernel_offsets, output_size


def pad_nchw(x, padding, fill):
    """x (N, C, H, W) with `padding` rows/columns of `fill` around each image (a new array)."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    padded = np.full((n, c, h + 2 * ph, w + 2 * pw), fill, dtype=x.dtype)
    padded[:, :, ph : ph + h, pw : pw + w] = x
    return padded


class MaxPool2d(Function):
    """out[n,c,y,x] = max over the window at (y, x)
    ∂out/∂x = 1 at the window's (first) maximum, 0 elsewhere"""

    name_in_pytorch = "MaxPool2DWithIndicesBackward0"
    supports_double_backward = False  # create_graph=True: an error if differentiated again

    def forward(self, x, kernel, stride, padding):
        (kh, kw), (sh, sw) = kernel, stride
        n, c, h, w = x.shape
        self.out_hw = (output_size(h, kh, sh, padding[0]), output_size(w, kw, sw, padding[1]))
        self.kernel, self.stride, self.padding, self.input_hw = kernel, stride, padding, (h, w)
        # Padding never wins a maximum: pad with -inf.
        x_padded = pad_nchw(x, padding, fill=-np.inf)
        self.padded_shape = x_padded.shape
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

    def offsets(self):
        """(i, j, (rows, columns)) for every offset in the window, as the convolution's."""
        return kernel_offsets(self.kernel, self.out_hw, self.stride)

    def backward(self, grad):
        (winner,) = self.saved_tensors
        grad_padded = np.zeros(self.padded_shape, dtype=grad.dtype)
        for offset, (_, _, (rows, columns)) in enumerate(self.offsets()):
            grad_padded[:, :, rows, columns] += grad * (winner == offset)
        (ph, pw), (h, w) = self.padding, self.input_hw
        return np.ascontiguousarray(grad_padded[:, :, ph : ph + h, pw : pw + w])


def adaptive_bounds(size, out_size):
    """PyTorch's windows for adaptive pooling: cell i covers [⌊i·size/out⌋, ⌈(i+1)·size/out⌉)."""
    return [(i * size // out_size, -(-(i + 1) * size // out_size)) for i in range(out_size)]


class AdaptiveAvgPool2d(Function):
    """out[n,c,i,j] = mean of the input cell (i, j)    ∂out/∂x = 1/(cell area) inside the cell

    Loops over output cells (few: adaptive pooling makes small outputs); the (1, 1) case,
    by far the most common, is a plain mean instead (see nn.functional).
    """

    name_in_pytorch = "AdaptiveAvgPool2DBackward0"
    supports_double_backward = False  # create_graph=True: an error if differentiated again

    def forward(self, x, output_size):
        n, c, h, w = x.shape
        self.input_shape = x.shape
        self.cells = [
            (rows, columns)
            for rows in adaptive_bounds(h, output_size[0])
            for columns in adaptive_bounds(w, output_size[1])
        ]
        means = [x[:, :, r0:r1, c0:c1].mean(axis=(2, 3)) for (r0, r1), (c0, c1) in self.cells]
        return np.stack(means, axis=-1).reshape(n, c, *output_size).astype(x.dtype, copy=False)

    def backward(self, grad):
        n, c = grad.shape[:2]
        grad_cells = grad.reshape(n, c, -1)
        grad_x = np.zeros(self.input_shape, dtype=grad.dtype)
        for k, ((r0, r1), (c0, c1)) in enumerate(self.cells):
            area = (r1 - r0) * (c1 - c0)
            grad_x[:, :, r0:r1, c0:c1] += grad_cells[:, :, k, None, None] / area
        return grad_x
