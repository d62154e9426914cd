"""The nodes of the backward graph.

Every differentiable operation is a `Function` subclass with two methods:

* `forward(*arrays)` computes the result from NumPy arrays and saves, with
  `save_for_backward`, whatever the derivative will need;
* `backward(grad)` receives ∂loss/∂output, reads what forward saved from
  `self.saved_tensors`, and returns ∂loss/∂input, one per input (the vector-Jacobian
  product: it never builds a Jacobian).

`Function.apply(*tensors)` runs `forward` and, when a graph is being recorded, makes the
Function object itself the output's `grad_fn`: a node of the graph that remembers where
its inputs came from in `next_functions`, exactly as PyTorch's nodes do.
"""

import itertools
import re

import numpy as np

from . import anomaly_mode, dtypes, grad_mode, numpy_protocol, views
from . import tensor as tensor_module

FREED_GRAPH_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)

INFERENCE_SAVED_MESSAGE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`."
)


class Node:
    """What every node of the backward graph has: a name, and where its inputs came from."""

    name_in_pytorch = "Node"
    num_outputs = 1  # a custom Function returning several tensors has more
    _created = itertools.count()

    def __init__(self):
        # One (node, output index) pair per input; (None, 0) for inputs that need no gradient.
        self.next_functions = ()
        # Tensor hooks (t.register_hook): called with the gradient arriving here, in order.
        self.tensor_pre_hooks = {}
        # Creation order. Of the nodes ready to run, backward runs the newest first, as
        # PyTorch's engine does (it decides which of two errors, or hooks, comes first).
        self.sequence_nr = next(Node._created)

    def __init_subclass__(cls, **kwargs):
        # type(node).__name__ is PyTorch's node name ("MulBackward0"), as code that reads
        # graphs (torchviz, ...) expects; the class keeps its readable name in the source
        # (and in __qualname__).
        super().__init_subclass__(**kwargs)
        cls.__name__ = cls.name_in_pytorch

    def name(self):
        return self.name_in_pytorch

    def __repr__(self):
        # PyTorch adds the memory address; leaving it out keeps printed output the same every run.
        return f"<{self.name_in_pytorch}>"


class Function(Node):
    """Base class of every differentiable operation; subclasses set `name_in_pytorch`."""

    # True for ops whose output shares memory with their input (view, transpose, x[0], ...):
    # writing into the output writes into the input, as in PyTorch.
    is_view = False
    # True for ops whose result is floating point even for integer inputs (exp, /, ...).
    makes_floats = False
    # False for ops whose backward runs on arrays only (convolution, batch norm, pooling):
    # their gradients cannot be differentiated again (create_graph=True says so).
    supports_double_backward = True

    def __init__(self):
        super().__init__()
        self._saved = ()
        self._saved_versions = ()
        self._freed = False
        self.input_shapes = ()
        self.input_dtypes = ()
        self.needs_input_grad = ()  # one bool per input, as PyTorch's ctx.needs_input_grad
        self.retained_output = None  # the output tensor, when it called retain_grad()

    def save_for_backward(self, *arrays):
        self._saved = arrays

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_GRAPH_MESSAGE)
        for watch in self._saved_versions:
            if watch is not None:
                watch.check(self)
        if numpy_protocol.running_on_tensors():
            return tuple(self._saved_as_tensor(s, w) for s, w in zip(self._saved, self._watches()))
        return self._saved

    def _watches(self):
        return self._saved_versions or (None,) * len(self._saved)

    def _saved_as_tensor(self, saved, watch):
        """What forward saved, as a tensor in the graph, for a backward run on tensors."""
        Tensor = tensor_module.Tensor
        if watch is not None and watch.is_output:  # the output: made by this very node
            output = Tensor(np.asarray(saved))
            output._set_grad_fn(self)
            return output
        if watch is not None:  # an input itself: the graph runs through it
            source = watch.tensor
            same_dtype = source._data.dtype == saved.dtype
            return source if same_dtype else source.to(dtypes.from_numpy(saved.dtype))
        if not isinstance(saved, np.ndarray | np.generic):
            return saved  # not an array: a key, None
        if saved.dtype.kind in "biu":
            return Tensor(saved)  # a mask or indices: no gradient flows through them
        raise RuntimeError(
            f"double backward of {self.name()} is not supported by autograd_lesson: its backward "
            "uses a value its forward computed for itself, which the graph does not record"
        )

    @property
    def is_freed(self):
        """True once backward has dropped what this node saved: it cannot run again."""
        return self._freed

    def release_saved(self):
        """Drop what forward saved, as PyTorch does after backward (unless retain_graph).

        A node that saved nothing (Add, Sum, View, ...) loses nothing, so, as in PyTorch,
        a second backward through it still works.
        """
        if self._saved:
            self._saved = ()
            self._saved_versions = ()  # (they hold the saved inputs: let them go too)
            self._freed = True

    def forward(self, *arrays, **options):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on tensors; record a graph node if any input requires grad."""
        fn = cls()
        # An input converted to the op's dtype on the way in is recorded as the original
        # tensor (see Tensor._cast_for_op): PyTorch promotes inside the op, without a node.
        sources = tuple(t if t._promoted_from is None else t._promoted_from for t in inputs)
        fn.needs_input_grad = needs_input_grad(sources)  # forward may save only what's needed
        arrays = tuple(t._data for t in inputs)
        with np.errstate(all="ignore"):  # 1/0 is inf and 0/0 nan, without a word, as in PyTorch
            result = fn.forward(*arrays, **options)
        out = tensor_module.Tensor(result)
        if cls.is_view:
            views.make_view(out, of=inputs[0], step=(cls, options))
        # Integer and bool results (`x.long()`) carry no gradient: PyTorch records no node.
        if out.dtype.is_floating_point and fn.connect(sources, arrays, result, out):
            out._set_grad_fn(fn)
        return out

    def connect(self, sources, arrays, result, out):
        """Make this node the one that made `out` from `sources`, if a graph is being recorded.

        `arrays` are the arrays forward received (one per source) and `result` the one it
        returned: a saved array that is one of them is watched for in-place changes.
        Returns False, recording nothing, when no input requires grad or grad mode is off.
        """
        if not any(needs_input_grad(sources)):
            return False
        self.next_functions = tuple((t._node_for_backward(), t._output_nr) for t in sources)
        self.needs_input_grad = needs_input_grad(sources)
        if anomaly_mode.is_anomaly_enabled():
            self.forward_trace = anomaly_mode.forward_trace()
        self.input_shapes = tuple(t._data.shape for t in sources)
        self.input_dtypes = tuple(t._data.dtype for t in sources)
        self._saved_versions = tuple(
            _watch(saved, sources, arrays, result, out) for saved in self._saved
        )
        return True


def needs_input_grad(sources):
    """One bool per input: will backward need the gradient for it? (False under no_grad.)"""
    enabled = grad_mode.is_grad_enabled()
    return tuple(enabled and t.requires_grad for t in sources)


def _watch(saved, sources, arrays, result, out):
    """What to check before `saved` is used in backward: (tensor, its version now), or None.

    PyTorch raises "modified by an inplace operation" when a tensor that backward needs
    was changed after it was saved; a version counter, bumped by every in-place write,
    tells. An array the op made for itself (not an input, not the output) needs no watch.
    """
    if saved is result:
        return SavedVersion(out, is_output=True)
    for source, array in zip(sources, arrays):
        if saved is array and not source._is_number:
            if source._is_inference:
                raise RuntimeError(INFERENCE_SAVED_MESSAGE)
            return SavedVersion(source, is_output=False)
    return None


class SavedVersion:
    """A saved tensor's version counter and the version it had when it was saved."""

    def __init__(self, tensor, is_output):
        self.counter = tensor._version_counter
        self.version = self.counter.value
        self.shape = tensor._data.shape
        self.type_name = tensor.dtype.tensor_type_name
        self.is_output = is_output
        # Inputs are named by the node that made them when backward runs (after an in-place op,
        # that is the in-place op's node); outputs by the node that saved them.
        self.tensor = None if is_output else tensor

    def check(self, node):
        if self.counter.value == self.version:
            return
        description = f"[{self.type_name} {list(self.shape)}]"
        maker = node if self.is_output else self.tensor.grad_fn
        if maker is not None:
            description += f", which is output 0 of {_short_name(maker)},"
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {description} is at version {self.counter.value}; expected "
            f"version {self.version} instead. Hint: enable anomaly detection to find the "
            "operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False)."
        )


def _short_name(node):
    """The forward op's name, as PyTorch gives it in this message: the node's name without
    its "Backward<N>" ending, N kept unless it is 0 ("Exp", "Clamp1", "CopySlices")."""
    match = re.fullmatch(r"(.*)Backward(\d*)", node.name())
    if match is None:
        return node.name()
    stem, number = match.groups()
    return stem if number in ("", "0") else stem + number


def once_differentiable_results(node, grad, input_grads):
    """Gradients computed on arrays, as tensors whose own backward raises a clear error.

    If neither the incoming gradient nor any input needs a graph, they are plain tensors.
    """
    Tensor = tensor_module.Tensor
    input_grads = input_grads if isinstance(input_grads, tuple) else (input_grads,)
    arrived = [g for g in (grad if isinstance(grad, list) else [grad]) if g is not None]
    wrapped = []
    for g in input_grads:
        if g is None:
            wrapped.append(None)
            continue
        result = Tensor(np.asarray(g))
        barrier = NotDifferentiableTwice(node)
        barrier.next_functions = (
            tuple((t._node_for_backward(), t._output_nr) for t in arrived) + node.next_functions
        )
        if any(child is not None for child, _ in barrier.next_functions):
            result._set_grad_fn(barrier)
        wrapped.append(result)
    return tuple(wrapped)


class NotDifferentiableTwice(Function):
    """Stands where a gradient was computed by a backward that has no backward of its own."""

    name_in_pytorch = "NotDifferentiableTwiceBackward"

    def __init__(self, node=None):
        super().__init__()
        self.node_name = None if node is None else node.name()

    def backward(self, grad):
        raise RuntimeError(
            f"double backward of {self.node_name} is not supported by autograd_lesson "
            "(a gradient of its gradient was asked for, with create_graph=True)"
        )


def recorded_copy(grad):
    """`.grad` made from a gradient tensor under create_graph=True: a fresh copy, recorded
    (CopyBackwards), as PyTorch makes it. The gradient itself may be shared (x + y hands the
    same tensor to x and y) or a broadcast view; changing one `.grad` must not change another.
    """
    fresh = tensor_module.Tensor(np.zeros(grad._data.shape, dtype=grad._data.dtype))
    return fresh.copy_(grad)


class AccumulateGrad(Node):
    """The node that ends every path at a leaf: it adds the arriving gradient to `.grad`."""

    name_in_pytorch = "AccumulateGrad"

    def __init__(self, variable):
        super().__init__()
        self.variable = variable
        self.sequence_nr = float("inf")  # as in PyTorch: a leaf's gradient is taken at once

    def name(self):
        # PyTorch's name() gives the C++ class name here (its repr still says AccumulateGrad).
        return "torch::autograd::AccumulateGrad"

    def accumulate(self, grad):
        self._add_to_grad(grad)
        for hook in list(self.variable._post_accumulate_grad_hooks.values()):
            hook(self.variable)

    def _add_to_grad(self, grad):
        leaf = self.variable
        if isinstance(grad, tensor_module.Tensor):  # create_graph=True: keep grad's graph
            leaf._grad = recorded_copy(grad) if leaf._grad is None else leaf._grad + grad
            return
        if leaf.grad is None:
            leaf.grad = tensor_module.Tensor(np.array(grad, dtype=leaf._data.dtype, copy=True))
        else:
            # In place, as PyTorch does: a reference to `leaf.grad` sees the sum.
            leaf.grad._data += grad
