"""Lesson 03's self-checks: reference answers (computed with the engine's SGD) pass, typical
mistakes get a hint."""

import pytest

import autograd_lesson as torch
from autograd_lesson.exercises import lesson03 as check


def test_sgd_step_accepts_what_the_optimizer_computes(capsys):
    p = torch.tensor([1.0], requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    for gradient in (2.0, 1.0):
        p.grad = torch.tensor([gradient])
        optimizer.step()
    assert check.sgd_step(p) is True
    assert capsys.readouterr().out.startswith("Correct!")
    assert check.sgd_step(0.52) is True


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (0.8, "after the first step"),
        (0.7, "plain SGD"),
        (0.952, "not an average"),
        (0.62, "g2 is added"),
        (1.48, "against the gradient"),
        (0.5, "p2 = p1 − lr·b2"),
        (None, "give one number"),
        ([0.52, 0.52], "give one number"),
        ("0.52 I think", "give one number"),
    ],
)
def test_sgd_step_hints(capsys, answer, hint):
    assert check.sgd_step(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint:") and hint in out


def test_steady_step_matches_many_optimizer_steps(capsys):
    p = torch.tensor([0.0], requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=0.01, momentum=0.9)
    for _ in range(300):
        before = p.item()
        p.grad = torch.tensor([0.5])
        optimizer.step()
    assert check.steady_step(before - p.item()) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (0.005, "the first step"),
        (5.0, "lr times the buffer"),
        (0.5, "b = g/(1 − μ)"),
        (None, "give one number"),
    ],
)
def test_steady_step_hints(capsys, answer, hint):
    assert check.steady_step(answer) is False
    assert hint in capsys.readouterr().out


def test_steps_per_epoch(capsys):
    assert check.steps_per_epoch(50_000 // 100) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (1, "not once per epoch"),
        (50_000, "not per image"),
        (100, "every image once"),
        (None, "give one number"),
    ],
)
def test_steps_per_epoch_hints(capsys, answer, hint):
    assert check.steps_per_epoch(answer) is False
    assert hint in capsys.readouterr().out
