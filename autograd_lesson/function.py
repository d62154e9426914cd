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

import numpy as np

from . import grad_mode
from . import tensor as tensor_module

FREED_GRAPH_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class Node:
    """What every node of the backward graph has: a name, and where its inputs came from."""

    name_in_pytorch = "Node"

    def __init__(self):
        # One (node, output index) pair per input; (None, 0) for inputs that need no gradient.
        self.next_functions = ()

    def name(self):
        return self.name_in_pytorch

    def __repr__(self):
        # PyTorch adds the memory address; leaving it out keeps printed output the same every run.
        return f"<{self.name_in_pytorch}>"


class Function(Node):
    """Base class of every differentiable operation; subclasses set `name_in_pytorch`."""

    def __init__(self):
        super().__init__()
        self._saved = ()
        self._freed = False
        self.input_shapes = ()
        self.input_dtypes = ()
        self.retained_output = None  # the output tensor, when it called retain_grad()

    def save_for_backward(self, *arrays):
        self._saved = arrays

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_GRAPH_MESSAGE)
        return self._saved

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
            self._freed = True

    def forward(self, *arrays, **options):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on tensors; record a graph node if any input requires grad."""
        fn = cls()
        result = fn.forward(*(t._data for t in inputs), **options)
        out = tensor_module.Tensor(result)
        # An input converted to the op's dtype on the way in is recorded as the original
        # tensor (see Tensor._cast_for_op): PyTorch promotes inside the op, without a node.
        sources = tuple(t if t._promoted_from is None else t._promoted_from for t in inputs)
        # Integer and bool results (`x.long()`) carry no gradient: PyTorch records no node.
        needs_graph = (
            grad_mode.is_grad_enabled()
            and any(t.requires_grad for t in sources)
            and out.dtype.is_floating_point
        )
        if needs_graph:
            fn.next_functions = tuple((t._node_for_backward(), 0) for t in sources)
            fn.input_shapes = tuple(t._data.shape for t in sources)
            fn.input_dtypes = tuple(t._data.dtype for t in sources)
            out.requires_grad = True
            out.grad_fn = fn
        return out


class AccumulateGrad(Node):
    """The node that ends every path at a leaf: it adds the arriving gradient to `.grad`."""

    name_in_pytorch = "AccumulateGrad"

    def __init__(self, variable):
        super().__init__()
        self.variable = variable

    def name(self):
        # PyTorch's name() gives the C++ class name here (its repr still says AccumulateGrad).
        return "torch::autograd::AccumulateGrad"

    def accumulate(self, grad):
        leaf = self.variable
        if leaf.grad is None:
            leaf.grad = tensor_module.Tensor(np.array(grad, dtype=leaf._data.dtype, copy=True))
        else:
            # In place, as PyTorch does: a reference to `leaf.grad` sees the sum.
            leaf.grad._data += grad
