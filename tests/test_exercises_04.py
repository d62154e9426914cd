"""Lesson 04's self-checks: the reference answer passes, typical mistakes get a hint."""

import pytest

import autograd_lesson as torch
from autograd_lesson.exercises import lesson04 as check


def fresh_leaves():
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([6.0, 4.0], requires_grad=True)
    return a, b


def test_derivative_by_hand_accepts_autograd_result(capsys):
    a, b = fresh_leaves()
    R = a**2 * b + 2 * b
    R.backward(gradient=torch.ones(2))
    assert check.derivative_by_hand(a.grad, b.grad) is True
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    ("dR_da", "dR_db", "hint"),
    [
        (None, None, "fill in both"),
        ([24.0, 26.0], [6.0, 11.0], "check dR_da"),
        ([24.0, 24.0], [4.0, 9.0], "also depends on b"),
        ([24.0, 24.0], [6.0, 6.0], "a is the constant"),
        ([24.0, 24.0, 0.0], [6.0, 11.0], "check dR_da"),
    ],
)
def test_derivative_by_hand_hints(capsys, dR_da, dR_db, hint):  # noqa: N803
    assert check.derivative_by_hand(dR_da, dR_db) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint:") and hint in out


def test_weighted_gradient_matches_backward(capsys):
    a, b = fresh_leaves()
    Q = 3 * a**3 - b**2
    Q.backward(gradient=torch.tensor([1.0, 0.5]))
    assert check.weighted_gradient(a.grad) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (None, "replace None"),
        ([36.0, 81.0], "v = [1, 1]"),
        ([18.0, 40.5], "still 1"),
        ([1.0, 0.5], "9·a_i²"),
        ("forty", "9·a_i²"),
    ],
)
def test_weighted_gradient_hints(capsys, answer, hint):
    assert check.weighted_gradient(answer) is False
    assert hint in capsys.readouterr().out


def test_accumulated_gradient_matches_backward(capsys):
    a, b = fresh_leaves()
    external_grad = torch.tensor([1.0, 1.0])
    for _ in range(2):
        Q = 3 * a**3 - b**2
        Q.backward(gradient=external_grad)
    (a**2).sum().backward()
    assert check.accumulated_gradient(a.grad) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ([40.0, 87.0], "ran twice"),
        ([4.0, 6.0], "nothing resets it"),
        ([72.0, 162.0], "adds 2a too"),
        ([0.0, 0.0], "add up"),
        (None, "replace None"),
    ],
)
def test_accumulated_gradient_hints(capsys, answer, hint):
    assert check.accumulated_gradient(answer) is False
    assert hint in capsys.readouterr().out
