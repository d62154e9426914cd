"""2-D convolution with groups and dilation (nn.Conv2d(groups=, dilation=)).

The common case (groups=1, dilation=1) runs on conv.py's faster kernels; this one reads
every window with NumPy's sliding_window_view (no copy) and multiplies with one einsum.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from .conv import Convolution


class GroupedConvolution(Function):
    """Channels split into g groups, each convolved with its own filters; kernel taps d apart:
    out[n,o,y,x] = b[o] + Σ_{c in o's group, i, j} w[o,c,i,j]·x_pad[n,c, s·y + d·i, s·x + d·j]
    ∂loss/∂w[o,c,i,j] = Σ grad[n,o,y,x]·x_pad[n,c,s·y+d·i,s·x+d·j],  ∂loss/∂b = Σ grad,
    ∂loss/∂x_pad[n,c,s·y+d·i,s·x+d·j] += Σ_o grad[n,o,y,x]·w[o,c,i,j]"""

    name_in_pytorch = "ConvolutionBackward0"
    same_node_as = Convolution  # PyTorch records every convolution as this one node
    # As the other convolutions: backward runs on arrays (einsum over windows), so a
    # gradient of its gradient (create_graph=True) raises a clear error.
    supports_double_backward = False

    def forward(self, x, weight, bias, stride, padding, dilation, groups):
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        self.has_bias = bool(bias.size)
        self.save_for_backward(x, weight)
        n, g = x.shape[0], groups
        windows = self.grouped_windows(x, weight.shape[2:])  # (N, g, C/g, Ho, Wo, kh, kw)
        w = weight.reshape(g, -1, *weight.shape[1:])  # (g, O/g, C/g, kh, kw)
        out = np.einsum("ngchwij,gocij->ngohw", windows, w)
        out = out.reshape(n, -1, *out.shape[-2:])
        return out + bias[:, None, None] if self.has_bias else out

    def grouped_windows(self, x, kernel):
        (ph, pw), (sh, sw), (dh, dw) = self.padding, self.stride, self.dilation
        padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        span = (dh * (kernel[0] - 1) + 1, dw * (kernel[1] - 1) + 1)
        windows = sliding_window_view(padded, span, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
        return windows.reshape(x.shape[0], self.groups, -1, *windows.shape[2:])

    def backward(self, grad):
        x, weight = self.saved_tensors
        g, (kh, kw) = self.groups, weight.shape[2:]
        (ph, pw), (sh, sw), (dh, dw) = self.padding, self.stride, self.dilation
        windows = self.grouped_windows(x, (kh, kw))
        grad_g = grad.reshape(grad.shape[0], g, -1, *grad.shape[2:])  # (N, g, O/g, Ho, Wo)
        w = weight.reshape(g, -1, *weight.shape[1:])
        grad_w = np.einsum("ngohw,ngchwij->gocij", grad_g, windows).reshape(weight.shape)
        grad_windows = np.einsum("ngohw,gocij->ngchwij", grad_g, w)
        grad_windows = grad_windows.reshape(x.shape[0], x.shape[1], *grad_windows.shape[3:])
        h, wd = x.shape[2:]
        out_h, out_w = grad.shape[2:]
        padded = np.zeros(x.shape[:2] + (h + 2 * ph, wd + 2 * pw), dtype=x.dtype)
        for i in range(kh):  # each kernel tap adds to the elements it read
            for j in range(kw):
                rows = slice(i * dh, i * dh + sh * out_h, sh)
                cols = slice(j * dw, j * dw + sw * out_w, sw)
                padded[:, :, rows, cols] += grad_windows[..., i, j]
        grad_b = grad.sum(axis=(0, 2, 3)) if self.has_bias else None
        return padded[:, :, ph : ph + h, pw : pw + wd], grad_w, grad_b
