"""Record what PyTorch 2.13 does for autograd's mechanics into mechanics.json:
in-place operations and views (values, gradients, graphs, version counters), gradients of
gradients (create_graph=True), and the errors a learner meets there.

Run once with the oracle installed:  python tests/golden/record_mechanics.py

The cases reuse record_engine.py's machinery: inputs by recipe (seeded or literal), an
expression evaluated on `torch` (walrus assignments let an expression do an in-place step:
`(t := x * 1).mul_(y)`), its output, graph and input gradients. A case here also records
the output's `_version`. A DOUBLE case records the first gradients (made with
create_graph=True) and the gradient of (first gradients · fixed vector) again: a Hessian-
vector product.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
GOLDEN_FILE = HERE / "mechanics.json"

_spec = importlib.util.spec_from_file_location("record_engine", HERE / "record_engine.py")
engine = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine)
case, rand, lit, pos, error = engine.case, engine.rand, engine.lit, engine.pos, engine.error
D = "float64"

# ---------------------------------------------------------------------- in-place and views
INPLACE = [
    case("iadd_into_buffer", "((b := torch.zeros(2)).__iadd__(w * 2))", w=rand(2)),
    case("add_alpha", "(t := x * 1).add_(y, alpha=2)", x=rand(3), y=rand(3)),
    case("sub_", "(t := x * 1).sub_(y)", x=rand(2, 3), y=rand(3)),
    case("mul_tensor", "(t := x * 1).mul_(y)", x=rand(2, 3), y=rand(2, 3)),
    case("mul_number", "(t := x * 1).mul_(3)", x=rand(4)),
    case("div_", "(t := x * 1).div_(y)", x=rand(3), y=pos(3)),
    case("pow_", "(t := x * 1).pow_(2)", x=rand(3)),
    case("exp_", "(t := x * 1).exp_()", x=rand(3)),
    case("log_", "(t := x * 1).log_()", x=pos(3)),
    case("sqrt_", "(t := x * 1).sqrt_()", x=pos(3)),
    case("neg_", "(t := x * 1).neg_()", x=rand(3)),
    case("abs_", "(t := x * 1).abs_()", x=rand(3)),
    case("clamp_", "(t := x * 1).clamp_(-0.5, 0.5)", x=rand(5)),
    case("relu_", "(t := x * 1).relu_()", x=rand(5)),
    case("sigmoid_", "(t := x * 1).sigmoid_()", x=rand(3)),
    case("tanh_", "(t := x * 1).tanh_()", x=rand(3)),
    case("zero_", "(t := x * 1).zero_()", x=rand(3)),
    case("fill_number", "(t := x * 1).fill_(2.5)", x=rand(3)),
    case("fill_tensor", "(t := x * 1).fill_(v)", x=rand(3), v=rand()),
    case("copy_", "(t := torch.zeros(2, 3)).copy_(x)", x=rand(3)),
    case("copy_dtype", "(t := torch.zeros(3, dtype=torch.float64)).copy_(x)", x=rand(3)),
    case("masked_fill_", "(t := x * 1).masked_fill_(x > 0, 0.)", x=rand(2, 3)),
    case("masked_fill_tensor_", "(t := x * 1).masked_fill_(x > 0, v)", x=rand(4), v=rand()),
    case(
        "index_fill_",
        "(t := x * 1).index_fill_(1, torch.tensor([0, 2]), -1.)",
        x=rand(2, 3),
    ),
    case(
        "index_fill_tensor_",
        "(t := x * 1).index_fill_(0, torch.tensor([1]), v)",
        x=rand(3),
        v=rand(),
    ),
    # (random values: multiplied by 0, the graph and the gradients are what is compared)
    case("normal_", "(t := x * 1).normal_().abs().mul(0)", x=rand(3)),
    case("uniform_", "(t := x * 1).uniform_(-1, 1).abs().mul(0)", x=rand(3)),
    case("bernoulli_number", "(t := x * 1).bernoulli_(0.5).mul(0)", x=rand(3)),
    case(
        "bernoulli_tensor",
        "(t := x * 1).bernoulli_(torch.tensor([0.2, 0.5, 0.9])).mul(0)",
        x=rand(3),
    ),
    case("random_", "(t := x * 1).random_().mul(0)", x=rand(3)),
    case("random_to", "(t := x * 1).random_(5).mul(0)", x=rand(3)),
    case("random_from_to", "(t := x * 1).random_(2, 5).mul(0)", x=rand(3)),
    case("setitem_number", "((t := x * 1).__setitem__(0, 5.), t)[1]", x=rand(3)),
    case("setitem_into_zeros", "((t := torch.zeros(2)).__setitem__(0, w[0] * 5), t)[1]", w=rand(2)),
    case(
        "setitem_column",
        "((t := torch.zeros(2, 2)).__setitem__((slice(None), 0), w), t)[1]",
        w=rand(2),
    ),
    case(
        "setitem_index_list",
        "((t := torch.zeros(2, 2)).__setitem__(([0, 1], [1, 0]), w), t)[1]",
        w=rand(2),
    ),
    case("setitem_mask", "((t := x * 1).__setitem__(x > 0, y[x > 0]), t)[1]", x=rand(4), y=rand(4)),
    case("write_into_view", "((b := x * 1), b[0].mul_(2), b)[2]", x=rand(3)),
    case("view_after_write", "((b := x * 1), b[1].mul_(2), b[1])[2]", x=rand(3)),
    case("other_view_after_write", "((b := x * 1), (v := b[0]), b.add_(1), v)[3]", x=rand(3)),
    case("write_into_transpose", "((b := x * 1), b.t().mul_(y), b)[2]", x=rand(2, 3), y=rand(3, 1)),
    case("write_into_diagonal", "((b := x * 1), b.diagonal().mul_(2), b)[2]", x=rand(3, 3)),
    case("diagonal_view", "x.diagonal(1)", x=rand(3, 4)),
    case(
        "write_chain", "((q := x * 3), q.__setitem__(1, x[0] * x[2]), q.mul_(x), q)[3]", x=rand(3)
    ),
    case("iadd_slice", "((n := x.clone()), n[:, 1:].__iadd__(x[:, :2] * 2), n)[2]", x=rand(3, 3)),
    case(
        "inplace_relu_after_batchnorm_like",
        "((h := x * y + 1), h.relu_(), h * 2)[2]",
        x=rand(4),
        y=rand(4),
    ),
    case(
        "index_put_accumulate",
        "(t := x * 1).index_put_((torch.tensor([0, 0, 2]),), y, accumulate=True)",
        x=rand(3),
        y=rand(3),
    ),
]

# ---------------------------------------------------------------------- double backward
# Each expression is a scalar-valued function of its inputs; recorded: its first gradients
# (created with create_graph=True) and their derivative along a fixed vector.
DOUBLE = [
    case("cube", "(x ** 3).sum()", x=rand(3, dtype=D)),
    case("mul_div", "(x * y / (y * y + 1)).sum()", x=rand(3, dtype=D), y=rand(3, dtype=D)),
    case("exp_log", "(x.exp() + y.log()).sum()", x=rand(3, dtype=D), y=pos(3, dtype=D)),
    case("sqrt_reciprocal", "(x.sqrt() + x.reciprocal()).sum()", x=pos(3, dtype=D)),
    case("sigmoid_tanh", "(x.sigmoid() * x.tanh()).sum()", x=rand(4, dtype=D)),
    case("sin_cos_log1p", "(x.sin() * x.cos() + x.log1p()).sum()", x=pos(3, dtype=D)),
    case("pow_tensor", "(x ** y).sum()", x=pos(3, dtype=D), y=rand(3, dtype=D)),
    case("rpow", "(2 ** x).sum()", x=rand(3, dtype=D)),
    case(
        "abs_relu_clamp",
        "(x.abs() * x + x.relu() ** 2 + x.clamp(-1, 1) ** 3).sum()",
        x=lit([-1.5, -0.5, 0.25, 1.75], dtype=D),
    ),
    case(
        "maximum_where",
        "(torch.maximum(x, y) ** 2 + torch.where(x > y, x * y, y)).sum()",
        x=rand(4, dtype=D),
        y=rand(4, dtype=D),
    ),
    case("masked_fill", "(x.masked_fill(x > 0, 1.) ** 2 * x).sum()", x=rand(4, dtype=D)),
    case("sum_mean_dims", "(x.sum(0) ** 2).sum() + (x.mean(1) ** 3).sum()", x=rand(2, 3, dtype=D)),
    case(
        "max_min",
        "x.max() ** 2 + (x.max(1).values ** 3).sum() + x.min() ** 2",
        x=rand(2, 3, dtype=D),
    ),
    case(
        "norm_var_std", "x.norm() ** 2 * x.std() + x.var(dim=0).sum() ** 2", x=rand(2, 3, dtype=D)
    ),
    case(
        "softmax_log_softmax",
        "(x.softmax(1) ** 2).sum() + (x.log_softmax(0) * x).sum()",
        x=rand(2, 3, dtype=D),
    ),
    case(
        "matmul_family",
        "((x @ y).tanh().sum() + (x @ y[:, 0]).pow(2).sum() "
        "+ (y[0] @ y[1]) ** 2 + (x.unsqueeze(0) @ y.unsqueeze(0)).sum() ** 2)",
        x=rand(2, 3, dtype=D),
        y=rand(3, 3, dtype=D),
    ),
    case(
        "shapes",
        "((x.t() @ x).reshape(-1) ** 2).sum() + (x.permute(1, 0).unsqueeze(0) ** 3"
        ").squeeze().sum() + (x.expand(2, 2, 3) ** 2).sum() + (x.flatten() ** 2).sum()",
        x=rand(2, 3, dtype=D),
    ),
    case(
        "indexing",
        "(x[0] ** 3).sum() + (x[:, 1:] ** 2).sum() + (x[[0, 1, 1], [2, 0, 0]] ** 3"
        ").sum() + x[x > 0].pow(2).sum()",
        x=rand(2, 3, dtype=D),
    ),
    case(
        "cat_stack_split",
        "(torch.cat([x, x * x]) ** 2).sum() + (torch.stack([x, x]) ** 3)"
        ".sum() + sum((p ** 3).sum() for p in x.split(1, 1)) + sum((p ** 2).sum() for p in "
        "x.unbind(0))",
        x=rand(2, 3, dtype=D),
    ),
    case(
        "repeat_diag",
        "(x.repeat(2, 1) ** 3).sum() + (x[0].diag() ** 2).sum() + (x[:, :2].diag() ** 3).sum()",
        x=rand(2, 3, dtype=D),
    ),
    case(
        "outer_dot",
        "(torch.outer(x, y) ** 2).sum() + torch.dot(x, y) ** 2",
        x=rand(3, dtype=D),
        y=rand(3, dtype=D),
    ),
    case("inplace_in_graph", "((t := x * 1).mul_(x), t.exp_(), t.sum())[2]", x=rand(3, dtype=D)),
    case(
        "write_into_view",
        "((t := x * 1), t[1:].mul_(x[:2]), (t ** 2).sum())[2]",
        x=rand(3, dtype=D),
    ),
    case(
        "cross_entropy_linear",
        "torch.nn.functional.cross_entropy(x @ w.t() + b, torch.tensor([0, 2]))",
        x=rand(2, 3, dtype=D),
        w=rand(3, 3, dtype=D),
        b=rand(3, dtype=D),
    ),
    case(
        "mse_loss",
        "torch.nn.functional.mse_loss(x * x, y)",
        x=rand(2, 3, dtype=D),
        y=rand(2, 3, dtype=D),
    ),
]

# ---------------------------------------------------------------------- errors
W = "w = torch.tensor([1., 2.], requires_grad=True)\n"
ERRORS = [
    error(
        "saved_input_modified",
        W + "x = torch.tensor([1., 2.])\ny = (w * x).sum()\nx.add_(10)\ny.backward()",
    ),
    error("saved_output_modified", W + "e = w.exp()\ne.mul_(2)\ne.sum().backward()"),
    error(
        "saved_relu_output_through_view",
        W + "r = (w * 1).relu()\nr.view(-1).add_(1)\nr.sum().backward()",
    ),
    error("saved_input_modified_by_add", W + "b = w * 3\nc = b * b\nb.add_(1)\nc.sum().backward()"),
    error("leaf_inplace", W + "w.add_(1)"),
    error("leaf_view_inplace", W + "w[0].add_(1)"),
    error("leaf_setitem", W + "w[0] = 1."),
    error("int_mul_float", "torch.tensor([1, 2]).mul_(2.5)"),
    error("bool_add_int", "torch.zeros(2, dtype=torch.bool).add_(1)"),
    error("inplace_broadcast", "torch.zeros(2).add_(torch.ones(2, 2))"),
    error("inplace_expanded", "torch.zeros(1).expand(3).add_(1)"),
    error("inplace_partial_overlap", "x = torch.zeros(2, 2)\nx.add_(x.t())"),
    error("setitem_str", "torch.zeros(2)[0] = 'a'"),
    error("setitem_ndarray", "torch.zeros(2)[0] = np.array([1.])"),
    error("copy_from_ndarray", "torch.zeros(2).copy_(np.zeros(2))"),
    error("grad_setter_float", "x = torch.zeros(2)\nx.grad = 0."),
    error("grad_setter_ndarray", "x = torch.zeros(2)\nx.grad = np.zeros(2)"),
    error("grad_setter_dtype", "x = torch.zeros(2)\nx.grad = torch.zeros(2, dtype=torch.float64)"),
    error("grad_setter_shape", "x = torch.zeros(2)\nx.grad = torch.zeros(3)"),
    error("data_setter_list", "x = torch.zeros(2)\nx.data = [1., 2.]"),
    error("requires_grad_not_bool", "x = torch.zeros(2)\nx.requires_grad = 'yes'"),
    error("fill_non_0d", "torch.zeros(2).fill_(torch.ones(2))"),
    error("tensor_uint8_overflow", "torch.tensor([300], dtype=torch.uint8)"),
    error("tensor_int16_overflow", "torch.tensor([70000], dtype=torch.int16)"),
    error("tensor_int64_from_huge_float", "torch.tensor(1e20, dtype=torch.int64)"),
    error("tensor_python_int_overflow", "torch.tensor([2**63])"),
    error("hook_without_grad", "torch.ones(2).register_hook(lambda g: g)"),
    error("post_hook_on_non_leaf", W + "(w * 2).register_post_accumulate_grad_hook(print)"),
    error(
        "hook_changes_size", W + "y = w * 2\ny.register_hook(lambda g: g.sum())\ny.sum().backward()"
    ),
    error(
        "inference_tensor_saved",
        W + "with torch.inference_mode():\n    t = torch.ones(2)\n(t * w).sum().backward()",
    ),
    error(
        "inference_tensor_inplace", "with torch.inference_mode():\n    t = torch.ones(2)\nt.add_(1)"
    ),
    error(
        "inference_tensor_requires_grad",
        "with torch.inference_mode():\n    t = torch.ones(2)\nt.requires_grad_()",
    ),
    error(
        "anomaly_nan",
        "a = torch.tensor([0., 1.], requires_grad=True)\n"
        "with torch.autograd.set_detect_anomaly(True):\n    (a.sqrt() / a).sum().backward()",
    ),
    error("format_spec_on_a_vector", "f'{torch.ones(2):.3f}'"),
    error(
        "double_backward_after_free",
        W + "y = (w ** 3).sum()\n"
        "(g,) = torch.autograd.grad(y, w, create_graph=True)\ng.sum().backward()\n"
        "g.sum().backward()",
    ),
]

# ---------------------------------------------------------------------- behaviour
# Short programs; `out(v)` records repr(v) (memory addresses removed, as this engine
# prints no address; a node as <MulBackward0>).
SCRIPTS = [
    (
        "hooks_scale_and_remove",
        W + "y = w * 2\nh = y.register_hook(lambda g: g * 10)\nout(h)\n"
        "y.sum().backward()\nout(w.grad)\nh.remove()\nw.grad = None\n(w * 2).sum().backward()\n"
        "out(w.grad)",
    ),
    (
        "leaf_hook_runs_before_accumulation",
        W + "seen = []\n"
        "w.register_hook(lambda g: seen.append(('hook', g.clone(), w.grad)))\n"
        "w.register_post_accumulate_grad_hook(lambda p: seen.append(('post', p.grad.clone())))\n"
        "(w * 3).sum().backward()\nout(seen)",
    ),
    (
        "hook_replaces_leaf_gradient",
        W + "w.register_hook(lambda g: g.clamp(max=1.5))\n(w * w).sum().backward()\nout(w.grad)",
    ),
    (
        "retain_grad_sees_hooked_gradient",
        W + "y = w * 2\ny.retain_grad()\n"
        "y.register_hook(lambda g: g * 3)\ny.sum().backward()\nout(y.grad)\nout(w.grad)",
    ),
    (
        "hooks_in_autograd_grad",
        W + "y = w * 2\ny.register_hook(lambda g: g + 1)\nout(torch.autograd.grad(y.sum(), w))",
    ),
    (
        "format_0d",
        "x = torch.tensor(0.123456, requires_grad=True)\n"
        "out(f'{x}')\nout(f'{x:.3f}')\nout('%s' % x)\nout(f'{x.detach():>10}')\n"
        "out(f'{torch.ones(2)}')\nout(format(torch.tensor(3), '04d'))",
    ),
    (
        "node_type_names",
        W + "y = (w * 2).sum(0).exp()\n"
        "out([type(n).__name__ for n in (y.grad_fn, y.grad_fn.next_functions[0][0], "
        "w.view(2, 1).squeeze(1).grad_fn)])",
    ),
    (
        "inference_mode",
        W + "with torch.inference_mode():\n    t = torch.ones(2) * 2\n"
        "    out(torch.is_inference_mode_enabled())\n    out(torch.is_grad_enabled())\n"
        "    q = w * 2\nout((t.is_inference(), t.requires_grad, q.requires_grad, q.grad_fn))\n"
        "out((t + w).grad_fn)\nout(t.clone().is_inference())\n"
        "with torch.inference_mode(False):\n    out(torch.is_inference_mode_enabled())",
    ),
    (
        "anomaly_flags",
        "out(torch.is_anomaly_enabled())\n"
        "with torch.autograd.set_detect_anomaly(True, check_nan=False):\n"
        "    out((torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()))\n"
        "out(torch.is_anomaly_enabled())",
    ),
    (
        "views_and_versions",
        "x = torch.zeros(3, 4)\nv = x[1]\nv.add_(1)\n"
        "out((x._version, v._version, v._base is x, x.t().is_contiguous(), x.is_contiguous()))\n"
        "out(x[0, 1].data_ptr() - x.data_ptr())\nout(x.narrow(1, 1, 2)._base is x)\n"
        "out((x.detach()._base, x.detach()._is_view(), v._is_view()))",
    ),
]


def run_script(torch, code):
    """What `out(...)` recorded, in order (or the exception the program raised)."""
    import re
    import warnings

    seen = []

    def out(value):
        # Nodes print as <MulBackward0> here (the design's address-free form); other
        # objects keep PyTorch's text without the address.
        text = re.sub(r"<(\w+) object at 0x[0-9a-f]+>", r"<\1>", repr(value))
        seen.append(re.sub(r" at 0x[0-9a-f]+", "", text))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(code, {"torch": torch, "np": np, "out": out})
        except Exception as e:  # noqa: BLE001 - recording whatever is raised is the point
            seen.append(f"{type(e).__name__}: {e}")
    return seen


# ---------------------------------------------------------------------- recording


def run_inplace(torch, c, arrays, upstream=None):
    record = engine.run_case(torch, c, arrays, upstream)
    return record


def version_of(torch, c, arrays):
    """The output's `_version` right after the expression ran."""
    tensors = {n: torch.tensor(arrays[n], requires_grad=s["grad"]) for n, s in c["inputs"].items()}
    out = eval(c["expr"], {"torch": torch, "np": np}, dict(tensors))
    return out._version


def direction(c, name, shape):
    """The fixed vector v of the Hessian-vector product, for input `name`."""
    rng = np.random.default_rng(engine.seed_for(c["name"], name, "v"))
    return rng.uniform(-1.0, 1.0, shape)


def run_double(torch, c, arrays):
    """First gradients with create_graph=True, then d(Σ first·v)/d(inputs)."""
    tensors = {n: torch.tensor(arrays[n], requires_grad=True) for n in c["inputs"]}
    out = eval(c["expr"], {"torch": torch, "np": np}, dict(tensors))
    inputs = list(tensors.values())
    first = torch.autograd.grad(out, inputs, create_graph=True)
    total = sum(
        (g * torch.tensor(direction(c, n, tuple(g.shape)))).sum() for n, g in zip(tensors, first)
    )
    second = torch.autograd.grad(total, inputs, allow_unused=True)
    return {
        "out": float(out.detach()),
        "first": {n: engine.flat(g) for n, g in zip(tensors, first)},
        "second": {n: None if g is None else engine.flat(g) for n, g in zip(tensors, second)},
    }


def stored(arrays):
    return {
        n: {"values": engine.json_list(a), "shape": list(a.shape), "dtype": str(a.dtype)}
        for n, a in arrays.items()
    }


def main():
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    inplace = []
    for c in INPLACE:
        arrays = engine.make_inputs(c)
        recorded = run_inplace(torch, c, arrays)
        recorded["version"] = version_of(torch, c, arrays)
        flags = {n: {"grad": s["grad"]} for n, s in c["inputs"].items()}
        inplace.append({**c, "inputs": flags, "arrays": stored(arrays), "torch": recorded})
    double = []
    for c in DOUBLE:
        arrays = engine.make_inputs(c)
        flags = {n: {"grad": True} for n in c["inputs"]}
        recorded = run_double(torch, c, arrays)
        double.append({**c, "inputs": flags, "arrays": stored(arrays), "torch": recorded})
    errors = [{**e, "torch": engine.run_error(torch, e)} for e in ERRORS]
    scripts = [{"name": n, "code": code, "torch": run_script(torch, code)} for n, code in SCRIPTS]
    for e in errors:
        assert e["torch"]["type"] is not None, f"{e['name']} did not fail in torch"
    lines = ['{"torch_version": ' + json.dumps(torch.__version__) + ",", ' "inplace": [']
    lines.append(",\n".join("  " + json.dumps(c) for c in inplace))
    lines.append(" ],")
    lines.append(' "double": [')
    lines.append(",\n".join("  " + json.dumps(c) for c in double))
    lines.append(" ],")
    lines.append(' "errors": [')
    lines.append(",\n".join("  " + json.dumps(e) for e in errors))
    lines.append(" ],")
    lines.append(' "scripts": [')
    lines.append(",\n".join("  " + json.dumps(s) for s in scripts))
    lines.append(" ]}")
    GOLDEN_FILE.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(inplace)} in-place, {len(double)} double-backward, {len(errors)} errors")


if __name__ == "__main__":
    main()
