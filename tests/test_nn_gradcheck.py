"""Every functional's backward agrees with finite differences (gradcheck, float64).

Shapes are tiny: gradcheck evaluates the function twice per input element. Inputs are
seeded; ReLU and max-pool inputs are kept away from their kinks and ties, where a finite
difference straddles two different slopes.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lesson as torch
from autograd_lesson.autograd import gradcheck
from autograd_lesson.nn import functional as F


def leaf(*shape, seed=0, low=-1.0, high=1.0):
    values = np.random.default_rng(seed).uniform(low, high, shape)
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


def away_from_zero(*shape, seed=0):
    """Values in ±[0.1, 1]: ReLU has a kink at 0."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.1, 1.0, shape) * rng.choice([-1.0, 1.0], shape)
    return torch.tensor(values, requires_grad=True)


def distinct(*shape, seed=0):
    """A shuffled ramp with steps of 0.1: no two values close enough to swap under eps."""
    values = np.random.default_rng(seed).permutation(np.prod(shape)).reshape(shape) * 0.1
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


CASES = {
    "linear": (F.linear, (leaf(3, 4), leaf(2, 4, seed=1), leaf(2, seed=2))),
    "linear_no_bias_3d": (lambda x, w: F.linear(x, w), (leaf(2, 2, 3), leaf(2, 3, seed=1))),
    "conv2d": (
        lambda x, w, b: F.conv2d(x, w, b, padding=1),
        (leaf(2, 2, 4, 4), leaf(3, 2, 3, 3, seed=1), leaf(3, seed=2)),
    ),
    "conv2d_stride2_rect": (
        lambda x, w: F.conv2d(x, w, stride=(2, 1), padding=(1, 0)),
        (leaf(1, 2, 5, 4), leaf(2, 2, 3, 2, seed=1)),
    ),
    # One output pixel, four channels: the (C, kh, kw) im2col order.
    "conv2d_channels_first_order": (
        lambda x, w, b: F.conv2d(x, w, b),
        (leaf(1, 2, 3, 3), leaf(4, 2, 3, 3, seed=1), leaf(4, seed=2)),
    ),
    "conv2d_1x1": (lambda x, w: F.conv2d(x, w, stride=2), (leaf(2, 3, 3, 3), leaf(2, 3, 1, 1))),
    "batch_norm_training": (
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        (leaf(3, 2, 2, 2), leaf(2, seed=1), leaf(2, seed=2)),
    ),
    "batch_norm_eval": (
        lambda x, w, b: F.batch_norm(
            x,
            torch.tensor([0.1, -0.2], dtype=torch.float64),
            torch.tensor([0.5, 2.0], dtype=torch.float64),
            w,
            b,
            training=False,
        ),
        (leaf(2, 2, 2, 2), leaf(2, seed=1), leaf(2, seed=2)),
    ),
    "batch_norm_2d_input": (
        lambda x: F.batch_norm(x, None, None, training=True),
        (leaf(4, 3),),
    ),
    "relu": (F.relu, (away_from_zero(3, 4),)),
    "max_pool2d": (lambda x: F.max_pool2d(x, 3, 2, 1), (distinct(1, 2, 5, 5),)),
    "max_pool2d_k2": (lambda x: F.max_pool2d(x, 2), (distinct(2, 1, 4, 4),)),
    "adaptive_avg_pool2d_1x1": (lambda x: F.adaptive_avg_pool2d(x, 1), (leaf(2, 2, 3, 3),)),
    "adaptive_avg_pool2d_uneven": (
        lambda x: F.adaptive_avg_pool2d(x, (2, 3)),
        (leaf(1, 2, 3, 5),),
    ),
    "softmax": (lambda x: F.softmax(x, dim=1), (leaf(2, 4),)),
    "log_softmax": (lambda x: F.log_softmax(x, dim=0), (leaf(3, 2),)),
    "cross_entropy": (
        lambda x: F.cross_entropy(x, torch.tensor([0, 2, 1])),
        (leaf(3, 4),),
    ),
    "cross_entropy_sum_ignore": (
        lambda x: F.cross_entropy(x, torch.tensor([0, 2, 1]), ignore_index=2, reduction="sum"),
        (leaf(3, 4),),
    ),
    "nll_loss_none": (
        lambda x: F.nll_loss(x, torch.tensor([1, 0]), reduction="none"),
        (leaf(2, 3),),
    ),
    "mse_loss": (F.mse_loss, (leaf(2, 3), leaf(2, 3, seed=1))),
    "mse_loss_sum": (lambda a, b: F.mse_loss(a, b, reduction="sum"), (leaf(4), leaf(4, seed=1))),
    "flatten": (lambda x: F.flatten(x, 1), (leaf(2, 3, 1, 2),)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, inputs = CASES[name]
    assert gradcheck(fn, inputs)


def test_gradcheck_catches_a_wrong_convolution_gradient(monkeypatch):
    """The check above can fail: a conv backward that forgets the padding is caught."""
    from autograd_lesson.ops import conv

    original = conv.Convolution.backward

    def halved_weight_gradient(self, grad):
        grad_x, grad_w, grad_b = original(self, grad)
        return grad_x, grad_w * 0.5, grad_b

    monkeypatch.setattr(conv.Convolution, "backward", halved_weight_gradient)
    fn, inputs = CASES["conv2d"]
    assert not gradcheck(fn, inputs, raise_exception=False)


@settings(max_examples=10)
@given(
    batch=st.integers(1, 2),
    channels=st.integers(1, 3),
    out_channels=st.integers(1, 5),
    size=st.integers(3, 6),
    kernel=st.integers(1, 3),
    stride=st.integers(1, 2),
    padding=st.integers(0, 1),
)
def test_gradcheck_conv2d_shapes(batch, channels, out_channels, size, kernel, stride, padding):
    x = leaf(batch, channels, size, size, seed=size)
    w = leaf(out_channels, channels, kernel, kernel, seed=kernel)
    b = leaf(out_channels, seed=2)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride, padding), (x, w, b))
