"""Record what PyTorch 2.13 does with custom autograd Functions into autograd_function.json.

Run once with the oracle installed:  python tests/golden/record_autograd_function.py

PRELUDE defines a few `torch.autograd.Function` subclasses; each case is a short program
using them that calls `show(...)` on what it wants compared (values, gradients, grad_fn,
next_functions, ctx attributes) and may end in an exception. `run_case` runs a case on
`torch` (PyTorch or autograd_lesson) and returns what it showed and the error it raised,
with memory addresses removed ("<torch.autograd.function.SquareBackward object>").

TUTORIALS: PyTorch's two "Defining new autograd Functions" examples, LegendrePolynomial3
and MyReLU; what they print (losses, the fitted polynomial) is recorded too.
"""

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("autograd_function.json")

PRELUDE = '''
import warnings

once_differentiable = torch.autograd.function.once_differentiable  # (no import: `torch` is given)


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 2 * x * grad_output


class Scale(torch.autograd.Function):
    """A tensor and a number: the number's gradient slot is None."""

    @staticmethod
    def forward(ctx, x, k=2.0):
        ctx.k = k
        return x * k

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.k, None


class MulAdd(torch.autograd.Function):
    """x * y + z, with needs_input_grad deciding what to compute."""

    @staticmethod
    def forward(ctx, x, y, z):
        ctx.save_for_backward(x, y)
        return x * y + z

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        gx = grad_output * y if ctx.needs_input_grad[0] else None
        gy = grad_output * x if ctx.needs_input_grad[1] else None
        gz = grad_output if ctx.needs_input_grad[2] else None
        return gx, gy, gz


class SetupCube(torch.autograd.Function):
    """The setup_context style: forward without ctx."""

    @staticmethod
    def forward(x, power=3):
        show(torch.is_grad_enabled())
        return x**power

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, power = inputs
        show(type(inputs).__name__, power, output.requires_grad)
        ctx.save_for_backward(x)
        ctx.power = power

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return ctx.power * x ** (ctx.power - 1) * grad_output, None


class DoubleInPlace(torch.autograd.Function):
    """forward writes into its input: mark_dirty."""

    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 2


class DoubleInPlaceUnmarked(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 2


class DirtyNotReturned(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x * 3

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 6


class MaxWithIndex(torch.autograd.Function):
    """Several outputs; the index is not differentiable."""

    @staticmethod
    def forward(ctx, x):
        index = x.argmax()
        ctx.save_for_backward(x, index)
        ctx.mark_non_differentiable(index)
        return x.max(), index

    @staticmethod
    def backward(ctx, grad_value, grad_index):
        show(grad_value, grad_index)
        x, index = ctx.saved_tensors
        grad = torch.zeros_like(x)
        grad[index] = grad_value
        return grad


class WithExtras(torch.autograd.Function):
    """Outputs that are not tensors, and one marked non-differentiable."""

    @staticmethod
    def forward(ctx, x):
        doubled = x * 2
        ctx.mark_non_differentiable(doubled)
        return 3, x * 5, doubled, "label"

    @staticmethod
    def backward(ctx, *grads):
        show(grads)
        return grads[1] * 5


class WithExtrasNoZeros(WithExtras):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        doubled = x * 2
        ctx.mark_non_differentiable(doubled)
        return 3, x * 5, doubled, "label"


class Identity(torch.autograd.Function):
    """Returns its input unchanged: the output is a new tensor viewing it."""

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 3


class IdentityNonDifferentiable(Identity):
    @staticmethod
    def forward(ctx, x):
        ctx.mark_non_differentiable(x)
        return x


class ExpSavesOutput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y


class SquareOnce(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        show(torch.is_grad_enabled())
        return 2 * x * grad_output


class TooFew(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * y

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class ExtraNones(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 2, None, None


class TooMany(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, grad_output


class WrongShape(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.sum()

    @staticmethod
    def backward(ctx, grad_output):
        return torch.ones(3)


class ScalarGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.sum()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output  # 0-d, for an input of shape [2]


class WiderGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.sum()

    @staticmethod
    def backward(ctx, grad_output):
        return torch.ones(3, 2)  # summed down to [2], as for broadcasting


class NumberGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad_output):
        return 1.0


class ArrayGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.numpy()


class GradForNumber(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        return x * k

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 2, grad_output


class DoubleGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * 2).double()


class GradForConstant(torch.autograd.Function):
    """A gradient for an input that needs none is dropped (its shape is not checked)."""

    @staticmethod
    def forward(ctx, x, c):
        return x * c

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, torch.ones(5)


class SavesNumber(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x, 3)
        return x * 2


class SavesNone(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x, None)
        return x * 2

    @staticmethod
    def backward(ctx, grad_output):
        x, nothing = ctx.saved_tensors
        show(nothing)
        return grad_output * 2


class NoBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2


class NoForward(torch.autograd.Function):
    pass


class VjpOnly(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def vjp(ctx, grad_output):
        return grad_output * 5


class BackwardAndVjp(VjpOnly):
    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 5


class MarkDirtyNumber(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.mark_dirty(3)
        return x * 1

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class MarkNonDifferentiableNumber(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.mark_non_differentiable(3)
        return x * 1

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class Keywords(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k=2.0, m=5.0):
        show(k, m, ctx.needs_input_grad)
        return x * k * m

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * 10,) + (None,) * (len(ctx.needs_input_grad) - 1)


x = torch.tensor([1.0, 2.0], requires_grad=True)
'''


def case(name, code):
    return {"name": name, "code": code}


CASES = [
    # --- the node: its names, its inputs, what ctx kept
    case(
        "square_node",
        "y = Square.apply(x)\nshow(y, y.grad_fn, y.grad_fn.name(), type(y.grad_fn).__name__)\n"
        "show(y.grad_fn.next_functions, y.is_leaf, y.requires_grad)\n"
        "y.sum().backward()\nshow(x.grad)",
    ),
    case("square_saved_tensors", "y = Square.apply(x)\nshow(y.grad_fn.saved_tensors)"),
    case(
        "square_graph_continues",
        "y = (Square.apply(x * 3) + 1).sum()\nshow(y.grad_fn.next_functions[0][0].next_functions)\n"
        "show(y.grad_fn.next_functions[0][0].next_functions[0][0].next_functions)\n"
        "y.backward()\nshow(x.grad)",
    ),
    case(
        "square_backward_twice",
        "y = Square.apply(x).sum()\ny.backward()\ny.backward()",
    ),
    case(
        "square_saved_after_backward",
        "y = Square.apply(x).sum()\ny.backward()\n"
        "show(y.grad_fn.next_functions[0][0].saved_tensors)",
    ),
    case(
        "square_retain_graph",
        "y = Square.apply(x).sum()\ny.backward(retain_graph=True)\ny.backward()\nshow(x.grad)",
    ),
    case(
        "square_twice_and_retain_grad",
        "y = Square.apply(x)\ny.retain_grad()\nz = Square.apply(y)\nz.sum().backward()\n"
        "show(z.grad_fn.next_functions, y.grad, x.grad)",
    ),
    case(
        "output_changed_in_place",
        "y = Scale.apply(x, 2.0)\ny.add_(1)\nshow(y, y.grad_fn.next_functions)\n"
        "y.sum().backward()\nshow(x.grad)",
    ),
    case(
        "float64",
        "x64 = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)\n"
        "y = Square.apply(x64)\ny.sum().backward()\nshow(y, x64.grad)",
    ),
    case("square_no_grad", "with torch.no_grad():\n    y = Square.apply(x)\nshow(y, y.grad_fn)"),
    case("square_constant", "y = Square.apply(torch.tensor([3.0]))\nshow(y, y.grad_fn)"),
    case("square_integer", "y = Square.apply(torch.tensor([3, 4]))\nshow(y, y.grad_fn)"),
    case(
        "square_autograd_grad",
        "(g,) = torch.autograd.grad(Square.apply(x).sum(), x)\nshow(g, x.grad)",
    ),
    case(
        "square_gradcheck",
        "x64 = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, requires_grad=True)\n"
        "show(torch.autograd.gradcheck(Square.apply, (x64,)))",
    ),
    case(
        "gradcheck_catches_wrong_backward",
        "x64 = torch.tensor([0.5, -1.5], dtype=torch.float64, requires_grad=True)\n"
        "show(torch.autograd.gradcheck(ExtraNones.apply, (x64,), raise_exception=False))",
    ),
    case(
        "muladd_gradcheck",
        "a, b, c = (torch.tensor(v, dtype=torch.float64, requires_grad=True)\n"
        "           for v in ([1.0, 2.0], [3.0, -1.0], [0.5, 0.5]))\n"
        "show(torch.autograd.gradcheck(MulAdd.apply, (a, b, c)))",
    ),
    # --- non-tensor arguments, keywords, defaults
    case(
        "scale_number_argument",
        "y = Scale.apply(x, 3.0)\nshow(y, y.grad_fn.next_functions, y.grad_fn.k)\n"
        "show(y.grad_fn.needs_input_grad)\ny.sum().backward()\nshow(x.grad)",
    ),
    case("scale_default", "y = Scale.apply(x)\ny.sum().backward()\nshow(y, x.grad)"),
    case(
        "muladd_needs_input_grad",
        "y = MulAdd.apply(x, torch.tensor([3.0, 4.0]), torch.ones(2, requires_grad=True))\n"
        "show(y.grad_fn.next_functions, y.grad_fn.needs_input_grad)\n"
        "y.sum().backward()\nshow(x.grad)",
    ),
    case(
        "muladd_broadcast_input",
        "z = torch.tensor(1.0, requires_grad=True)\ny = MulAdd.apply(x, x, z)\n"
        "y.sum().backward()\nshow(x.grad, z.grad)",
    ),
    case(
        "needs_input_grad_under_no_grad",
        "with torch.no_grad():\n    y = MulAdd.apply(x, x, torch.ones(2))\nshow(y.requires_grad)",
    ),
    case("keywords_placed", "y = Keywords.apply(x, m=3.0, k=1.0)\nshow(y)\ny.sum().backward()"),
    case("keywords_tensor", "y = Keywords.apply(x, k=torch.tensor(2.0, requires_grad=True))"),
    case("keywords_default_not_an_input", "y = Keywords.apply(x)\ny.sum().backward()"),
    case("keywords_gap", "Keywords.apply(x, m=3.0)"),
    case("keywords_twice", "Keywords.apply(x, 1.0, k=3.0)"),
    case("keywords_unknown", "Keywords.apply(x, scale=3.0)"),
    case("keywords_all", "Keywords.apply(k=1.0, x=x)"),
    case("too_many_arguments", "Keywords.apply(x, 1.0, 2.0, 3.0)"),
    case("number_arguments_only", "show(Scale.apply(3.0, 2.0))"),
    # --- setup_context
    case(
        "setup_context",
        "y = SetupCube.apply(x)\nshow(y, y.grad_fn, y.grad_fn.power)\n"
        "y.sum().backward()\nshow(x.grad)",
    ),
    case(
        "setup_context_keyword",
        "y = SetupCube.apply(x, power=2)\ny.sum().backward()\nshow(x.grad)",
    ),
    case("setup_context_missing", "SetupCube.apply()"),
    case("setup_context_forward_direct", "show(SetupCube.forward(x, 2))"),
    # --- mark_dirty
    case(
        "mark_dirty",
        "a = x * 1\nold = a.grad_fn\nb = DoubleInPlace.apply(a)\n"
        "show(b is a, a._version, a, a.grad_fn, a.grad_fn.next_functions, old)\n"
        "b.sum().backward()\nshow(x.grad)",
    ),
    case("mark_dirty_leaf", "DoubleInPlace.apply(x)\nshow(x)"),
    case(
        "mark_dirty_leaf_no_grad",
        "with torch.no_grad():\n    b = DoubleInPlace.apply(x)\nshow(b is x, x, x._version)",
    ),
    case(
        "mark_dirty_constant",
        "a = torch.ones(2)\nb = DoubleInPlace.apply(a)\nshow(b is a, a, a._version, a.grad_fn)",
    ),
    case(
        "mark_dirty_constant_no_grad",
        "a = torch.ones(2)\nwith torch.no_grad():\n    b = DoubleInPlace.apply(a)\n"
        "show(b is a, a._version)",
    ),
    case(
        "mark_dirty_leaf_version_shared",
        "with torch.no_grad():\n    b = DoubleInPlace.apply(x)\n"
        "show(b._is_view(), b.requires_grad, b._version, x._version, b.data_ptr() == x.data_ptr())",
    ),
    case("mark_dirty_view_of_leaf", "DoubleInPlace.apply(x[:1])"),
    case(
        "mark_dirty_view",
        "a = x * 1\nv = a[:1]\nb = DoubleInPlace.apply(v)\n"
        "show(b is v, v.grad_fn, a.grad_fn, a, a._version)\na.sum().backward()\nshow(x.grad)",
    ),
    case(
        "mark_dirty_saved_elsewhere",
        "a = x * 1\ne = a.exp()\nDoubleInPlace.apply(a)\ne.sum().backward()\nshow(x.grad)",
    ),
    case(
        "mark_dirty_saved_input",
        "a = x * 1\nm = a * x\nDoubleInPlace.apply(a)\nm.sum().backward()",
    ),
    case(
        "mark_dirty_saved_then_modified",
        "a = x * 1\nb = DoubleInPlace.apply(a)\nc = b.exp()\nb.add_(1)\nc.sum().backward()",
    ),
    case(
        "unmarked_in_place",
        "a = x * 1\nb = DoubleInPlaceUnmarked.apply(a)\n"
        "show(b is a, a._version, a.grad_fn, b.grad_fn, b._is_view(), b._base is a)\n"
        "b.sum().backward()\nshow(x.grad)",
    ),
    case("dirty_not_returned", "a = x * 1\nDirtyNotReturned.apply(a)"),
    case("mark_dirty_number", "MarkDirtyNumber.apply(x)"),
    # --- several outputs, non-differentiable ones, materialized gradients
    case(
        "max_with_index",
        "v, i = MaxWithIndex.apply(x)\nshow(v, i, v.grad_fn, i.grad_fn, i.requires_grad)\n"
        "v.backward()\nshow(x.grad)",
    ),
    case(
        "extras_materialized",
        "n, y, d, s = WithExtras.apply(x)\nshow(n, y, d, s, d.requires_grad)\n"
        "y.sum().backward()\nshow(x.grad)",
    ),
    case(
        "extras_not_materialized",
        "n, y, d, s = WithExtrasNoZeros.apply(x)\ny.sum().backward()\nshow(x.grad)",
    ),
    case("mark_non_differentiable_number", "MarkNonDifferentiableNumber.apply(x)"),
    # --- returning an input
    case(
        "identity_leaf",
        "y = Identity.apply(x)\nshow(y is x, y, y._is_view(), y._base is x, x.grad_fn)\n"
        "y.sum().backward()\nshow(x.grad)",
    ),
    case(
        "identity_constant",
        "c = torch.ones(2)\ny = Identity.apply(c)\nshow(y is c, y._is_view(), y.grad_fn)",
    ),
    case(
        "identity_no_grad",
        "with torch.no_grad():\n    y = Identity.apply(x)\n"
        "show(y is x, y._is_view(), y.requires_grad, y.data_ptr() == x.data_ptr())",
    ),
    case(
        "identity_non_differentiable",
        "y = IdentityNonDifferentiable.apply(x)\n"
        "show(y is x, y._is_view(), y.requires_grad, x.requires_grad, y._version)",
    ),
    # --- saved tensors changed in place
    case("saved_input_modified", "a = x.exp()\ny = Square.apply(a)\na.add_(1)\ny.sum().backward()"),
    case(
        "saved_leaf_modified",
        "c = torch.tensor([1.0, 2.0])\ny = MulAdd.apply(x, c, x)\nc.add_(1)\ny.sum().backward()",
    ),
    case("saved_output_modified", "y = ExpSavesOutput.apply(x)\ny.add_(1)\ny.sum().backward()"),
    case(
        "saved_output_unmodified",
        "y = ExpSavesOutput.apply(x)\nshow(y.grad_fn.saved_tensors[0] is y)\n"
        "y.sum().backward()\nshow(x.grad)",
    ),
    case("save_for_backward_number", "SavesNumber.apply(x)"),
    case("save_for_backward_none", "y = SavesNone.apply(x)\ny.sum().backward()\nshow(x.grad)"),
    # --- once_differentiable
    case(
        "once_differentiable",
        "y = SquareOnce.apply(x)\n(g,) = torch.autograd.grad(y.sum(), x)\nshow(g, g.requires_grad)",
    ),
    case(
        "once_differentiable_wrapper_with_graph",
        "f = once_differentiable(lambda ctx, g: g * 2)\n"
        "g = torch.ones(2, requires_grad=True)\nout = f(None, g)\n"
        "show(out.grad_fn, out.grad_fn.name(), out.grad_fn.next_functions, out.requires_grad)\n"
        "out.sum().backward()",
    ),
    case(
        "once_differentiable_wrapper_no_grad_arguments",
        "f = once_differentiable(lambda ctx, g: (g * 2, None))\nshow(f(None, torch.ones(2)))",
    ),
    # --- create_graph=True: backward is recorded, so a gradient of the gradient works
    case(
        "create_graph_square",
        "(g,) = torch.autograd.grad(Square.apply(x).sum(), x, create_graph=True)\n"
        "show(g, g.grad_fn, g.grad_fn.next_functions)\ng.sum().backward()\nshow(x.grad)",
    ),
    case(
        "create_graph_setup_context",
        "y = SetupCube.apply(x)\n(g,) = torch.autograd.grad(y.sum(), x, create_graph=True)\n"
        "(h,) = torch.autograd.grad(g.sum(), x, create_graph=True)\n"
        "(k,) = torch.autograd.grad(h.sum(), x)\nshow(g, h, k)",
    ),
    case(
        "create_graph_through_saved_output",
        "y = ExpSavesOutput.apply(x * 2)\n"
        "(g,) = torch.autograd.grad(y.sum(), x, create_graph=True)\n"
        "g.sum().backward()\nshow(g, x.grad)",
    ),
    case(
        "create_graph_backward_method",
        "y = MulAdd.apply(x, x, x)\ny.sum().backward(create_graph=True)\n"
        "show(x.grad.detach(), x.grad.requires_grad)",
    ),
    case(
        "create_graph_once_differentiable_constant_seed",
        "y = SquareOnce.apply(x)\n(g,) = torch.autograd.grad(y.sum(), x, create_graph=True)\n"
        "show(g, g.requires_grad)\ng.sum().backward()",
    ),
    case(
        "create_graph_once_differentiable",
        "v = torch.ones(2, requires_grad=True)\ny = SquareOnce.apply(x)\n"
        "(g,) = torch.autograd.grad(y, x, grad_outputs=v, create_graph=True)\n"
        "show(g.grad_fn, g.requires_grad)\ng.sum().backward()",
    ),
    case(
        "gradgradcheck",
        "x64 = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, requires_grad=True)\n"
        "show(torch.autograd.gradgradcheck(Square.apply, (x64,)))\n"
        "a, b, c = (torch.tensor(v, dtype=torch.float64, requires_grad=True)\n"
        "           for v in ([1.0, 2.0], [3.0, -1.0], [0.5, 0.5]))\n"
        "show(torch.autograd.gradgradcheck(MulAdd.apply, (a, b, c)))",
    ),
    # --- what backward returns, checked
    case("too_few_gradients", "TooFew.apply(x, x).sum().backward()"),
    case("extra_nones_allowed", "ExtraNones.apply(x).sum().backward()\nshow(x.grad)"),
    case("too_many_gradients", "TooMany.apply(x).sum().backward()"),
    case("wrong_shape_gradient", "WrongShape.apply(x).backward()"),
    case("scalar_gradient_for_vector", "ScalarGrad.apply(x).backward()"),
    case("wider_gradient_summed", "WiderGrad.apply(x).backward()\nshow(x.grad)"),
    case("number_gradient", "NumberGrad.apply(x).sum().backward()"),
    case("array_gradient", "ArrayGrad.apply(x).sum().backward()"),
    case("gradient_for_number_argument", "GradForNumber.apply(x, 2.0).sum().backward()"),
    case("gradient_dtype_cast", "DoubleGrad.apply(x).sum().backward()\nshow(x.grad)"),
    case(
        "gradient_for_constant_dropped",
        "GradForConstant.apply(x, torch.ones(2)).sum().backward()\nshow(x.grad)",
    ),
    # --- defining and calling a Function wrongly
    case("no_backward", "y = NoBackward.apply(x)\ny.sum().backward()"),
    case("no_backward_never_needed", "show(NoBackward.apply(x.detach()))"),
    case("no_forward", "NoForward.apply(x)"),
    case("vjp_only", "VjpOnly.apply(x).sum().backward()\nshow(x.grad)"),
    case("backward_and_vjp", "BackwardAndVjp.apply(x).sum().backward()"),
    case(
        "instantiating_warns",
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    Square()\n"
        "show([(w.category.__name__, str(w.message)) for w in caught])",
    ),
    case(
        "legacy_call",
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore')\n"
        "    square = Square()\n"
        "square(x)",
    ),
    case("forward_called_directly", "show(Square.forward(None, x))"),
    case("node_apply", "y = Square.apply(x)\nshow(y.grad_fn.apply(torch.ones(2)))"),
    case("node_not_callable", "y = Square.apply(x)\ny.grad_fn(torch.ones(2))"),
]


# ---------------------------------------------------------------------- the tutorials

# PyTorch's tutorial beginner_source/examples_autograd/polynomial_custom_function.py, its code
# unchanged but for its comments and docstrings; `torch` is given (PyTorch or autograd_lesson)
# instead of imported.
LEGENDRE = """
import math


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


dtype = torch.float
device = torch.device("cpu")

x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
for t in range(2000):
    P3 = LegendrePolynomial3.apply

    y_pred = a + b * P3(c + d * x)

    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())

    loss.backward()

    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')
"""

# PyTorch's tutorial beginner_source/examples_autograd/two_layer_net_custom_function.py, the
# same way; its four `torch.randn(...)` calls read fixed arrays instead (`fixed`, drawn with
# NumPy by my_relu_inputs), so that both engines start from the same numbers.
MY_RELU = """
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


dtype = torch.float
device = torch.device("cpu")

N, D_in, H, D_out = 64, 1000, 100, 10

x = torch.tensor(fixed["x"], device=device, dtype=dtype)
y = torch.tensor(fixed["y"], device=device, dtype=dtype)

w1 = torch.tensor(fixed["w1"], device=device, dtype=dtype, requires_grad=True)
w2 = torch.tensor(fixed["w2"], device=device, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for t in range(500):
    relu = MyReLU.apply

    y_pred = relu(x.mm(w1)).mm(w2)

    loss = (y_pred - y).pow(2).sum()
    print(t, loss.item())

    loss.backward()

    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad

        w1.grad.zero_()
        w2.grad.zero_()
"""

TUTORIALS = {"legendre": LEGENDRE, "my_relu": MY_RELU}


def my_relu_inputs():
    """x, y, w1, w2 for MY_RELU: standard normal float32 arrays, NumPy seed 0."""
    rng = np.random.default_rng(0)
    shapes = {"x": (64, 1000), "y": (64, 10), "w1": (1000, 100), "w2": (100, 10)}
    return {name: rng.standard_normal(shape).astype(np.float32) for name, shape in shapes.items()}


# ---------------------------------------------------------------------- running a case


def normalize(text):
    """Drop memory addresses, and "object" from the engine's own nodes as this project
    prints them: <MulBackward0 object at 0x7f...> -> <MulBackward0>; a custom Function's
    node keeps its dotted name, <torch.autograd.function.SquareBackward object>."""
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)
    return re.sub(r"<(\w+) object>", r"<\1>", text)


def run_case(torch, case):
    """Run a case on `torch`; return what it showed and the exception it ended with."""
    shown = []

    def show(*values):
        shown.append(normalize(repr(values[0] if len(values) == 1 else values)))

    namespace = {"torch": torch, "np": np, "show": show}
    exec(PRELUDE, namespace)
    try:
        exec(case["code"], namespace)
    except Exception as e:  # noqa: BLE001 - recording whatever is raised is the point
        return {"shown": shown, "error": {"type": type(e).__name__, "message": str(e)}}
    return {"shown": shown, "error": None}


def run_tutorial(torch, name):
    """Run a tutorial's code on `torch`; return the lines it printed."""
    namespace = {"torch": torch, "fixed": my_relu_inputs() if name == "my_relu" else None}
    output = io.StringIO()
    with redirect_stdout(output):
        exec(TUTORIALS[name], namespace)
    return output.getvalue().splitlines()


def main():
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    cases = [{**c, "torch": run_case(torch, c)} for c in CASES]
    tutorials = {name: run_tutorial(torch, name) for name in TUTORIALS}
    lines = ['{"torch_version": ' + json.dumps(torch.__version__) + ",", ' "cases": [']
    lines.append(",\n".join("  " + json.dumps(c) for c in cases))
    lines.append(" ],")
    lines.append(' "tutorials": ' + json.dumps(tutorials, indent=1) + "}")
    GOLDEN_FILE.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(cases)} cases and {len(tutorials)} tutorials to {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
