"""Record what PyTorch 2.13 computes for a table of autograd cases into engine.json.

Run once with the oracle installed:  python tests/golden/record_engine.py

Each case is a PyTorch expression (`"x * y"`, `"x[0, 1]"`, `"a @ b"`) over named inputs
(seeded random or literal NumPy arrays, some requiring grad). For each, `run_case` records:
the output's values, dtype, shape and repr; its grad_fn name and the graph below it as a
string ("MulBackward0(AccumulateGrad, None)"); the gradient of every input for a fixed
upstream gradient; and whether a second backward without retain_graph raises.

The same `run_case` runs on autograd_lesson in tests/test_engine_golden.py (with the stored
inputs and upstream gradients, no torch needed), and on both engines side by side when
torch is installed. ERRORS lists code that must fail (or warn) with PyTorch's message.
"""

import json
import warnings
import zlib
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("engine.json")


# ---------------------------------------------------------------------- the table


def rand(*shape, low=-2.0, high=2.0, dtype="float32", grad=True):
    """A seeded uniform input (the seed comes from the case and input names)."""
    return {"shape": list(shape), "low": low, "high": high, "dtype": dtype, "grad": grad}


def lit(values, dtype="float32", grad=True):
    """A literal input, for values that matter (ties, zeros, boundaries)."""
    return {"values": values, "dtype": dtype, "grad": grad}


def pos(*shape, dtype="float32"):
    """A positive input, for log, sqrt, pow with a tensor exponent, ..."""
    return rand(*shape, low=0.5, high=2.0, dtype=dtype)


def case(name, expr, **inputs):
    return {"name": name, "expr": expr, "inputs": inputs}


D = "float64"
CASES = [
    # --- the seed's "Differentiation in Autograd" cells
    case("tutorial_Q", "3*a**3 - b**2", a=lit([2.0, 3.0]), b=lit([6.0, 4.0])),
    # --- arithmetic, with broadcasting
    case("add", "x + y", x=rand(2, 3), y=rand(2, 3)),
    case("add_broadcast_column_row", "x + y", x=rand(3, 1), y=rand(4)),
    case("add_scalar", "x + 1", x=rand(2, 3)),
    case("radd_scalar", "1.5 + x", x=rand(3)),
    case("add_method", "x.add(y)", x=rand(3), y=rand(3)),
    case("torch_add_number_first", "torch.add(2, x)", x=rand(3)),
    case("torch_sub_number_first", "torch.sub(2, x)", x=rand(3)),
    case("torch_mul_number_first", "torch.mul(2, x)", x=rand(3)),
    case("torch_div_number_first", "torch.div(2, x)", x=pos(3)),
    case("sub", "x - y", x=rand(2, 3), y=rand(3)),
    case("sub_scalar", "x - 2", x=rand(3)),
    case("rsub_scalar", "2 - x", x=rand(2, 2)),
    case("mul", "x * y", x=rand(2, 3, 4), y=rand(3, 4)),
    case("mul_same_leaf", "x * x", x=rand(3)),
    case("mul_scalar", "x * 2", x=rand(3)),
    case("rmul_scalar", "2 * x", x=rand(3)),
    case("mul_0d", "x * y", x=rand(2, 3), y=rand()),
    case("div", "x / y", x=rand(2, 3), y=pos(2, 1)),
    case("div_scalar", "x / 2", x=rand(3)),
    case("rdiv_scalar", "2 / x", x=pos(3)),
    case("neg", "-x", x=rand(2, 2)),
    case("reciprocal", "x.reciprocal()", x=pos(3)),
    case("pow_int", "x ** 3", x=rand(3)),
    case("pow_square", "x ** 2", x=rand(2, 3)),
    case("pow_half", "x ** 0.5", x=pos(3)),
    case("pow_negative", "x ** -1", x=pos(3)),
    case("pow_zero", "x ** 0", x=rand(3)),
    case("pow_tensor", "x ** y", x=pos(2, 3), y=rand(3)),
    case("pow_self", "x ** x", x=pos(3)),
    case("pow_zero_base", "x ** y", x=lit([0.0, 1.0, 2.0]), y=lit([2.0, 2.0, 2.0])),
    case("rpow", "2 ** x", x=rand(3)),
    case("torch_pow_number_first", "torch.pow(2, x)", x=rand(3)),
    case("pow_0d_tensor_base", "torch.tensor(2.) ** x", x=rand(3)),
    case("tutorial_like_chain", "((x * y).exp() + y.log()).sum()", x=rand(3), y=pos(3)),
    # --- element-wise functions
    case("exp", "x.exp()", x=rand(2, 3)),
    case("log", "x.log()", x=pos(2, 3)),
    case("sqrt", "x.sqrt()", x=pos(4)),
    case("abs", "x.abs()", x=rand(5)),
    case("abs_at_zero", "x.abs()", x=lit([-1.0, 0.0, 2.0])),
    case("relu", "x.relu()", x=rand(2, 3)),
    case("relu_at_zero", "torch.relu(x)", x=lit([-1.0, 0.0, 2.0])),
    case("sigmoid", "x.sigmoid()", x=rand(2, 3)),
    case("tanh", "torch.tanh(x)", x=rand(2, 3)),
    case("clamp_both", "x.clamp(-0.5, 0.5)", x=rand(2, 3)),
    case("clamp_min", "x.clamp(min=0)", x=rand(4)),
    case("clamp_max", "x.clamp(max=0)", x=rand(4)),
    case("clamp_boundary", "x.clamp(0.0, 1.0)", x=lit([-1.0, 0.0, 0.5, 1.0, 2.0])),
    case("maximum", "torch.maximum(x, y)", x=rand(2, 3), y=rand(3)),
    case("maximum_ties", "torch.maximum(x, y)", x=lit([1.0, 2.0]), y=lit([1.0, 3.0])),
    case("where", "torch.where(x > 0, x, y)", x=rand(2, 3), y=rand(3)),
    case("where_scalar", "torch.where(x > 0, x, 0.)", x=rand(4)),
    case("neg_method", "x.neg()", x=rand(2, 3)),
    case("torch_neg", "torch.neg(x)", x=rand(3)),
    case("square", "x.square()", x=rand(2, 3)),
    case("torch_square", "torch.square(x)", x=rand(3)),
    case("sin", "x.sin()", x=rand(2, 3)),
    case("cos", "torch.cos(x)", x=rand(2, 3)),
    case("sign", "x.sign()", x=lit([-1.5, 0.0, 2.0])),
    case("sign_in_a_chain", "(x.sign() * x).sum()", x=rand(4)),
    case("log1p", "x.log1p()", x=pos(2, 3)),
    case("log1p_tiny", "torch.log1p(x)", x=lit([1e-10, -1e-10], dtype=D)),
    case("masked_fill", "x.masked_fill(x > 0, 0.)", x=rand(2, 3)),
    case("masked_fill_broadcast_mask", "x.masked_fill(y > 0, -1.)", x=rand(2, 3), y=rand(3)),
    case("masked_fill_mask_wider", "x.masked_fill(y > 0, 2.)", x=rand(3), y=rand(2, 3)),
    case("masked_fill_0d_value", "torch.masked_fill(x, x < 0, v)", x=rand(2, 3), v=rand()),
    case(
        "masked_fill_int",
        "torch.tensor([1, 2, 3]).masked_fill(torch.tensor([True, False, True]), 2.5)",
    ),
    case("F_sigmoid", "torch.nn.functional.sigmoid(x)", x=rand(2, 3)),
    case("F_tanh", "torch.nn.functional.tanh(x)", x=rand(2, 3)),
    # --- reductions
    case("sum", "x.sum()", x=rand(2, 3)),
    case("sum_dim", "x.sum(1)", x=rand(2, 3)),
    case("sum_dims_keepdim", "x.sum((0, 2), keepdim=True)", x=rand(2, 3, 4)),
    case("sum_dtype", "x.sum(dtype=torch.float64)", x=rand(3)),
    case("torch_sum", "torch.sum(x)", x=rand(3)),
    case("mean", "x.mean()", x=rand(2, 3)),
    case("mean_dim", "x.mean(0)", x=rand(2, 3)),
    case("mean_dim_keepdim", "x.mean(-1, keepdim=True)", x=rand(2, 3)),
    case("max_all", "x.max()", x=rand(2, 3)),
    case("max_all_ties", "x.max()", x=lit([1.0, 3.0, 3.0])),
    case("max_dim_values", "x.max(1).values", x=rand(2, 3)),
    case("max_dim_keepdim", "x.max(dim=0, keepdim=True)[0]", x=rand(2, 3)),
    case("max_dim_tuple", "x.max(1)", x=lit([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])),
    case("min_all", "x.min()", x=rand(2, 3)),
    case("min_dim", "x.min(dim=-1).values", x=rand(2, 3)),
    case("norm", "x.norm()", x=rand(2, 3)),
    case("norm_dim", "x.norm(dim=1)", x=rand(2, 3)),
    case("norm_zero", "x.norm()", x=lit([0.0, 0.0])),
    case("softmax", "x.softmax(dim=1)", x=rand(2, 3)),
    case("log_softmax", "torch.log_softmax(x, dim=0)", x=rand(2, 3)),
    case("argmax", "x.argmax()", x=rand(2, 3)),
    case("argmax_dim", "x.argmax(1)", x=rand(2, 3)),
    case("var", "x.var()", x=rand(2, 3)),
    case("var_dim", "x.var(1)", x=rand(2, 3)),
    case("var_dims_keepdim", "x.var((0, 2), keepdim=True)", x=rand(2, 3, 4)),
    case("var_biased", "x.var(0, unbiased=False)", x=rand(3, 2)),
    case("var_correction", "torch.var(x, dim=-1, correction=2)", x=rand(2, 4)),
    case("var_one_element", "x.var()", x=lit([1.5])),
    case("var_float64", "x.var(0)", x=rand(3, 2, dtype=D)),
    case("std", "x.std()", x=rand(2, 3)),
    case("std_dim_keepdim", "x.std(dim=0, keepdim=True)", x=rand(3, 2)),
    case("std_biased", "torch.std(x, unbiased=False)", x=rand(4)),
    case("std_constant", "x.std(1)", x=lit([[2.0, 2.0], [1.0, 3.0]])),
    case("prod", "x.prod()", x=pos(2, 3)),
    case("prod_dim", "x.prod(1)", x=rand(2, 3)),
    case("prod_dim_keepdim", "torch.prod(x, 0, keepdim=True)", x=rand(3, 2)),
    case("prod_one_zero", "x.prod()", x=lit([1.0, 2.0, 0.0, 3.0])),
    case("prod_two_zeros", "x.prod()", x=lit([0.0, 2.0, 0.0, 3.0])),
    case("prod_dim_zeros", "x.prod(-1)", x=lit([[0.0, 2.0], [1.0, 3.0], [0.0, 0.0]])),
    # --- shapes and indexing
    case("reshape", "x.reshape(3, 2)", x=rand(2, 3)),
    case("reshape_infer", "x.reshape(-1)", x=rand(2, 3)),
    case("reshape_of_transpose", "x.t().reshape(-1)", x=rand(2, 3)),
    case("reshape_of_column", "x[:, 0].reshape(2)", x=rand(2, 3)),
    case("view", "x.view(3, 2)", x=rand(2, 3)),
    case("flatten", "x.flatten()", x=rand(2, 3)),
    case("flatten_start", "x.flatten(1)", x=rand(2, 3, 2)),
    case("transpose", "x.transpose(0, 1)", x=rand(2, 3)),
    case("t", "x.t()", x=rand(2, 3)),
    case("T", "x.T", x=rand(2, 3)),
    case("mT", "x.mT", x=rand(2, 3, 4)),
    case("permute", "x.permute(2, 0, 1)", x=rand(2, 3, 4)),
    case("unsqueeze", "x.unsqueeze(0)", x=rand(2, 3)),
    case("squeeze", "x.squeeze()", x=rand(2, 1, 3)),
    case("squeeze_dim", "x.squeeze(1)", x=rand(2, 1, 3)),
    case("expand", "x.expand(2, 3)", x=rand(1, 3)),
    case("clone", "x.clone()", x=rand(3)),
    case("contiguous", "x.t().contiguous()", x=rand(2, 3)),
    case("to_float64", "x.to(torch.float64)", x=rand(3)),
    case("double", "x.double() * 2", x=rand(3)),
    case("detach", "x.detach()", x=rand(3)),
    case("index_int", "x[1]", x=rand(2, 3)),
    case("index_two_ints", "x[0, 1]", x=rand(2, 3)),
    case("index_slice", "x[0:1]", x=rand(2, 3)),
    case("index_step", "x[:, ::2]", x=rand(2, 3)),
    case("index_full_slice", "x[:]", x=rand(2, 3)),
    case("index_ellipsis", "x[...]", x=rand(2, 3)),
    case("index_none", "x[None, 1]", x=rand(2, 3)),
    case("index_negative", "x[-1]", x=rand(2, 3)),
    case("index_list", "x[[0, 1, 0]]", x=rand(2, 3)),
    case("index_int_and_list", "x[0, [1, 2]]", x=rand(2, 3)),
    case("index_mask", "x[x > 0]", x=lit([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])),
    case("index_tensor", "x[torch.tensor([2, 0])]", x=rand(3)),
    case("cat", "torch.cat([x, y])", x=rand(2, 3), y=rand(1, 3)),
    case("cat_dim1", "torch.cat([x, y], dim=1)", x=rand(2, 3), y=rand(2, 2)),
    case("stack", "torch.stack([x, y], dim=1)", x=rand(2, 3), y=rand(2, 3)),
    case("chunk", "x.chunk(2)[1]", x=rand(4, 3)),
    case("chunk_uneven", "x.chunk(3, dim=1)[0]", x=rand(2, 5)),
    case("torch_chunk_last", "torch.chunk(x, 3, -1)[-1]", x=rand(2, 5)),
    case("split", "x.split(2)[0]", x=rand(5, 2)),
    case("split_last_smaller", "torch.split(x, 2, dim=1)[2]", x=rand(2, 5)),
    case("split_sizes", "x.split([1, 3], 1)[1]", x=rand(2, 4)),
    case("split_sizes_tuple", "torch.split(x, (2, 1))[0]", x=rand(3, 2)),
    case("unbind", "x.unbind()[1]", x=rand(3, 2)),
    case("unbind_dim", "torch.unbind(x, dim=-1)[0]", x=rand(2, 3, 2)),
    case("repeat", "x.repeat(2, 3)", x=rand(2, 3)),
    case("repeat_new_dims", "x.repeat(2, 1, 2)", x=rand(3)),
    case("repeat_tuple", "x.repeat((1, 2))", x=rand(2, 2)),
    case("repeat_0d", "x.repeat(3)", x=rand()),
    # --- matrix products, by rank
    case("dot", "u @ v", u=rand(3), v=rand(3)),
    case("mv", "m @ v", m=rand(2, 3), v=rand(3)),
    case("mm", "a @ b", a=rand(2, 3), b=rand(3, 4)),
    case("mm_method", "a.mm(b)", a=rand(2, 3), b=rand(3, 2)),
    case("vector_matrix", "v @ m", v=rand(3), m=rand(3, 2)),
    case("batch_matrix", "a @ b", a=rand(2, 2, 3), b=rand(3, 2)),
    case("batch_vector", "a @ v", a=rand(2, 2, 3), v=rand(3)),
    case("batch_batch", "a @ b", a=rand(2, 2, 3), b=rand(2, 3, 2)),
    case("batch_broadcast", "a @ b", a=rand(2, 1, 2, 3), b=rand(3, 3, 2)),
    case("batch_of_one", "a @ b", a=rand(2, 2, 3), b=rand(1, 3, 2)),
    case("vector_batch", "v @ b", v=rand(3), b=rand(2, 3, 2)),
    case("matrix_batch", "m @ b", m=rand(2, 3), b=rand(2, 3, 2)),
    case("bmm", "torch.bmm(a, b)", a=rand(2, 2, 3), b=rand(2, 3, 2)),
    case("linear_like", "(x @ w.t() + b).relu().sum()", x=rand(4, 3), w=rand(2, 3), b=rand(2)),
    case("dot_method", "u.dot(v)", u=rand(3), v=rand(3)),
    case("torch_dot", "torch.dot(u, v)", u=rand(4), v=rand(4)),
    case("dot_same_vector", "torch.dot(u, u)", u=rand(3)),
    case("outer", "torch.outer(u, v)", u=rand(3), v=rand(2)),
    case("outer_method", "u.outer(v)", u=rand(2), v=rand(3)),
    case("outer_of_a_column", "torch.outer(m[:, 0], v)", m=rand(3, 2), v=rand(2)),
    case("outer_float64_vec2", "torch.outer(u, v)", u=rand(2), v=rand(2, dtype=D)),
    case("diag_of_vector", "torch.diag(v)", v=rand(3)),
    case("diag_of_vector_above", "v.diag(1)", v=rand(2)),
    case("diag_of_vector_below", "torch.diag(v, -2)", v=rand(2)),
    case("diag_of_matrix", "torch.diag(m)", m=rand(3, 3)),
    case("diag_of_wide_matrix_above", "m.diag(1)", m=rand(2, 4)),
    case("diag_of_tall_matrix_below", "torch.diag(m, diagonal=-1)", m=rand(4, 2)),
    # --- gradients in float64
    case("mul_float64", "x * y", x=rand(2, 3, dtype=D), y=rand(3, dtype=D)),
    case("mm_float64", "a @ b", a=rand(2, 3, dtype=D), b=rand(3, 2, dtype=D)),
    case("softmax_float64", "x.softmax(-1)", x=rand(2, 3, dtype=D)),
    # --- dtypes: promotion, as PyTorch
    case("float32_plus_float64", "x + y", x=rand(3), y=rand(3, dtype=D)),
    case("float32_times_0d_float64", "x * y", x=rand(3), y=rand(dtype=D)),
    case("int_tensor", "torch.tensor([1, 2, 3])"),
    case("float_tensor", "torch.tensor([1., 2.])"),
    case("numpy_float64_kept", "torch.tensor(np.array([1.5, 2.5]))"),
    case("bool_tensor", "torch.tensor([True, False])"),
    case("int_div_int", "torch.tensor([1, 2]) / torch.tensor([2, 4])"),
    case("int_div_number", "torch.tensor([3, 4]) / 2"),
    case("int_times_float", "torch.tensor([1, 2]) * 2.5"),
    case("int_plus_int", "torch.tensor([1, 2]) + 3"),
    case("int_plus_bool", "torch.tensor([1, 2]) + True"),
    case("int_pow_int", "torch.tensor([1, 2]) ** 2"),
    case("int_pow_float", "torch.tensor([1, 4]) ** 0.5"),
    case("number_pow_int", "2 ** torch.tensor([1, 2])"),
    case("int_plus_float_tensor", "torch.tensor([1, 2]) + x", x=rand(2)),
    case("compare_gt", "x > 0", x=rand(4)),
    case("compare_eq", "x == y", x=lit([1.0, 2.0]), y=lit([1.0, 3.0])),
    case("sum_bool", "(x > 0).sum()", x=rand(5)),
    case("sum_int", "torch.tensor([1, 2, 3]).sum()"),
    case("float_to_long", "x.long()", x=lit([1.7, -2.3])),
    case("arange_int", "torch.arange(4)"),
    case("arange_float", "torch.arange(0, 1, 0.25)"),
    case("zeros_default", "torch.zeros(2, 2)"),
    case("ones_like_int", "torch.ones_like(torch.tensor([1, 2]))"),
    case("full_float", "torch.full((2,), 1.5)"),
    case("full_int", "torch.full((2,), 7)"),
    case("eye", "torch.eye(2)"),
    case("linspace", "torch.linspace(0, 1, 5)"),
]


def error(name, code, kind="error"):
    return {"name": name, "code": code, "kind": kind}


LEAF = "x = torch.tensor([1., 2.], requires_grad=True)\n"
ERRORS = [
    error("broadcast", "torch.ones(2, 3) + torch.ones(4)"),
    error("broadcast_3d", "torch.ones(2, 3, 4) * torch.ones(3, 3)"),
    error("mm_shapes", "torch.ones(2, 3) @ torch.ones(2, 3)"),
    error("mv_shapes", "torch.ones(2, 3) @ torch.ones(2)"),
    error("dot_shapes", "torch.ones(3) @ torch.ones(2)"),
    error("batch_shapes", "torch.ones(2, 2, 3) @ torch.ones(2, 2, 2)"),
    error("batch_broadcast", "torch.ones(2, 2, 3) @ torch.ones(3, 3, 2)"),
    error("bmm_shapes", "torch.bmm(torch.ones(2, 2, 3), torch.ones(3, 3, 2))"),
    error("mm_not_matrix", "torch.mm(torch.ones(3), torch.ones(3))"),
    error("matmul_0d", "torch.tensor(1.) @ torch.ones(2)"),
    error("mm_dtypes", "torch.ones(1, 2) @ torch.ones(2, 1, dtype=torch.float64)"),
    error("dot_dtypes", "torch.ones(2) @ torch.ones(2, dtype=torch.float64)"),
    error("mm_int_float", "torch.ones(1, 2, dtype=torch.int64) @ torch.ones(2, 1)"),
    error(
        "freed_graph",
        LEAF + "y = (x * x).sum()\ny.backward()\ny.backward()",
    ),
    error(
        "freed_graph_autograd_grad",
        LEAF + "y = (x.exp()).sum()\ntorch.autograd.grad(y, x)\ntorch.autograd.grad(y, x)",
    ),
    error("non_scalar", LEAF + "(x * 2).backward()"),
    error("grad_wrong_shape", LEAF + "(x * 2).backward(torch.ones(3))"),
    error("grad_wrong_shape_2d", LEAF + "(x * 2).backward(torch.ones(1, 2))"),
    error("no_grad_backward", "torch.ones(2).sum().backward()"),
    error(
        "no_grad_backward_no_grad_mode",
        LEAF + "with torch.no_grad():\n    y = x * 2\ny.sum().backward()",
    ),
    error("leaf_inplace_add", LEAF + "x.add_(1)"),
    error("leaf_inplace_iadd", LEAF + "x += 1"),
    error("leaf_inplace_setitem", LEAF + "x[0] = 5."),
    error("leaf_inplace_zero", LEAF + "x.zero_()"),
    error("int_requires_grad", "torch.tensor([1, 2], requires_grad=True)"),
    error("int_requires_grad_", "torch.tensor([1, 2]).requires_grad_()"),
    error("nonleaf_requires_grad_false", LEAF + "(x * 2).requires_grad_(False)"),
    error("view_invalid", "torch.ones(2, 3).view(4)"),
    error("reshape_invalid", "torch.ones(2, 3).reshape(4, -1)"),
    error("reshape_two_unknown", "torch.ones(2, 3).reshape(-1, -1)"),
    error("view_non_contiguous", "torch.ones(2, 3).t().view(6)"),
    error("dim_out_of_range_sum", "torch.ones(2, 3).sum(2)"),
    error("dim_out_of_range_negative", "torch.ones(2, 3).sum(-3)"),
    error("dim_out_of_range_transpose", "torch.ones(2, 3).transpose(0, 2)"),
    error("dim_out_of_range_unsqueeze", "torch.ones(2, 3).unsqueeze(3)"),
    error("dim_out_of_range_softmax", "torch.ones(2, 3).softmax(2)"),
    error("dim_out_of_range_max", "torch.ones(2, 3).max(dim=5)"),
    error("index_out_of_range", "torch.ones(2, 3)[2]"),
    error("too_many_indices", "torch.ones(2)[0, 0]"),
    error("item_multi", "torch.ones(2).item()"),
    error("numpy_requires_grad", LEAF + "x.numpy()"),
    error("bool_ambiguous", "bool(torch.ones(2))"),
    error("mean_int", "torch.tensor([1, 2]).mean()"),
    error("t_3d", "torch.ones(2, 3, 4).t()"),
    error("expand_invalid", "torch.ones(2, 3).expand(3, 3)"),
    error("cat_sizes", "torch.cat([torch.ones(2, 3), torch.ones(2, 2)])"),
    error("stack_sizes", "torch.stack([torch.ones(2, 3), torch.ones(3, 2)])"),
    error(
        "grad_unused",
        LEAF + "y = torch.ones(2, requires_grad=True)\ntorch.autograd.grad((x * 2).sum(), y)",
    ),
    error("grad_input_not_requiring", LEAF + "torch.autograd.grad((x * 2).sum(), torch.ones(2))"),
    error("retain_grad_no_grad", "torch.ones(2).retain_grad()"),
    error("assign_grad_wrong_size", LEAF + "x.grad = torch.ones(3)"),
    error("clamp_nothing", "torch.ones(2).clamp()"),
    error("masked_fill_int_mask", "torch.ones(2).masked_fill(torch.tensor([1, 0]), 0.)"),
    error(
        "masked_fill_value_not_0d",
        "torch.ones(2, 2).masked_fill(torch.tensor([True, False]), torch.ones(2))",
    ),
    error("masked_fill_broadcast", "torch.ones(2, 3).masked_fill(torch.ones(2) > 0, 0.)"),
    error("var_int", "torch.tensor([1, 2]).var()"),
    error("std_int", "torch.std(torch.tensor([1, 2]))"),
    error("var_dim_out_of_range", "torch.ones(2, 3).var(2)"),
    error("prod_dim_out_of_range", "torch.ones(2, 3).prod(-3)"),
    error("var_one_element_warning", "torch.ones(1).var()", kind="warning"),
    error("std_correction_warning", "torch.ones(2, 3).std(0, correction=2)", kind="warning"),
    error("chunk_zero", "torch.ones(4).chunk(0)"),
    error("chunk_negative", "torch.ones(4).chunk(-1)"),
    error("chunk_0d", "torch.tensor(1.).chunk(1)"),
    error("chunk_dim_out_of_range", "torch.ones(4).chunk(2, dim=1)"),
    error("split_zero", "torch.ones(4).split(0)"),
    error("split_negative", "torch.ones(4).split(-1)"),
    error("split_0d", "torch.tensor(1.).split(1)"),
    error("split_sizes_sum", "torch.ones(4).split([1, 2])"),
    error("split_sizes_negative", "torch.ones(3).split([2, -1, 2])"),
    error("unbind_0d", "torch.tensor(1.).unbind()"),
    error("unbind_dim_out_of_range", "torch.ones(2, 3).unbind(2)"),
    error("repeat_too_few", "torch.ones(2, 3).repeat(2)"),
    error("repeat_negative", "torch.ones(2, 3).repeat(-1, 1)"),
    error("repeat_nothing", "torch.ones(2, 3).repeat()"),
    error("dot_lengths", "torch.dot(torch.ones(2), torch.ones(3))"),
    error("dot_2d", "torch.dot(torch.ones(2, 2), torch.ones(2))"),
    error("dot_method_2d", "torch.ones(2).dot(torch.ones(2, 2))"),
    error("dot_0d", "torch.dot(torch.tensor(1.), torch.tensor(1.))"),
    error("dot_dtypes_method", "torch.ones(2).dot(torch.ones(2, dtype=torch.float64))"),
    error("dot_int_float", "torch.dot(torch.tensor([1., 2.]), torch.tensor([3, 4]))"),
    error("outer_2d_self", "torch.outer(torch.ones(2, 2), torch.ones(2))"),
    error("outer_2d_vec2", "torch.outer(torch.ones(2), torch.ones(2, 2))"),
    error("outer_0d", "torch.outer(torch.tensor(1.), torch.ones(2))"),
    error("diag_3d", "torch.diag(torch.ones(2, 2, 2))"),
    error("diag_0d", "torch.tensor(1.).diag()"),
    error("nonleaf_grad_warning", LEAF + "(x * 2).grad", kind="warning"),
]


# Tensor methods and torch functions whose printed result (or error) is the whole story.
API = [
    "torch.tensor([True]) - torch.tensor([False])",
    "2 - torch.tensor([True])",
    "-torch.tensor([True])",
    "torch.tensor([1.]) - torch.tensor([True])",
    "torch.tensor([1.5]).half()",
    'torch.zeros(2, 3).shape',
    'torch.zeros((2, 3)).size()',
    'torch.zeros(2, 3).size(1)',
    'torch.zeros(2, 3).size(-1)',
    'torch.Size([2, 3]).numel()',
    'torch.zeros(2, 3).dim()',
    'torch.zeros(2, 3).ndim',
    'torch.zeros(2, 3).numel()',
    'torch.zeros(2, 3).element_size()',
    'torch.zeros(2, dtype=torch.float64).element_size()',
    'torch.zeros(2).is_floating_point()',
    'torch.zeros(2, dtype=torch.int64).is_floating_point()',
    'torch.zeros(2, 3).t().is_contiguous()',
    'torch.zeros(2, 3).t().contiguous().is_contiguous()',
    'torch.tensor([[1, 2], [3, 4]]).tolist()',
    'torch.tensor(2.5).tolist()',
    'torch.ones(2).to(torch.float64)',
    'torch.ones(2).to("cpu")',
    'torch.ones(2).type(torch.int64)',
    'torch.ones(2).long()',
    'torch.ones(2).int()',
    'torch.ones(2).bool()',
    'torch.tensor([1, 0]).bool()',
    'torch.tensor([1.5]).half()',
    'torch.ones(2).cpu()',
    'torch.ones(2).device',
    'str(torch.ones(2).device)',
    'torch.tensor([True, False]).all()',
    'torch.tensor([True, False]).any()',
    'torch.ones(2).equal(torch.ones(2))',
    'torch.equal(torch.ones(2), torch.zeros(2))',
    'len(torch.zeros(3, 2))',
    '[t for t in torch.tensor([1., 2.])]',
    'f"{torch.tensor(2.34567):.2f}"',
    'float(torch.tensor([2.5]))',
    'int(torch.tensor(3.7))',
    '[10, 20, 30][torch.tensor(1)]',
    'torch.tensor([[1., 5.], [7., 2.]]).argmax()',
    'torch.tensor([[1., 5.], [7., 2.]]).argmax(dim=1)',
    'torch.tensor([[1., 5.], [7., 2.]]).argmin(0, keepdim=True)',
    'torch.allclose(torch.tensor([1., 2.]), torch.tensor([1., 2.000001]))',
    'torch.isclose(torch.tensor([1., 2.]), torch.tensor([1., 2.1]))',
    'torch.ones(2).add_(torch.tensor([1., 2.]))',
    'torch.ones(2).add_(torch.tensor([1., 2.]), alpha=2)',
    'torch.ones(2).sub_(torch.ones(2), alpha=0.5)',
    'torch.ones(2).mul_(3)',
    'torch.ones(2).div_(4)',
    'torch.ones(2).zero_()',
    'torch.ones(2).fill_(7)',
    'torch.zeros(2, 2).copy_(torch.tensor([1., 2.]))',
    'torch.tensor([-2., 0.5, 3.]).clamp_(-1, 1)',
    'torch.ones(2, 3).expand_as(torch.zeros(4, 2, 3)).shape',
    'torch.arange(6).view_as(torch.zeros(2, 3))',
    'torch.arange(6).reshape_as(torch.zeros(3, 2))',
    'torch.arange(6.).reshape(2, 3).max(1)',
    'torch.arange(6.).reshape(2, 3).min(dim=0)',
    'torch.arange(6.).reshape(2, 3).max(1).indices',
    'torch.zeros(2, 3, dtype=torch.int64)',
    'torch.ones(2, 2, dtype=torch.bool)',
    'torch.full((2, 2), True)',
    'torch.zeros_like(torch.ones(2, dtype=torch.int64))',
    'torch.ones_like(torch.ones(2), dtype=torch.float64)',
    'torch.full_like(torch.ones(2), 3)',
    'torch.empty(2, 3).shape',
    'torch.empty_like(torch.ones(2)).dtype',
    'torch.eye(2, 3)',
    'torch.arange(1, 4)',
    'torch.arange(0, 1, 0.5)',
    'torch.arange(3, dtype=torch.float32)',
    'torch.arange(5.)',
    'torch.linspace(-1, 1, 3)',
    'torch.randint(0, 10, (2, 3)).dtype',
    'torch.randint(5, (4,)).shape',
    'torch.randperm(4).dtype',
    'torch.rand(2, 3).dtype',
    'torch.randn(2, dtype=torch.float64).dtype',
    'torch.rand_like(torch.ones(2, 2)).shape',
    'torch.randn_like(torch.ones(3)).shape',
    'torch.as_tensor([1, 2]).dtype',
    'torch.as_tensor(np.array([1., 2.]))',
    'torch.from_numpy(np.array([1, 2], dtype=np.int32))',
    'torch.tensor(np.float64(2.5))',
    'torch.tensor(3)',
    'torch.tensor([[1, 2.5]])',
    'torch.tensor([1, 2], dtype=torch.float32)',
    'torch.is_tensor(torch.ones(1))',
    'torch.is_tensor([1])',
    'torch.numel(torch.ones(2, 3))',
    'torch.ones(2, 3).flatten().shape',
    'torch.flatten(torch.ones(2, 3, 4), 1).shape',
    'torch.squeeze(torch.ones(1, 2, 1)).shape',
    'torch.ones(1, 2, 1).squeeze(-1).shape',
    'torch.ones(2, 2).squeeze(0).shape',
    'torch.unsqueeze(torch.ones(2), -1).shape',
    'torch.transpose(torch.ones(2, 3), 0, 1).shape',
    'torch.permute(torch.ones(2, 3, 4), (2, 0, 1)).shape',
    'torch.t(torch.ones(3)).shape',
    'torch.reshape(torch.arange(4), (2, 2))',
    'torch.clamp(torch.tensor([-2., 2.]), min=-1)',
    'torch.tensor([-2., 2.]).clip(-1, 1)',
    'torch.where(torch.tensor([True, False]), torch.tensor([1., 2.]), torch.tensor([3., 4.]))',
    'torch.cat([torch.ones(1, 2), torch.zeros(1, 2)], dim=-1)',
    'torch.stack([torch.ones(2), torch.zeros(2)], dim=-1)',
    'torch.cat((torch.tensor([1, 2]), torch.tensor([3.])))',
    'torch.max(torch.tensor([1., 3.]), torch.tensor([2., 2.]))',
    'torch.maximum(torch.tensor([1, 3]), torch.tensor([2., 2.]))',
    'torch.min(torch.tensor([[1., 3.], [0., 5.]]), 1)',
    'torch.max(torch.tensor([[1., 3.], [0., 5.]]))',
    'torch.mean(torch.tensor([[1., 3.], [0., 5.]]), dim=0)',
    'torch.sum(torch.tensor([[1., 3.], [0., 5.]]), 1, keepdim=True)',
    'torch.norm(torch.tensor([3., 4.]))',
    'torch.tensor([3., 4.]).norm(2)',
    'torch.softmax(torch.tensor([1., 2.]), dim=0)',
    'torch.log_softmax(torch.tensor([1., 2.]), 0)',
    'torch.abs(torch.tensor([-1, 2]))',
    'torch.tensor([-1, 2]).abs().dtype',
    'torch.tensor([-1, 2]).relu()',
    'torch.exp(torch.tensor([0, 1]))',
    'torch.sqrt(torch.tensor([4]))',
    'torch.log(torch.tensor([1]))',
    'torch.sigmoid(torch.tensor([0]))',
    'torch.tanh(torch.tensor([0]))',
    '-torch.tensor([1, 2])',
    'torch.tensor([1]) - True',
    'abs(torch.tensor([-1.5]))',
    'torch.tensor([1., 2.]) @ torch.tensor([3., 4.])',
    'torch.tensor([[1, 2]]) @ torch.tensor([[3], [4]])',
    'torch.matmul(torch.ones(2, 3), torch.ones(3))',
    'torch.mm(torch.ones(2, 3), torch.ones(3, 1))',
    'torch.ones(2, 3).mm(torch.ones(3, 1))',
    'torch.tensor([1.]) != torch.tensor([2.])',
    'torch.tensor([1, 2]) <= 1',
    'torch.tensor([1., 2.]) >= torch.tensor([2., 2.])',
    'torch.tensor([1., 2.]) < 1.5',
    'torch.tensor([1, 2]) == 2',
    'torch.float32 is torch.float',
    'torch.float64 is torch.double',
    'torch.int64 is torch.long',
    'torch.ones(1).dtype == torch.float32',
    'repr(torch.float32)',
    'repr(torch.int32)',
    'torch.int32 is torch.int',
    'torch.float32.is_floating_point',
    'torch.int64.is_floating_point',
    'torch.float32.itemsize',
    'torch.tensor([1., 2.]).sum().item()',
    'torch.tensor([1, 2]).sum().item()',
    'torch.tensor([True]).item()',
    'torch.ones(2, 3).T.shape',
    'torch.ones(2, 3, 4).mT.shape',
    'torch.tensor([[1., 2.], [3., 4.]])[:, 1]',
    'torch.tensor([[1., 2.], [3., 4.]])[1, :]',
    'torch.tensor([[1., 2.], [3., 4.]])[torch.tensor([True, False])]',
    'torch.tensor([[1., 2.], [3., 4.]])[[1, 0], [0, 1]]',
    'torch.tensor([1., 2., 3.])[-2:]',
    'torch.tensor([1., 2., 3.])[torch.tensor([0, 0])]',
    'torch.tensor([[1., 2.], [3., 4.]]).sum(dim=(0, 1))',
    'torch.tensor([[1., 2.], [3., 4.]]).sum(-1)',
    'torch.tensor([[1., 2.], [3., 4.]]).mean((0, 1))',
    'torch.tensor([1., 2.]).pow(2)',
    'torch.pow(torch.tensor([1., 2.]), torch.tensor([2., 3.]))',
    'torch.tensor([1., 2.]).sub(torch.tensor([1., 1.]))',
    'torch.tensor([1., 2.]).div(torch.tensor([2., 2.]))',
    'torch.div(torch.tensor([1., 2.]), 2)',
    'torch.mul(torch.tensor([1., 2.]), 2)',
    'torch.sub(torch.tensor([1., 2.]), 2)',
    'torch.tensor([4., 9.]).sqrt()',
    'torch.tensor([0., 1.]).exp()',
    'torch.tensor([1., 2.]).log()',
    'torch.tensor([0.]).sigmoid()',
    'torch.tensor([0.]).tanh()',
    'torch.tensor([1., 2.]).reciprocal()',
    'torch.tensor([1., 2.]).clone()',
    'torch.detach(torch.tensor([1., 2.], requires_grad=True))',
    'torch.clone(torch.tensor([1., 2.], requires_grad=True))',
    'torch.tensor(5).__index__()',
    'torch.tensor([1., 2.]).float().dtype',
    'torch.ones(2, 2).t().contiguous().is_contiguous()',
    'torch.tensor([[1,2],[3,4]]).flatten(0, 1)',
    'torch.ones(2, 3, 4).flatten(-2).shape',
    'torch.ones(2, 3, 4).flatten(0, -2).shape',
    'torch.tensor(2.).flatten()',
    'torch.ones(2, 1).expand(-1, 3).shape',
    'torch.ones(3).expand(2, 3).shape',
    'torch.tensor([[1., 2.], [3., 4.]]).max(dim=1, keepdim=True)',
    'torch.tensor([1, -2]).neg()',
    'torch.tensor([1., -2.]).negative()',
    'torch.neg(torch.tensor([True]))',
    'torch.tensor([1, -2]).square()',
    'torch.tensor([-1.5, 0., 2.]).sign()',
    'torch.tensor([3, 0, -2]).sign()',
    'torch.sin(torch.tensor([0, 1]))',
    'torch.tensor([0, 1]).cos()',
    'torch.tensor([0, 1]).log1p()',
    'torch.tensor([-1., 0.]).log1p()',
    'torch.tensor([1, 2]).masked_fill(torch.tensor([True, False]), torch.tensor(7.5))',
    'torch.nn.functional.sigmoid(torch.tensor([0]))',
    'torch.nn.functional.tanh(torch.tensor([0.5]))',
    'torch.tensor([[1., 2.], [3., 5.]]).var(False)',
    'torch.tensor([[1., 2.], [3., 5.]]).var(True)',
    'torch.tensor([[1., 2.], [3., 5.]]).std(0, True, True)',
    'torch.tensor(2.).var(0)',
    'torch.ones(0).var()',
    'torch.tensor([1, 2, 3]).prod()',
    'torch.tensor([True, True]).prod()',
    'torch.tensor([[1, 2], [3, 4]]).prod(0)',
    'torch.tensor([1., 2.]).prod(dtype=torch.float64)',
    'torch.tensor(3.).prod(0)',
    'torch.arange(5).chunk(3)',
    'torch.arange(5).chunk(4)',
    'torch.ones(0).chunk(2)',
    'torch.arange(6.).reshape(2, 3).chunk(2, 1)',
    'torch.arange(4).split(5)',
    'torch.ones(0).split(2)',
    'torch.arange(6).split((1, 5))',
    'torch.arange(6).reshape(3, 2).unbind(-1)',
    'torch.arange(4.).unbind()',
    'torch.tensor([1, 2]).repeat(2)',
    'torch.ones(2, 3).repeat(0, 1)',
    'torch.tensor([[1, 2]]).repeat(2, 1, 2)',
    'torch.tensor([1, 2]).dot(torch.tensor([3, 4]))',
    'torch.outer(torch.tensor([1, 2]), torch.tensor([3., 4.]))',
    'torch.outer(torch.tensor([1, 2]), torch.tensor([3, 4]))',
    'torch.diag(torch.tensor([1, 2]))',
    'torch.diag(torch.tensor([[1, 2], [3, 4]]))',
    'torch.diag(torch.ones(2, 3), 5)',
    'torch.diag(torch.arange(6.).reshape(2, 3), -1)',
]


# ---------------------------------------------------------------------- running a case


def seed_for(*names):
    return zlib.crc32("/".join(names).encode())


def make_inputs(case):
    """Each input as a NumPy array (recorded into the JSON, so the test needs no recipe)."""
    arrays = {}
    for name, spec in case["inputs"].items():
        if "values" in spec:
            arrays[name] = np.array(spec["values"], dtype=spec["dtype"])
        else:
            rng = np.random.default_rng(seed_for(case["name"], name))
            values = rng.uniform(spec["low"], spec["high"], spec["shape"])
            arrays[name] = values.astype(spec["dtype"])
    return arrays


def upstream_gradient(case, shape, dtype):
    """The fixed gradient handed to backward() (not all ones, so that mistakes show)."""
    rng = np.random.default_rng(seed_for(case["name"], "upstream"))
    return rng.uniform(-1.0, 1.0, shape).astype(dtype)


def node_name(node):
    return node.name().removeprefix("torch::autograd::")


def graph_string(node):
    """The backward graph below `node`, e.g. "MulBackward0(AccumulateGrad, None)"."""
    if node is None:
        return "None"
    children = [
        graph_string(child) + (f"@{index}" if index else "")
        for child, index in node.next_functions
    ]
    return node_name(node) + (f"({', '.join(children)})" if children else "")


def json_list(array):
    """A flat list for JSON. float32 numbers are written with the fewest digits that read
    back as the same float32 (1.2345679, not 1.2345678806304932): half the file size."""
    array = np.asarray(array)
    if array.dtype == np.float32:
        return [float(str(v)) for v in array.ravel()]
    return array.ravel().tolist()


def flat(tensor):
    return json_list(tensor.detach().numpy())


def run_case(torch, case, arrays, upstream=None):
    """Evaluate a case on `torch` (PyTorch or autograd_lesson); return what it observed.

    `upstream`: the gradient for backward; None makes one with `upstream_gradient`.
    """
    tensors = {
        name: torch.tensor(arrays[name], requires_grad=spec["grad"])
        for name, spec in case["inputs"].items()
    }
    out = eval(case["expr"], {"torch": torch, "np": np}, dict(tensors))
    record = {"repr": repr(out)}
    if isinstance(out, tuple):  # max(dim) and friends: check the values part
        out = out[0]
    record.update(
        dtype=str(out.dtype),
        shape=list(out.shape),
        values=flat(out),
        requires_grad=out.requires_grad,
        grad_fn=None if out.grad_fn is None else node_name(out.grad_fn),
        graph=graph_string(out.grad_fn),
    )
    if not out.requires_grad:
        return record
    if upstream is None:
        upstream = upstream_gradient(case, tuple(out.shape), np.dtype(str(out.dtype)[6:]))
    record["upstream"] = json_list(upstream)
    out.backward(torch.tensor(upstream))
    leaves = {name: t for name, t in tensors.items() if t.requires_grad}
    record["grads"] = {n: None if t.grad is None else flat(t.grad) for n, t in leaves.items()}
    try:
        out.backward(torch.tensor(upstream))
    except RuntimeError as e:
        freed = str(e).startswith("Trying to backward through the graph a second time")
        record["second_backward"] = "freed" if freed else str(e)
    else:
        record["second_backward"] = "ok"
    return record


def run_error(torch, error_case):
    """Run code that must fail (or warn); return the exception (or warning) it gave."""
    namespace = {"torch": torch, "np": np}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(error_case["code"], namespace)
        except Exception as e:  # noqa: BLE001 - recording whatever is raised is the point
            return {"type": type(e).__name__, "message": str(e)}
    if error_case["kind"] == "warning" and caught:
        # PyTorch appends where in its C++ sources the warning came from; that is not for us.
        message = str(caught[0].message).split(" (Triggered internally at")[0]
        return {"type": caught[0].category.__name__, "message": message}
    return {"type": None, "message": None}


def run_api(torch, expression):
    """repr of the expression's value, or the exception it raised."""
    try:
        return repr(eval(expression, {"torch": torch, "np": np}))
    except Exception as e:  # noqa: BLE001 - recording whatever is raised is the point
        return f"{type(e).__name__}: {e}"


def main():
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    cases = []
    for c in CASES:
        arrays = make_inputs(c)
        recorded = run_case(torch, c, arrays)
        inputs = {
            n: {"values": json_list(a), "shape": list(a.shape), "dtype": str(a.dtype)}
            for n, a in arrays.items()
        }
        # The recipes are not needed any more: the arrays themselves are stored.
        flags = {n: {"grad": spec["grad"]} for n, spec in c["inputs"].items()}
        cases.append({**c, "inputs": flags, "arrays": inputs, "torch": recorded})
    errors = [{**e, "torch": run_error(torch, e)} for e in ERRORS]
    for e in errors:
        assert e["torch"]["type"] is not None, f"{e['name']} did not fail in torch"
    api = [{"expression": e, "torch": run_api(torch, e)} for e in API]
    # One case per line: small, and a re-recording shows up in a diff case by case.
    lines = ['{"torch_version": ' + json.dumps(torch.__version__) + ',', ' "cases": [']
    lines.append(",\n".join("  " + json.dumps(c) for c in cases))
    lines.append(" ],")
    lines.append(' "errors": [')
    lines.append(",\n".join("  " + json.dumps(e) for e in errors))
    lines.append(" ],")
    lines.append(' "api": [')
    lines.append(",\n".join("  " + json.dumps(a) for a in api))
    lines.append(" ]}")
    GOLDEN_FILE.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(cases)} cases, {len(errors)} errors, {len(api)} API calls to {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
