"""2-D convolution as one matrix product ("im2col").

A convolution slides a (kh × kw × C) weight window over the image and takes a dot product
at every position. Copying every window into one row of a matrix `cols` turns all those
dot products into a single matrix product, which BLAS computes at full speed:

    cols:   (N·Ho·Wo, kh·kw·C)    one row per output pixel, one column per weight
    W:      (Cout, kh·kw·C)       the weights, one row per filter, laid out to match
    out  =  cols @ Wᵀ             (N·Ho·Wo, Cout)

Memory layout (why the transposes). Inside, the convolution works "channels last" (NHWC):
the padded copy of the input keeps each pixel's C values side by side, so a window is kh·kw
runs of C contiguous numbers and the copy into `cols` is fast (from NCHW it would be 2-3
times slower). Outside, inputs and outputs are ordinary C-ordered NCHW arrays, as PyTorch's
are, so `view`, `reshape` and friends behave exactly as there. Computing the product as
W @ colsᵀ gives (Cout, N·Ho·Wo), and one copy of whole images puts it in (N, Cout, Ho, Wo).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function


def output_size(size, kernel, stride, padding):
    """How many window positions fit: ⌊(size + 2·padding - kernel) / stride⌋ + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def channels_last(x):
    """An (N, C, H, W) array seen as (N, H, W, C); no copy when x is stored channels-last."""
    return x.transpose(0, 2, 3, 1)


def as_nchw(x_nhwc):
    """An (N, H, W, C) array seen with shape (N, C, H, W), memory left channels-last."""
    return x_nhwc.transpose(0, 3, 1, 2)


def images_first(out_by_channel, n, out_hw):
    """(C, N·H·W) to a C-ordered (N, C, H, W): copies whole images (no copy when N = 1)."""
    c = out_by_channel.shape[0]
    by_image = out_by_channel.reshape(c, n, -1).transpose(1, 0, 2)
    return np.ascontiguousarray(by_image).reshape(n, c, *out_hw)


def channels_first(grad):
    """(N, C, H, W) to (C, N·H·W): the inverse of images_first."""
    return np.moveaxis(grad, 1, 0).reshape(grad.shape[1], -1)


def pad_nhwc(x_nhwc, padding, fill=0.0):
    """x with `padding` rows/columns of `fill` around each image (a new NHWC array)."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x_nhwc
    n, h, w, c = x_nhwc.shape
    padded = np.full((n, h + 2 * ph, w + 2 * pw, c), fill, dtype=x_nhwc.dtype)
    padded[:, ph : ph + h, pw : pw + w] = x_nhwc
    return padded


def kernel_offset_slices(i, j, out_hw, stride):
    """The (rows, columns) of the padded input that kernel offset (i, j) touches."""
    (ho, wo), (sh, sw) = out_hw, stride
    return slice(i, i + sh * (ho - 1) + 1, sh), slice(j, j + sw * (wo - 1) + 1, sw)


def im2col(x_padded, kernel, stride, channels_first):
    """Every kh×kw window of an NHWC array as one row of a matrix (N·Ho·Wo, kh·kw·C).

    Two orders for a row's numbers, each cheap in its own case (see Convolution):
    (kh, kw, C), channels_first=False: the copy moves runs of C contiguous numbers;
    (C, kh, kw), channels_first=True: the order of PyTorch's weights, so they need no copy.
    """
    (kh, kw), (sh, sw) = kernel, stride
    n, _, _, c = x_padded.shape
    if kh == 1 and kw == 1:
        # A 1×1 convolution needs no windows: each (strided) pixel is its own row.
        return x_padded[:, ::sh, ::sw, :].reshape(-1, c)
    # A view (no copy) of shape (N, H-kh+1, W-kw+1, C, kh, kw), then keep every stride-th.
    windows = sliding_window_view(x_padded, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    if not channels_first:
        windows = windows.transpose(0, 1, 2, 4, 5, 3)  # (N, Ho, Wo, kh, kw, C)
    return windows.reshape(-1, kh * kw * c)  # the one copy


def col2im(cols_grad, padded_shape, kernel, stride, out_hw, channels_first):
    """The adjoint of im2col: add each row's pieces back where the window took them from.

    Loops over the kh·kw kernel offsets only; each step adds one strided slice for all
    images, pixels and channels at once (about twice as fast as np.add.at).
    """
    (kh, kw), (ho, wo) = kernel, out_hw
    n, _, _, c = padded_shape
    if channels_first:
        pieces = cols_grad.reshape(n, ho, wo, c, kh, kw).transpose(0, 1, 2, 4, 5, 3)
    else:
        pieces = cols_grad.reshape(n, ho, wo, kh, kw, c)
    grad = np.zeros(padded_shape, dtype=cols_grad.dtype)
    for i in range(kh):
        for j in range(kw):
            rows, columns = kernel_offset_slices(i, j, out_hw, stride)
            grad[:, rows, columns, :] += pieces[:, :, :, i, j, :]
    return grad


def weight_rows(weight, channels_first):
    """The weights as (Cout, kh·kw·C), each row in the same order as a row of cols."""
    if channels_first:
        return weight.reshape(weight.shape[0], -1)  # PyTorch's own layout: no copy
    return weight.transpose(0, 2, 3, 1).reshape(weight.shape[0], -1)


class Convolution(Function):
    """out[n,o,y,x] = b[o] + Σ_{c,i,j} w[o,c,i,j]·x_pad[n,c,s·y+i,s·x+j]  (as W @ colsᵀ)
    ∂loss/∂W = grad @ cols,  ∂loss/∂cols = gradᵀ @ W (then col2im),  ∂loss/∂b = Σ grad

    The bias may be an empty array (a conv without bias): it then gets no gradient, and the
    graph shows (None, 0) in its place, as PyTorch's does.
    """

    name_in_pytorch = "ConvolutionBackward0"

    def forward(self, x, weight, bias, stride, padding):
        c_out, c_in, kh, kw = weight.shape
        n, _, h, w = x.shape
        self.kernel, self.stride, self.weight_shape = (kh, kw), stride, weight.shape
        self.out_hw = (
            output_size(h, kh, stride[0], padding[0]),
            output_size(w, kw, stride[1], padding[1]),
        )
        self.input_hw, self.padding = (h, w), padding
        # Which layout to copy: with many output pixels, cols is the big matrix and the
        # (kh, kw, C) order copies it fastest; with few (small images, deep layers), the
        # weights are bigger than cols, and the (C, kh, kw) order spares copying them.
        self.channels_first = n * self.out_hw[0] * self.out_hw[1] < c_out
        w_rows = weight_rows(weight, self.channels_first)
        out = w_rows @ self.cols(x).T  # (Cout, N·Ho·Wo)
        if bias.size:
            out += bias[:, None]
        # Save x, not cols: cols is up to kh·kw times bigger, and x is usually kept anyway
        # (by the ReLU before). Backward rebuilds cols, a copy that costs far less than the
        # matrix products.
        self.save_for_backward(x, w_rows)
        self.has_bias = bool(bias.size)
        return images_first(out, n, self.out_hw)

    def cols(self, x):
        x_padded = pad_nhwc(channels_last(x), self.padding)
        self.padded_shape = x_padded.shape
        return im2col(x_padded, self.kernel, self.stride, self.channels_first)

    def backward(self, grad):
        x, w_rows = self.saved_tensors
        cols = self.cols(x)
        c_out, c_in, kh, kw = self.weight_shape
        grad_by_channel = channels_first(grad)  # (Cout, N·Ho·Wo)
        grad_w = grad_by_channel @ cols  # (Cout, kh·kw·C), rows ordered as w_rows
        if self.channels_first:
            grad_w = grad_w.reshape(self.weight_shape)
        else:
            grad_w = np.ascontiguousarray(grad_w.reshape(c_out, kh, kw, c_in).transpose(0, 3, 1, 2))
        grad_b = grad_by_channel.sum(axis=1) if self.has_bias else None
        # The input's gradient is skipped when nothing needs it (e.g. the network's input
        # image): for the first layer that is the most expensive part of backward.
        input_node, _ = self.next_functions[0]
        if input_node is None:
            return None, grad_w, grad_b
        grad_cols = grad_by_channel.T @ w_rows  # (N·Ho·Wo, kh·kw·C)
        grad_padded = col2im(
            grad_cols, self.padded_shape, self.kernel, self.stride, self.out_hw, self.channels_first
        )
        (ph, pw), (h, w) = self.padding, self.input_hw
        grad_x = as_nchw(grad_padded[:, ph : ph + h, pw : pw + w, :])
        return np.ascontiguousarray(grad_x), grad_w, grad_b
