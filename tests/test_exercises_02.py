"""Lesson 02's self-checks: reference answers computed by backward() pass, typical mistakes
get a hint."""

import pytest

import autograd_lesson as torch
from autograd_lesson.exercises import lesson02 as check
from autograd_lesson.models import resnet18


def test_grad_wrt_prediction_accepts_the_retained_gradient(capsys):
    prediction = torch.rand(1, 1000, requires_grad=True)
    labels = torch.rand(1, 1000)
    (prediction - labels).sum().backward()
    assert check.grad_wrt_prediction(prediction.grad) is True
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (torch.ones(1000), "shape, (1, 1000)"),
        (-torch.ones(1, 1000), "plus sign"),
        (torch.zeros(1, 1000), "the shape is right"),
        (torch.ones(2, 3), "one number per score"),
        (None, "give a tensor"),
    ],
)
def test_grad_wrt_prediction_hints(capsys, answer, hint):
    assert check.grad_wrt_prediction(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint:") and hint in out


def test_squared_error_grad_accepts_what_backward_computes(capsys):
    p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    target = torch.tensor([0.5, 0.5, 0.5])
    ((p - target) ** 2).sum().backward()
    assert check.squared_error_grad(p.grad) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ([0.5, 1.5, 2.5], "factor 2"),
        ([2.0, 4.0, 6.0], "target is part"),
        ([1.0, 1.0, 1.0], "plain sum"),
        ([1.0, 3.0], "give 3 numbers"),
        ([0.0, 0.0, 0.0], "2(p_i − t_i)"),
        (None, "give 3 numbers"),
    ],
)
def test_squared_error_grad_hints(capsys, answer, hint):
    assert check.squared_error_grad(answer) is False
    assert hint in capsys.readouterr().out


def test_gradient_count_accepts_the_counted_gradients(capsys):
    torch.manual_seed(0)
    model = resnet18(weights=None)
    for p in model.parameters():  # what backward() leaves: one .grad of each parameter's shape
        p.grad = torch.zeros_like(p)
    assert check.gradient_count(sum(p.grad.numel() for p in model.parameters())) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (62, "parameter *tensors*"),
        (1000, "size of prediction.grad"),
        (11_000_000, "How many parameters"),
        (None, "give one number"),
    ],
)
def test_gradient_count_hints(capsys, answer, hint):
    assert check.gradient_count(answer) is False
    assert hint in capsys.readouterr().out
