"""Faster ways to compute ops/conv.py's convolution: the same sums, in other orders.

Read ops/conv.py first: its `Convolution` (im2col, one product) defines what every class
here computes, and tests/test_nn_conv_paths.py checks that each gives its values and
gradients. `convolution_for` picks the class for a call (nn.functional.conv2d asks it):

* `Convolution` itself, for small convolutions (below MIN_WORK multiply-adds): there,
  anything else would cost more in Python than it could save.
* Every other convolution runs in parts: the images of the batch split into parts that
  are computed at the same time, one per core (ops/parts.py; autograd_lesson/threads.py
  says when a batch is split). Each part is computed by one of three classes:
* `ConvolutionByOffset` (in `ConvolutionByOffsetInParts`), with at least 16 input
  channels and at least as many output pixels as output channels: one product per
  kernel offset (i, j) instead of one with cols, out = Σ_{i,j} window(i, j) @ w[:, :, i, j]ᵀ,
  where window(i, j) holds the pixels that offset sees at every position. No cols (kh·kw
  times bigger than the input) is ever made: the temporaries are the size of one
  activation, reused from offset to offset, which keeps a ResNet's training step below
  PyTorch's peak memory; and backward needs no col2im. It works "channels last" (N, H, W,
  C): a pixel's C values side by side, so copying a window moves runs of C numbers. With
  fewer channels each product's inner dimension is too thin for BLAS to run at speed.
* `ConvolutionWindowRows`, with fewer output pixels than output channels (deep layers,
  small batches): im2col with one row per window, copied from channels-last images,
  whose copies and col2im move runs of C numbers where conv.py's per-offset copies of
  tiny (2×2) images would move single ones. Here the weights are bigger than the
  images, so `ConvolutionWindowRowsInParts` splits its products by channels instead.
* `Convolution` (in `ConvolutionInParts`) for the rest: few input channels and big
  images, such as an RGB stem, where conv.py's copies of whole image rows are the fast ones.
"""


import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import threads
from .conv import Convolution, channels_first, images_first
from .parts import BatchInParts
from .windows import kernel_offsets, output_hw, pad, unpad

# Below this many multiply-adds, the reading path runs as it is. 2¹⁸ is also where
# OpenBLAS itself stops using more than one thread for a product.
MIN_WORK = 2**18


def convolution_for(x_shape, weight_shape, stride, padding):
    """The Function class that computes this convolution fastest (all give the same sums)."""
    c_out, c_in, kh, kw = weight_shape
    out_hw = output_hw(x_shape[2:], (kh, kw), stride, padding)
    pixels = x_shape[0] * out_hw[0] * out_hw[1]
    if pixels * c_out * c_in * kh * kw < MIN_WORK:
        return Convolution
    if pixels < c_out:
        return ConvolutionWindowRowsInParts
    if c_in >= 16:
        return ConvolutionByOffsetInParts
    return ConvolutionInParts


class ConvolutionInParts(BatchInParts, Convolution):
    """Convolution's own im2col and products, the batch in parts computed at the same time."""

    part_class = Convolution

    def work(self, x, weight, bias, stride, padding):
        """Multiply-adds of the forward product: one per weight, per output pixel."""
        out_hw = output_hw(x.shape[2:], weight.shape[2:], stride, padding)
        return len(x) * out_hw[0] * out_hw[1] * weight.size


class ConvolutionByOffset(Convolution):
    """One part of ConvolutionByOffsetInParts: out = Σ_{i,j} window(i, j) @ w[:, :, i, j]ᵀ,
    computed offset by offset in channels-last layout, in one thread."""

    grad_x_into = None  # set by ConvolutionByOffsetInParts: where ∂loss/∂x goes (ops/parts.py)

    def forward(self, x, weight, bias, stride, padding):
        self.stride, self.padding, self.has_bias = stride, padding, bias.size > 0
        self.kernel = weight.shape[2:]
        self.out_hw = output_hw(x.shape[2:], self.kernel, stride, padding)
        out = None
        w_ij = np.empty(weight.shape[:2], dtype=weight.dtype)
        for i, j, window in self.windows(channels_last_padded(x, padding)):
            offset_weights(weight, i, j, out=w_ij)
            if out is None:
                out = window @ w_ij.T
                product = np.empty_like(out)
            else:  # into a reused buffer, then added: no new array per offset
                np.matmul(window, w_ij.T, out=product)
                out += product
        if self.has_bias:
            out += bias
        self.save_for_backward(x, weight)
        return images_from_rows(out, len(x), self.out_hw)

    def windows(self, x_padded):
        """For each kernel offset (i, j): i, j, and the pixels it sees as (N·Ho·Wo, C) rows,
        copied into one reused buffer (valid until the next offset)."""
        n, c = x_padded.shape[0], x_padded.shape[3]
        window = np.empty((n, *self.out_hw, c), dtype=x_padded.dtype)
        for i, j, (rows, columns) in kernel_offsets(self.kernel, self.out_hw, self.stride):
            np.copyto(window, x_padded[:, rows, columns, :])
            yield i, j, window.reshape(-1, c)

    def backward(self, grad):
        """Per offset (i, j): ∂w[:,:,i,j] = gradᵀ @ window(i, j), and grad @ w[:,:,i,j] added
        back onto the pixels the window took (the padded input's gradient).

        Two loops over the offsets: the first needs the padded input, the second the padded
        gradient; one after the other, the two are never in memory at the same time.
        """
        x, weight = self.saved_tensors
        grad_rows = rows_from_images(grad)  # (N·Ho·Wo, Cout)
        grad_bias = grad_rows.sum(axis=0) if self.has_bias else None
        grad_weight = grad_x = None
        window = None
        if self.needs_input_grad[1]:
            grad_weight = np.empty(weight.shape, dtype=weight.dtype)
            for i, j, window in self.windows(channels_last_padded(x, self.padding)):
                np.matmul(grad_rows.T, window, out=grad_weight[:, :, i, j])
        if self.needs_input_grad[0]:
            grad_x = self.input_gradient(x, weight, grad_rows, window)
        return grad_x, grad_weight, grad_bias

    def input_gradient(self, x, weight, grad_rows, piece):
        """∂loss/∂x: grad @ w[:, :, i, j] for each offset, added where window(i, j) was taken."""
        (n, c, h, w), (ph, pw) = x.shape, self.padding
        grad_padded = np.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype=grad_rows.dtype)
        if piece is None:  # no window buffer to reuse: make one
            piece = np.empty((len(grad_rows), c), dtype=grad_rows.dtype)
        w_ij = np.empty(weight.shape[:2], dtype=weight.dtype)
        for i, j, (rows, columns) in kernel_offsets(self.kernel, self.out_hw, self.stride):
            np.matmul(grad_rows, offset_weights(weight, i, j, out=w_ij), out=piece)
            seen = grad_padded[:, rows, columns, :]  # a view: += adds into grad_padded
            seen += piece.reshape(seen.shape)
        grad_x = unpad(grad_padded, self.padding, (h, w), spatial_axes=(1, 2))
        return into_or_new(self.grad_x_into, grad_x.transpose(0, 3, 1, 2))


class ConvolutionByOffsetInParts(ConvolutionInParts):
    """ConvolutionByOffset's products, the batch in parts computed at the same time."""

    part_class = ConvolutionByOffset


class ConvolutionWindowRows(Convolution):
    """One part of ConvolutionWindowRowsInParts: im2col as rows, copied from channels-last
    images in the weights' own (c, i, j) order, then out = W @ colsᵀ."""

    def forward(self, x, weight, bias, stride, padding):
        self.stride, self.padding, self.has_bias = stride, padding, bias.size > 0
        self.kernel = weight.shape[2:]
        self.out_hw = output_hw(x.shape[2:], self.kernel, stride, padding)
        cols = window_rows(channels_last_padded(x, padding), self.kernel, stride)
        out = weight.reshape(len(weight), -1) @ cols.T  # (Cout, N·Ho·Wo)
        if self.has_bias:
            out += bias[:, None]
        self.save_for_backward(x, weight)
        return images_first(out, len(x), self.out_hw)

    def backward(self, grad):
        x, weight = self.saved_tensors
        grad_out = channels_first(grad)  # (Cout, N·Ho·Wo)
        grad_bias = grad_out.sum(axis=1) if self.has_bias else None
        grad_weight = grad_x = None
        if self.needs_input_grad[1]:
            cols = window_rows(channels_last_padded(x, self.padding), self.kernel, self.stride)
            grad_weight = (grad_out @ cols).reshape(weight.shape)
            del cols  # free before grad_cols, as big, is made
        if self.needs_input_grad[0]:
            grad_cols = grad_out.T @ weight.reshape(len(weight), -1)  # (N·Ho·Wo, C·kh·kw)
            grad_x = self.rows_to_image(grad_cols, x.shape)
        return grad_x, grad_weight, grad_bias

    def rows_to_image(self, grad_cols, x_shape):
        """The adjoint of window_rows, as a (C-ordered) NCHW gradient of x."""
        (n, c, h, w), (ph, pw) = x_shape, self.padding
        grad_padded = np.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype=grad_cols.dtype)
        self.add_rows_to_image(grad_cols, grad_padded)
        grad_x = unpad(grad_padded, self.padding, (h, w), spatial_axes=(1, 2))
        return np.ascontiguousarray(grad_x.transpose(0, 3, 1, 2))

    def add_rows_to_image(self, grad_cols, grad_padded):
        """Each row's pieces added back where the window took them from (the padded NHWC
        gradient), one kernel offset at a time, runs of C channels at once."""
        n, _, _, c = grad_padded.shape
        pieces = grad_cols.reshape(n, *self.out_hw, c, *self.kernel)
        for i, j, (rows, columns) in kernel_offsets(self.kernel, self.out_hw, self.stride):
            grad_padded[:, rows, columns, :] += pieces[..., i, j]


class ConvolutionWindowRowsInParts(ConvolutionWindowRows):
    """ConvolutionWindowRows's products in parts computed at the same time, split by
    channels, not by images: here the weights are bigger than the images, and a part
    per image group would read all of them again. The output and ∂W are split by output
    channels (rows of W), ∂x by input channels (columns of W, and the channels of x)."""

    def forward(self, x, weight, bias, stride, padding):
        self.stride, self.padding, self.has_bias = stride, padding, bias.size > 0
        self.kernel = weight.shape[2:]
        self.out_hw = output_hw(x.shape[2:], self.kernel, stride, padding)
        cols = window_rows(channels_last_padded(x, padding), self.kernel, stride)
        w_rows = weight.reshape(len(weight), -1)
        out = np.empty((len(weight), len(cols)), dtype=x.dtype)  # (Cout, N·Ho·Wo)

        def forward_part(channels):
            np.matmul(w_rows[channels], cols.T, out=out[channels])

        self.run_in_parts(forward_part, len(weight), out.size * cols.shape[1])
        if self.has_bias:
            out += bias[:, None]
        self.save_for_backward(x, weight)
        return images_first(out, len(x), self.out_hw)

    def backward(self, grad):
        x, weight = self.saved_tensors
        (c_out, c_in, kh, kw), work = weight.shape, grad.size * weight[0].size
        grad_out = channels_first(grad)  # (Cout, N·Ho·Wo)
        grad_bias = grad_out.sum(axis=1) if self.has_bias else None
        w_rows = weight.reshape(c_out, -1)
        grad_weight = grad_x = None
        if self.needs_input_grad[1]:
            cols = window_rows(channels_last_padded(x, self.padding), self.kernel, self.stride)
            grad_weight = np.empty(weight.shape, dtype=weight.dtype)
            grad_w_rows = grad_weight.reshape(c_out, -1)

            def weight_part(channels):
                np.matmul(grad_out[channels], cols, out=grad_w_rows[channels])

            self.run_in_parts(weight_part, c_out, work)
            del cols
        if self.needs_input_grad[0]:
            n, _, h, w = x.shape
            (ph, pw), per_channel = self.padding, kh * kw
            grad_padded = np.zeros((n, h + 2 * ph, w + 2 * pw, c_in), dtype=grad.dtype)

            def input_part(channels):
                columns = slice(channels.start * per_channel, channels.stop * per_channel)
                grad_cols = grad_out.T @ w_rows[:, columns]  # these channels' (c, i, j)
                self.add_rows_to_image(grad_cols, grad_padded[..., channels])

            self.run_in_parts(input_part, c_in, work)
            grad_x = unpad(grad_padded, self.padding, (h, w), spatial_axes=(1, 2))
            grad_x = np.ascontiguousarray(grad_x.transpose(0, 3, 1, 2))
        return grad_x, grad_weight, grad_bias

    @staticmethod
    def run_in_parts(function, channels, work):
        with threads.single_threaded_blas():
            threads.run(function, threads.split(channels, work))


def into_or_new(into, values):
    """`values` copied into `into` when given, else into a new C-ordered array."""
    if into is None:
        return np.ascontiguousarray(values)
    np.copyto(into, values)
    return into


def window_rows(x_padded, kernel, stride):
    """Every window of a padded channels-last (N, H, W, C) array as one row of a matrix
    (N·Ho·Wo, C·kh·kw), in the (c, i, j) order of PyTorch's weights: they need no copy."""
    (kh, kw), (sh, sw), c = kernel, stride, x_padded.shape[3]
    if kh == 1 and kw == 1:  # a 1×1 convolution: each (strided) pixel is its own window
        return x_padded[:, ::sh, ::sw, :].reshape(-1, c)
    # A view (no copy) of shape (N, Ho, Wo, C, kh, kw); the reshape makes the one copy.
    windows = sliding_window_view(x_padded, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    return windows.reshape(-1, c * kh * kw)


def channels_last_padded(x, padding):
    """x (N, C, H, W) as a padded channels-last (N, H, W, C) array (a copy when padded)."""
    return pad(x.transpose(0, 2, 3, 1), padding, spatial_axes=(1, 2))


def offset_weights(weight, i, j, out):
    """w[:, :, i, j], (Cout, C), copied into `out`: NumPy's matmul runs a loop several times
    slower than BLAS on a strided matrix such as the slice itself."""
    np.copyto(out, weight[:, :, i, j])
    return out


def images_from_rows(rows, n, out_hw):
    """(N·H·W, C) rows, one per pixel, to a C-ordered (N, C, H, W) array (one copy)."""
    return np.ascontiguousarray(rows.reshape(n, *out_hw, -1).transpose(0, 3, 1, 2))


def rows_from_images(x):
    """(N, C, H, W) to (N·H·W, C), one row per pixel: the inverse of images_from_rows."""
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1)).reshape(-1, x.shape[1])
