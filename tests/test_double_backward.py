"""Gradcheck and double backward cover every op: each node class's backward is checked
against finite differences and runs on tensors (create_graph=True), or the class is listed
as not supported and says so when asked.

The values of second derivatives are checked elsewhere (gradgradcheck in
test_engine_properties.py, torch's numbers in test_autograd_mechanics.py); here a table of
small expressions proves that no op was forgotten.
"""

import numpy as np
import pytest

import autograd_lesson as torch
from autograd_lesson import engine, inplace
from autograd_lesson.autograd import gradcheck, gradgradcheck
from autograd_lesson.function import Function
from autograd_lesson.ops import (
    activation,
    avg_pool,
    binary_loss,
    conv,
    conv1d,
    conv_general,
    einsum,
    elementwise,
    gather_scatter,
    layer_norm,
    loss,
    matmul,
    max_pool_general,
    normalization,
    pooling,
    rearrange,
    reduction,
    regression_loss,
    rounding,
    scalar,
    scan,
    shape,
    statistics,
    writes,
)

F = torch.nn.functional
MODULES = (
    elementwise,
    reduction,
    shape,
    matmul,
    loss,
    writes,
    inplace,
    conv,
    normalization,
    pooling,
    activation,
    avg_pool,
    binary_loss,
    conv1d,
    conv_general,
    einsum,
    gather_scatter,
    layer_norm,
    max_pool_general,
    rearrange,
    regression_loss,
    rounding,
    scalar,
    scan,
    statistics,
)

# One expression per family; each input a float64 tensor of the given shape (values in
# (0.5, 1.5) for the positive ones).
CASES = {
    "arithmetic": ("(x + y) * (x - y) / y + (2 - x) + 2 / y + (-x) + x.reciprocal()", (3,), (3,)),
    "powers": ("x ** 3 + x ** y + 2 ** x + x.square()", (3,), (3,)),
    "functions": (
        "x.exp() + x.log() + x.sqrt() + x.abs() + x.relu() + x.sigmoid() + x.tanh()"
        " + x.sin() + x.cos() + x.log1p() + x.sign() * x",
        (3,),
        (3,),
    ),
    "choices": (
        "x.clamp(0.7, 1.2) + torch.maximum(x, y) + torch.where(x > y, x, y)"
        " + x.masked_fill(x > 1, 0.) + x.masked_fill(x > 1, y[0])",
        (3,),
        (3,),
    ),
    "reductions": (
        "x.sum() + x.sum(0).sum() + x.mean() + x.mean(1).sum() + x.max() + x.min()"
        " + x.max(1).values.sum() + x.min(0).values.sum() + x.norm() + x.var() + x.std()"
        " + x.prod() + x.prod(1).sum()",
        (2, 3),
        (1,),
    ),
    "softmax": ("x.softmax(1) + x.log_softmax(0)", (2, 3), (1,)),
    "views": (
        "x.view(6).reshape(3, 2).t().reshape(6) + x.t().reshape(6) + x.flatten()"
        " + x.transpose(0, 1).permute(1, 0).reshape(6) + x.T.reshape(6)"
        " + x.unsqueeze(0).squeeze().reshape(6) + x[None].squeeze(0).reshape(6)"
        " + x.expand(2, 2, 3)[0].reshape(6) + x[...].reshape(6) + x.clone().reshape(6)"
        " + x.diagonal().sum()",
        (2, 3),
        (1,),
    ),
    "indexing": (
        "x[0].sum() + x[:, 1:].sum() + x[[0, 1], [2, 0]].sum() + x[x > 1].sum()"
        " + sum(p.sum() for p in x.split(1, 1)) + sum(p.sum() for p in x.split([1, 2],"
        " 1)) + sum(p.sum() for p in x.unbind(1)) + x.repeat(2, 1).sum()",
        (2, 3),
        (1,),
    ),
    "joining": ("torch.cat([x, y]).sum(0) + torch.stack([x, y]).sum(0)", (3,), (3,)),
    "diag": ("x.diag().sum(0) + x.outer(y).diag() + torch.dot(x, y)", (3,), (3,)),
    "products": (
        "(x @ y.t()).sum() + (x @ y[0]).sum() + (x[0] @ y).sum()"
        " + (x.unsqueeze(0) @ y.t().unsqueeze(0)).sum() + F.linear(x, y, y[0]).sum()",
        (3, 3),
        (3, 3),
    ),
    "losses": (
        "F.cross_entropy(x, torch.tensor([0, 2, 1])) + F.mse_loss(x, y)"
        " + F.nll_loss(x.log_softmax(1), torch.tensor([1, 1, 0]), reduction='sum')",
        (3, 3),
        (3, 3),
    ),
    "writes": (
        "sum(w(x * 1).sum() for w in ("
        "lambda t: t.add_(y), lambda t: t.mul_(y), lambda t: t.sub_(x), lambda t: t.div_(y),"
        " lambda t: t.pow_(2), lambda t: t.exp_(), lambda t: t.log_(), lambda t: t.sqrt_(),"
        " lambda t: t.neg_(), lambda t: t.abs_(), lambda t: t.clamp_(0.7, 1.2),"
        " lambda t: t.relu_(), lambda t: t.sigmoid_(), lambda t: t.tanh_(),"
        " lambda t: t.masked_fill_(t > 0.9, 0.), lambda t: t.masked_fill_(t > 1, y[0]),"
        " lambda t: t.index_fill_(0, torch.tensor([2]), 1.), lambda t: t.zero_(),"
        " lambda t: t.index_fill_(0, torch.tensor([1]), y[0]),"
        " lambda t: t.fill_(y[0]), lambda t: t.fill_(2.),"
        " lambda t: t.normal_(generator=torch.Generator().manual_seed(0)),"
        " lambda t: t.uniform_(generator=torch.Generator().manual_seed(0)),"
        " lambda t: t.bernoulli_(0.5, generator=torch.Generator().manual_seed(0)),"
        " lambda t: t.bernoulli_(t * 0 + 0.5, generator=torch.Generator().manual_seed(0)),"
        " lambda t: t.random_(generator=torch.Generator().manual_seed(0)).mul(0),"
        " lambda t: t.random_(5, generator=torch.Generator().manual_seed(0)),"
        " lambda t: t.random_(2, 5, generator=torch.Generator().manual_seed(0)),"
        " lambda t: t.copy_(y * y),"
        " lambda t: (t.__setitem__(0, y[1] * 2), t)[1],"
        " lambda t: (t.__setitem__([1, 2], y[:2] * y[:2]), t)[1],"
        " lambda t: (t[1:].mul_(y[:2]), t)[1],"
        " lambda t: t.index_put_((torch.tensor([0, 0]),), y[:2] ** 2, accumulate=True),"
        " lambda t: (lambda v: (t.mul_(y), v * t)[1])(t[0]),"
        "))",
        (3,),
        (3,),
    ),
    "more_losses": (
        "F.binary_cross_entropy(x.sigmoid(), y.sigmoid()) + F.binary_cross_entropy("
        "x.sigmoid(), y.sigmoid(), weight=torch.tensor([1., 2., .5], dtype=torch.float64))"
        " + F.binary_cross_entropy_with_logits(x, y.sigmoid(), pos_weight=torch.ones(3,"
        " dtype=torch.float64) * 2) + F.smooth_l1_loss(x, y) + F.huber_loss(x, y, delta=0.1)"
        " + F.l1_loss(x, y) + F.nll_loss(x.log_softmax(1), torch.tensor([0, 2, 1]),"
        " weight=torch.tensor([1., 2., .5], dtype=torch.float64))"
        " + F.cross_entropy(x, torch.tensor([0, 2, 1]), label_smoothing=0.2)"
        " + F.cross_entropy(x, y.softmax(1))",
        (3, 3),
        (3, 3),
    ),
    "gather_scatter": (
        "x.gather(1, torch.tensor([[0, 2], [1, 1]])).sum() + x.sort(1).values[:, 0].sum()"
        " + x.topk(2).values.sum() + x.scatter(1, torch.tensor([[0], [2]]), y[:, :1]).sum()"
        " + x.scatter(1, torch.tensor([[0], [2]]), 2.).sum()"
        " + x.scatter_add(1, torch.tensor([[0], [0]]), y[:, :1]).sum()"
        " + x.index_select(1, torch.tensor([2, 2])).sum()"
        " + F.embedding(torch.tensor([1, 1]), x).sum()",
        (2, 3),
        (2, 3),
    ),
    "scans_and_moves": (
        "x.cumsum(1).sum() + x.cumprod(1).sum() + x.logsumexp(1).sum() + x.flip(0).sum()"
        " + x.roll(1, 1)[0].sum() + x.roll(1).sum() + x.tril().sum() + x.triu(1).sum()"
        " + torch.std_mean(x, 1)[0].sum() + torch.std_mean(x, 1)[1].sum()"
        " + torch.var_mean(x)[0] + torch.var_mean(x)[1]",
        (2, 3),
        (1,),
    ),
    "rounding": (
        "(x.round() + x.round(decimals=1) + x.floor() + x.ceil() + x.trunc() + x % 0.3"
        " + torch.remainder(x, torch.tensor([.7, .8, .9], dtype=torch.float64)) + x.nan_to_num()"
        " + torch.minimum(x, y)) * x",
        (3,),
        (3,),
    ),
    "einsum_activations": (
        "torch.einsum('ij,jk->ik', x, y).sum() + torch.einsum('ij,k->ik', x, y[0]).sum()"
        " + (F.gelu(x) + F.gelu(x, approximate='tanh') + F.leaky_relu(x) + F.elu(x - 1)"
        " + F.silu(x) + torch.erf(x)).sum()",
        (3, 3),
        (3, 3),
    ),
    "layer_norm_scalars": (
        "F.layer_norm(x, (3,), y[0], y[1]).pow(2).sum()"
        " + F.cross_entropy(x, torch.tensor([0, 1, 2]), label_smoothing=0.5)",
        (3, 3),
        (3, 3),
    ),
    "casts": (
        "(x.float().double() * x).sum() + (x.to(torch.float32) ** 2).double().sum()",
        (3,),
        (1,),
    ),
}

NOT_SUPPORTED = {
    "ConvolutionBackward0",
    "AvgPool2DBackward0",
    "NotImplemented",  # floor division: no derivative at all, as in PyTorch
    "NativeBatchNormBackward0",
    "MaxPool2DWithIndicesBackward0",
    "AdaptiveAvgPool2DBackward0",
}


def node_classes():
    """Every Function class of the ops modules (and in-place machinery)."""
    classes = set()
    for module in MODULES:
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Function) and obj is not Function:
                if obj.__module__ == module.__name__:
                    classes.add(obj)
    return classes


def inputs_for(shapes, seed):
    rng = np.random.default_rng(seed)
    return [torch.tensor(rng.uniform(0.5, 1.5, s), requires_grad=True) for s in shapes]


def function_of(expr):
    # x and y as globals: the lambdas and generators inside an expression see them
    return lambda x, y: eval(expr, {"torch": torch, "F": F, "x": x, "y": y})


@pytest.mark.parametrize("name", CASES)
def test_first_and_second_derivatives_match_finite_differences(name):
    expr, *shapes = CASES[name]
    # Through float32 the finite differences see rounding: a wider step for "casts".
    eps, atol = (1e-3, 1e-2) if name == "casts" else (1e-6, 1e-4)
    assert gradcheck(function_of(expr), inputs_for(shapes, 0), eps=eps, atol=atol)
    assert gradgradcheck(function_of(expr), inputs_for(shapes, 0), eps=eps, atol=atol)


def test_every_op_runs_its_backward_on_tensors_or_is_listed(monkeypatch):
    ran = set()
    original = engine._call_backward

    def spy(node, grad, create_graph):
        if create_graph:
            ran.add(type(node))
        return original(node, grad, create_graph)

    monkeypatch.setattr(engine, "_call_backward", spy)
    for expr, *shapes in CASES.values():
        x, y = inputs_for(shapes, 1)
        out = function_of(expr)(x, y)
        torch.autograd.grad(out.sum(), [x, y], create_graph=True, allow_unused=True)
    supported = {c for c in node_classes() if c.supports_double_backward}
    missing = {c.__name__ for c in supported - ran}
    assert missing == set()
    unsupported = {c.name_in_pytorch for c in node_classes() if not c.supports_double_backward}
    assert unsupported == NOT_SUPPORTED


def test_unsupported_ops_give_first_gradients_and_refuse_the_second():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3),
        torch.nn.BatchNorm2d(2),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(),
    ).double()
    x = torch.rand(2, 1, 6, 6, dtype=torch.float64, requires_grad=True)
    out = net(x).sum()
    (g,) = torch.autograd.grad(out, x, create_graph=True)
    (g_plain,) = torch.autograd.grad(net(x).sum(), x)
    np.testing.assert_allclose(g.detach().numpy(), g_plain.numpy())
    with pytest.raises(RuntimeError, match=r"double backward of \w+ is not supported"):
        (g**2).sum().backward()


def test_a_float_constant_in_a_backward_on_tensors_is_refused():
    """A float array meeting a tensor could depend on the inputs: an error, never a silent 0."""
    from autograd_lesson import numpy_protocol

    with numpy_protocol.backward_on_tensors():
        with pytest.raises(NotImplementedError, match="float array of shape"):
            np.multiply(torch.ones(2), np.ones(2))
        with pytest.raises(NotImplementedError, match="numpy.median"):
            np.median(torch.ones(2))
