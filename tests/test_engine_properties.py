"""Property tests: for every differentiable op, on shapes Hypothesis picks (broadcasting
pairs, 0-d tensors, size-1 dims), the forward pass equals NumPy, the backward pass
agrees with finite differences (`autograd_lesson.autograd.gradcheck`, float64), and so does
the backward of the backward (`gradgradcheck`: gradients made with create_graph=True).

Inputs stay in each op's smooth domain: log/sqrt/pow bases positive, divisors away from
zero, and for max/min/maximum/abs/relu/clamp values on a grid that has no ties and no
kinks (a finite difference across a kink measures neither side's slope).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lesson as torch
from autograd_lesson.autograd import gradcheck, gradgradcheck

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
NONEMPTY_DIMS = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


def anywhere(shape):
    return hnp.arrays(np.float64, shape, elements=st.floats(-2, 2))


def positive(shape):
    return hnp.arrays(np.float64, shape, elements=st.floats(0.5, 2))


def away_from_zero(shape):
    magnitude = st.floats(0.25, 2)
    return hnp.arrays(np.float64, shape, elements=st.one_of(magnitude, magnitude.map(lambda v: -v)))


def grid(shape, shift=0.5):
    """Distinct values (k + shift)/8: no ties, never 0 or ±0.5, at least 1/8 apart."""
    size = int(np.prod(shape))
    ints = hnp.arrays(np.int64, (size,), elements=st.integers(-30, 30), unique=True)
    return ints.map(lambda k: ((k + shift) / 8).reshape(shape))


def check(op, reference, arrays):
    """Forward equals NumPy's; backward and double backward equal finite differences."""
    inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = op(*inputs)
    expected = np.asarray(reference(*arrays))
    assert out.dtype == torch.float64
    assert tuple(out.shape) == expected.shape
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12, atol=1e-12)
    assert gradcheck(op, inputs)
    assert gradgradcheck(op, inputs)


def softmax(a, axis):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# ---------------------------------------------------------------------- element-wise

UNARY = {
    "neg": (lambda x: -x, np.negative, anywhere),
    "exp": (torch.exp, np.exp, anywhere),
    "log": (torch.log, np.log, positive),
    "sqrt": (torch.sqrt, np.sqrt, positive),
    "abs": (torch.abs, np.abs, grid),
    "relu": (torch.relu, lambda a: np.maximum(a, 0), grid),
    "sigmoid": (torch.sigmoid, lambda a: 1 / (1 + np.exp(-a)), anywhere),
    "tanh": (torch.tanh, np.tanh, anywhere),
    "reciprocal": (lambda x: x.reciprocal(), np.reciprocal, away_from_zero),
    "rdiv": (lambda x: 2 / x, lambda a: 2 / a, away_from_zero),
    "rsub": (lambda x: 2 - x, lambda a: 2 - a, anywhere),
    "add_number": (lambda x: x + 1.5, lambda a: a + 1.5, anywhere),
    "mul_number": (lambda x: 3 * x, lambda a: 3 * a, anywhere),
    "pow_3": (lambda x: x**3, lambda a: a**3, anywhere),
    "pow_2": (lambda x: x**2, lambda a: a**2, anywhere),
    "pow_half": (lambda x: x**0.5, np.sqrt, positive),
    "pow_minus_1": (lambda x: x**-1, lambda a: a**-1.0, away_from_zero),
    "pow_0": (lambda x: x**0, lambda a: a**0, anywhere),
    "rpow": (lambda x: 2**x, lambda a: 2.0**a, anywhere),
    "clamp": (lambda x: x.clamp(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), grid),
    "clamp_min": (lambda x: x.clamp(min=0), lambda a: np.clip(a, 0, None), grid),
    "clone": (lambda x: x.clone(), np.copy, anywhere),
    "alias": (lambda x: x[...], np.asarray, anywhere),
    "neg_method": (lambda x: x.neg(), np.negative, anywhere),
    "square": (torch.square, np.square, anywhere),
    "sin": (torch.sin, np.sin, anywhere),
    "cos": (lambda x: x.cos(), np.cos, anywhere),
    "log1p": (torch.log1p, np.log1p, positive),
    "sign": (torch.sign, np.sign, grid),  # no zeros on the grid: the slope is 0 everywhere
    "F_sigmoid": (torch.nn.functional.sigmoid, lambda a: 1 / (1 + np.exp(-a)), anywhere),
    "F_tanh": (torch.nn.functional.tanh, np.tanh, anywhere),
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary(name, data):
    op, reference, elements = UNARY[name]
    check(op, reference, [data.draw(elements(data.draw(SHAPES)))])


BINARY = {
    "add": (lambda x, y: x + y, np.add, anywhere, anywhere),
    "sub": (lambda x, y: x - y, np.subtract, anywhere, anywhere),
    "mul": (lambda x, y: x * y, np.multiply, anywhere, anywhere),
    "div": (lambda x, y: x / y, np.divide, anywhere, away_from_zero),
    "pow": (lambda x, y: x**y, np.power, positive, anywhere),
    "maximum": (torch.maximum, np.maximum, grid, lambda s: grid(s, shift=0.25)),
}


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_with_broadcasting(name, data):
    op, reference, first, second = BINARY[name]
    shape_a, shape_b = data.draw(PAIRS).input_shapes
    check(op, reference, [data.draw(first(shape_a)), data.draw(second(shape_b))])


@given(data=st.data())
def test_where_with_broadcasting(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    cond_shape, shape_a, shape_b = shapes.input_shapes
    condition = data.draw(hnp.arrays(np.bool_, cond_shape))
    a, b = data.draw(anywhere(shape_a)), data.draw(anywhere(shape_b))
    check(
        lambda x, y: torch.where(torch.tensor(condition), x, y),
        lambda x, y: np.where(condition, x, y),
        [a, b],
    )


@given(data=st.data())
def test_masked_fill_with_broadcasting(data):
    x_shape, mask_shape = data.draw(PAIRS).input_shapes
    x, value = data.draw(anywhere(x_shape)), data.draw(anywhere(()))
    mask = data.draw(hnp.arrays(np.bool_, mask_shape))
    check(
        lambda t: t.masked_fill(torch.tensor(mask), 0.5),
        lambda a: np.where(mask, 0.5, a),
        [x],
    )
    check(
        lambda t, v: t.masked_fill(torch.tensor(mask), v),  # a 0-d tensor value gets a gradient
        lambda a, v: np.where(mask, v, a),
        [x, value],
    )


# ---------------------------------------------------------------------- reductions


@given(data=st.data())
def test_reductions_over_everything(data):
    x = data.draw(grid(data.draw(SHAPES)))
    check(lambda t: t.sum(), np.sum, [x])
    check(lambda t: t.mean(), np.mean, [x])
    check(lambda t: t.max(), np.max, [x])
    check(lambda t: t.min(), np.min, [x])
    check(lambda t: t.norm(), np.linalg.norm, [x.ravel()])


def dim_and_keepdim(data, ndim):
    return data.draw(st.integers(-ndim, ndim - 1)), data.draw(st.booleans())


@given(data=st.data())
def test_reductions_along_a_dim(data):
    x = data.draw(grid(data.draw(NONEMPTY_DIMS)))
    dim, keep = dim_and_keepdim(data, x.ndim)
    check(lambda t: t.sum(dim, keepdim=keep), lambda a: a.sum(dim, keepdims=keep), [x])
    check(lambda t: t.mean(dim, keepdim=keep), lambda a: a.mean(dim, keepdims=keep), [x])
    check(lambda t: t.max(dim, keep).values, lambda a: a.max(dim, keepdims=keep), [x])
    check(lambda t: t.min(dim, keep).values, lambda a: a.min(dim, keepdims=keep), [x])
    check(
        lambda t: t.norm(dim=dim, keepdim=keep),
        lambda a: np.sqrt((a * a).sum(dim, keepdims=keep)),
        [x],
    )


@given(data=st.data())
def test_var_std_prod(data):
    # Distinct values: std = √var has a kink where all values are equal (var = 0).
    x = data.draw(grid(data.draw(SHAPES)))
    dim, keep = dim_and_keepdim(data, max(x.ndim, 1))
    if x.size > 1:  # var and std of one element divide by n - 1 = 0
        check(lambda t: t.var(), lambda a: a.var(ddof=1), [x])
        check(lambda t: t.std(), lambda a: a.std(ddof=1), [x])
    check(lambda t: t.var(unbiased=False), np.var, [x])
    check(
        lambda t: t.std(dim, correction=0, keepdim=keep),
        lambda a: a.std(dim if a.ndim else None, keepdims=keep),
        [x],
    )
    check(lambda t: t.prod(), np.prod, [x])
    check(
        lambda t: t.prod(dim, keepdim=keep),
        lambda a: a.prod(dim if a.ndim else None, keepdims=keep),
        [x],
    )


def test_prod_gradient_is_the_product_of_the_others_even_with_zeros():
    # A finite difference cannot see this case apart from others, so it is written out.
    for values, expected in (
        ([2.0, 0.0, 3.0], [0.0, 6.0, 0.0]),
        ([0.0, 2.0, 0.0], [0.0, 0.0, 0.0]),
        ([2.0, 5.0, 3.0], [15.0, 6.0, 10.0]),
    ):
        x = torch.tensor(values, requires_grad=True)
        x.prod().backward()
        assert x.grad.tolist() == expected


@given(data=st.data())
def test_sum_over_several_dims(data):
    x = data.draw(anywhere(data.draw(NONEMPTY_DIMS)))
    dims = tuple(data.draw(st.sets(st.integers(0, x.ndim - 1), min_size=1)))
    check(lambda t: t.sum(dims, keepdim=True), lambda a: a.sum(dims, keepdims=True), [x])


@given(data=st.data())
def test_softmax_and_log_softmax(data):
    x = data.draw(anywhere(data.draw(NONEMPTY_DIMS)))
    dim, _ = dim_and_keepdim(data, x.ndim)
    check(lambda t: t.softmax(dim), lambda a: softmax(a, dim), [x])
    check(lambda t: t.log_softmax(dim), lambda a: np.log(softmax(a, dim)), [x])


# ---------------------------------------------------------------------- shapes


@given(data=st.data())
def test_reshape_view_flatten(data):
    x = data.draw(anywhere(data.draw(SHAPES)))
    check(lambda t: t.reshape(-1), np.ravel, [x])
    check(lambda t: t.view(x.size, 1), lambda a: a.reshape(a.size, 1), [x])
    check(lambda t: t.flatten(), np.ravel, [x])
    if x.ndim >= 2:
        # reshape of a transposed view must copy: Clone + UnsafeView in the graph.
        check(lambda t: t.mT.reshape(-1), lambda a: np.swapaxes(a, -1, -2).ravel(), [x])


@given(data=st.data())
def test_transpose_permute_t(data):
    x = data.draw(anywhere(data.draw(NONEMPTY_DIMS)))
    d0, d1 = (data.draw(st.integers(-x.ndim, x.ndim - 1)) for _ in range(2))
    check(lambda t: t.transpose(d0, d1), lambda a: np.swapaxes(a, d0, d1), [x])
    order = data.draw(st.permutations(range(x.ndim)))
    check(lambda t: t.permute(*order), lambda a: np.transpose(a, order), [x])
    check(lambda t: t.T, lambda a: a.T, [x])
    if x.ndim <= 2:
        check(lambda t: t.t(), lambda a: a.T, [x])


@given(data=st.data())
def test_unsqueeze_squeeze_expand(data):
    x = data.draw(anywhere(data.draw(SHAPES)))
    dim = data.draw(st.integers(-x.ndim - 1, x.ndim))
    check(lambda t: t.unsqueeze(dim), lambda a: np.expand_dims(a, dim), [x])
    check(lambda t: t.squeeze(), np.squeeze, [x])
    target = (2,) + tuple(3 if n == 1 else n for n in x.shape)
    check(lambda t: t.expand(*target), lambda a: np.broadcast_to(a, target), [x])


@given(data=st.data())
def test_indexing(data):
    x = data.draw(anywhere(data.draw(NONEMPTY_DIMS)))
    size = x.shape[0]
    i = data.draw(st.integers(-size, size - 1))
    check(lambda t: t[i], lambda a: a[i], [x])
    start = data.draw(st.integers(0, size - 1))
    check(lambda t: t[start:], lambda a: a[start:], [x])
    check(lambda t: t[..., ::2], lambda a: a[..., ::2], [x])
    check(lambda t: t[None], lambda a: a[None], [x])
    picks = data.draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=4))
    check(lambda t: t[picks], lambda a: a[picks], [x])  # repeated picks add up
    mask = data.draw(hnp.arrays(np.bool_, x.shape))
    check(lambda t: t[torch.tensor(mask)], lambda a: a[mask], [x])


@given(data=st.data())
def test_cat_and_stack(data):
    shape = data.draw(NONEMPTY_DIMS)
    dim = data.draw(st.integers(0, len(shape) - 1))
    other = tuple(2 if d == dim else n for d, n in enumerate(shape))
    x, y = data.draw(anywhere(shape)), data.draw(anywhere(other))
    check(lambda a, b: torch.cat([a, b], dim), lambda a, b: np.concatenate([a, b], dim), [x, y])
    z = data.draw(anywhere(shape))
    check(lambda a, b: torch.stack([a, b], dim), lambda a, b: np.stack([a, b], dim), [x, z])


def weighted(pieces):
    """Piece i times i + 1, so that every piece's gradient differs."""
    return [p * (i + 1) for i, p in enumerate(pieces)]


@given(data=st.data())
def test_chunk_split_unbind_repeat(data):
    x = data.draw(anywhere(data.draw(NONEMPTY_DIMS)))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    size = x.shape[dim]
    step = data.draw(st.integers(1, 4))
    check(
        lambda t: torch.cat(weighted(t.split(step, dim)), dim),
        lambda a: np.concatenate(weighted(np.split(a, range(step, size, step), dim)), dim),
        [x],
    )
    chunks = data.draw(st.integers(1, 4))
    cuts = range(-(-size // chunks), size, -(-size // chunks))  # chunk(k) is split(⌈size / k⌉)
    check(
        lambda t: torch.cat(weighted(t.chunk(chunks, dim)), dim),
        lambda a: np.concatenate(weighted(np.split(a, cuts, dim)), dim),
        [x],
    )
    cut = data.draw(st.integers(0, size))
    check(
        lambda t: torch.cat(weighted(t.split([cut, size - cut], dim)), dim),
        lambda a: np.concatenate(weighted(np.split(a, [cut], dim)), dim),
        [x],
    )
    check(
        lambda t: torch.stack(weighted(t.unbind(dim)), dim),
        lambda a: np.stack(weighted(list(np.moveaxis(a, dim, 0))), dim),
        [x],
    )
    repeats = data.draw(st.lists(st.integers(0, 3), min_size=x.ndim, max_size=x.ndim + 2))
    check(lambda t: t.repeat(*repeats), lambda a: np.tile(a, repeats), [x])


def test_to_another_dtype_sends_the_gradient_back_in_the_leafs_dtype():
    # (A float32 step cannot be gradchecked: float32 rounding swamps the finite difference.)
    x = torch.tensor([0.5, -1.25], requires_grad=True)
    (x.double() * torch.tensor([3.0, 4.0], dtype=torch.float64)).sum().backward()
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [3.0, 4.0]


# ---------------------------------------------------------------------- matrix products


@st.composite
def matmul_operands(draw):
    """Shapes for `a @ b` of every rank pair from 1-d to 4-d, batch dims broadcasting."""
    n, k, p = (draw(st.integers(1, 3)) for _ in range(3))
    batch_a, batch_b = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=2)
    ).input_shapes
    shape_a = (k,) if draw(st.booleans()) else (*batch_a, n, k)
    shape_b = (k,) if draw(st.booleans()) else (*batch_b, k, p)
    return draw(anywhere(shape_a)), draw(anywhere(shape_b))


@given(operands=matmul_operands())
def test_matmul_every_rank(operands):
    check(lambda a, b: a @ b, np.matmul, list(operands))


@given(data=st.data())
def test_mm_and_bmm(data):
    n, k, p, batch = (data.draw(st.integers(1, 3)) for _ in range(4))
    a, b = data.draw(anywhere((n, k))), data.draw(anywhere((k, p)))
    check(torch.mm, np.matmul, [a, b])
    a3, b3 = data.draw(anywhere((batch, n, k))), data.draw(anywhere((batch, k, p)))
    check(torch.bmm, np.matmul, [a3, b3])


@given(data=st.data())
def test_dot_outer_diag(data):
    n, m = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    u, v, w = data.draw(anywhere((n,))), data.draw(anywhere((n,))), data.draw(anywhere((m,)))
    check(torch.dot, np.dot, [u, v])
    check(lambda a, b: a.dot(b), np.dot, [u, u])
    check(torch.outer, np.outer, [u, w])
    k = data.draw(st.integers(-3, 3))
    check(lambda a: torch.diag(a, k), lambda a: np.diag(a, k), [u])
    matrix = data.draw(anywhere((n, m)))
    check(lambda a: a.diag(k), lambda a: np.diag(a, k), [matrix])
