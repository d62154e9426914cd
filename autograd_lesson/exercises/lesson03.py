"""Checks for lesson 03, SGD with momentum (PyTorch's rule: b1 = g1, bt = μ·bt-1 + gt)."""

import numpy as np

from . import as_array, report


def _number(answer):
    """The answer as one float, or None if it is not a single number."""
    got = None if answer is None else as_array(answer)
    if got is None or got.size != 1 or not np.isfinite(got).all():
        return None
    return float(got.reshape(()))


def sgd_step(answer):
    """Exercise 1: p0 = 1, lr = 0.1, μ = 0.9, gradients 2 then 1 -> p2 = 0.52."""
    p0, lr, mu, g1, g2 = 1.0, 0.1, 0.9, 2.0, 1.0
    b1 = g1
    p1 = p0 - lr * b1
    b2 = mu * b1 + g2
    expected = p1 - lr * b2
    got = _number(answer)
    if got is not None and np.isclose(got, expected):
        return report(
            True,
            "b1 = 2.0 gives p1 = 0.8; b2 = 0.9·2.0 + 1.0 = 2.8 gives p2 = 0.8 − 0.28 = 0.52.",
            "",
        )
    averaged = p0 - lr * (1 - mu) * g1 - lr * (mu * (1 - mu) * g1 + (1 - mu) * g2)
    if got is None:
        hint = "give one number: the value of p after the second step."
    elif np.isclose(got, p1):
        hint = "0.8 is p after the first step; do the second one too."
    elif np.isclose(got, p0 - lr * g1 - lr * g2):
        hint = "that is plain SGD. With momentum, the second step uses b2 = μ·b1 + g2."
    elif np.isclose(got, averaged):
        hint = "PyTorch's buffer is not an average: b1 = g1 and b2 = μ·b1 + g2, no (1 − μ)."
    elif np.isclose(got, p1 - lr * mu * b1):
        hint = "b2 = μ·b1 + g2: the new gradient g2 is added to the decayed buffer."
    elif np.isclose(got, p0 + lr * b1 + lr * b2):
        hint = "SGD moves against the gradient: p = p − lr·b."
    else:
        hint = "b1 = g1 and p1 = p0 − lr·b1; then b2 = μ·b1 + g2 and p2 = p1 − lr·b2."
    return report(False, "", hint)


def steady_step(answer):
    """Exercise 2: a constant gradient 0.5 with lr 0.01, μ 0.9 -> steps of 0.01·0.5/0.1 = 0.05."""
    lr, mu, g = 0.01, 0.9, 0.5
    expected = lr * g / (1 - mu)
    got = _number(answer)
    if got is not None and np.isclose(abs(got), expected):
        return report(
            True,
            "the buffer grows to g/(1 − μ) = 5, so each step moves lr·5 = 0.05: ten times "
            "plain SGD's 0.005.",
            "",
        )
    if got is None:
        hint = "give one number: how far the parameter moves in one step, after many steps."
    elif np.isclose(abs(got), lr * g):
        hint = "that is the first step (the buffer starts as g). After many steps it has grown."
    elif np.isclose(abs(got), g / (1 - mu)):
        hint = "that is the buffer's limit; the step is lr times the buffer."
    else:
        hint = "with a constant g the buffer stops changing when b = μ·b + g, i.e. b = g/(1 − μ)."
    return report(False, "", hint)


def steps_per_epoch(answer):
    """Exercise 3: 50,000 images in batches of 100 -> 500 steps per epoch."""
    expected = 50_000 // 100
    got = _number(answer)
    if got is not None and got == expected:
        return report(
            True,
            "500 batches, one step() each. A step is one update of the parameters; an epoch "
            "is a full pass over the data.",
            "",
        )
    if got is None:
        hint = "give one number: how many batches of 100 make 50,000 images?"
    elif got == 1:
        hint = "step() updates once per batch, not once per epoch."
    elif got == 50_000:
        hint = "one step per batch of 100 images, not per image."
    else:
        hint = "an epoch sees every image once; each step() sees one batch of 100."
    return report(False, "", hint)
