"""Faster ways to compute ops/conv.py's convolution: the same sums, in other orders.

Read ops/conv.py first: its `Convolution` (im2col, one product) defines what every class
here computes, and tests/test_nn_conv_paths.py checks that each gives its values and
gradients. `convolution_for` picks the class for a call (nn.functional.conv2d asks it):

* `Convolution` itself, for small convolutions (below MIN_WORK multiply-adds): there,
  anything else would cost more in Python than it could save.
* `ConvolutionInParts`: the same im2col and products, with the batch split into parts
  that run at the same time, one per core (autograd_lesson/threads.py says when and why).
  Chosen for big convolutions with few input channels (the RGB stem) or fewer output
  pixels than output channels (deep layers), where one product with the whole of cols is
  what BLAS does best.
* `ConvolutionByOffset`, also in parts: one product per kernel offset (i, j) instead of
  one with cols: out = Σ_{i,j} w[:, :, i, j] @ window(i, j), where window(i, j) holds the
  pixels that offset sees at every position. No cols (kh·kw times bigger than the input)
  is ever made: the temporaries are the size of one activation, reused from offset to
  offset, which keeps a ResNet's training step below PyTorch's peak memory; and backward
  needs no col2im. It works "channels last" (N, H, W, C): a pixel's C values side by
  side, so copying a window moves runs of C numbers, not single ones. Chosen with at
  least 16 input channels (each product's inner dimension; thinner ones run slowly in
  BLAS) and at least as many output pixels as output channels.
"""

import numpy as np

from .conv import Convolution, needs_grad
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
    if c_in >= 16 and pixels >= c_out:
        return ConvolutionByOffset
    return ConvolutionInParts


class ConvolutionInParts(BatchInParts, Convolution):
    """Convolution's own im2col and products, the batch in parts computed at the same time."""

    part_class = Convolution

    def work(self, x, weight, bias, stride, padding):
        """Multiply-adds of the forward product: one per weight, per output pixel."""
        out_hw = output_hw(x.shape[2:], weight.shape[2:], stride, padding)
        return len(x) * out_hw[0] * out_hw[1] * weight.size


class ConvolutionOffsetByOffset(Convolution):
    """One part of ConvolutionByOffset: out = Σ_{i,j} window(i, j) @ w[:, :, i, j]ᵀ,
    computed offset by offset in channels-last layout, in one thread."""

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
        if needs_grad(self, 1):
            grad_weight = np.empty(weight.shape, dtype=weight.dtype)
            for i, j, window in self.windows(channels_last_padded(x, self.padding)):
                np.matmul(grad_rows.T, window, out=grad_weight[:, :, i, j])
        if needs_grad(self, 0):
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
        return np.ascontiguousarray(grad_x.transpose(0, 3, 1, 2))


class ConvolutionByOffset(ConvolutionInParts):
    """ConvolutionOffsetByOffset's products, the batch in parts computed at the same time."""

    part_class = ConvolutionOffsetByOffset


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
