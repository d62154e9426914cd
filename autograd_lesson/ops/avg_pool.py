"""2-D average pooling: the mean of each window (nn.AvgPool2d)."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function


class AvgPool2d(Function):
    """out[n,c,y,x] = Σ_{i,j} x_pad[n,c,s·y+i,s·x+j] / d   (d = kh·kw, or the count of
    non-padding elements with count_include_pad=False)
    ∂loss/∂x_pad[n,c,s·y+i,s·x+j] += grad[n,c,y,x] / d"""

    name_in_pytorch = "AvgPool2DBackward0"
    # As the other pooling ops: backward runs on arrays, so create_graph=True gives first
    # gradients and a clear error if they are differentiated again.
    supports_double_backward = False

    def forward(self, x, kernel, stride, padding, count_include_pad, divisor_override):
        self.kernel, self.stride, self.padding = kernel, stride, padding
        self.save_for_backward(x)  # as PyTorch (its shape is all backward reads)
        pad = ((0, 0),) * (x.ndim - 2) + ((padding[0], padding[0]), (padding[1], padding[1]))
        windows = self.windows(np.pad(x, pad))
        if divisor_override:
            self.divisor = np.asarray(divisor_override, dtype=x.dtype)
        elif count_include_pad:
            self.divisor = np.asarray(kernel[0] * kernel[1], dtype=x.dtype)
        else:  # how many real (not padding) elements each window holds
            ones = np.pad(np.ones(x.shape[-2:], dtype=x.dtype), pad[-2:])
            self.divisor = self.windows(ones).sum(axis=(-2, -1))
        return (windows.sum(axis=(-2, -1)) / self.divisor).astype(x.dtype)

    def windows(self, padded):
        kh, kw = self.kernel
        sh, sw = self.stride
        return sliding_window_view(padded, (kh, kw), axis=(-2, -1))[..., ::sh, ::sw, :, :]

    def backward(self, grad):
        (x,) = self.saved_tensors
        (kh, kw), (sh, sw), (ph, pw) = self.kernel, self.stride, self.padding
        h, w = x.shape[-2:]
        share = grad / self.divisor
        out_h, out_w = grad.shape[-2:]
        padded = np.zeros(grad.shape[:-2] + (h + 2 * ph, w + 2 * pw), dtype=grad.dtype)
        for i in range(kh):  # each window position adds its share to the elements it covered
            for j in range(kw):
                padded[..., i : i + sh * out_h : sh, j : j + sw * out_w : sw] += share
        return padded[..., ph : ph + h, pw : pw + w]
