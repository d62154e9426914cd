"""The graph and the autograd state, as PyTorch 2.13 keeps them.

Every expected value here was observed on torch 2.13.0 (the golden table in
test_engine_golden.py covers the per-op numbers; this file covers behaviour across calls:
leaves, AccumulateGrad, retain_grad, accumulation, retain_graph, grad modes, detach).
"""

import warnings

import numpy as np
import pytest

import autograd_lesson as torch
from autograd_lesson.autograd import GradcheckError, gradcheck
from autograd_lesson.autograd.functional import jacobian, vjp
from autograd_lesson.function import FREED_GRAPH_MESSAGE, AccumulateGrad, Function


def leaf(values=(1.0, 2.0)):
    return torch.tensor(list(values), requires_grad=True)


def values(t):
    return t.detach().numpy().tolist()


# ---------------------------------------------------------------------- nodes


def test_node_reprs_have_no_address_and_names_are_torchs():
    x = leaf()
    y = x * 2
    assert repr(y.grad_fn) == "<MulBackward0>"
    assert y.grad_fn.name() == "MulBackward0"
    acc = y.grad_fn.next_functions[0][0]
    assert repr(acc) == "<AccumulateGrad>"
    assert acc.name() == "torch::autograd::AccumulateGrad"  # PyTorch's name() says so too
    assert y.grad_fn.next_functions == ((acc, 0), (None, 0))


def test_accumulate_grad_node_is_the_leafs_and_is_reused():
    x = leaf()
    first = (x * 2).grad_fn.next_functions[0][0]
    second = (x * 3).grad_fn.next_functions[0][0]
    assert isinstance(first, AccumulateGrad)
    assert first is second
    assert first.variable is x
    assert first.next_functions == ()


def test_walking_the_graph_of_the_tutorial():
    a, b = leaf([2.0, 3.0]), leaf([6.0, 4.0])
    q = 3 * a**3 - b**2
    sub = q.grad_fn
    assert sub.name() == "SubBackward0"
    (mul, _), (pow_b, _) = sub.next_functions
    assert [mul.name(), pow_b.name()] == ["MulBackward0", "PowBackward0"]
    assert mul.next_functions[0][0].name() == "PowBackward0"
    assert mul.next_functions[1] == (None, 0)  # the 3 needs no gradient
    assert mul.next_functions[0][0].next_functions[0][0].variable is a
    assert pow_b.next_functions[0][0].variable is b


def test_leaves_and_non_leaves():
    x = leaf()
    plain = torch.tensor([1.0])
    y = x * 2
    assert x.is_leaf and plain.is_leaf and not y.is_leaf
    assert x.grad_fn is None and plain.grad_fn is None
    assert y.requires_grad and not plain.requires_grad
    assert not (plain * 2).requires_grad and (plain * 2).grad_fn is None
    # Results that cannot carry a gradient are leaves without a node, as in PyTorch.
    for result in (x > 0, x.long(), x.argmax(), x.max(0).indices):
        assert result.is_leaf and not result.requires_grad and result.grad_fn is None


def test_requires_grad_of_a_non_leaf_can_only_be_switched_on():
    y = leaf() * 2
    y.requires_grad_(True)  # already True: allowed
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
        y.requires_grad_(False)
    # A tensor computed from tensors that need no grad is a leaf: it may start requiring grad.
    w = torch.ones(2) * 2
    assert w.requires_grad_() is w and w.requires_grad and w.is_leaf


# ---------------------------------------------------------------------- backward


def test_grad_is_none_before_backward_and_filled_on_leaves_only():
    x = leaf()
    assert x.grad is None
    y = x * 2
    y.retain_grad()
    z = (y * y).sum()
    z.backward()
    assert values(x.grad) == [8.0, 16.0]
    assert values(y.grad) == [4.0, 8.0]
    assert y.retains_grad and not x.retains_grad


def test_reading_grad_of_a_non_leaf_warns_like_pytorch():
    y = leaf() * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor") as caught:
        assert y.grad is None
    assert "github.com/pytorch/pytorch/pull/30531" in str(caught[0].message)
    y.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad is None  # asked for with retain_grad: no warning


def test_gradients_accumulate_across_backward_calls():
    x = leaf()
    (x * x).sum().backward()
    (x * 3).sum().backward()
    assert values(x.grad) == [5.0, 7.0]
    # In place, as in PyTorch: a reference taken earlier sees the sum.
    kept = x.grad
    (x * 1).sum().backward()
    assert kept is x.grad and values(kept) == [6.0, 8.0]
    x.grad = None
    (x * 1).sum().backward()
    assert values(x.grad) == [1.0, 1.0]


def test_retain_graph_allows_a_second_backward():
    x = leaf()
    w = (x**2).sum()
    w.backward(retain_graph=True)
    w.backward()
    assert values(x.grad) == [4.0, 8.0]
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        w.backward()


def test_a_graph_that_saved_nothing_can_be_walked_again():
    x = leaf()
    y = (x + 1).sum()  # AddBackward0 and SumBackward0 save no tensors
    y.backward()
    y.backward()
    assert values(x.grad) == [2.0, 2.0]


def test_freed_graph_raises_before_any_gradient_changes():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    # Walking this graph reaches x's AccumulateGrad (through Add, which saved nothing)
    # before Mul, which saved w: without the check up front, x.grad would change first.
    z = (w * w + x).sum()
    z.backward()
    before = (values(x.grad), values(w.grad))
    with pytest.raises(RuntimeError) as raised:
        z.backward()
    assert str(raised.value) == FREED_GRAPH_MESSAGE
    assert (values(x.grad), values(w.grad)) == before


def test_errors_leave_gradients_unchanged():
    x = leaf()
    (x * 2).sum().backward()
    for bad in (
        lambda: (x * 2).backward(),  # not a scalar
        lambda: (x * 2).backward(torch.ones(3)),  # wrong shape
        lambda: torch.ones(2).sum().backward(),  # nothing requires grad
    ):
        with pytest.raises(RuntimeError):
            bad()
        assert values(x.grad) == [2.0, 2.0]


def test_backward_from_a_scalar_leaf_and_with_a_gradient():
    s = torch.tensor(3.0, requires_grad=True)
    s.backward()
    assert s.grad.item() == 1.0
    s.backward(torch.tensor(2.0))
    assert s.grad.item() == 3.0


def test_backward_visits_a_shared_node_once_with_its_summed_gradient():
    calls = []

    class Double(Function):
        """out = 2a    ∂out/∂a = 2"""

        name_in_pytorch = "DoubleBackward0"

        def forward(self, a):
            return 2 * a

        def backward(self, grad):
            calls.append(grad.copy())
            return 2 * grad

    x = leaf()
    d = Double.apply(x)
    (d * d + d).sum().backward()  # d is used three times
    assert len(calls) == 1
    assert values(x.grad) == (2 * (2 * 2 * np.array([1.0, 2.0]) + 1)).tolist()


def test_a_deep_graph_does_not_hit_the_recursion_limit():
    x = leaf([1.0])
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.sum().backward()
    assert values(x.grad) == [1.0]


def test_integer_promotion_gradients_keep_the_leaf_dtype():
    x = torch.tensor([1.0, 2.0], dtype=torch.float32, requires_grad=True)
    y = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
    (x * y).sum().backward()
    assert x.grad.dtype == torch.float32 and y.grad.dtype == torch.float64
    assert (x * y).grad_fn.next_functions[0][0].variable is x  # no ToCopy node between


# ---------------------------------------------------------------------- grad modes


def test_no_grad_and_enable_grad_as_context_managers():
    x = leaf()
    with torch.no_grad():
        assert not torch.is_grad_enabled()
        q = x * 2
        assert not q.requires_grad and q.grad_fn is None and q.is_leaf
        with torch.enable_grad():
            assert torch.is_grad_enabled()
            assert (x * 2).grad_fn is not None
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()


def test_grad_modes_as_decorators():
    x = leaf()

    @torch.no_grad()
    def called(t):
        return t * 2

    @torch.no_grad
    def bare(t):
        return t * 2

    @torch.enable_grad()
    def recording(t):
        return t * 2

    @torch.set_grad_enabled(False)
    def switched_off(t):
        return t * 2

    assert not called(x).requires_grad and not bare(x).requires_grad
    assert not switched_off(x).requires_grad
    assert torch.is_grad_enabled()  # the decorator did not switch it off for good
    with torch.no_grad():
        assert recording(x).requires_grad
    assert called.__name__ == "called"


def test_set_grad_enabled_as_call_and_as_context():
    x = leaf()
    with torch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    try:
        assert not torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)
    with torch.no_grad(), torch.set_grad_enabled(True):
        assert (x * 2).requires_grad


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ValueError), torch.no_grad():
        raise ValueError
    assert torch.is_grad_enabled()


# ---------------------------------------------------------------------- detach and data


def test_detach_shares_memory_and_leaves_the_graph():
    x = leaf()
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    t = torch.tensor([1.0, 2.0])
    t.detach()[0] = 9.0
    assert values(t) == [9.0, 2.0]
    assert not x.data.requires_grad


def test_requires_grad_flag_and_int_tensors():
    t = torch.ones(2)
    assert t.requires_grad_() is t and t.requires_grad
    assert t.requires_grad_(False) is t and not t.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        torch.tensor([1, 2]).requires_grad_()


def test_inplace_is_allowed_under_no_grad_and_on_plain_tensors():
    x = leaf()
    with torch.no_grad():
        x -= 0.5 * torch.ones(2)
        x.add_(1)
    assert values(x) == [1.5, 2.5] and x.is_leaf and x.requires_grad
    t = torch.zeros(2)
    t += 1
    t[0] = 5.0
    assert values(t) == [5.0, 1.0]


def test_item_numpy_tolist():
    assert torch.tensor([[2.5]]).item() == 2.5
    assert torch.tensor([1, 2]).tolist() == [1, 2]
    array = torch.tensor([1.0, 2.0]).numpy()
    assert array.dtype == np.float32
    shared = np.zeros(2)
    torch.from_numpy(shared)[0] = 1.0
    assert shared[0] == 1.0


# ---------------------------------------------------------------------- torch.autograd


def test_autograd_grad_leaves_dot_grad_alone():
    x, y = leaf([1.0, 2.0]), leaf([3.0])
    (gx,) = torch.autograd.grad((x**2).sum(), x)
    assert values(gx) == [2.0, 4.0] and x.grad is None
    gx, gy = torch.autograd.grad([(x * y).sum()], [x, y])
    assert values(gx) == [3.0, 3.0] and values(gy) == [3.0]
    (g,) = torch.autograd.grad(x * 2, x, grad_outputs=torch.tensor([1.0, 10.0]))
    assert values(g) == [2.0, 20.0]
    assert torch.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)[1] is None


def test_autograd_grad_retain_graph():
    x = leaf()
    y = x.exp().sum()
    torch.autograd.grad(y, x, retain_graph=True)
    (g,) = torch.autograd.grad(y, x)
    assert np.allclose(values(g), np.exp([1.0, 2.0]))


def test_jacobian_and_vjp():
    jac = jacobian(lambda a: a**2, torch.tensor([1.0, 2.0]))
    assert values(jac) == [[2.0, 0.0], [0.0, 4.0]]
    ja, jb = jacobian(lambda a, b: a * b, (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])))
    assert values(ja) == [[3.0, 0.0], [0.0, 4.0]] and values(jb) == [[1.0, 0.0], [0.0, 2.0]]
    out, v = vjp(lambda a: a**2, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
    assert values(out) == [1.0, 4.0] and values(v) == [2.0, 4.0]
    assert not out.requires_grad


def test_gradcheck_passes_on_a_right_gradient_and_names_the_worst_entry_of_a_wrong_one():
    x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    assert gradcheck(lambda t: (t * t.exp()).sum(), (x,))

    class WrongSquare(Function):
        """out = a²    (backward deliberately says 3a instead of 2a)"""

        name_in_pytorch = "WrongSquareBackward0"

        def forward(self, a):
            self.save_for_backward(a)
            return a * a

        def backward(self, grad):
            (a,) = self.saved_tensors
            return grad * 3 * a

    with pytest.raises(GradcheckError, match=r"worst entry: d output\[1\] / d input\[0\]\[1\]"):
        gradcheck(WrongSquare.apply, (x,))
    assert gradcheck(WrongSquare.apply, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError, match="float64"):
        gradcheck(lambda t: t * 2, (leaf(),))


def test_augmented_assignment_on_a_non_leaf_records_the_op():
    x = leaf()
    y = x * 2
    y += 1  # PyTorch: tensor([3., 5.], grad_fn=<AddBackward0>) over MulBackward0
    assert repr(y) == "tensor([3., 5.], grad_fn=<AddBackward0>)"
    assert [n.name() if n else None for n, _ in y.grad_fn.next_functions] == ["MulBackward0", None]
    y.sum().backward()
    assert values(x.grad) == [2.0, 2.0]


def test_split_pieces_each_have_their_own_node_where_pytorch_shares_one():
    """A known difference. In PyTorch 2.13, `a, b = x.chunk(2)` gives ONE SplitBackward0 node
    with two outputs (`a.grad_fn is b.grad_fn`; b's consumers reach it as output 1, printed
    `SplitBackward0@1` by the golden recorder). This engine's nodes have a single output,
    so each piece has its own node of the same name. The gradients are the same."""
    x = leaf((1.0, 2.0, 3.0, 4.0))
    a, b = x.chunk(2)
    assert a.grad_fn.name() == b.grad_fn.name() == "SplitBackward0"
    assert a.grad_fn is not b.grad_fn  # `is` in PyTorch: change this when nodes get outputs
    (a * b).sum().backward()
    assert values(x.grad) == [3.0, 4.0, 1.0, 2.0]
