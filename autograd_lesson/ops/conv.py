"""2-D convolution: copy every window into a column (im2col), then one matrix product.

A convolution slides a (C × kh × kw) weight window over the padded image, `s` pixels at a
time, and takes a dot product at every position:

    out[n,o,y,x] = b[o] + Σ_{c,i,j} w[o,c,i,j] · x_pad[n, c, s·y+i, s·x+j]

im2col ("image to columns") copies the window at every position (n, y, x) into one column
of a matrix, cols[(c,i,j), (n,y,x)] = x_pad[n, c, s·y+i, s·x+j]. The weights, flattened,
are a (Cout, C·kh·kw) matrix W with the same (c, i, j) order, so all those dot products are
one matrix product, which BLAS computes at full speed: out = W @ cols, (Cout, N·Ho·Wo).

The backward pass is the matrix product's rule (Mm in ops/matmul.py), then the way back
from columns to pixels: col2im adds every entry of ∂loss/∂cols onto the pixel it was copied
from (a pixel seen by several windows receives the sum).

This is the convolution to read, and the one that runs on small inputs. ops/conv_fast.py
computes the same sums on big inputs in other orders, and on both cores; tests/
test_nn_conv_paths.py proves each gives this class's values and gradients.
"""

import numpy as np

from ..function import Function
from .windows import kernel_offsets, output_hw, pad, unpad


class Convolution(Function):
    """out = W @ im2col(x) + b,  out[n,o,y,x] = b[o] + Σ_{c,i,j} w[o,c,i,j]·x_pad[n,c,sy+i,sx+j]
    ∂loss/∂W = grad @ colsᵀ,  ∂loss/∂x = col2im(Wᵀ @ grad),  ∂loss/∂b = Σ grad over (n, y, x)

    The bias may be an empty array (a conv without bias): it then gets no gradient, and the
    graph shows (None, 0) in its place, as PyTorch's does.
    """

    name_in_pytorch = "ConvolutionBackward0"
    supports_double_backward = False  # create_graph=True: an error if differentiated again

    def forward(self, x, weight, bias, stride, padding):
        self.stride, self.padding, self.has_bias = stride, padding, bias.size > 0
        self.out_hw = output_hw(x.shape[2:], weight.shape[2:], stride, padding)
        cols = im2col(x, weight.shape[2:], stride, padding, self.out_hw)
        out = weight.reshape(len(weight), -1) @ cols  # (Cout, N·Ho·Wo)
        if self.has_bias:
            out += bias[:, None]
        # PyTorch saves the input and the weights, not cols: cols is kh·kw times bigger
        # than x, which the layer before keeps anyway. Backward copies the windows again.
        self.save_for_backward(x, weight)
        return images_first(out, len(x), self.out_hw)

    def backward(self, grad):
        x, weight = self.saved_tensors
        kernel, c_out = weight.shape[2:], len(weight)
        grad_out = channels_first(grad)  # (Cout, N·Ho·Wo), as `out` was
        grad_bias = grad_out.sum(axis=1) if self.has_bias else None
        grad_weight = grad_x = None
        if self.needs_input_grad[1]:
            cols = im2col(x, kernel, self.stride, self.padding, self.out_hw)
            grad_weight = (grad_out @ cols.T).reshape(weight.shape)
            del cols  # free before grad_cols, as big, is made
        if self.needs_input_grad[0]:  # not for the network's input image: it needs no gradient
            grad_cols = weight.reshape(c_out, -1).T @ grad_out  # (C·kh·kw, N·Ho·Wo)
            grad_x = col2im(grad_cols, x.shape, kernel, self.stride, self.padding, self.out_hw)
        return grad_x, grad_weight, grad_bias


def im2col(x, kernel, stride, padding, out_hw):
    """cols[(c,i,j), (n,y,x)] = x_pad[n, c, s·y+i, s·x+j]: every window of x as a column.

    One copy per kernel offset (i, j): the pixels that offset sees at every window position
    form a strided slice of the padded images (see windows.kernel_offsets).
    """
    x_padded = pad(x, padding)
    (n, c), (kh, kw) = x.shape[:2], kernel
    cols = np.empty((c, kh, kw, n, *out_hw), dtype=x.dtype)
    for i, j, (rows, columns) in kernel_offsets(kernel, out_hw, stride):
        cols[:, i, j] = x_padded[:, :, rows, columns].transpose(1, 0, 2, 3)
    return cols.reshape(c * kh * kw, -1)


def col2im(cols, x_shape, kernel, stride, padding, out_hw):
    """The adjoint of im2col: every entry of cols added onto the pixel it was copied from."""
    (n, c, h, w), (kh, kw) = x_shape, kernel
    pieces = cols.reshape(c, kh, kw, n, *out_hw)
    grad_padded = np.zeros((n, c, h + 2 * padding[0], w + 2 * padding[1]), dtype=cols.dtype)
    for i, j, (rows, columns) in kernel_offsets(kernel, out_hw, stride):
        grad_padded[:, :, rows, columns] += pieces[:, i, j].transpose(1, 0, 2, 3)
    return np.ascontiguousarray(unpad(grad_padded, padding, (h, w)))


def images_first(by_channel, n, out_hw):
    """(C, N·H·W) to PyTorch's C-ordered (N, C, H, W): one copy of whole images."""
    by_image = by_channel.reshape(len(by_channel), n, -1).transpose(1, 0, 2)
    return np.ascontiguousarray(by_image).reshape(n, -1, *out_hw)


def channels_first(images):
    """(N, C, H, W) to (C, N·H·W): the inverse of images_first."""
    return np.moveaxis(images, 1, 0).reshape(images.shape[1], -1)
