"""Checks for lesson 04, differentiation in autograd (a = [2, 3], b = [6, 4] throughout)."""

import numpy as np

from . import NO_ANSWER, as_array, close, report

A = np.array([2.0, 3.0])
B = np.array([6.0, 4.0])


def derivative_by_hand(dR_da, dR_db):  # noqa: N803 - the names of the math
    """Exercise 1: R = a**2 * b + 2*b, so ∂R/∂a = 2ab and ∂R/∂b = a² + 2."""
    expected_a, expected_b = 2 * A * B, A**2 + 2
    if dR_da is None or dR_db is None:
        return report(False, "", "fill in both dR_da and dR_db (lists or tensors of 2 numbers).")
    if not close(dR_da, expected_a):
        return report(
            False,
            "",
            "check dR_da: when differentiating with respect to a, b is a constant, so "
            "2*b only contributes 0. Then put in a = [2, 3], b = [6, 4].",
        )
    if not close(dR_db, expected_b):
        if close(dR_db, A**2):
            hint = "dR_da is right. For dR_db, the term 2*b also depends on b."
        else:
            hint = "dR_da is right. For dR_db, a is the constant now: d(a²·b)/db = a²."
        return report(False, "", hint)
    return report(
        True,
        "∂R/∂a = 2ab = [24, 24] and ∂R/∂b = a² + 2 = [6, 11]; autograd agrees "
        "(compare with a.grad and b.grad after R.backward(gradient=torch.ones(2))).",
        "",
    )


def weighted_gradient(answer):
    """Exercise 2: Q.backward(gradient=[1., 0.5]) puts v_i · 9a_i² into a.grad."""
    if answer is None:
        return report(False, "", NO_ANSWER)
    expected = np.array([1.0, 0.5]) * 9 * A**2
    if close(answer, expected):
        return report(
            True,
            "a.grad = [1 · 36, 0.5 · 81] = [36, 40.5]. Each Q_i depends only on a_i, so the "
            "weight v_i simply scales that element's derivative 9a_i².",
            "",
        )
    if close(answer, 9 * A**2):
        hint = "that is the gradient for v = [1, 1]; the second weight is 0.5 now."
    elif close(answer, 0.5 * 9 * A**2):
        hint = "only the second element of v is 0.5; the first is still 1."
    else:
        hint = "a.grad[i] = v[i] · ∂Q_i/∂a_i, with ∂Q_i/∂a_i = 9·a_i²."
    return report(False, "", hint)


def accumulated_gradient(answer):
    """Exercise 3: two backward calls of Q (9a² each) and one of (a**2).sum() (2a) add up."""
    if answer is None:
        return report(False, "", NO_ANSWER)
    expected = 2 * 9 * A**2 + 2 * A
    if close(answer, expected):
        return report(
            True,
            "2 · [36, 81] + [4, 6] = [76, 168]. backward() adds into .grad; it never "
            "overwrites it, so call optimizer.zero_grad() (or a.grad = None) between steps.",
            "",
        )
    got = as_array(answer)
    if got is not None and got.shape == (2,):
        if np.allclose(got, 9 * A**2 + 2 * A):
            return report(False, "", "you counted the Q backward once; it ran twice.")
        if np.allclose(got, 2 * A) or np.allclose(got, 9 * A**2):
            return report(False, "", "backward() adds to .grad: nothing resets it in between.")
        if np.allclose(got, 2 * 9 * A**2):
            return report(False, "", "the third backward, of (a**2).sum(), adds 2a too.")
    return report(False, "", "add up what each of the three backward calls puts into a.grad.")
