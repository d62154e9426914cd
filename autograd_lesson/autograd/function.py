"""Custom autograd Functions: your own forward and backward, as `torch.autograd.Function`.

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return 2 * x * grad_output        # one gradient per argument of forward

    y = Square.apply(x)                        # y.grad_fn is a SquareBackward node

How this plugs into the engine:

* Every Function subclass gets its own node class, named as PyTorch names it: Square ->
  SquareBackward. Each `apply` makes one node object, and that object *is* the `ctx` that
  forward and backward receive: what forward leaves on ctx (`ctx.k = 3`, saved tensors) is
  there when backward runs, and `y.grad_fn.k` shows it.
* forward runs under `no_grad`: the operations inside it record nothing. Instead the whole
  call becomes one node, whose inputs are forward's tensor arguments (`next_functions`).
* The engine calls `node.backward(grad)` like any other node's, with a NumPy array (or,
  recording the backward pass for create_graph=True, a Tensor). The node calls your
  backward with the gradient as a Tensor, checks what you return as PyTorch does (one
  gradient per argument of forward, None for non-tensor arguments, shapes that fit), and
  hands the engine one gradient per tensor input, in the form it came in.
"""

import functools
import inspect
import warnings

import numpy as np

from ..tensor import Tensor  # first: tensor.py imports the engine's modules in working order

# isort: split
from .. import function as graph  # the engine's node base class and its saved-tensor checks
from .. import grad_mode, views
from ..inplace import CopySlices, check_writable, regenerate_grad_fn
from ..ops.shape import Alias

ONCE_DIFFERENTIABLE_MESSAGE = (
    "trying to differentiate twice a function that was marked with @once_differentiable"
)

LEGACY_CALL_MESSAGE = (
    "Legacy autograd function with non-static forward method is deprecated. Please use "
    "new-style autograd function with static forward method. (Example: "
    "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
)


class FunctionCtx:
    """What forward (or setup_context) tells backward through `ctx`."""

    def save_for_backward(self, *tensors):
        """Keep tensors for backward; read them back with `ctx.saved_tensors`.

        Better than `ctx.x = x`: a saved tensor changed in place before backward is noticed,
        and backward refuses instead of using the wrong numbers.
        """
        for position, tensor in enumerate(tensors):
            if tensor is not None and not isinstance(tensor, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{position} is of type {_type_name(tensor)}"
                )
        self.to_save = tensors

    def mark_dirty(self, *tensors):
        """Say that forward changed these inputs in place (and returns them)."""
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors):
        """Say that these outputs have no gradient (indices, masks): they won't require grad."""
        self.non_differentiable = tensors

    def set_materialize_grads(self, value):
        """False: backward receives None, not zeros, for an output that got no gradient."""
        self.materialize_grads = bool(value)


class BackwardCFunction(FunctionCtx, graph.Function):
    """The node recorded for one call of a custom Function; also the `ctx` it was given.

    Subclassed once per Function (SquareBackward); `_forward_cls` is that Function.
    """

    _forward_cls = None

    def __init__(self):
        graph.Function.__init__(self)
        self.to_save = ()
        self.dirty_tensors = ()
        self.non_differentiable = ()
        self.materialize_grads = True
        self.needs_input_grad = ()  # one bool per argument of forward, as PyTorch's ctx
        self.input_is_tensor = ()  # one bool per argument of forward
        self.outputs_seen = ()  # one (shape, dtype) per output of forward; None if not a tensor
        self.differentiable_outputs = ()  # positions of the outputs that carry this node
        self.saved_is_output = ()  # one bool per saved tensor: an output made by this node?

    def __repr__(self):
        # PyTorch: <torch.autograd.function.SquareBackward object at 0x7f...>, minus the address.
        return f"<torch.autograd.function.{self.name()} object>"

    # ------------------------------------------------------------ called by the engine
    def backward(self, *grads):
        """∂loss/∂outputs in, ∂loss/∂(each tensor input) out, by calling your backward.

        grads: one per output of forward (None where none arrived), or just the one for the
        output that carries this node. NumPy arrays (a plain backward): your backward runs
        under no_grad and its results go back as arrays. Tensors (create_graph=True): your
        backward runs with grad mode on, so what it computes is recorded too.
        """
        graph_mode = any(isinstance(g, Tensor) for g in grads)
        grad_outputs = self._grad_outputs(grads)
        with grad_mode.set_grad_enabled(graph_mode):
            returned = self.apply(*grad_outputs)
        input_grads = self._input_grads(returned)
        if graph_mode:
            return input_grads
        return tuple(None if g is None else g._data for g in input_grads)

    def apply(self, *grad_outputs):
        """Your backward (or vjp), called with this node as ctx, as PyTorch's node.apply."""
        cls = self._forward_cls
        has_backward = cls.backward is not Function.backward
        has_vjp = cls.vjp is not Function.vjp
        if has_backward and has_vjp:
            raise RuntimeError(
                "Implementing both 'backward' and 'vjp' for a custom Function is not allowed. "
                "You should only implement one of them."
            )
        user_backward = cls.vjp if has_vjp else cls.backward
        return user_backward(self, *grad_outputs)

    def _grad_outputs(self, grads):
        """The arguments for your backward: one gradient per output of forward."""
        if len(grads) != len(self.outputs_seen):
            # The gradient of the one output that carries this node; the others got none.
            slots = [None] * len(self.outputs_seen)
            slots[self.differentiable_outputs[0]] = grads[0]
            grads = slots
        result = []
        for grad, seen in zip(grads, self.outputs_seen):
            if grad is None and seen is not None and self.materialize_grads:
                shape, dtype = seen
                grad = np.zeros(shape, dtype=dtype)  # PyTorch passes zeros, not None
            if grad is not None and not isinstance(grad, Tensor):
                grad = Tensor(grad)
            result.append(grad)
        return result

    def _input_grads(self, returned):
        """Check what your backward returned, as PyTorch does; keep one per tensor input."""
        if not isinstance(returned, tuple):
            returned = (returned,)
        expected = len(self.input_is_tensor)
        # Extra Nones at the end are allowed (a backward written for optional arguments).
        if len(returned) < expected or any(g is not None for g in returned[expected:]):
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {expected}, got {len(returned)})"
            )
        input_grads = []
        for position, (grad, is_tensor) in enumerate(zip(returned, self.input_is_tensor)):
            if grad is not None and not isinstance(grad, Tensor):
                raise RuntimeError(f"expected Variable or None (got {_type_name(grad)})")
            if not is_tensor:
                if grad is not None:
                    raise RuntimeError(
                        f"function {self.name()} returned a gradient different than None at "
                        f"position {position + 1}, but the corresponding forward input was "
                        "not a Variable"
                    )
                continue
            input_grads.append(grad)
        for index, (grad, shape, (child, _)) in enumerate(
            zip(input_grads, self.input_shapes, self.next_functions)
        ):
            # A gradient may have more dimensions than its input (the engine sums them
            # away, as for broadcasting), never fewer or other sizes.
            if grad is not None and child is not None and not _sums_to(grad.shape, shape):
                raise RuntimeError(
                    f"Function {self.name()} returned an invalid gradient at index {index} - "
                    f"got {list(grad.shape)} but expected shape compatible with {list(shape)}"
                )
        return tuple(input_grads)

    @property
    def saved_tensors(self):
        """What forward saved, checked: not freed by a backward, not changed in place since.

        A saved output comes back as a new tensor object (same memory, same node), as in
        PyTorch, which keeps no reference from a node to its own output.
        """
        if self._freed:
            raise RuntimeError(graph.FREED_GRAPH_MESSAGE)
        for watch in self._saved_versions:
            if watch is not None:
                watch.check(self)  # PyTorch's "modified by an inplace operation" error
        return tuple(
            _unpacked_output(t, self) if is_output else t
            for t, is_output in zip(self._saved, self.saved_is_output)
        )

    # ------------------------------------------------------------ called by Function.apply
    def wrap_outputs(self, args, output, connected):
        """Turn what forward returned into what `apply` gives back, as PyTorch does.

        connected: whether this node is in the graph (some input requires grad, grad mode
        on). A floating-point tensor output not marked non-differentiable gets this node as
        grad_fn. Everything is checked before any output is changed.
        """
        outputs = output if isinstance(output, tuple) else (output,)
        self._check_marks(outputs)
        differentiable = [
            connected
            and isinstance(out, Tensor)
            and out.dtype.is_floating_point
            and not _is_in(out, self.non_differentiable)
            for out in outputs
        ]
        for out, is_differentiable in zip(outputs, differentiable):
            if is_differentiable and _is_in(out, self.dirty_tensors):
                _check_dirty(out, args)

        for tensor in self.dirty_tensors:
            tensor._version_counter.bump()  # PyTorch counts the Function's write once more
        wrapped = [
            self._output(out, is_differentiable, args, position)
            for position, (out, is_differentiable) in enumerate(zip(outputs, differentiable))
        ]
        self.num_outputs = len(outputs)  # the engine collects one gradient per output

        self.outputs_seen = tuple(
            (out._data.shape, out._data.dtype) if isinstance(out, Tensor) else None
            for out in wrapped
        )
        self.differentiable_outputs = tuple(i for i, d in enumerate(differentiable) if d)
        self._saved, self.to_save = self.to_save, None  # saved from now on, as in PyTorch
        carrying = [out for out, d in zip(wrapped, differentiable) if d]
        self.saved_is_output = tuple(_is_in(t, carrying) for t in self._saved)
        self._saved_versions = tuple(
            None if t is None else graph.SavedVersion(t, is_output=is_output)
            for t, is_output in zip(self._saved, self.saved_is_output)
        )
        return tuple(wrapped) if isinstance(output, tuple) else wrapped[0]

    def _check_marks(self, outputs):
        """mark_dirty and mark_non_differentiable take tensors; dirty ones must be returned."""
        for tensor in self.dirty_tensors:
            if not isinstance(tensor, Tensor):
                raise RuntimeError("mark_dirty can only accept variables, but argument ")
        for tensor in self.non_differentiable:
            if not isinstance(tensor, Tensor):
                raise RuntimeError(
                    "mark_non_differentiable only accepts variable arguments, but got "
                )
        if any(not _is_in(tensor, outputs) for tensor in self.dirty_tensors):
            raise RuntimeError(
                "Some elements marked as dirty during the forward method were not returned as "
                "output. The inputs that are modified inplace must all be outputs of the "
                "Function."
            )

    def _output(self, out, differentiable, args, position):
        """One output, as PyTorch hands it back (its rules, case by case)."""
        if not isinstance(out, Tensor):
            return out  # numbers, strings, lists: untouched
        is_input = _is_in(out, args)
        is_dirty = _is_in(out, self.dirty_tensors)
        if not differentiable:
            if not out.requires_grad:
                # A returned input is a new tensor viewing it (unless forward changed it).
                return _alias(out) if is_input and not is_dirty else out
            # An input that requires grad comes back cut off from the graph (its own
            # requires_grad is left alone); anything else loses requires_grad.
            if is_input:
                return out.detach()
            return out if out._base is not None else out.detach_()
        if is_dirty:
            self._rebase(out, position)
            return out
        if is_input:
            out = _alias(out)
        out._set_grad_fn(self, position)
        return out

    def _rebase(self, tensor, position):
        """forward changed `tensor` in place: from now on this node made it."""
        if tensor._base is None:
            tensor._set_grad_fn(self, position)
            return
        # forward wrote into a view, so its base changed too. As for x[0].mul_(2), the
        # base's new node runs this one on the view's part of the gradient (inplace.py).
        base = tensor._base
        base._set_grad_fn(CopySlices.around(self, tensor, base, self.old_base_node))
        regenerate_grad_fn(tensor)


class Function:
    """Base class of custom autograd Functions: subclass it, write forward and backward
    as static methods, and call `YourFunction.apply(...)`."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Each Function has its own node class, named as in PyTorch: Square -> SquareBackward.
        name = cls.__name__ + "Backward"
        cls._backward_cls = type(
            name, (BackwardCFunction,), {"_forward_cls": cls, "name_in_pytorch": name}
        )

    @staticmethod
    def forward(*args, **kwargs):
        """forward(ctx, *args) -> output(s); or forward(*args) with setup_context."""
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Optional: fill ctx from forward's inputs and output, for a forward without ctx."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """backward(ctx, one gradient per output) -> one gradient per argument of forward."""
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward  # PyTorch's other name for backward: write one of the two

    def __init__(self, *args, **kwargs):
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions are "
            "all static, so you should invoke them on the class itself. Instantiating an "
            "autograd function will raise an error in a future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    def __call__(self, *args, **kwargs):
        raise RuntimeError(LEGACY_CALL_MESSAGE)

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward on the arguments and record one node for the whole call."""
        has_setup_context = cls.setup_context is not Function.setup_context
        if has_setup_context:
            # As PyTorch: bind the arguments to forward's signature, defaults included.
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        args = _place_keywords(cls.forward, args, kwargs, skip_ctx=not has_setup_context)

        ctx = cls._backward_cls()
        tensors = tuple(a for a in args if isinstance(a, Tensor))
        # Taken before forward runs, which may change an input (and so its node) in place.
        connected = ctx.connect(tensors, tuple(t._data for t in tensors), None, None)
        ctx.old_base_node = _old_base_node(args, connected)
        ctx.input_is_tensor = tuple(isinstance(a, Tensor) for a in args)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)

        with grad_mode.no_grad():
            if has_setup_context:
                output = cls.forward(*args)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args)
        return ctx.wrap_outputs(args, output, connected)


def once_differentiable(backward):
    """Decorate a backward that cannot itself be differentiated (it uses NumPy, say).

    It runs under no_grad; when a graph of the backward pass is being recorded
    (create_graph=True), its results get a node that raises if differentiated again.
    """

    @functools.wraps(backward)
    def wrapper(ctx, *args, **kwargs):
        with grad_mode.no_grad():
            outputs = backward(ctx, *args, **kwargs)
        if not grad_mode.is_grad_enabled():
            return outputs
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        guarded = tuple(_guarded(out) for out in ((outputs,) if single else outputs))
        return guarded[0] if single else guarded

    return wrapper


class DelayedError(graph.Function):
    """out = a    backward: refuses (`a` came from a backward marked @once_differentiable)"""

    name_in_pytorch = "Error"

    def name(self):
        return "torch::autograd::Error"  # PyTorch's C++ name, as for AccumulateGrad

    def forward(self, a):
        return a

    def backward(self, grad):
        raise RuntimeError(ONCE_DIFFERENTIABLE_MESSAGE)


# ---------------------------------------------------------------------- helpers


def _guarded(out):
    """`out` as a tensor whose grad_fn raises: backward cannot run through it a second time."""
    if not isinstance(out, Tensor):
        return out
    return DelayedError.apply(out.detach().requires_grad_(True))


def _is_in(tensor, items):
    """Is this very tensor object among `items`? (`in` would compare values, element-wise.)"""
    return any(tensor is item for item in items)


def _unpacked_output(tensor, node):
    """A saved output, as backward reads it: a new tensor on the same memory, made by node."""
    unpacked = Tensor(tensor._data)
    unpacked._version_counter = tensor._version_counter
    unpacked._set_grad_fn(node)
    return unpacked


def _alias(tensor):
    """A new tensor viewing the same memory, as PyTorch returns an input that forward
    returned unchanged: the output has its own grad_fn, the input keeps its own."""
    alias = Tensor(tensor._data.view())
    views.make_view(alias, of=tensor, step=(Alias, {}))
    return alias


def _check_dirty(tensor, args):
    """PyTorch's refusals for an input that forward changed in place (and that will get
    the node as grad_fn)."""
    if tensor._base is None and tensor.is_leaf and tensor.requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad has been used in an in-place operation."
        )
    check_writable(tensor)  # a view of such a leaf, an expanded tensor
    if tensor._base is not None and (not args or tensor is not args[0]):
        raise NotImplementedError(
            "autograd_lesson: a custom Function may mark dirty a view only when it is "
            "forward's first argument"
        )


def _old_base_node(args, connected):
    """The node of the first argument's base, if it is a view: the graph a write into it
    would rebase (see BackwardCFunction._rebase)."""
    first = args[0] if args else None
    if not (connected and isinstance(first, Tensor) and first._base is not None):
        return None
    return first._base._node_for_backward()


def _place_keywords(forward, args, kwargs, skip_ctx):
    """Keyword arguments as positional ones, each at its parameter's place, as PyTorch's
    apply does (it passes forward positional arguments only)."""
    if not kwargs:
        return tuple(args)
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in inspect.signature(forward).parameters.values() if p.kind in positional]
    names = names[1:] if skip_ctx else names
    for name in kwargs:
        if name not in names:
            raise TypeError(f"forward() got an unexpected keyword argument '{name}'")
        if names.index(name) < len(args):
            raise TypeError(f"forward() got multiple values for argument '{name}'")
    placed = list(args)
    for position in range(len(args), len(args) + len(kwargs)):
        name = names[position]
        if name not in kwargs:
            raise TypeError(f"forward() missing required argument: '{name}' (position {position})")
        placed.append(kwargs[name])
    return tuple(placed)


def _sums_to(grad_shape, shape):
    """Can a gradient of grad_shape be summed down to shape (shape broadcasts to it)?"""
    try:
        return np.broadcast_shapes(tuple(grad_shape), tuple(shape)) == tuple(grad_shape)
    except ValueError:
        return False


def _type_name(obj):
    """A type's name as PyTorch's messages give it: "float", "numpy.ndarray"."""
    cls = type(obj)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


__all__ = ["BackwardCFunction", "Function", "FunctionCtx", "once_differentiable"]
