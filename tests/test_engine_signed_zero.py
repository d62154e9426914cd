"""Blocked gradients are +0, as in PyTorch: `tensor([0., -3.])`, never `tensor([-0., -3.])`."""

import numpy as np

import autograd_lesson as torch


def test_relu_blocks_a_negative_gradient_as_plus_zero():
    a = torch.tensor([-1.0, 2.0, 5.0], requires_grad=True)
    (torch.relu(a) * -3).sum().backward()
    assert repr(a.grad) == "tensor([ 0., -3., -3.])"
    assert not np.signbit(a.grad.numpy()[0])


def test_clamp_blocks_a_negative_gradient_as_plus_zero():
    a = torch.tensor([-1.0, 2.0, 5.0], requires_grad=True)
    (a.clamp(0, 3) * -3).sum().backward()
    assert repr(a.grad) == "tensor([ 0., -3.,  0.])"
