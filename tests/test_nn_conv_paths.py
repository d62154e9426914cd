"""Conv2d computes each convolution one of two ways (ops/conv.py): one product per kernel
offset when there are ≥ 16 input channels, else im2col. Both must give the same numbers.
The small-shape gradchecks elsewhere only reach im2col; these shapes reach the other path."""

import numpy as np
import pytest

import autograd_lesson as torch
from autograd_lesson.autograd import gradcheck
from autograd_lesson.nn import functional as F
from autograd_lesson.ops.conv import output_size, uses_kernel_offsets

# (batch, in channels, out channels, image size, kernel, stride, padding)
SHAPES = [
    (1, 16, 2, 4, 3, 1, 1),
    (2, 16, 3, 5, 3, 2, 1),
    (1, 17, 2, 5, 2, 1, 0),
]


def reference_conv(x, w, b, stride, padding):
    """The definition, written directly: out[n,o,y,x] = b[o] + Σ w[o,c,i,j]·x_pad[n,c,sy+i,sx+j]."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape[2:], axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    return np.einsum("ncyxij,ocij->noyx", windows, w) + b[None, :, None, None]


@pytest.mark.parametrize("n, c_in, c_out, size, k, stride, padding", SHAPES)
def test_these_shapes_take_the_per_offset_path(n, c_in, c_out, size, k, stride, padding):
    out = output_size(size, k, stride, padding)
    assert uses_kernel_offsets((n, c_in, size, size), (c_out, c_in, k, k), (out, out))


@pytest.mark.parametrize("n, c_in, c_out, size, k, stride, padding", SHAPES)
def test_per_offset_forward_matches_the_definition(n, c_in, c_out, size, k, stride, padding):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c_in, size, size))
    w = rng.standard_normal((c_out, c_in, k, k))
    b = rng.standard_normal(c_out)
    args = torch.tensor(x), torch.tensor(w), torch.tensor(b)
    out = F.conv2d(*args, stride=stride, padding=padding)
    np.testing.assert_allclose(out.numpy(), reference_conv(x, w, b, stride, padding), rtol=1e-12)


@pytest.mark.parametrize("n, c_in, c_out, size, k, stride, padding", SHAPES)
def test_per_offset_gradients_pass_gradcheck(n, c_in, c_out, size, k, stride, padding):
    rng = np.random.default_rng(1)
    x = torch.tensor(rng.standard_normal((n, c_in, size, size)), requires_grad=True)
    w = torch.tensor(rng.standard_normal((c_out, c_in, k, k)), requires_grad=True)
    b = torch.tensor(rng.standard_normal(c_out), requires_grad=True)

    def conv(x, w, b):
        return F.conv2d(x, w, b, stride=stride, padding=padding)

    assert gradcheck(conv, (x, w, b))
