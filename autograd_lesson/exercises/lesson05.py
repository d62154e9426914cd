"""Checks for lesson 05, vector calculus: Jacobians and vector-Jacobian products."""

import numpy as np

from . import NO_ANSWER, as_array, as_shape, close, report

# Exercise 1: y = W @ x, so J = W, and backward(gradient=v) gives vᵀ·W.
W = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, -1.0]])
V = np.array([1.0, -1.0, 2.0])

# Exercise 3: y = x * x.sum() at x = [1, 2, 3]; J[i, j] = ∂y_i/∂x_j = δ_ij·sum(x) + x_i.
X = np.array([1.0, 2.0, 3.0])
J_SCALED = np.eye(3) * X.sum() + X[:, None]


def vjp_by_hand(answer):
    """Exercise 1: vᵀ·J for y = W @ x is v @ W = [-2, -4]."""
    if answer is None:
        return report(False, "", NO_ANSWER)
    expected = V @ W
    if close(answer, expected):
        return report(
            True,
            "vᵀ·W = [1·1 − 1·3 + 2·0, 1·2 − 1·4 + 2·(−1)] = [−2, −4]: one number per input "
            "x_j, the dot product of v with column j of J.",
            "",
        )
    got = as_array(answer)
    if got is not None and got.ndim and got.shape != (2,):
        hint = (
            f"your answer has shape {got.shape}; vᵀ·J has one entry per input, and x has 2 entries."
        )
    elif got is not None and got.shape == (2,) and np.allclose(got, W.sum(axis=0)):
        hint = "that is v = [1, 1, 1]; use v = [1, -1, 2]."
    else:
        hint = "entry j is the dot product of v with column j of W (J = W for y = W @ x)."
    return report(False, "", hint)


def jacobian_shape(answer):
    """Exercise 2: x of shape (2, 3), y = x.sum(dim=1) of shape (2,) → J of shape (2, 2, 3)."""
    if answer is None:
        return report(False, "", NO_ANSWER)
    expected = (2, 2, 3)
    got = as_shape(answer)
    if got == expected:
        return report(
            True,
            "jacobian returns output.shape + input.shape = (2,) + (2, 3): entry [i, j, k] is "
            "∂y_i/∂x_jk.",
            "",
        )
    if got == (2, 6):
        hint = "jacobian does not flatten: it keeps the input's shape (2, 3) whole."
    elif got is not None and sorted(got) == sorted(expected):
        hint = "the order is the output's shape first, then the input's shape."
    elif got == (2, 3) or got == (3,) or got == (2,):
        hint = "a Jacobian has an entry for every (output element, input element) pair."
    else:
        hint = "write it as a tuple: output.shape + input.shape."
    return report(False, "", hint)


def jacobian_row(answer):
    """Exercise 3: grad_outputs = e_1 gives row 1 of J, here [2, 8, 2]."""
    if answer is None:
        return report(False, "", NO_ANSWER)
    expected = J_SCALED[1]
    if close(answer, expected):
        return report(
            True,
            "row 1 is [2, 8, 2]: ∂y_1/∂x_j = x_1 + (sum(x) if j == 1). One vjp with "
            "v = e_1 is one row of J; jacobian() does exactly this for every row.",
            "",
        )
    got = as_array(answer)
    if got is not None and got.shape == (1, 3):
        hint = (
            "close: autograd.grad returns a tuple (one gradient per input); pass its [0], "
            "of shape (3,)."
        )
    elif got is not None and got.shape == (3,) and np.allclose(got, J_SCALED[:, 1]):
        hint = (
            "that is column 1 (how every y_i moves with x_1). Row 1 is how y_1 moves with "
            "every x_j."
        )
    elif got is not None and got.shape == (3,) and np.allclose(got, J_SCALED.sum(axis=0)):
        hint = "that is v = [1, 1, 1] (the sum of all rows); use grad_outputs = [0., 1., 0.]."
    else:
        hint = (
            "use torch.autograd.grad with grad_outputs = e_1, the unit vector with a 1 in "
            "position 1 (counting from 0)."
        )
    return report(False, "", hint)
