"""Gradients of gradients, the uses issue #8 names: x³ → 3x² → 6x → 6; tanh and its first
four derivatives; a Hessian-vector product against the full Hessian; a gradient penalty
‖∂y/∂x‖² on an MLP, trained (and, with torch installed, step for step as torch trains it);
anomaly detection naming the learner's own line."""

import warnings

import numpy as np
import pytest

import autograd_lesson as torch


def derivatives(f, x, n):
    """f(x), f'(x), ..., the n-th derivative, each made with create_graph=True."""
    values = [f(x)]
    for _ in range(n):
        (d,) = torch.autograd.grad(values[-1].sum(), x, create_graph=True)
        values.append(d)
    return [v.detach().numpy() for v in values]


def test_cube_down_to_a_constant():
    x = torch.tensor([0.5, -2.0], dtype=torch.float64, requires_grad=True)
    cube, first, second, third = derivatives(lambda t: t**3, x, 3)
    np.testing.assert_allclose(first, 3 * x.detach().numpy() ** 2)
    np.testing.assert_allclose(second, 6 * x.detach().numpy())
    np.testing.assert_allclose(third, [6.0, 6.0])


def test_tanh_and_its_first_four_derivatives():
    x = torch.linspace(-2, 2, 9, dtype=torch.float64).requires_grad_()
    t = np.tanh(x.detach().numpy())
    s = 1 - t**2  # sech²
    closed_forms = [t, s, -2 * t * s, s * (6 * t**2 - 2), 8 * t * s * (2 - 3 * t**2)]
    for ours, expected in zip(derivatives(torch.tanh, x, 4), closed_forms):
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


def test_hessian_vector_product_equals_the_full_hessian_times_v():
    def f(x):
        return (x[0] * x[1] ** 2 + (x**3).sum() + (x[1] * x[2]).exp()).sum()

    x = torch.tensor([0.3, -0.5, 0.8], dtype=torch.float64)
    v = torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64)
    hessian = torch.autograd.functional.hessian(f, x)
    _, hvp = torch.autograd.functional.hvp(f, x, v)
    np.testing.assert_allclose(hvp.numpy(), hessian.numpy() @ v.numpy(), rtol=1e-12)
    np.testing.assert_allclose(hessian.numpy(), hessian.numpy().T, rtol=1e-12)


def train_with_gradient_penalty(torch, steps=30):
    """A 2-16-1 tanh MLP fitted to y = sin(x0) + x1², with a penalty on ‖∂y/∂x‖²."""
    rng = np.random.default_rng(0)
    w1 = torch.tensor(rng.normal(0, 0.5, (16, 2)), requires_grad=True)
    b1 = torch.tensor(np.zeros(16), requires_grad=True)
    w2 = torch.tensor(rng.normal(0, 0.5, (1, 16)), requires_grad=True)
    data = rng.uniform(-1, 1, (64, 2))
    x = torch.tensor(data, requires_grad=True)
    target = torch.tensor(np.sin(data[:, :1]) + data[:, 1:] ** 2)
    optimizer = torch.optim.SGD([w1, b1, w2], lr=0.1)
    losses = []
    for _ in range(steps):
        y = torch.tanh(x @ w1.t() + b1) @ w2.t()
        (dy_dx,) = torch.autograd.grad(y.sum(), x, create_graph=True)
        loss = ((y - target) ** 2).mean() + 0.1 * (dy_dx**2).sum(1).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, w1.detach().numpy().copy()


def test_a_gradient_penalty_trains():
    losses, _ = train_with_gradient_penalty(torch)
    assert losses[-1] < 0.5 * losses[0]


def test_a_gradient_penalty_trains_as_in_pytorch():
    real = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    ours, our_w1 = train_with_gradient_penalty(torch)
    theirs, their_w1 = train_with_gradient_penalty(real)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    np.testing.assert_allclose(our_w1, their_w1, rtol=1e-10)


def test_anomaly_detection_names_the_line_that_made_the_nan():
    a = torch.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.autograd.detect_anomaly():
            y = (a.sqrt() / a).sum()  # the line a learner should be shown
            with pytest.raises(RuntimeError, match="Function 'DivBackward0' returned nan"):
                y.backward()
    messages = [str(w.message) for w in caught]
    assert messages[0].startswith("Anomaly Detection has been enabled.")
    trace = next(m for m in messages if m.startswith("Error detected in DivBackward0."))
    assert "y = (a.sqrt() / a).sum()  # the line a learner should be shown" in trace
    assert "test_higher_order.py" in trace and "autograd_lesson/" not in trace


def test_grads_made_with_create_graph_are_copies_not_shared():
    """x + y hands one gradient tensor (a broadcast one, here) to both leaves; each `.grad` is
    its own copy, recorded as PyTorch records it (CopyBackwards)."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([3.0], requires_grad=True)
    ((x + y) * x).sum().backward(create_graph=True)
    assert x.grad is not y.grad
    assert repr(x.grad.grad_fn) == "<CopyBackwards>"
    with torch.no_grad():
        x.grad.zero_()
    assert y.grad.tolist() == [3.0]
    (g,) = torch.autograd.grad(y.grad.sum(), x)
    assert g.tolist() == [1.0, 1.0]
