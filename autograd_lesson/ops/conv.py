"""2-D convolution as matrix products, computed in one of two ways that give the same sums.

A convolution slides a (kh × kw × C) weight window over the image and takes a dot product
at every position: out[n,o,y,x] = Σ_{c,i,j} w[o,c,i,j]·x_pad[n,c,s·y+i,s·x+j]. BLAS
computes matrix products at full speed, so both ways turn those dot products into products:

* Kernel offset by kernel offset. Fix the offset (i, j): the pixels every window sees there
  form a matrix `window` (N·Ho·Wo, C), and their contribution is one product with the
  (C, Cout) weights of that offset. The output is the sum of the kh·kw products. Each
  temporary array is only as big as the output, and the backward pass works the same way.
* im2col: copy every whole window into one row of a matrix `cols` (N·Ho·Wo, kh·kw·C), then
  out = cols @ Wᵀ, one product. `cols` is kh·kw times bigger than the input, but this wins
  when the per-offset products would be too thin for BLAS: with few input channels (an RGB
  image) or with fewer output pixels than output channels (deep layers, small batches).

Memory layout. Inside, the convolution works "channels last" (NHWC): a pixel's C values are
side by side, so copying windows moves runs of C contiguous numbers (from NCHW it would be
2-3 times slower). Outside, inputs and outputs are ordinary C-ordered NCHW arrays, as
PyTorch's are, so `view`, `reshape` and friends behave exactly as there.
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


def kernel_offsets(kernel, out_hw, stride):
    """Every kernel offset (i, j), with the (rows, columns) of the padded input that the
    offset touches over all output positions: strided slices, so no loop over pixels.
    (Pooling slides its windows the same way.)"""
    (kh, kw), (ho, wo), (sh, sw) = kernel, out_hw, stride
    for i in range(kh):
        for j in range(kw):
            yield i, j, (slice(i, i + sh * (ho - 1) + 1, sh), slice(j, j + sw * (wo - 1) + 1, sw))


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
    for i, j, (rows, columns) in kernel_offsets(kernel, out_hw, stride):
        grad[:, rows, columns, :] += pieces[:, :, :, i, j, :]
    return grad


def weight_rows(weight, channels_first):
    """The weights as (Cout, kh·kw·C), each row in the same order as a row of cols."""
    if channels_first:
        return weight.reshape(weight.shape[0], -1)  # PyTorch's own layout: no copy
    return weight.transpose(0, 2, 3, 1).reshape(weight.shape[0], -1)


def nchw_from_rows(rows, n, out_hw):
    """(N·H·W, C) rows, one per pixel, to a C-ordered (N, C, H, W) array (one copy)."""
    return np.ascontiguousarray(as_nchw(rows.reshape(n, *out_hw, -1)))


def rows_from_nchw(x):
    """(N, C, H, W) to (N·H·W, C), one row per pixel: the inverse of nchw_from_rows."""
    return np.ascontiguousarray(channels_last(x)).reshape(-1, x.shape[1])


def offset_weights(weight, i, j, out):
    """w[:, :, i, j], (Cout, C), copied into `out`: NumPy's matmul runs a loop several times
    slower than BLAS on a strided matrix such as the slice itself."""
    np.copyto(out, weight[:, :, i, j])
    return out


def uses_kernel_offsets(x_shape, weight_shape, out_hw):
    """True when each per-offset product is big enough for BLAS to run at full speed:
    at least 16 input channels (its inner dimension) and as many output pixels as output
    channels (else the weights dominate, and im2col's single product reads them once)."""
    n, c_in = x_shape[:2]
    return c_in >= 16 and n * out_hw[0] * out_hw[1] >= weight_shape[0]


class Convolution(Function):
    """out[n,o,y,x] = b[o] + Σ_{c,i,j} w[o,c,i,j]·x_pad[n,c,s·y+i,s·x+j]
    ∂loss/∂w[:,:,i,j] = gradᵀ·window(i,j),  ∂loss/∂window(i,j) = grad·w[:,:,i,j],  ∂loss/∂b = Σ grad

    The bias may be an empty array (a conv without bias): it then gets no gradient, and the
    graph shows (None, 0) in its place, as PyTorch's does.
    """

    name_in_pytorch = "ConvolutionBackward0"
    supports_double_backward = False  # create_graph=True: an error if differentiated again

    def forward(self, x, weight, bias, stride, padding):
        c_out, c_in, kh, kw = weight.shape
        n, _, h, w = x.shape
        self.kernel, self.stride, self.padding, self.input_hw = (kh, kw), stride, padding, (h, w)
        self.out_hw = (
            output_size(h, kh, stride[0], padding[0]),
            output_size(w, kw, stride[1], padding[1]),
        )
        self.by_offset = uses_kernel_offsets(x.shape, weight.shape, self.out_hw)
        # For im2col, which order to copy: with many output pixels, cols is the big matrix
        # and the (kh, kw, C) order copies it fastest; with few (small images, deep
        # layers), the weights are bigger than cols, and the (C, kh, kw) order spares
        # copying them.
        self.channels_first = n * self.out_hw[0] * self.out_hw[1] < c_out
        x_padded = pad_nhwc(channels_last(x), padding)
        if self.by_offset:
            out = nchw_from_rows(self.forward_by_offset(x_padded, weight), n, self.out_hw)
        else:
            cols = im2col(x_padded, self.kernel, stride, self.channels_first)
            out_by_channel = weight_rows(weight, self.channels_first) @ cols.T  # (Cout, N·Ho·Wo)
            out = images_first(out_by_channel, n, self.out_hw)
        if bias.size:
            out += bias[:, None, None]
        # Save x and the weights, nothing derived from them: x is kept anyway (by the ReLU
        # before), and the weights are the parameters themselves. Backward pads x again,
        # a copy that costs far less than the matrix products.
        self.save_for_backward(x, weight)
        self.has_bias = bool(bias.size)
        return out

    def offsets(self):
        """Every kernel offset (i, j), with the (rows, columns) of the padded input it sees."""
        return kernel_offsets(self.kernel, self.out_hw, self.stride)

    def windows(self, x_padded):
        """For each kernel offset (i, j): i, j, and the pixels it sees as (N·Ho·Wo, C) rows,
        copied into one reused buffer (valid until the next offset)."""
        n, c = x_padded.shape[0], x_padded.shape[3]
        window = np.empty((n, *self.out_hw, c), dtype=x_padded.dtype)
        for i, j, (rows, columns) in self.offsets():
            np.copyto(window, x_padded[:, rows, columns, :])
            yield i, j, window.reshape(-1, c)

    def forward_by_offset(self, x_padded, weight):
        """Σ over the offsets (i, j) of window(i, j) @ w[:, :, i, j]ᵀ, as (N·Ho·Wo, Cout) rows."""
        out = product = None
        w_ij = np.empty(weight.shape[:2], dtype=weight.dtype)
        for i, j, window in self.windows(x_padded):
            offset_weights(weight, i, j, out=w_ij)
            if out is None:
                out = window @ w_ij.T
                product = np.empty_like(out)
            else:
                # Into a reused buffer, then added: no new array per offset.
                np.matmul(window, w_ij.T, out=product)
                out += product
        return out

    def backward(self, grad):
        x, weight = self.saved_tensors
        # The input's gradient is skipped when nothing needs it (e.g. the network's input
        # image): for the first layer that is the most expensive part of backward.
        input_node, _ = self.next_functions[0]
        needs_input_grad = input_node is not None
        by_method = self.backward_by_offset if self.by_offset else self.backward_im2col
        grad_w, grad_padded = by_method(x, weight, grad, needs_input_grad)
        grad_b = np.einsum("nchw->c", grad) if self.has_bias else None
        if not needs_input_grad:
            return None, grad_w, grad_b
        (ph, pw), (h, w) = self.padding, self.input_hw
        grad_x = as_nchw(grad_padded[:, ph : ph + h, pw : pw + w, :])
        return np.ascontiguousarray(grad_x), grad_w, grad_b

    def backward_by_offset(self, x, weight, grad, needs_input_grad):
        """Per offset (i, j): ∂w[:,:,i,j] = gradᵀ @ window, and grad @ w[:,:,i,j] added back
        onto the pixels the window took (the padded input's gradient).

        Two loops over the offsets: the first needs the padded input, the second the padded
        gradient; one after the other, the two are never in memory at the same time.
        """
        grad_rows = rows_from_nchw(grad)  # (N·Ho·Wo, Cout)
        grad_w = np.empty(weight.shape, dtype=weight.dtype)
        x_padded = pad_nhwc(channels_last(x), self.padding)
        for i, j, window in self.windows(x_padded):
            np.matmul(grad_rows.T, window, out=grad_w[:, :, i, j])
        if not needs_input_grad:
            return grad_w, None
        padded_shape = x_padded.shape
        del x_padded  # before grad_padded, as big, is made
        grad_padded = np.zeros(padded_shape, dtype=grad.dtype)
        piece = window  # the window buffer, free now, receives each offset's (N·Ho·Wo, C) product
        w_ij = np.empty(weight.shape[:2], dtype=weight.dtype)
        for i, j, (rows, columns) in self.offsets():
            np.matmul(grad_rows, offset_weights(weight, i, j, out=w_ij), out=piece)
            seen = grad_padded[:, rows, columns, :]  # a view: += adds into grad_padded
            seen += piece.reshape(seen.shape)
        return grad_w, grad_padded

    def backward_im2col(self, x, weight, grad, needs_input_grad):
        """∂W = grad @ cols, and ∂cols = gradᵀ @ W spread back by col2im."""
        c_out, c_in, kh, kw = weight.shape
        x_padded = pad_nhwc(channels_last(x), self.padding)
        cols = im2col(x_padded, self.kernel, self.stride, self.channels_first)
        grad_by_channel = channels_first(grad)  # (Cout, N·Ho·Wo)
        grad_w = grad_by_channel @ cols  # (Cout, kh·kw·C), rows ordered as weight_rows
        if self.channels_first:
            grad_w = grad_w.reshape(weight.shape)
        else:
            grad_w = np.ascontiguousarray(grad_w.reshape(c_out, kh, kw, c_in).transpose(0, 3, 1, 2))
        if not needs_input_grad:
            return grad_w, None
        del cols  # free it before grad_cols, as big, is made
        grad_cols = grad_by_channel.T @ weight_rows(weight, self.channels_first)
        grad_padded = col2im(
            grad_cols, x_padded.shape, self.kernel, self.stride, self.out_hw, self.channels_first
        )
        return grad_w, grad_padded
