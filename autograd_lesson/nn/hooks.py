"""Module hooks: how full backward hooks see gradients (handles: autograd_lesson/hooks.py).

A forward hook is simple: Module.__call__ calls it around forward(). A *backward* hook must
run in the middle of backward(), when the gradients of the module's outputs and inputs are
known, but backward() only visits graph nodes. So, as PyTorch does, Module.__call__ wraps
the module's tensors in identity nodes, `BackwardHookFunctionBackward`:

    x ──► [BackwardHookFunctionBackward] ──► forward(...) ──► [BackwardHookFunctionBackward] ──► out

In backward the node after the output is reached first: it receives ∂loss/∂out (grad_output)
and calls the backward *pre* hooks, which may replace it. The node before the input is
reached last: it receives ∂loss/∂x (grad_input) and calls the full backward hooks with
(module, grad_input, grad_output); what they return replaces grad_input.

Where this engine cannot do what PyTorch does, it raises NotImplementedError rather than
give hooks other gradients than PyTorch would:
- PyTorch wraps all of a module's tensors in ONE node with one output per tensor; this
  engine's nodes have one output each, so a module call whose inputs (or outputs) hold two
  or more tensors that require grad is refused;
- a pre hook that replaces grad_output with None: PyTorch still runs the module's backward
  (its input gets zeros), while this engine skips a node that receives no gradient.
"""

import warnings

import numpy as np

from .. import grad_mode
from ..function import Function
from ..tensor import Tensor


class BackwardHookFunction(Function):
    """out = x, a node where a module's full backward hooks see gradients    ∂out/∂x = 1

    `on_gradient(grad)` is called with the gradient arriving at the node and returns the
    gradient to pass on (possibly replaced by a hook, or None to pass nothing on).
    """

    name_in_pytorch = "BackwardHookFunctionBackward"

    def forward(self, x, on_gradient):
        self.on_gradient = on_gradient
        return x.view()  # a new tensor sharing x's memory, as PyTorch returns a view

    def backward(self, grad):
        return self.on_gradient(grad)

    def __repr__(self):
        # PyTorch defines this node in Python, so it prints the way custom Functions print.
        return f"<torch.autograd.function.{self.name_in_pytorch} object>"


NO_INPUT_REQUIRES_GRAD_WARNING = (
    "Full backward hook is firing when gradients are computed with respect to module outputs "
    "since no inputs require gradients. See "
    "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
    "#torch.nn.Module.register_full_backward_hook for more details."
)


class BackwardHook:
    """The full backward hooks of ONE call of a module (made anew by every call).

    Module.__call__ passes the inputs through `setup_input_hook` before forward() and the
    result through `setup_output_hook` after it. In backward, the output node records
    `grad_outputs`; the input node hands them, with grad_input, to the hooks.
    """

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None  # set by the output node, cleared once the hooks have run
        self.inputs = ()
        self.hooked_input = None  # position of the input wrapped in a hook node, if any
        self.n_outputs = 0
        self.hooked_output = None

    # ------------------------------------------------------------------ forward: wrapping
    def setup_input_hook(self, args):
        self.inputs = args
        args, self.hooked_input = self._wrap(args, "inputs", self._input_gradient)
        return args

    def setup_output_hook(self, result):
        is_tuple = isinstance(result, tuple)
        outputs = result if is_tuple else (result,)
        self.n_outputs = len(outputs)
        outputs, self.hooked_output = self._wrap(outputs, "outputs", self._output_gradient)
        return outputs if is_tuple else outputs[0]

    def _wrap(self, values, what, on_gradient):
        """Pass the tensor among `values` that requires grad through a hook node.

        Returns (values with that tensor replaced, its position), or (values, None) when no
        tensor requires grad (or grad mode is off): then no gradient will ever arrive here.
        """
        differentiable = [
            i for i, value in enumerate(values) if isinstance(value, Tensor) and value.requires_grad
        ]
        if not (differentiable and grad_mode.is_grad_enabled()):
            return values, None
        if len(differentiable) > 1:
            raise NotImplementedError(
                f"full backward hooks on {type(self.module).__name__}: its {what} hold "
                f"{len(differentiable)} tensors that require grad. PyTorch wraps them all in one "
                "node with one output per tensor; autograd_lesson's nodes have one output each, "
                "so the hooks could not be given all the gradients at once."
            )
        position = differentiable[0]
        hooked = list(values)
        hooked[position] = BackwardHookFunction.apply(values[position], on_gradient=on_gradient)
        # It shares the original's memory, so it shares its version counter too (as detach()
        # does): an in-place write through it is noticed by every node that saved the original.
        hooked[position]._version_counter = values[position]._version_counter
        # A named tuple (such as what max(dim=...) returns) keeps its type.
        return (tuple(hooked) if type(values) is tuple else type(values)(*hooked)), position

    # ------------------------------------------------------------------ backward: calling
    def _output_gradient(self, grad):
        """At the output node: record grad_output, let the pre hooks replace it, pass it on."""
        grad_outputs = [None] * self.n_outputs  # None for outputs that get no gradient
        grad_outputs[self.hooked_output] = _as_tensor(grad)
        self.grad_outputs = tuple(grad_outputs)
        for pre_hook in self.user_pre_hooks:
            replacement = pre_hook(self.module, self.grad_outputs)
            if replacement is None:
                continue
            if len(replacement) != len(self.grad_outputs):
                raise RuntimeError(
                    "Backward pre hook returned an invalid number of grad_output, "
                    f"got {len(replacement)}, but expected {len(self.grad_outputs)}"
                )
            self.grad_outputs = replacement
        passed_on = self.grad_outputs[self.hooked_output]
        if passed_on is None:
            raise NotImplementedError(
                f"a backward pre hook of {type(self.module).__name__} replaced grad_output with "
                "None. PyTorch then still runs the module's backward, and its input gets a zero "
                "gradient; autograd_lesson's engine skips nodes that receive no gradient. "
                "Return torch.zeros_like(grad_output[0]) instead."
            )
        if self.hooked_input is None:
            # No input requires grad, so no input node will be reached: the hooks run now.
            warnings.warn(NO_INPUT_REQUIRES_GRAD_WARNING, UserWarning, stacklevel=5)
            grad_inputs = (None,) * len(self.inputs)
            for hook in self.user_hooks:
                result = hook(self.module, grad_inputs, self.grad_outputs)
                if result is not None and not (
                    isinstance(result, tuple) and all(value is None for value in result)
                ):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients."
                    )
            self.grad_outputs = None
        return _checked_gradient(passed_on, grad)

    def _input_gradient(self, grad):
        """At the input node: call the full backward hooks; what they return is passed on."""
        if self.grad_outputs is None:
            # The gradient reached the input without passing through the module's output.
            return grad
        grad_inputs = tuple(
            self._input_grad(i, value, grad) for i, value in enumerate(self.inputs)
        )
        for hook in self.user_hooks:
            result = hook(self.module, grad_inputs, self.grad_outputs)
            if result is None:
                continue
            if len(result) != len(grad_inputs):
                raise RuntimeError(
                    "Backward hook returned an invalid number of grad_input, "
                    f"got {len(result)}, but expected {len(grad_inputs)}"
                )
            grad_inputs = result
        self.grad_outputs = None
        return _checked_gradient(grad_inputs[self.hooked_input], grad)

    def _input_grad(self, position, value, grad):
        """What the hooks see in grad_input at `position`: the gradient that arrived for the
        hooked input, zeros for another tensor (as PyTorch's node fills them in), else None."""
        if position == self.hooked_input:
            return _as_tensor(grad)
        if isinstance(value, Tensor):
            return Tensor(np.zeros_like(value._data))
        return None


def _as_tensor(grad):
    """The gradient the engine handed over, as the tensor hooks receive. (An array usually;
    with create_graph=True already a tensor that records the graph, and passed on as one.)"""
    return grad if isinstance(grad, Tensor) else Tensor(grad)


def _checked_gradient(value, grad):
    """What to pass on for a hook's returned `value`, in place of `grad` (an array, or a
    tensor as `grad` is one); PyTorch's errors for a value that is not a tensor, or not of
    the gradient's size and type."""
    if value is None:
        return None
    if not isinstance(value, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(value).__name__}'")
    was = _as_tensor(grad)
    if value.shape != was.shape:
        raise RuntimeError("hook 'hook' has changed the size of value")
    if value.dtype != was.dtype:
        raise RuntimeError(
            "hook 'hook' has changed the type of value "
            f"(was {was.dtype.tensor_type_name} got {value.dtype.tensor_type_name})"
        )
    return value if isinstance(grad, Tensor) else value._data
