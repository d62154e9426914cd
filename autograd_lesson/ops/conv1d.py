"""1-D convolution (a sequence's channels, a kernel sliding along its length), for
nn.Conv1d. Windows are read with NumPy's sliding_window_view: no copy, one einsum."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from .conv import Convolution


class Convolution1d(Function):
    """out[n,o,t] = b[o] + Σ_{c,k} w[o,c,k]·x_pad[n,c,s·t+k]
    ∂loss/∂w[o,c,k] = Σ_{n,t} grad[n,o,t]·x_pad[n,c,s·t+k],  ∂loss/∂b = Σ grad,
    ∂loss/∂x_pad[n,c,s·t+k] += Σ_o grad[n,o,t]·w[o,c,k]"""

    name_in_pytorch = "ConvolutionBackward0"
    same_node_as = Convolution  # PyTorch records every convolution as this one node
    # As the 2-D convolution: backward runs on arrays (einsum over windows), so a gradient
    # of its gradient (create_graph=True) raises a clear error.
    supports_double_backward = False

    def forward(self, x, weight, bias, stride, padding):
        self.stride, self.padding, self.length = stride, padding, x.shape[2]
        self.has_bias = bool(bias.size)
        self.save_for_backward(x, weight)
        windows = self.windows(x, weight.shape[2])  # (N, C, L_out, K)
        out = np.einsum("nclk,ock->nol", windows, weight)
        return out + bias[:, None] if self.has_bias else out

    def windows(self, x, kernel):
        padded = np.pad(x, ((0, 0), (0, 0), (self.padding, self.padding)))
        return sliding_window_view(padded, kernel, axis=2)[:, :, :: self.stride]

    def backward(self, grad):
        x, weight = self.saved_tensors
        kernel = weight.shape[2]
        windows = self.windows(x, kernel)
        grad_w = np.einsum("nol,nclk->ock", grad, windows)
        grad_windows = np.einsum("nol,ock->nclk", grad, weight)
        grad_padded = np.zeros((x.shape[0], x.shape[1], self.length + 2 * self.padding), x.dtype)
        span = self.stride * grad.shape[2]
        for k in range(kernel):  # each kernel tap adds to the positions it read
            grad_padded[:, :, k : k + span : self.stride] += grad_windows[..., k]
        grad_x = grad_padded[:, :, self.padding : self.padding + self.length]
        grad_b = grad.sum(axis=(0, 2)) if self.has_bias else None
        return grad_x, grad_w, grad_b
