"""Checks for lesson 02, the backward pass (loss = (prediction - labels).sum())."""

import numpy as np

from . import as_array, close, report

RESNET18_PARAMETERS = 11_689_512


def grad_wrt_prediction(answer):
    """Exercise 1: ∂/∂prediction of (prediction - labels).sum() is ones of shape (1, 1000)."""
    expected = np.ones((1, 1000))
    if close(answer, expected):
        return report(
            True,
            "each prediction enters the sum once with factor +1, so the gradient is all ones, "
            "of the prediction's shape; the labels do not appear in it.",
            "",
        )
    got = None if answer is None else as_array(answer)
    if got is None:
        hint = "give a tensor, e.g. made with torch.ones or torch.zeros and a shape."
    elif got.size == 1000 and np.allclose(got, 1):
        hint = "the values are right; the gradient has the prediction's shape, (1, 1000)."
    elif got.shape == (1, 1000) and np.allclose(got, -1):
        hint = "the labels are subtracted, but the prediction enters with a plus sign."
    elif got.shape == (1, 1000):
        hint = "the shape is right. What is d/dx of (x - c), for each term of the sum?"
    else:
        hint = "the gradient has the prediction's shape, (1, 1000): one number per score."
    return report(False, "", hint)


def squared_error_grad(answer):
    """Exercise 2: d/dp of ((p - t)**2).sum() = 2(p - t) = [1, 3, 5] for p = [1, 2, 3], t = 0.5."""
    p, target = np.array([1.0, 2.0, 3.0]), 0.5
    expected = 2 * (p - target)
    if close(answer, expected):
        return report(
            True,
            "2·(p − target) = [1, 3, 5]: the farther a guess is from its target, the larger "
            "its gradient.",
            "",
        )
    got = None if answer is None else as_array(answer)
    if got is None or got.shape != (3,):
        hint = "give 3 numbers, one per element of p."
    elif np.allclose(got, p - target):
        hint = "the derivative of u² is 2u: you left out the factor 2."
    elif np.allclose(got, 2 * p):
        hint = "the target is part of the squared term: d/dp (p − t)² = 2(p − t)."
    elif np.allclose(got, 1):
        hint = "that is the gradient of the plain sum; the square changes it: d/du u² = 2u."
    else:
        hint = "for each element: d/dp_i (p_i − t_i)² = 2(p_i − t_i)."
    return report(False, "", hint)


def gradient_count(answer):
    """Exercise 3: backward fills one gradient number per parameter number: 11,689,512."""
    got = None if answer is None else as_array(answer)
    number = float(got) if got is not None and got.size == 1 else None
    if number == RESNET18_PARAMETERS:
        return report(
            True,
            "11,689,512: every .grad has its parameter's shape, one partial derivative per number.",
            "",
        )
    if number is None:
        hint = "give one number; sum(p.grad.numel() for p in model.parameters()) computes it."
    elif number == 62:
        hint = "62 is the number of parameter *tensors*; count the numbers inside them."
    elif number == 1000:
        hint = "that is the size of prediction.grad; count the parameters' .grad tensors."
    else:
        hint = "each .grad has exactly its parameter's shape. How many parameters are there?"
    return report(False, "", hint)
