"""Pooling: summarise each window of an image by its maximum or its average.

Max pooling slides its window over the image as the convolution does (ops/windows.py):
for each kernel offset (i, j), a strided slice of the padded images holds what that offset
sees at every window position, so the op loops over the kh·kw offsets, never over pixels.
ops/pooling_fast.py computes the same maximum with less memory, on both cores.
"""

import numpy as np

from ..function import Function
from .windows import kernel_offsets, output_hw, pad, unpad


class MaxPool2dWithIndices(Function):
    """out[n,c,y,x] = max over the window at (y, x),  max_{i,j} x_pad[n, c, s·y+i, s·x+j]
    ∂out/∂x = 1 at the window's (first) maximum, 0 elsewhere

    The op behind F.max_pool2d (PyTorch's max_pool2d_with_indices). It saves which kernel
    offset won in each window; backward sends each output's gradient to that pixel.
    """

    name_in_pytorch = "MaxPool2DWithIndicesBackward0"
    supports_double_backward = False  # create_graph=True: an error if differentiated again

    def forward(self, x, kernel, stride, padding):
        self.kernel, self.stride, self.padding = kernel, stride, padding
        self.input_shape, self.out_hw = x.shape, output_hw(x.shape[2:], kernel, stride, padding)
        x_padded = pad(x, padding, fill=-np.inf)  # padding never wins a maximum
        # What each offset k sees at every window position: (kh·kw, N, C, Ho, Wo).
        seen = np.stack([x_padded[:, :, rows, columns] for _, _, (rows, columns) in self.offsets()])
        winner = seen.argmax(axis=0)  # the first maximum on ties, as in PyTorch
        self.save_for_backward(winner)
        return np.take_along_axis(seen, winner[None], axis=0)[0]

    def offsets(self):
        """(i, j, (rows, columns)) for every offset in the window, as the convolution's."""
        return kernel_offsets(self.kernel, self.out_hw, self.stride)

    def backward(self, grad):
        (winner,) = self.saved_tensors
        (n, c, h, w), (ph, pw) = self.input_shape, self.padding
        grad_padded = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=grad.dtype)
        for k, (_, _, (rows, columns)) in enumerate(self.offsets()):
            grad_padded[:, :, rows, columns] += np.where(winner == k, grad, 0)
        return np.ascontiguousarray(unpad(grad_padded, self.padding, (h, w)))


def adaptive_bounds(size, out_size):
    """PyTorch's windows for adaptive pooling: cell i covers [⌊i·size/out⌋, ⌈(i+1)·size/out⌉)."""
    return [(i * size // out_size, -(-(i + 1) * size // out_size)) for i in range(out_size)]


class AdaptiveAvgPool2dOp(Function):
    """out[n,c,i,j] = mean of the input cell (i, j)    ∂out/∂x = 1/(cell area) inside the cell

    The op behind F.adaptive_avg_pool2d (PyTorch's _adaptive_avg_pool2d). Loops over output
    cells (few: adaptive pooling makes small outputs); the (1, 1) case, by far the most
    common, is a plain mean instead (see nn.functional).
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
