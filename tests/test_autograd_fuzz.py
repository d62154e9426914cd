"""A differential fuzz test of in-place operations, views and index writes.

Hypothesis writes small programs: steps that make new tensors (out of place), take views
(x[1], x[:, 1:3], x.t(), x.view(12), x.diagonal(), ...), and write into tensors and views
(add_, mul_, exp_, relu_, zero_, copy_, masked_fill_, x[key] = v, ...), on tensors with and
without grad. The same program runs on autograd_lesson and, when it is installed, on
PyTorch: values, `_version` counters, gradients, and every error (type and message, at the
same step) must agree. Without PyTorch, the gradients are checked against finite
differences instead (float64).

The "course" Hypothesis profile runs a fixed set of programs; HYPOTHESIS_PROFILE=thorough
searches 500 fresh ones per test.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd_lesson

SHAPE = (3, 4)
POOL = 4  # tensors the program can name: 0 and 1 at the start, more as steps make them

# Views of a (3, 4) tensor; each keeps to tensors of that shape.
VIEWS = {
    "row": lambda x: x[1],
    "columns": lambda x: x[:, 1:3],
    "transpose": lambda x: x.t(),
    "flat": lambda x: x.view(12),
    "diagonal": lambda x: x.diagonal(),
    "element": lambda x: x[2, 3],
    "alias": lambda x: x[...],
}
# Writes into any tensor; `o` is a (3, 4) operand that may require grad.
WRITES = {
    "add_": lambda t, o, torch: (
        t.add_(o[: t.shape[0]] if t.ndim == 1 else o, alpha=0.5) if t.ndim != 1 else t.add_(0.5)
    ),
    "mul_number": lambda t, o, torch: t.mul_(1.5),
    "mul_tensor": lambda t, o, torch: t.mul_(o) if t.shape == o.shape else t.mul_(o.sum() * 0.1),
    "sub_": lambda t, o, torch: t.sub_(0.25),
    "div_": lambda t, o, torch: t.div_(o.abs() + 1) if t.shape == o.shape else t.div_(2.0),
    "exp_": lambda t, o, torch: t.mul_(0.1).exp_(),
    "tanh_": lambda t, o, torch: t.tanh_(),
    "sigmoid_": lambda t, o, torch: t.sigmoid_(),
    "relu_": lambda t, o, torch: t.relu_(),
    "abs_": lambda t, o, torch: t.abs_(),
    "clamp_": lambda t, o, torch: t.clamp_(-0.5, 0.75),
    "zero_": lambda t, o, torch: t.zero_(),
    "fill_": lambda t, o, torch: t.fill_(0.5),
    "copy_": lambda t, o, torch: t.copy_(o * 2) if t.shape == o.shape else t.copy_(o.mean()),
    "masked_fill_": lambda t, o, torch: t.masked_fill_(t > 0, -1.0),
    "setitem_number": lambda t, o, torch: t.__setitem__(0, 2.0) if t.ndim else t.fill_(2.0),
    "setitem_tensor": lambda t, o, torch: t.__setitem__(0, o[0, 0] * 3) if t.ndim else None,
    "setitem_list": lambda t, o, torch: t.__setitem__([2, 0], o[1, 1]) if t.ndim else None,
    "iadd": lambda t, o, torch: t.__iadd__(o.mean()),
}
# Out-of-place steps: a new (3, 4) tensor from one in the pool and the operand.
MAKES = {
    "mul": lambda t, o: t * o,
    "add": lambda t, o: t + o * 0.5,
    "tanh": lambda t, o: (t * o).tanh(),
    "exp": lambda t, o: (t * 0.1).exp() * o,
    "square": lambda t, o: t * t + o,
    "clone": lambda t, o: t.clone(),
}

step = st.one_of(
    st.tuples(st.just("view"), st.integers(0, POOL - 1), st.sampled_from(sorted(VIEWS))),
    st.tuples(st.just("write"), st.integers(0, POOL - 1), st.sampled_from(sorted(WRITES))),
    st.tuples(st.just("make"), st.integers(0, POOL - 1), st.sampled_from(sorted(MAKES))),
    st.tuples(st.just("nograd_write"), st.integers(0, POOL - 1), st.sampled_from(sorted(WRITES))),
)
programs = st.lists(step, min_size=1, max_size=8)


def run(torch, program, a_values, b_values, dtype):
    """Run `program` on `torch`; return what it observed (or the first error, and where)."""
    a = torch.tensor(a_values, dtype=dtype, requires_grad=True)  # the leaf we differentiate
    b = torch.tensor(b_values, dtype=dtype)  # data: no grad
    pool = [a * 1, b.clone(), a * b, b]
    observed = []
    for i, (kind, index, name) in enumerate(program):
        target = pool[index % len(pool)]
        try:
            if kind == "view":
                if name == "flat" and not target.is_contiguous() or target.ndim != 2:
                    continue
                pool.append(VIEWS[name](target))
            elif kind == "make":
                if target.shape != SHAPE:
                    continue
                pool.append(MAKES[name](target, pool[0] if pool[0].shape == SHAPE else a))
            else:
                operand = a * 1 if kind == "write" else b
                if kind == "nograd_write":
                    with torch.no_grad():
                        WRITES[name](target, operand, torch)
                else:
                    WRITES[name](target, operand, torch)
        except RuntimeError as e:
            return {"error": (i, type(e).__name__, str(e)), "observed": observed}
        observed.append([t._version for t in pool])
    loss = sum((t * (k + 1)).sum() for k, t in enumerate(pool) if t.requires_grad)
    values = [t.detach().numpy().copy() for t in pool]
    loss_value = 0.0 if isinstance(loss, int) else loss.item()
    if not isinstance(loss, int):
        try:
            loss.backward()
        except RuntimeError as e:
            return {"error": ("backward", type(e).__name__, str(e)), "observed": observed}
    grad = None if a.grad is None else a.grad.numpy().copy()
    return {"error": None, "observed": observed, "values": values, "grad": grad, "loss": loss_value}


def values_for(seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, SHAPE), rng.uniform(-1, 1, SHAPE)


FUZZ = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@FUZZ
@given(program=programs, seed=st.integers(0, 2**16))
def test_programs_agree_with_pytorch(program, seed):
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    a_values, b_values = values_for(seed)
    theirs = run(torch, program, a_values, b_values, torch.float32)
    ours = run(autograd_lesson, program, a_values, b_values, autograd_lesson.float32)
    assert ours["error"] == theirs["error"]
    assert ours["observed"] == theirs["observed"]  # versions after every step
    if theirs["error"] is None:
        for mine, expected in zip(ours["values"], theirs["values"]):
            np.testing.assert_allclose(mine, expected, rtol=1e-5, atol=1e-6)
        assert (ours["grad"] is None) == (theirs["grad"] is None)
        if theirs["grad"] is not None:
            np.testing.assert_allclose(ours["grad"], theirs["grad"], rtol=1e-4, atol=1e-5)


@FUZZ
@given(program=programs, seed=st.integers(0, 2**16))
def test_program_gradients_match_finite_differences(program, seed):
    """Without the oracle too: the gradient of every program that runs equals finite
    differences of its loss (float64). (Writes under no_grad are left out here: autograd
    ignores them on purpose, so finite differences would see what backward must not.)"""
    program = [("write" if kind == "nograd_write" else kind, i, name) for kind, i, name in program]
    a_values, b_values = values_for(seed)
    torch = autograd_lesson
    ours = run(torch, program, a_values, b_values, torch.float64)
    assume(ours["error"] is None and ours["grad"] is not None)
    numerical = np.zeros(SHAPE)
    eps = 1e-6
    for index in np.ndindex(SHAPE):
        plus, minus = a_values.copy(), a_values.copy()
        plus[index] += eps
        minus[index] -= eps
        loss_plus = run(torch, program, plus, b_values, torch.float64)["loss"]
        loss_minus = run(torch, program, minus, b_values, torch.float64)["loss"]
        numerical[index] = (loss_plus - loss_minus) / (2 * eps)
    np.testing.assert_allclose(ours["grad"], numerical, rtol=1e-4, atol=1e-6)
