"""Lesson 05's self-checks: the reference answer passes, typical mistakes get a hint."""

import pytest

import autograd_lesson as torch
from autograd_lesson.exercises import lesson05 as check


def test_vjp_by_hand_matches_backward(capsys):
    W = torch.tensor(check.W.tolist())
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    (W @ x).backward(gradient=torch.tensor(check.V.tolist()))
    assert check.vjp_by_hand(x.grad) is True
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ([2.0, 8.0, -3.0], "shape (3,)"),  # W @ something: one entry per output
        ([4.0, 5.0], "v = [1, 1, 1]"),
        ([-2.0, 4.0], "column j of W"),
        (None, "replace None"),
    ],
)
def test_vjp_by_hand_hints(capsys, answer, hint):
    assert check.vjp_by_hand(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint:") and hint in out


def test_jacobian_shape_matches_jacobian(capsys):
    x = torch.ones(2, 3)
    J = torch.autograd.functional.jacobian(lambda x: x.sum(dim=1), x)
    assert check.jacobian_shape(J.shape) is True
    assert check.jacobian_shape([2, 2, 3]) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ((2, 6), "does not flatten"),
        ((2, 3, 2), "output's shape first"),
        ((2, 3), "every (output element, input element) pair"),
        (None, "replace None"),
        ("2x2x3", "output.shape + input.shape"),
    ],
)
def test_jacobian_shape_hints(capsys, answer, hint):
    assert check.jacobian_shape(answer) is False
    assert hint in capsys.readouterr().out


def test_jacobian_row_matches_grad_and_jacobian(capsys):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x.sum()
    (row1,) = torch.autograd.grad(y, x, grad_outputs=torch.tensor([0.0, 1.0, 0.0]))
    J = torch.autograd.functional.jacobian(lambda x: x * x.sum(), x)
    assert torch.equal(J[1], row1)
    assert check.jacobian_row(row1) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ([1.0, 8.0, 3.0], "column 1"),
        ([[2.0, 8.0, 2.0]], "pass its [0]"),
        ([12.0, 12.0, 12.0], "v = [1, 1, 1]"),
        ([2.0, 2.0, 8.0], "unit vector"),
        (None, "replace None"),
    ],
)
def test_jacobian_row_hints(capsys, answer, hint):
    assert check.jacobian_row(answer) is False
    assert hint in capsys.readouterr().out
