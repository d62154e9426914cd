"""Sliding windows over images: what convolution and pooling share.

Both slide a (kh × kw) window over each image, `stride` pixels at a time, over an image
with `padding` rows and columns added around it. Three questions come up in both, answered
here once:

* how many window positions fit (`output_size`);
* which input pixels the window's offset (i, j) sees at every position (`kernel_offsets`):
  a strided slice, so an op loops over the kh·kw offsets, never over pixels;
* the padded image, and the way back from a gradient of the padded image (`pad`, `unpad`).

Images are (N, C, H, W) arrays unless a function says otherwise; `spatial_axes` names the
height and width axes for the channels-last (N, H, W, C) arrays of ops/conv_fast.py.
"""

import numpy as np


def output_size(size, kernel, stride, padding):
    """How many window positions fit: ⌊(size + 2·padding - kernel) / stride⌋ + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def output_hw(input_hw, kernel, stride, padding):
    """(Ho, Wo): `output_size` for the height and for the width."""
    return tuple(output_size(*dims) for dims in zip(input_hw, kernel, stride, padding))


def kernel_offsets(kernel, out_hw, stride):
    """For every offset (i, j) in the window: i, j, and (rows, columns), the strided slices
    of the padded input that the offset sees at all Ho × Wo window positions at once.

    The window at output position (y, x) covers padded rows s·y .. s·y+kh-1; its offset i
    sees row s·y + i, so over all y: rows i, i+s, ..., i+s·(Ho-1).
    """
    (kh, kw), (ho, wo), (sh, sw) = kernel, out_hw, stride
    for i in range(kh):
        for j in range(kw):
            rows = slice(i, i + sh * (ho - 1) + 1, sh)
            columns = slice(j, j + sw * (wo - 1) + 1, sw)
            yield i, j, (rows, columns)


def pad(x, padding, fill=0.0, spatial_axes=(2, 3)):
    """x with `padding` = (ph, pw) rows and columns of `fill` around each image.

    Returns x itself when there is no padding; otherwise a new array.
    """
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    shape = list(x.shape)
    shape[spatial_axes[0]] += 2 * ph
    shape[spatial_axes[1]] += 2 * pw
    padded = np.full(shape, fill, dtype=x.dtype)
    padded[inside(x.ndim, padding, x.shape, spatial_axes)] = x
    return padded


def unpad(padded, padding, input_hw, spatial_axes=(2, 3)):
    """The inverse of pad: the (H, W) interior of a padded array, as a view."""
    shape = list(padded.shape)
    shape[spatial_axes[0]], shape[spatial_axes[1]] = input_hw
    return padded[inside(padded.ndim, padding, shape, spatial_axes)]


def inside(ndim, padding, shape, spatial_axes):
    """The index of the unpadded image (of `shape`) inside its padded array."""
    index = [slice(None)] * ndim
    for axis, p in zip(spatial_axes, padding):
        index[axis] = slice(p, p + shape[axis])
    return tuple(index)
