"""Record what PyTorch 2.13 does for the beginner breadth of issue 10 into breadth.json:
losses, tensor ops, legacy spellings and nn layers (values, gradients, graphs, reprs,
errors and warnings, and gradients of gradients).

Run once with the oracle installed:  python tests/golden/record_breadth.py

The cases reuse record_engine.py's machinery (run_case, run_error, run_api) and
record_mechanics.py's run_double. A case named in GRAPH_DIFFERS records a graph that this
engine draws differently (einsum: PyTorch's permutes and bmm are one node here, which saves
its operands, so a second backward is refused); its values and gradients are still compared.
gelu_tanh's inputs stay within ±2.5: beyond, float32's 1 + tanh(u) loses digits, and
PyTorch's tanh and NumPy's round differently there.
"""

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).parent
GOLDEN_FILE = HERE / "breadth.json"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


engine = _load("record_engine")
mechanics = _load("record_mechanics")
case, rand, lit, pos, error = engine.case, engine.rand, engine.lit, engine.pos, engine.error
D = "float64"
FN = "torch.nn.functional."


def ints(values):
    return lit(values, dtype="int64", grad=False)


def probs(*shape, dtype="float32"):
    return rand(*shape, low=0.05, high=0.95, dtype=dtype)


def labels(*shape):
    """Targets in [0, 1] that need no gradient."""
    return rand(*shape, low=0.0, high=1.0, grad=False)


# ---------------------------------------------------------------------- values, grads, graphs
CASES = [
    # --- losses
    case("bce", FN + "binary_cross_entropy(p, y)", p=probs(3, 4), y=labels(3, 4)),
    case("bce_sum", FN + "binary_cross_entropy(p, y, reduction='sum')", p=probs(5), y=labels(5)),
    case("bce_none", FN + "binary_cross_entropy(p, y, reduction='none')", p=probs(2, 3),
         y=labels(2, 3)),
    case("bce_weight", FN + "binary_cross_entropy(p, y, weight=w)", p=probs(2, 3),
         y=labels(2, 3), w=rand(3, low=0.5, high=2.0, grad=False)),
    case("bce_target_grad", FN + "binary_cross_entropy(p, y)", p=probs(4), y=probs(4)),
    case("bce_edges", FN + "binary_cross_entropy(p, y, reduction='none')",
         p=lit([0.0, 1.0, 0.5, 1e-30]), y=lit([1.0, 0.0, 1.0, 1.0], grad=False)),
    case("bce_module", "torch.nn.BCELoss()(p, y)", p=probs(4), y=labels(4)),
    case("bce_logits", FN + "binary_cross_entropy_with_logits(x, y)", x=rand(3, 4),
         y=labels(3, 4)),
    case("bce_logits_pos_weight",
         FN + "binary_cross_entropy_with_logits(x, y, pos_weight=pw)", x=rand(3, 4),
         y=labels(3, 4), pw=rand(4, low=0.5, high=3.0, grad=False)),
    case("bce_logits_weight_none",
         FN + "binary_cross_entropy_with_logits(x, y, weight=w, reduction='none')",
         x=rand(2, 3), y=labels(2, 3), w=rand(3, low=0.5, high=2.0, grad=False)),
    case("bce_logits_sum_target_grad",
         FN + "binary_cross_entropy_with_logits(x, y, reduction='sum')", x=rand(4), y=probs(4)),
    case("bce_logits_large", FN + "binary_cross_entropy_with_logits(x, y, reduction='none')",
         x=lit([-120.0, 120.0, 0.0, 30.0]), y=lit([1.0, 0.0, 1.0, 0.0], grad=False)),
    case("bce_logits_module",
         "torch.nn.BCEWithLogitsLoss(pos_weight=pw)(x, y)", x=rand(2, 3), y=labels(2, 3),
         pw=rand(3, low=0.5, high=3.0, grad=False)),
    case("l1", FN + "l1_loss(x, y)", x=rand(3, 4), y=rand(3, 4)),
    case("l1_sum", FN + "l1_loss(x, y, reduction='sum')", x=rand(5), y=rand(5)),
    case("l1_none", FN + "l1_loss(x, y, reduction='none')", x=rand(2, 3), y=rand(2, 3, grad=False)),
    case("l1_module", "torch.nn.L1Loss()(x, y)", x=rand(4), y=rand(4)),
    case("smooth_l1", FN + "smooth_l1_loss(x, y)", x=rand(3, 4), y=rand(3, 4)),
    case("smooth_l1_beta", FN + "smooth_l1_loss(x, y, beta=0.5, reduction='sum')", x=rand(6),
         y=rand(6)),
    case("smooth_l1_beta0", FN + "smooth_l1_loss(x, y, beta=0.)", x=rand(4), y=rand(4)),
    case("smooth_l1_none", "torch.nn.SmoothL1Loss(reduction='none', beta=2.)(x, y)", x=rand(5),
         y=rand(5, grad=False)),
    case("huber", FN + "huber_loss(x, y)", x=rand(3, 4), y=rand(3, 4)),
    case("huber_delta", FN + "huber_loss(x, y, delta=0.5, reduction='none')", x=rand(6),
         y=rand(6)),
    case("huber_module", "torch.nn.HuberLoss(delta=2.)(x, y)", x=rand(2, 3), y=rand(2, 3)),
    case("nll_weight", FN + "nll_loss(x, t, weight=w)", x=rand(4, 3), t=ints([0, 2, 1, 2]),
         w=rand(3, low=0.5, high=2.0, grad=False)),
    case("nll_weight_ignore", FN + "nll_loss(x, t, weight=w, ignore_index=1)", x=rand(4, 3),
         t=ints([0, 1, 1, 2]), w=rand(3, low=0.5, high=2.0, grad=False)),
    case("nll_weight_sum", FN + "nll_loss(x, t, weight=w, reduction='sum')", x=rand(3, 3),
         t=ints([0, 2, 1]), w=rand(3, low=0.5, high=2.0, grad=False)),
    case("nll_weight_none", "torch.nn.NLLLoss(weight=w, reduction='none')(x, t)", x=rand(3, 3),
         t=ints([0, 2, -100]), w=rand(3, low=0.5, high=2.0, grad=False)),
    case("ce_weight", "torch.nn.CrossEntropyLoss(weight=w)(x, t)", x=rand(4, 3),
         t=ints([0, 2, 1, 2]), w=rand(3, low=0.5, high=2.0, grad=False)),
    case("ce_smoothing", FN + "cross_entropy(x, t, label_smoothing=0.1)", x=rand(4, 5),
         t=ints([0, 2, 1, 4])),
    case("ce_smoothing_sum", FN + "cross_entropy(x, t, label_smoothing=0.2, reduction='sum')",
         x=rand(3, 4), t=ints([0, 2, 1])),
    case("ce_smoothing_none", FN + "cross_entropy(x, t, label_smoothing=0.3, reduction='none')",
         x=rand(3, 4), t=ints([3, 2, 1])),
    case("ce_smoothing_weight_ignore",
         FN + "cross_entropy(x, t, weight=w, ignore_index=0, label_smoothing=0.1)",
         x=rand(4, 3), t=ints([0, 2, 1, 2]), w=rand(3, low=0.5, high=2.0, grad=False)),
    case("ce_smoothing_unbatched", FN + "cross_entropy(x, t, label_smoothing=0.1)", x=rand(4),
         t=lit(2, dtype="int64", grad=False)),
    case("ce_probabilities", FN + "cross_entropy(x, q)", x=rand(3, 4), q=labels(3, 4)),
    case("ce_probabilities_weight", FN + "cross_entropy(x, q, weight=w)", x=rand(3, 4),
         q=labels(3, 4), w=rand(4, low=0.5, high=2.0, grad=False)),
    case("ce_probabilities_smoothing_sum",
         FN + "cross_entropy(x, q, label_smoothing=0.1, reduction='sum')", x=rand(2, 3),
         q=labels(2, 3)),
    case("ce_probabilities_none", FN + "cross_entropy(x, q, reduction='none')", x=rand(2, 3),
         q=labels(2, 3)),
    # --- ordering, gather/scatter, running totals
    case("sort", "x.sort(1).values", x=rand(3, 4)),
    case("sort_descending_dim0", "torch.sort(x, 0, descending=True).values", x=rand(3, 2)),
    case("sort_pair", "x.sort()", x=rand(5)),
    case("topk", "x.topk(2).values", x=rand(3, 5)),
    case("topk_smallest_dim0", "x.topk(2, dim=0, largest=False)", x=rand(4, 3)),
    case("gather", "x.gather(1, torch.tensor([[0, 0], [2, 1], [3, 3]]))", x=rand(3, 4)),
    case("gather_dim0", "torch.gather(x, 0, torch.tensor([[1, 0, 1]]))", x=rand(2, 3)),
    case("scatter_src", "x.scatter(1, torch.tensor([[0], [2], [1]]), s)", x=rand(3, 4),
         s=rand(3, 1)),
    case("scatter_value", "x.scatter(0, torch.tensor([[1, 0, 1]]), 5.)", x=rand(2, 3)),
    case("scatter_add", "x.scatter_add(1, torch.tensor([[0, 0], [2, 1]]), s)", x=rand(2, 3),
         s=rand(2, 2)),
    case("scatter_add_fn", "torch.scatter_add(x, 0, torch.tensor([[1, 1]]), s)", x=rand(2, 2),
         s=rand(1, 2)),
    case("index_select", "x.index_select(1, torch.tensor([2, 0, 2]))", x=rand(2, 3)),
    case("index_select_dim0", "torch.index_select(x, 0, torch.tensor([1]))", x=rand(3, 2)),
    case("cumsum", "x.cumsum(1)", x=rand(2, 4)),
    case("cumsum_dim0", "torch.cumsum(x, dim=0)", x=rand(3, 2)),
    case("cumprod", "x.cumprod(-1)", x=rand(2, 4)),
    case("cumprod_zero", "torch.cumprod(x, 0)", x=lit([2.0, 0.0, 3.0, 0.5])),
    case("cumsum_int", "torch.tensor([[1, 2], [3, 4]]).cumsum(0)"),
    case("cumprod_bool", "torch.tensor([True, True, False]).cumprod(0)"),
    case("logsumexp", "x.logsumexp(1)", x=rand(3, 4)),
    case("logsumexp_keepdim", "torch.logsumexp(x, dim=0, keepdim=True)", x=rand(3, 4)),
    case("logsumexp_large", "x.logsumexp(0)", x=lit([1000.0, 1000.0, -5.0])),
    case("std_mean_std", "torch.std_mean(x, 1)[0]", x=rand(3, 4)),
    case("std_mean_mean", "torch.std_mean(x, 1)[1]", x=rand(3, 4)),
    case("var_mean_var", "torch.var_mean(x, dim=0, correction=0)[0]", x=rand(3, 4)),
    case("var_mean_mean", "torch.var_mean(x)[1]", x=rand(3, 4)),
    # --- rounding, // and %, nan_to_num, minimum
    case("round", "x.round()", x=lit([0.5, 1.5, -0.5, 2.4, -2.6])),
    case("round_decimals", "torch.round(x, decimals=1)", x=lit([0.123, 1.25, -0.351])),
    case("floor_ceil_trunc", "x.floor() + x.ceil() * 2 + torch.trunc(x) * 3",
         x=lit([0.5, -1.5, 2.7, -0.2])),
    case("remainder_number", "x % 0.75", x=rand(5)),
    case("remainder_tensor", "torch.remainder(x, y)", x=rand(4),
         y=rand(4, low=0.5, high=2.0, grad=False)),
    case("remainder_negative", "x % -1.5", x=rand(4)),
    case("remainder_int", "torch.tensor([-7, 7, 5]) % 3"),
    case("floor_divide_float", "x // 0.3", x=rand(4, grad=False)),
    case("floor_divide_int", "torch.tensor([-7, 7, 5]) // 2"),
    case("floor_divide_fn", "torch.floor_divide(torch.tensor([7., -7.]), 2)"),
    case("rfloordiv", "7 // torch.tensor([2, -3])"),
    case("nan_to_num", "x.nan_to_num()", x=lit([1.0, float("nan"), float("inf"), -float("inf")])),
    case("nan_to_num_values", "torch.nan_to_num(x, nan=0.5, posinf=9., neginf=-9.)",
         x=lit([1.0, float("nan"), float("inf"), -float("inf")])),
    case("minimum", "torch.minimum(x, y)", x=lit([1.0, 2.0, 3.0]), y=lit([3.0, 2.0, 1.0])),
    case("min_other", "torch.min(x, y)", x=rand(2, 3), y=rand(3)),
    case("max_other", "torch.max(x, y)", x=rand(3), y=rand(3)),
    case("tensor_min_other", "x.min(y)", x=rand(3), y=rand(3, grad=False)),
    # --- flips, rolls, triangles, einsum, erf
    case("flip", "x.flip(0)", x=rand(3, 2)),
    case("flip_dims", "torch.flip(x, [0, 1])", x=rand(2, 3)),
    case("roll", "x.roll(1, 1)", x=rand(2, 3)),
    case("roll_flat", "torch.roll(x, -2)", x=rand(2, 3)),
    case("roll_dims", "x.roll((1, -1), (0, 1))", x=rand(3, 3)),
    case("tril", "x.tril()", x=rand(3, 4)),
    case("triu_offset", "torch.triu(x, 1)", x=rand(3, 3)),
    case("tril_batched", "x.tril(-1)", x=rand(2, 3, 3)),
    case("einsum_matmul", "torch.einsum('ij,jk->ik', a, b)", a=rand(2, 3), b=rand(3, 4)),
    case("einsum_sum", "torch.einsum('ij->j', a)", a=rand(2, 3)),
    case("einsum_implicit", "torch.einsum('ij,kj', a, b)", a=rand(2, 3), b=rand(4, 3)),
    case("einsum_batch", "torch.einsum('bij,bjk->bik', a, b)", a=rand(2, 2, 3), b=rand(2, 3, 2)),
    case("einsum_outer_list", "torch.einsum('i,j->ij', [a, b])", a=rand(3), b=rand(2)),
    case("einsum_dot", "torch.einsum('i,i->', a, b)", a=rand(4), b=rand(4)),
    case("einsum_alone", "torch.einsum('ij,j->i', a, b)", a=rand(2, 3), b=rand(3)),
    case("einsum_own_letter", "torch.einsum('ij,k->ik', a, b)", a=rand(2, 3), b=rand(2)),
    case("erf", "torch.erf(x)", x=rand(5)),
    # --- nn functional layers
    case("gelu", FN + "gelu(x)", x=rand(2, 3, low=-4.0, high=4.0)),
    case("gelu_tanh", FN + "gelu(x, approximate='tanh')", x=rand(2, 3, low=-2.5, high=2.5)),
    case("gelu_module", "torch.nn.GELU()(x)", x=rand(4)),
    case("leaky_relu", FN + "leaky_relu(x, 0.2)", x=rand(2, 3)),
    case("leaky_relu_module", "torch.nn.LeakyReLU()(x)", x=lit([-1.0, 0.0, 2.0])),
    case("elu", FN + "elu(x)", x=rand(2, 3)),
    case("elu_alpha_module", "torch.nn.ELU(alpha=0.5)(x)", x=rand(4)),
    case("silu", FN + "silu(x)", x=rand(2, 3, low=-6.0, high=6.0)),
    case("silu_module", "torch.nn.SiLU()(x)", x=rand(4)),
    case("layer_norm", FN + "layer_norm(x, (4,), w, b)", x=rand(3, 4), w=rand(4), b=rand(4)),
    case("layer_norm_no_affine", FN + "layer_norm(x, (2, 3))", x=rand(2, 2, 3)),
    case("layer_norm_weight_only", FN + "layer_norm(x, [3], w, eps=0.1)", x=rand(2, 3), w=rand(3)),
    case("embedding", FN + "embedding(torch.tensor([[0, 2], [2, 1]]), w)", w=rand(3, 2)),
    case("embedding_padding", FN + "embedding(torch.tensor([0, 2, 0, 1]), w, padding_idx=0)",
         w=rand(3, 2)),
    case("avg_pool2d", FN + "avg_pool2d(x, 2)", x=rand(1, 2, 4, 4)),
    case("avg_pool2d_stride_pad", FN + "avg_pool2d(x, 3, stride=2, padding=1)", x=rand(2, 1, 5, 5)),
    case("avg_pool2d_no_pad_count",
         FN + "avg_pool2d(x, 3, 1, 1, count_include_pad=False)", x=rand(1, 1, 4, 4)),
    case("avg_pool2d_unbatched", "torch.nn.AvgPool2d((2, 1))(x)", x=rand(2, 4, 3)),
    case("conv1d", FN + "conv1d(x, w, b)", x=rand(2, 3, 6), w=rand(4, 3, 2), b=rand(4)),
    case("conv1d_stride_pad", FN + "conv1d(x, w, stride=2, padding=1)", x=rand(1, 2, 7),
         w=rand(3, 2, 3)),
    case("conv1d_unbatched", FN + "conv1d(x, w, padding='same')", x=rand(2, 5), w=rand(1, 2, 3)),
    # (float64: a sum of 18 float32 products printed to 4 decimals may round either way)
    case("conv2d_groups", FN + "conv2d(x, w, b, groups=2)", x=rand(2, 4, 5, 5, dtype=D),
         w=rand(6, 2, 3, 3, dtype=D), b=rand(6, dtype=D)),
    case("conv2d_dilation", FN + "conv2d(x, w, stride=2, padding=2, dilation=2)",
         x=rand(1, 2, 7, 6), w=rand(3, 2, 3, 2)),
    case("conv2d_depthwise_unbatched", FN + "conv2d(x, w, padding=1, groups=3)",
         x=rand(3, 4, 4), w=rand(3, 1, 3, 3)),
    case("max_pool2d_ceil", "torch.nn.MaxPool2d(3, 2, ceil_mode=True)(x)", x=rand(1, 2, 6, 7)),
    case("max_pool2d_ceil_padding", FN + "max_pool2d(x, 2, 2, 1, ceil_mode=True)",
         x=rand(2, 1, 5, 5)),
    case("max_pool2d_dilation", FN + "max_pool2d(x, 2, 1, dilation=2)", x=rand(1, 1, 5, 6)),
    case("unflatten", "torch.nn.Unflatten(1, (2, 3))(x)", x=rand(2, 6)),
    case("unflatten_method", "x.unflatten(0, (2, -1))", x=rand(6)),
    case("one_hot", FN + "one_hot(torch.tensor([0, 2, 1, 2]))"),
    case("one_hot_classes", FN + "one_hot(torch.tensor([[0], [3]]), num_classes=5)"),
    # --- legacy spellings
    case("Tensor_list", "torch.Tensor([1, 2])"),
    case("Tensor_sizes", "torch.Tensor(2, 3).fill_(1.)"),  # (uninitialised memory before)
    case("Tensor_empty", "torch.Tensor()"),
    case("Tensor_nested", "torch.Tensor([[1, 2], [3, 4]])"),
    case("FloatTensor", "torch.FloatTensor([1, 2])"),
    case("LongTensor", "torch.LongTensor([1.5, 2])"),
    case("DoubleTensor", "torch.DoubleTensor([[1], [2]])"),
    case("Variable", "torch.autograd.Variable(x) * 2", x=rand(3)),
    case("Variable_requires_grad", "torch.autograd.Variable(x.detach(), requires_grad=True) * 2",
         x=rand(3)),
    case("new_tensor", "x.new_tensor([1, 2]) + x", x=rand(2, dtype=D)),
    case("new_ones_zeros", "x.new_ones(2, 3) + x.new_zeros((2, 3)) + x.new_full((2, 3), 2.)",
         x=rand(3, dtype=D)),
    case("new_int", "torch.tensor([1, 2]).new_ones(3)"),
]
GRAPH_DIFFERS = {n for n in (c["name"] for c in CASES) if n.startswith("einsum")}

# ---------------------------------------------------------------------- gradients of gradients
DOUBLE = [
    case("bce", FN + "binary_cross_entropy(p, y)", p=probs(4, dtype=D), y=probs(4, dtype=D)),
    case("bce_logits_pos_weight",
         FN + "binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor([2., .5, 1.],"
         " dtype=torch.float64))", x=rand(2, 3, dtype=D), y=probs(2, 3, dtype=D)),
    case("smooth_l1_huber", FN + "smooth_l1_loss(x * x, y) + " + FN + "huber_loss(x, y * y)",
         x=rand(4, dtype=D), y=rand(4, dtype=D)),
    case("nll_weight", FN + "nll_loss((x * x).log_softmax(1), torch.tensor([0, 2]), "
         "weight=torch.tensor([1., 2., .5], dtype=torch.float64))", x=rand(2, 3, dtype=D)),
    case("ce_smoothing", FN + "cross_entropy(x * x, torch.tensor([0, 2]), label_smoothing=.2)",
         x=rand(2, 3, dtype=D)),
    case("ce_probabilities", FN + "cross_entropy(x * x, y.softmax(1))", x=rand(2, 3, dtype=D),
         y=rand(2, 3, dtype=D)),
    case("gather_scatter",
         "(x.gather(1, torch.tensor([[0], [2]])) ** 2).sum() + (x.scatter(1, "
         "torch.tensor([[1], [0]]), x[:, :1] ** 2) ** 2).sum() + (x.scatter_add(0, "
         "torch.tensor([[1, 0, 1]]), x[:1] * x[1:]) ** 2).sum() + (x.index_select(1, "
         "torch.tensor([2, 2])) ** 3).sum()", x=rand(2, 3, dtype=D)),
    case("sort_topk", "(x.sort(1).values ** 2 * torch.arange(3.)).sum() + (x.topk(2).values"
         " ** 3).sum()", x=rand(2, 3, dtype=D)),
    case("cumsum_cumprod", "(x.cumsum(1) ** 2).sum() + (x.cumprod(1) ** 2).sum()",
         x=rand(2, 3, dtype=D)),
    case("logsumexp_std_mean", "x.logsumexp(1).pow(2).sum() + torch.std_mean(x, 0)[0].pow(2)"
         ".sum() * torch.var_mean(x)[1]", x=rand(2, 3, dtype=D)),
    case("flip_roll_tril", "(x.flip(0) * x).sum() ** 2 + (x.roll(1, 1) ** 2 * x).sum() + "
         "(x.tril() ** 3).sum()", x=rand(3, 3, dtype=D)),
    case("remainder_minimum", "((x % 0.7) ** 2).sum() + (torch.minimum(x, y) ** 3).sum()"
         " + (x.nan_to_num() ** 2).sum()", x=rand(4, dtype=D), y=rand(4, dtype=D)),
    case("einsum", "(torch.einsum('ij,jk->ik', x, y) ** 2).sum() + torch.einsum('ij,ij->', x, "
         "x) ** 2", x=rand(2, 3, dtype=D), y=rand(3, 2, dtype=D)),
    case("activations", "(" + FN + "gelu(x) ** 2 + " + FN + "gelu(x, approximate='tanh') ** 2"
         " + " + FN + "silu(x) ** 2 + " + FN + "elu(x) ** 2 + " + FN + "leaky_relu(x) ** 2"
         " + torch.erf(x) ** 2).sum()", x=rand(5, dtype=D)),
    case("layer_norm", "(" + FN + "layer_norm(x, (3,), w, b) ** 2 * torch.arange(3.)).sum()",
         x=rand(2, 3, dtype=D), w=rand(3, dtype=D), b=rand(3, dtype=D)),
    case("embedding", "(" + FN + "embedding(torch.tensor([0, 2, 2]), w) ** 3).sum()",
         w=rand(3, 2, dtype=D)),
]

# ---------------------------------------------------------------------- errors and warnings
X = "x = torch.rand(3, 4)\n"
ERRORS = [
    error("gather_float_index", X + "x.gather(1, torch.tensor([[0.], [1.]]))"),
    error("gather_rank", X + "x.gather(1, torch.tensor([0, 1]))"),
    error("gather_out_of_bounds", X + "x.gather(1, torch.tensor([[5], [1], [0]]))"),
    error("index_select_matrix", X + "x.index_select(1, torch.tensor([[0]]))"),
    error("index_select_out_of_bounds", X + "x.index_select(1, torch.tensor([7]))"),
    error("index_select_float", X + "x.index_select(1, torch.tensor([0.]))"),
    error("topk_too_many", X + "x.topk(5)"),
    error("scatter_dtype", X + "x.scatter(1, torch.tensor([[0], [1], [2]]), "
          "torch.ones(3, 1, dtype=torch.float64))"),
    error("scatter_out_of_bounds", X + "x.scatter(1, torch.tensor([[9], [1], [2]]), 1.)"),
    error("scatter_add_src_small", X + "x.scatter_add(1, torch.tensor([[0], [1], [2]]), "
          "torch.ones(2, 1))"),
    error("einsum_dtypes", X + "torch.einsum('ij,jk', x, torch.rand(4, 2, dtype=torch.float64))"),
    error("einsum_operands", X + "torch.einsum('ij,jk->ik', x)"),
    error("einsum_sizes", X + "torch.einsum('ij,jk->ik', x, torch.rand(3, 2))"),
    error("einsum_rank", X + "torch.einsum('ijk->i', x)"),
    error("roll_align", X + "x.roll((1, 2), (0,))"),
    error("roll_dim", X + "x.roll(1, 5)"),
    error("flip_twice", X + "x.flip(0, 0)"),
    error("cumsum_dim", X + "x.cumsum(5)"),
    error("tril_vector", "torch.ones(3).tril()"),
    error("rmod_backward",
          "x = torch.tensor([1., 2.], requires_grad=True)\n(5 % x).sum().backward()"),
    error("floor_divide_backward", "x = torch.tensor([1., 2.], requires_grad=True)\n"
          "(x // 0.3).sum().backward()"),
    error("default_dtype_int", "torch.set_default_dtype(torch.int64)"),
    error("one_hot_too_small", FN + "one_hot(torch.tensor([0, 3]), 3)"),
    error("one_hot_negative", "torch.nn.functional.one_hot(torch.tensor([0, -1]))"),
    error("one_hot_float", "torch.nn.functional.one_hot(torch.tensor([0., 1.]))"),
    error("one_hot_empty", "torch.nn.functional.one_hot(torch.tensor([], dtype=torch.long))"),
    error("bce_range", FN + "binary_cross_entropy(torch.tensor([0.5, 1.5]), "
          "torch.tensor([1., 0.]))"),
    error("bce_shape", FN + "binary_cross_entropy(torch.tensor([0.5, 0.5]), "
          "torch.tensor([1., 0., 1.]))"),
    error("bce_logits_shape", FN + "binary_cross_entropy_with_logits(torch.tensor([0.5, 0.5]),"
          " torch.tensor([1., 0., 1.]))"),
    error("nll_weight_size", FN + "nll_loss(torch.rand(2, 4), torch.tensor([0, 1]), "
          "weight=torch.ones(3))"),
    error("ce_smoothing_range", FN + "cross_entropy(torch.rand(2, 4), torch.tensor([0, 1]), "
          "label_smoothing=1.5)"),
    error("ce_probabilities_shape", FN + "cross_entropy(torch.rand(2, 4), torch.rand(2, 3))"),
    error("smooth_l1_beta", FN + "smooth_l1_loss(torch.rand(2), torch.rand(2), beta=-1.)"),
    error("huber_delta", FN + "huber_loss(torch.rand(2), torch.rand(2), delta=0.)"),
    error("huber_reduction", FN + "huber_loss(torch.rand(2), torch.rand(2), reduction='avg')"),
    error("l1_reduction", FN + "l1_loss(torch.rand(2), torch.rand(2), reduction='all')"),
    error("embedding_range", FN + "embedding(torch.tensor([5]), torch.rand(3, 2))"),
    error("embedding_float", FN + "embedding(torch.tensor([1.]), torch.rand(3, 2))"),
    error("gelu_approximate", FN + "gelu(torch.rand(2), approximate='foo')"),
    error("layer_norm_shape", FN + "layer_norm(torch.rand(3, 4), (3,))"),
    error("conv2d_groups_in_channels", "torch.nn.Conv2d(3, 6, 3, groups=2)"),
    error("conv2d_groups_out_channels", "torch.nn.Conv2d(4, 5, 3, groups=2)"),
    error("conv2d_groups_input", FN + "conv2d(torch.rand(1, 3, 5, 5), torch.rand(4, 1, 3, 3), "
          "groups=2)"),
    error("conv2d_dilation_too_big", FN + "conv2d(torch.rand(1, 4, 5, 5), "
          "torch.rand(4, 2, 3, 3), groups=2, dilation=3)"),
    error("conv1d_channels", FN + "conv1d(torch.rand(1, 2, 5), torch.rand(3, 4, 2))"),
    error("Variable_list", "torch.autograd.Variable([1.])"),
    error("Tensor_float", "torch.Tensor(2.5)"),
    error("FloatTensor_float", "torch.FloatTensor(2.5)"),
    error("LongTensor_of_float_tensor", "torch.LongTensor(torch.ones(2))"),
    error("out_requires_grad", "torch.add(torch.ones(2, requires_grad=True), 1, "
          "out=torch.zeros(2))"),
    error("out_cast", "torch.add(torch.ones(2), 1.5, out=torch.zeros(2, dtype=torch.long))"),
    error("new_full_fill", "torch.ones(2).new_full((2,), 'a')"),
    error("warn_l1_shapes", FN + "l1_loss(torch.rand(2, 4), torch.rand(4))", kind="warning"),
    error("warn_softmax_dim", FN + "softmax(torch.rand(2, 3))", kind="warning"),
    error("warn_log_softmax_dim", FN + "log_softmax(torch.rand(2, 3))", kind="warning"),
    error("warn_softmax_module", "torch.nn.Softmax()(torch.rand(2, 3))", kind="warning"),
    error("warn_out_resized", "torch.add(torch.ones(2), 1, out=torch.zeros(3))", kind="warning"),
    error("warn_dropout2d_3d", FN + "dropout2d(torch.rand(2, 3, 4))", kind="warning"),
]

# ---------------------------------------------------------------------- reprs and plain values
API = [
    "torch.nn.ModuleDict({'a': torch.nn.Linear(2, 2), 'b': torch.nn.ReLU()})",
    "torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 2), torch.nn.Linear(2, 2))",
    "torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)), "
    "torch.nn.Parameter(torch.ones(2, 3))])",
    "torch.nn.ParameterList()",
    "torch.nn.ParameterList([torch.ones(2, dtype=torch.float64)])",
    "torch.nn.ParameterDict({'a': torch.nn.Parameter(torch.ones(2))})",
    "torch.nn.ParameterDict({'a': torch.nn.Parameter(torch.ones(2)), 'b': torch.ones(3, 2)})",
    "[n for n, _ in torch.nn.ParameterDict({'a': torch.ones(2)}).named_parameters()]",
    "[n for n, _ in torch.nn.ParameterList([torch.ones(2), torch.ones(1)]).named_parameters()]",
    "sorted(torch.nn.ModuleDict({'x': torch.nn.Linear(1, 2)}).state_dict())",
    "torch.nn.LayerNorm(4)",
    "torch.nn.LayerNorm([2, 4], elementwise_affine=False)",
    "torch.nn.LayerNorm(3, bias=False)",
    "sorted(torch.nn.LayerNorm(3).state_dict())",
    "torch.nn.Embedding(10, 3)",
    "torch.nn.Embedding(10, 3, padding_idx=0)",
    "torch.nn.Embedding(10, 3, padding_idx=-1).padding_idx",
    "torch.nn.Embedding(5, 2, padding_idx=1).weight[1]",
    "torch.nn.GELU()",
    "torch.nn.GELU(approximate='tanh')",
    "torch.nn.LeakyReLU()",
    "torch.nn.LeakyReLU(0.2, inplace=True)",
    "torch.nn.ELU()",
    "torch.nn.ELU(alpha=0.5, inplace=True)",
    "torch.nn.SiLU()",
    "torch.nn.Softmax(dim=1)",
    "torch.nn.LogSoftmax(dim=-1)",
    "torch.nn.Softmax()",
    "torch.nn.AvgPool2d(2)",
    "torch.nn.AvgPool2d(3, 1, 1, count_include_pad=False)",
    "torch.nn.Dropout2d()",
    "torch.nn.Dropout2d(0.2)",
    "torch.nn.Dropout2d(0.3).eval()(torch.ones(1, 2, 2, 2))",
    "torch.nn.Conv1d(3, 4, 2)",
    "torch.nn.Conv1d(3, 4, 3, stride=2, padding=1, bias=False)",
    "torch.nn.Conv1d(3, 4, 3).weight.shape",
    "torch.nn.Unflatten(1, (2, 2))",
    "torch.nn.Conv2d(4, 6, 3, padding=1, dilation=2, groups=2)",
    "torch.nn.Conv2d(4, 4, 3, groups=4, bias=False).weight.shape",
    "torch.nn.MaxPool2d(3, 2, ceil_mode=True)",
    "torch.nn.MaxPool2d(3, 2, ceil_mode=True)(torch.arange(36.).reshape(1, 6, 6))",
    "torch.nn.BatchNorm1d(3)",
    "(torch.nn.BCELoss(), torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)), "
    "torch.nn.SmoothL1Loss(beta=0.5), torch.nn.HuberLoss(delta=2.), torch.nn.L1Loss())",
    "list(torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)).state_dict())",
    "list(torch.nn.CrossEntropyLoss(weight=torch.ones(2)).state_dict())",
    "list(torch.nn.CrossEntropyLoss().state_dict())",
    "list(torch.nn.BCELoss(weight=torch.ones(2)).state_dict())",
    "torch.nn.SmoothL1Loss(beta=0.5).beta, torch.nn.HuberLoss(delta=2.).delta",
    "torch.tensor([3., 1., 2.]).sort()",
    "torch.tensor([[3, 1], [1, 3]]).sort(dim=0, descending=True)",
    "torch.tensor([1, 3, 3, 2, 3]).sort(descending=True, stable=True)",
    "torch.tensor([3., 1., 2.]).argsort()",
    "torch.argsort(torch.tensor([[3, 1, 2]]), dim=1, descending=True)",
    "torch.tensor([3., 1., 2., 5.]).topk(2)",
    "torch.topk(torch.tensor([[3, 1, 2]]), 1, largest=False)",
    "torch.tensor([1., float('nan'), float('inf'), -float('inf')]).isnan()",
    "torch.isinf(torch.tensor([1., float('nan'), float('inf'), -float('inf')]))",
    "torch.isfinite(torch.tensor([1., float('nan'), float('inf'), -float('inf')]))",
    "torch.isfinite(torch.tensor([1, 2]))",
    "torch.tensor([1., 2.]).allclose(torch.tensor([1., 2.000001]))",
    "torch.tensor([1., 2.]).isclose(torch.tensor([1., 2.1]))",
    "torch.isclose(torch.tensor([1., float('nan')]), torch.tensor([1., float('nan')]), "
    "equal_nan=True)",
    "torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))",
    "torch.tensor([[1, 2], [3, 4]]).numel(), torch.numel(torch.ones(2, 3))",
    "torch.get_default_dtype()",
    "torch.tensor([[1., 5.], [7., 2.]]).argmax(keepdim=True)",
    "torch.tensor([[1., 5.], [7., 2.]]).argmax(dim=1, keepdim=True)",
    "torch.argmax(torch.tensor([[1., 5.], [7., 2.]]), 0, keepdim=True)",
    "torch.logspace(0, 2, 3)",
    "torch.logspace(0, 2, 3, base=2)",
    "torch.logspace(-1, 1, 5, dtype=torch.float64)",
    "torch.tril_indices(3, 3)",
    "torch.triu_indices(3, 4, 1)",
    "torch.tril_indices(2, 3, -1)",
    "torch.eye(2, 3)",
    "torch.eye(3, dtype=torch.int64)",
    "torch.std_mean(torch.tensor([[1., 2.], [3., 5.]]), 1)",
    "torch.var_mean(torch.ones(2, 2), dim=0, correction=0)",
    "torch.var_mean(torch.tensor([1., 2., 4.]), unbiased=False)",
    "torch.tensor([1., 2.5]).new_tensor([1, 2])",
    "torch.tensor([1, 2]).new_tensor([1.5, 2])",
    "torch.tensor([1., 2.]).new_zeros(2, 2)",
    "torch.tensor([1., 2.], dtype=torch.float64).new_ones((3,))",
    "torch.tensor([1., 2.]).new_full((2,), 7)",
    "torch.tensor([1., 2.]).new_empty(0).shape",
    "torch.tensor([1., 2.]).new_ones(2, dtype=torch.int64)",
    "torch.tensor([1., 2.]).new_ones(2, requires_grad=True)",
    "torch.Tensor(torch.Size([2])).shape",
    "torch.Tensor((2, 3))",
    "torch.Tensor([True, False])",
    "torch.Tensor(torch.tensor([1, 2]))",
    "torch.FloatTensor(2, 3).shape",
    "torch.IntTensor([1, 2])",
    "torch.BoolTensor([1, 0])",
    "torch.ByteTensor([1, 2])",
    "torch.LongTensor(torch.tensor([1, 2]))",
    "torch.FloatTensor",
    "isinstance(torch.ones(2), torch.FloatTensor), isinstance(torch.ones(2).long(), "
    "torch.FloatTensor), isinstance(torch.ones(2).long(), torch.LongTensor)",
    "torch.ones(2).type(), torch.ones(2).long().type(), torch.ones(2, dtype=torch.float64).type()",
    "torch.ones(2).type(torch.LongTensor)",
    "torch.ones(2).type(torch.float64)",
    "torch.autograd.Variable(torch.ones(2), requires_grad=True)",
    "torch.autograd.Variable(torch.ones(2)).requires_grad",
    "torch.add(torch.ones(2), torch.ones(2), out=torch.zeros(2))",
    "torch.mul(torch.ones(2), 3, out=torch.zeros(2, dtype=torch.float64))",
    "torch.exp(torch.zeros(2), out=torch.ones(2))",
    "torch.sum(torch.ones(2, 3), 1, out=torch.zeros(2))",
    "torch.matmul(torch.ones(2, 3), torch.ones(3), out=torch.zeros(2))",
    "torch.cat([torch.ones(2), torch.zeros(1)], out=torch.empty(0))",
    "torch.stack([torch.ones(2), torch.zeros(2)], out=torch.empty(0))",
    "torch.add(torch.ones(2, dtype=torch.int64), 2, out=torch.zeros(2))",
    "torch.sqrt(torch.tensor([4.]), out=torch.zeros(1))",
    "(lambda o: (torch.add(torch.ones(2), 1, out=o) is o, o))(torch.zeros(2))",
    "torch.tensor([7, -7]) // torch.tensor([2, 2])",
    "torch.tensor([1., 2.], requires_grad=True) // 0.3",
    "torch.tensor([7., -7.]) % torch.tensor([2., 2.])",
    "torch.tensor([5.5, -5.5]).remainder(2)",
    "torch.round(torch.tensor([2, 3]))",
    "torch.tensor([1.5, 2.5, -0.5]).round()",
    "torch.tensor([1.2345, 2.5678]).round(decimals=2)",
    "torch.tensor([1, 2]).floor()",
    "torch.tensor([[1, 2], [3, 4]]).flip(1)",
    "torch.arange(6).roll(2)",
    "torch.ones(3, 3).triu()",
    "torch.ones(2, 3, dtype=torch.int64).tril(1)",
    "torch.tensor([1., float('nan')]).nan_to_num(nan=3.)",
    "torch.tensor([1, 2]).nan_to_num()",
    "torch.minimum(torch.tensor([1, 5]), torch.tensor([3, 2]))",
    "torch.tensor([1., 5.]).min(torch.tensor([3., 2.]))",
    "torch.tensor([1., 5.]).max(torch.tensor([3., 2.]))",
    "torch.tensor([[1., 2.], [3., 4.]]).logsumexp(1)",
    "torch.tensor([1., 2.]).cumsum(0, dtype=torch.float64)",
    "torch.tensor(3.).cumsum(0)",
    "torch.tensor([[1, 2], [3, 4]]).gather(0, torch.tensor([[1, 0]]))",
    "torch.zeros(3, 4).scatter_(1, torch.tensor([[0], [3], [1]]), 1.)",
    "torch.zeros(2, 3).scatter_add_(1, torch.tensor([[0, 0]]), torch.ones(1, 2))",
    "torch.zeros(2, 3).scatter(0, torch.tensor([[1, 0, 1]]), torch.tensor([[5., 6., 7.]]))",
    "torch.einsum('ii->i', torch.arange(9.).reshape(3, 3))",
    "torch.einsum('ii', torch.arange(9.).reshape(3, 3))",
    "torch.einsum('i j , j k -> i k', torch.ones(2, 3), torch.ones(3, 1))",
    "torch.erf(torch.tensor([0., 0.5, -1., 3.]))",
    "torch.tensor([0, 1]).erf()",
    "torch.nn.functional.one_hot(torch.arange(0, 5) % 3)",
    "torch.nn.functional.one_hot(torch.tensor(2), 4)",
]


def set_default_dtype_roundtrip(torch):
    """get/set_default_dtype, restored afterwards (a global setting)."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        made = (repr(torch.tensor([1.5])), repr(torch.Tensor([1, 2])), repr(torch.zeros(2)),
                repr(torch.arange(2.)), repr(torch.tensor([1, 2]) / 2),
                repr(torch.ones(1, dtype=torch.float32)), str(torch.get_default_dtype()))
    finally:
        torch.set_default_dtype(before)
    return [*made, str(torch.get_default_dtype())]


# ---------------------------------------------------------------------- beginner tutorials
# PyTorch's beginner tutorials "Tensors" and "Build the Neural Network", their code as
# published (the `import` lines become the namespace run_tutorial provides; the download of
# FashionMNIST is not part of these). Random draws and nn.Linear's initial weights come from
# one seeded NumPy generator on both engines, so that every printed number can be compared.
TENSORS_TUTORIAL = r"""
data = [[1, 2],[3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
x_ones = torch.ones_like(x_data) # retains the properties of x_data
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.rand_like(x_data, dtype=torch.float) # overrides the datatype of x_data
print(f"Random Tensor: \n {x_rand} \n")
shape = (2,3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
print(f"Random Tensor: \n {rand_tensor} \n")
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")
tensor = torch.rand(3,4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
if torch.accelerator.is_available():
    tensor = tensor.to(torch.accelerator.current_accelerator())
tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:,1] = 0
print(tensor)
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(y1, y2, y3, z1, z2, z3)
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
print(f"{tensor} \n")
tensor.add_(5)
print(tensor)
t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")
"""

BUILD_MODEL_TUTORIAL = r"""
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")

class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits

model = NeuralNetwork().to(device)
print(model)
X = torch.rand(1, 28, 28, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
input_image = torch.rand(3,28,28)
print(input_image.size())
flatten = nn.Flatten()
flat_image = flatten(input_image)
print(flat_image.size())
layer1 = nn.Linear(in_features=28*28, out_features=20)
hidden1 = layer1(flat_image)
print(hidden1.size())
print(f"Before ReLU: {hidden1}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1}")
seq_modules = nn.Sequential(
    flatten,
    layer1,
    nn.ReLU(),
    nn.Linear(20, 10)
)
input_image = torch.rand(3,28,28)
logits = seq_modules(input_image)
softmax = nn.Softmax(dim=1)
pred_probab = softmax(logits)
print(pred_probab.argmax(1))
print(f"Model structure: {model}\n\n")
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")
"""

TUTORIALS = {"tensors": TENSORS_TUTORIAL, "build_model": BUILD_MODEL_TUTORIAL}


def seeded_torch(torch, seed=0):
    """`torch` with rand, rand_like and nn.Linear's initialisation drawn from one seeded
    NumPy generator (the same numbers on both engines); everything else is torch's own."""
    import types

    import numpy as np

    rng = np.random.default_rng(seed)
    proxy = types.ModuleType("torch")
    proxy.__dict__.update({k: getattr(torch, k) for k in dir(torch) if not k.startswith("__")})

    def rand(*size, dtype=None, device=None, **_):
        size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], tuple | list) else size
        return torch.tensor(rng.uniform(size=size), dtype=dtype or torch.float32)

    proxy.rand = rand
    proxy.rand_like = lambda t, dtype=None, **_: rand(*t.shape, dtype=dtype or t.dtype)

    class Linear(torch.nn.Linear):
        def reset_parameters(self):
            bound = 1 / np.sqrt(self.in_features)
            with torch.no_grad():
                self.weight.copy_(rand(*self.weight.shape) * 2 * bound - bound)
                if self.bias is not None:
                    self.bias.copy_(rand(*self.bias.shape) * 2 * bound - bound)

    nn = types.ModuleType("torch.nn")
    nn.__dict__.update({k: getattr(torch.nn, k) for k in dir(torch.nn) if not k.startswith("__")})
    nn.Linear = Linear
    proxy.nn = nn
    return proxy


def run_tutorial(torch, name):
    """What the tutorial prints, run on `torch` (PyTorch or autograd_lesson)."""
    import contextlib
    import io

    import numpy as np

    proxy = seeded_torch(torch)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(TUTORIALS[name], {"torch": proxy, "nn": proxy.nn, "np": np})
    return printed.getvalue()


# ---------------------------------------------------------------------- recording


def stored(arrays):
    return mechanics.stored(arrays)


def main():
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    cases = []
    for c in CASES:
        arrays = engine.make_inputs(c)
        recorded = engine.run_case(torch, c, arrays)
        flags = {n: {"grad": s["grad"]} for n, s in c["inputs"].items()}
        cases.append({**c, "inputs": flags, "arrays": stored(arrays), "torch": recorded})
    double = []
    for c in DOUBLE:
        arrays = engine.make_inputs(c)
        flags = {n: {"grad": True} for n in c["inputs"]}
        recorded = mechanics.run_double(torch, c, arrays)
        double.append({**c, "inputs": flags, "arrays": stored(arrays), "torch": recorded})
    errors = [{**e, "torch": engine.run_error(torch, e)} for e in ERRORS]
    for e in errors:
        assert e["torch"]["type"] is not None, f"{e['name']} did not fail in torch"
    api = [{"expression": e, "torch": engine.run_api(torch, e)} for e in API]
    default_dtype = set_default_dtype_roundtrip(torch)
    tutorials = {name: run_tutorial(torch, name) for name in TUTORIALS}
    lines = ['{"torch_version": ' + json.dumps(torch.__version__) + ",", ' "cases": [']
    lines.append(",\n".join("  " + json.dumps(c) for c in cases))
    lines += [" ],", ' "double": [']
    lines.append(",\n".join("  " + json.dumps(c) for c in double))
    lines += [" ],", ' "errors": [']
    lines.append(",\n".join("  " + json.dumps(e) for e in errors))
    lines += [" ],", ' "api": [']
    lines.append(",\n".join("  " + json.dumps(a) for a in api))
    lines += [" ],", ' "default_dtype": ' + json.dumps(default_dtype) + ",",
              ' "tutorials": ' + json.dumps(tutorials) + "}"]
    GOLDEN_FILE.write_text("\n".join(lines) + "\n")
    print(
        f"wrote {len(cases)} cases, {len(double)} double-backward, {len(errors)} errors, "
        f"{len(api)} API calls to {GOLDEN_FILE}"
    )


if __name__ == "__main__":
    main()
