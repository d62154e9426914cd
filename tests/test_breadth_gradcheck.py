"""gradcheck and gradgradcheck (finite differences, float64) for every op of the beginner
breadth: losses, ordering, gather/scatter, scans, rounding relatives, einsum, activations,
layer norm, embedding; and first gradients of the ops that refuse a second (avg_pool2d,
conv1d)."""

import numpy as np
import pytest

import autograd_lesson as torch
from autograd_lesson.autograd import gradcheck, gradgradcheck

F = torch.nn.functional
D = torch.float64


def t(*shape, low=-1.0, high=1.0, seed=0):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.uniform(low, high, shape), dtype=D, requires_grad=True)


def const(values):
    return torch.tensor(values, dtype=D)


# name: (function, inputs); ties and kinks are avoided by the seeded values.
OPS = {
    "bce": (lambda p, y: F.binary_cross_entropy(p, y), (t(3, 2, low=0.1, high=0.9),
                                                        t(3, 2, low=0.1, high=0.9, seed=1))),
    "bce_weight_sum": (
        lambda p: F.binary_cross_entropy(p, const([1.0, 0.0]), const([2.0, 0.5]),
                                         reduction="sum"),
        (t(2, low=0.1, high=0.9),),
    ),
    "bce_logits_pos_weight": (
        lambda x, y: F.binary_cross_entropy_with_logits(x, y, pos_weight=const([2.0, 0.5, 1.0]),
                                                        weight=const([1.0, 3.0, 0.5])),
        (t(2, 3, low=-3, high=3), t(2, 3, low=0.0, high=1.0, seed=1)),
    ),
    "bce_logits_none": (
        lambda x: F.binary_cross_entropy_with_logits(x, const([1.0, 0.0, 1.0]),
                                                     reduction="none"),
        (t(3, low=-3, high=3),),
    ),
    "l1": (lambda x, y: F.l1_loss(x, y), (t(4), t(4, seed=1))),
    "smooth_l1": (lambda x, y: F.smooth_l1_loss(x, y, beta=0.7), (t(5, low=-2, high=2),
                                                                   t(5, seed=1))),
    "huber_none": (lambda x, y: F.huber_loss(x, y, delta=0.4, reduction="none"),
                   (t(5, low=-2, high=2), t(5, seed=1))),
    "nll_weight_ignore": (
        lambda x: F.nll_loss(x, torch.tensor([0, 2, 1]), weight=const([1.0, 2.0, 0.5]),
                             ignore_index=1),
        (t(3, 3),),
    ),
    "cross_entropy_smoothing_weight": (
        lambda x: F.cross_entropy(x, torch.tensor([0, 2, 1]), weight=const([1.0, 2.0, 0.5]),
                                  label_smoothing=0.3),
        (t(3, 3),),
    ),
    "cross_entropy_probabilities": (
        lambda x, q: F.cross_entropy(x, q, label_smoothing=0.1), (t(2, 3), t(2, 3, seed=1)),
    ),
    "sort": (lambda x: x.sort(1, descending=True).values, (t(2, 4),)),
    "topk": (lambda x: x.topk(2, dim=0).values, (t(4, 3),)),
    "gather": (lambda x: x.gather(1, torch.tensor([[0, 0, 2], [1, 2, 2]])), (t(2, 3),)),
    "scatter": (lambda x, s: x.scatter(0, torch.tensor([[1, 0, 1]]), s), (t(2, 3), t(1, 3))),
    "scatter_value": (lambda x: x.scatter(1, torch.tensor([[2], [0]]), 3.0), (t(2, 3),)),
    "scatter_add": (lambda x, s: x.scatter_add(1, torch.tensor([[0, 0]]), s), (t(1, 3), t(1, 2))),
    "index_select": (lambda x: x.index_select(0, torch.tensor([1, 1, 0])), (t(2, 3),)),
    # (padding_idx's row gets no gradient on purpose: tested in test_breadth_golden.py)
    "embedding": (lambda w: F.embedding(torch.tensor([[0, 2], [2, 2]]), w), (t(3, 2),)),
    "cumsum": (lambda x: x.cumsum(0), (t(3, 2),)),
    "cumprod": (lambda x: x.cumprod(1), (t(2, 4),)),
    "cumprod_with_zero": (lambda x: (x * const([1.0, 0.0, 1.0])).cumprod(0), (t(3),)),
    "logsumexp": (lambda x: x.logsumexp((0, 1)), (t(2, 3),)),
    "std_mean": (lambda x: torch.stack(torch.std_mean(x, 0)), (t(3, 2),)),
    "var_mean": (lambda x: torch.cat(torch.var_mean(x, 1, keepdim=True)), (t(2, 3),)),
    "remainder": (lambda x: x % 0.35, (t(4, low=0.05, high=0.3),)),
    "nan_to_num": (lambda x: x.nan_to_num(), (t(3),)),
    "minimum": (lambda x, y: torch.minimum(x, y), (t(3), t(3, seed=1))),
    "flip_roll": (lambda x: x.flip(0, 1) + x.roll((1, 2), (0, 1)), (t(2, 3),)),
    "tril_triu": (lambda x: x.tril(-1) + x.triu(1) * 2, (t(2, 3, 3),)),
    "einsum": (lambda a, b: torch.einsum("bij,bj->bi", a, b), (t(2, 2, 3), t(2, 3))),
    "einsum_own_letter": (lambda a, b: torch.einsum("ij,k->ik", a, b), (t(2, 3), t(4))),
    "erf": (lambda x: torch.erf(x), (t(4, low=-2, high=2),)),
    "gelu": (lambda x: F.gelu(x), (t(5, low=-3, high=3),)),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), (t(5, low=-3, high=3),)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), (t(5),)),
    "elu": (lambda x: F.elu(x, 0.7), (t(5),)),
    "silu": (lambda x: F.silu(x), (t(5, low=-4, high=4),)),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (2, 3), w, b),
                   (t(2, 2, 3), t(2, 3, seed=1), t(2, 3, seed=2))),
    "layer_norm_no_affine": (lambda x: F.layer_norm(x, (3,), eps=0.5), (t(2, 3),)),
}


@pytest.mark.parametrize("name", OPS)
def test_gradcheck(name):
    function, inputs = OPS[name]
    assert gradcheck(function, inputs)


@pytest.mark.parametrize("name", OPS)
def test_gradgradcheck(name):
    function, inputs = OPS[name]
    assert gradgradcheck(function, inputs)


@pytest.mark.parametrize(
    "name, function, inputs",
    [
        ("avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
         (t(1, 2, 5, 5),)),
        ("avg_pool2d_unbatched", lambda x: F.avg_pool2d(x, (2, 1)), (t(2, 4, 3),)),
        ("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1),
         (t(2, 3, 7), t(4, 3, 3, seed=1), t(4, seed=2))),
        ("conv2d_groups_dilation",
         lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, dilation=2, groups=2),
         (t(1, 4, 6, 5), t(4, 2, 2, 3, seed=1), t(4, seed=2))),
        ("max_pool2d_ceil_dilation",
         lambda x: F.max_pool2d(x, 2, 2, 1, dilation=(1, 2), ceil_mode=True), (t(2, 1, 5, 6),)),
    ],
)
def test_gradcheck_of_ops_without_double_backward(name, function, inputs):
    assert gradcheck(function, inputs)
