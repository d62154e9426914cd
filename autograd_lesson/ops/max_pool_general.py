"""2-D max pooling with ceil_mode and dilation (nn.MaxPool2d(ceil_mode=True, dilation=)).

The common case runs on pooling.py's kernels; this one reads every window with NumPy's
sliding_window_view over an input padded with -inf (padding never wins a maximum).
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from .pooling import MaxPool2dWithIndices


def pooled_size(size, kernel, stride, padding, dilation, ceil_mode):
    """How many windows fit; with ceil_mode a last, partial window counts too, unless it
    would start in the right padding (PyTorch's rule)."""
    span = dilation * (kernel - 1) + 1
    fit = (size + 2 * padding - span) / stride
    out = (math.ceil(fit) if ceil_mode else math.floor(fit)) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


class MaxPool2dGeneral(Function):
    """out[n,c,y,x] = max_{i,j} x_pad[n,c, s·y + d·i, s·x + d·j]
    ∂loss/∂x = each gradient sent to the element that was the maximum of its window"""

    name_in_pytorch = "MaxPool2DWithIndicesBackward0"
    same_node_as = MaxPool2dWithIndices  # ceil_mode and dilation: the same node in PyTorch
    # As pooling.py's max pooling: backward runs on arrays (create_graph=True gives first
    # gradients, and a clear error if they are differentiated again).
    supports_double_backward = False

    def forward(self, x, kernel, stride, padding, dilation, out_hw):
        self.input_shape, self.padding = x.shape, padding
        span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        # Right/bottom padding: as much as the last (partial) window reaches.
        extra = [max(0, (o - 1) * s + sp - n - p) for o, s, sp, n, p in
                 zip(out_hw, stride, span, x.shape[2:], padding)]
        pads = ((0, 0), (0, 0), (padding[0], extra[0]), (padding[1], extra[1]))
        padded = np.pad(x, pads, constant_values=-np.inf)
        windows = sliding_window_view(padded, span, axis=(2, 3))
        windows = windows[:, :, :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]
        windows = windows[:, :, : out_hw[0], : out_hw[1]]
        flat = windows.reshape(*windows.shape[:4], -1)
        best = flat.argmax(-1)  # the first maximum of each window, as PyTorch picks
        # Where each maximum is, in padded coordinates.
        i, j = np.divmod(best, kernel[1])
        rows = np.arange(out_hw[0])[:, None] * stride[0] + i * dilation[0]
        cols = np.arange(out_hw[1])[None, :] * stride[1] + j * dilation[1]
        self.padded_shape, self.rows, self.cols = padded.shape, rows, cols
        self.save_for_backward(best)  # as PyTorch saves its indices (freed after backward)
        return np.take_along_axis(flat, best[..., None], -1)[..., 0].astype(x.dtype)

    def backward(self, grad):
        self.saved_tensors  # noqa: B018 - raises once backward freed them, as PyTorch
        n, c = self.input_shape[:2]
        out = np.zeros(self.padded_shape, dtype=grad.dtype)
        batch = np.arange(n)[:, None, None, None]
        channel = np.arange(c)[None, :, None, None]
        np.add.at(out, (batch, channel, self.rows, self.cols), grad)
        (ph, pw), (h, w) = self.padding, self.input_shape[2:]
        return out[:, :, ph : ph + h, pw : pw + w]
