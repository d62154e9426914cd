"""Layer results are ordinary C-ordered NCHW arrays, as PyTorch's are.

The convolution works channels-last inside (ops/conv.py), but what it returns, and what
BatchNorm, ReLU and max-pooling return, is laid out as in PyTorch: `view` works where it
works there, and `flatten` records the same node.
"""

import numpy as np
import pytest

import autograd_lesson as torch
from autograd_lesson import nn


def stem():
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2)
    )


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_every_layer_returns_a_contiguous_result(depth):
    x = torch.rand(2, 3, 6, 6, requires_grad=True)
    out = stem()[:depth](x)
    assert out.is_contiguous()
    assert out.view(2, -1).grad_fn.name() == "ViewBackward0"
    assert torch.flatten(out, 1).grad_fn.name() == "ViewBackward0"
    out.sum().backward()
    assert x.grad.is_contiguous()


def test_views_of_results_carry_the_right_gradients():
    x = torch.rand(2, 3, 6, 6, requires_grad=True)
    weights = torch.arange(72, dtype=torch.float32)
    (stem()(x).view(2, -1) * weights.reshape(2, 36)).sum().backward()
    through_view = x.grad.numpy().copy()
    x.grad = None
    (stem()(x) * weights.reshape(2, 4, 3, 3)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), through_view, rtol=1e-5, atol=1e-6)
