"""In-place operations (`x.add_(y)`, `x[0] = v`, `x += 1`, `relu_()`), recorded as PyTorch does.

An in-place op computes what its out-of-place twin computes, writes the result into the
tensor's own memory (so every view of it sees the change) and bumps the version counter
that the tensor shares with its views (views.py). In the graph, the op's node becomes the
tensor's new grad_fn; its first input is the tensor's *old* node, so gradients still reach
whatever the tensor was made from:

    buf = zeros(2); buf += w * 2      buf.grad_fn = AddBackward0 -> (None, MulBackward0)

Writing into a *view* v of a base b changes b as well, so b's graph changes too: b's new
grad_fn is a CopySlices node. Its backward takes the gradient for all of b, hands the part
that falls inside v to the op's node, and passes the rest to b's old node (an element
outside v is what it was before). v itself gets a node that reads it out of b's new value
(AsStridedBackward0), and so does every other view of b, the next time it is used.
"""

import numpy as np

from . import grad_mode
from . import tensor as tensor_module
from .broadcasting import unbroadcast
from .function import Function, needs_input_grad
from .views import replay

OVERLAP_MESSAGE = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)


PARTIAL_OVERLAP_MESSAGE = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer "
    "to a single memory location. Please clone() the tensor before performing the operation."
)


def check_writable(target, others=()):
    """Refuse, as PyTorch does, writes that autograd (or the result) could not get right."""
    if target._is_inference and not grad_mode.is_inference_mode_enabled():
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed.You can "
            "make a clone to get a normal tensor before doing inplace update.See "
            "https://github.com/pytorch/rfcs/pull/17 for more details."
        )
    if grad_mode.is_grad_enabled():
        if target._base is None and target.is_leaf and target.requires_grad:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        base = target._base
        if base is not None and base.is_leaf and base.requires_grad:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation."
            )
    array = target._data
    if any(stride == 0 and n > 1 for stride, n in zip(array.strides, array.shape)):
        raise RuntimeError(OVERLAP_MESSAGE)  # an expanded tensor: one element, many places
    for other in others:
        # x.add_(x) reads each element before writing it; x.add_(x.t()) would read some
        # elements after they were overwritten.
        same = other._data.__array_interface__ == array.__array_interface__
        if not same and np.shares_memory(other._data, array):
            raise RuntimeError(PARTIAL_OVERLAP_MESSAGE)


def apply_inplace(cls, target, *others, compute_dtype=None, **options):
    """target.op_(*others): run cls's forward, write the result into target, record it.

    others: tensors (numbers already made 0-d tensors). compute_dtype: the dtype PyTorch's
    type promotion computes in, when it differs from target's (the result is cast back).
    Every check is made before anything is written.
    """
    check_writable(target, others)
    # An operand converted to target's dtype is recorded as the original (as Function.apply).
    sources = tuple(o if o._promoted_from is None else o._promoted_from for o in others)
    record = grad_mode.is_grad_enabled() and (
        target.requires_grad or any(o.requires_grad for o in sources)
    )
    # Taken before the write: the nodes that made target (and its base) until now.
    old_node = target._node_for_backward() if record else None
    base = target._base
    old_base_node = base._node_for_backward() if record and base is not None else None

    fn = cls()
    fn.needs_input_grad = needs_input_grad((target, *sources))
    memory = target._data
    first = memory if compute_dtype is None else memory.astype(compute_dtype)
    arrays = (first, *(o._data for o in others))
    with np.errstate(all="ignore"):  # inf and nan without a word, as in PyTorch
        result = fn.forward(*arrays, **options)
    if any(s is memory for s in fn._saved):
        # What forward saved of target's own values is about to be overwritten: keep a
        # copy, which stands for target as it was before the write (old_self below).
        before = np.copy(memory)
        fn._saved = tuple(before if s is memory else s for s in fn._saved)
        arrays = (before, *arrays[1:])
    np.copyto(memory, result, casting="unsafe")
    if result.dtype == memory.dtype:
        # A saved result is target's memory from now on (watched for later writes).
        fn._saved = tuple(memory if s is result else s for s in fn._saved)
    target._version_counter.bump()
    if not record:
        return target

    old_self = _handle(arrays[0], old_node)
    fn.connect((old_self, *sources), arrays, memory, target)
    fn.input_dtypes = (memory.dtype,) + fn.input_dtypes[1:]
    if base is None:
        target._set_grad_fn(fn)
    else:
        base._set_grad_fn(CopySlices.around(fn, target, base, old_base_node))
        regenerate_grad_fn(target)
    return target


def _handle(array, node):
    """A tensor standing for target as it was before the write: its old values and node."""
    handle = tensor_module.Tensor(array)
    handle._grad_fn = node
    handle._requires_grad = node is not None
    return handle


class CopySlices(Function):
    """base with an in-place op applied to one of its views
    ∂loss/∂base_old = grad outside the view, the op's ∂/∂(view) inside it;
    ∂loss/∂(op's other inputs) = the op's own gradients, from the view's part of grad"""

    name_in_pytorch = "CopySlices"

    def name(self):
        return "torch::autograd::CopySlices"  # PyTorch's name() (its repr: <CopySlices>)

    @classmethod
    def around(cls, fn, view, base, old_base_node):
        node = cls()
        node.fn = fn
        node.view_steps = view._view_steps
        node.base_shape = base._data.shape
        node.next_functions = ((old_base_node, 0),) + fn.next_functions[1:]
        node.needs_input_grad = (old_base_node is not None,) + fn.needs_input_grad[1:]
        node.input_shapes = (base._data.shape,) + fn.input_shapes[1:]
        node.input_dtypes = (base._data.dtype,) + fn.input_dtypes[1:]
        return node

    def backward(self, grad):
        if isinstance(grad, np.ndarray):
            # A fresh C-ordered copy of the gradient: the view steps replayed on it give a
            # view into it (the base was laid out so that they gave views).
            grad_base = np.array(grad, order="C", copy=True)
            region, _ = replay(self.view_steps, grad_base)
            if region.size and not np.shares_memory(region, grad_base):
                raise RuntimeError("autograd_lesson: CopySlices could not find the view's elements")
            region_grad = region.copy()
        else:  # create_graph=True: the same steps on tensors, each recorded
            grad_base = grad.clone()
            region = grad_base
            for cls, options in self.view_steps:
                region = cls.apply(region, **options)
            region_grad = region.clone()
        fn_grads = self.fn.backward(region_grad)
        if not isinstance(fn_grads, tuple):
            fn_grads = (fn_grads,)
        inside = fn_grads[0]
        region[...] = 0 if inside is None else unbroadcast(inside, region.shape)
        return (grad_base, *fn_grads[1:])

    def release_saved(self):
        # As in PyTorch, a CopySlices node cannot run twice without retain_graph, even when
        # the op inside saved nothing.
        self.fn.release_saved()
        self._freed = True


class AsStrided(Function):
    """out = a view of the base, read out of it again after an in-place write changed it
    ∂loss/∂base = the view steps' gradients, in reverse order (zeros outside the view)"""

    name_in_pytorch = "AsStridedBackward0"

    def forward(self, base, steps):
        view, self.steps_made = replay(steps, base)
        return view

    def backward(self, grad):
        for fn in reversed(self.steps_made):
            grad = unbroadcast(fn.backward(grad), fn.input_shape_seen)
        return grad


def regenerate_grad_fn(view):
    """Give `view` a grad_fn that reads it out of its base's current graph."""
    base = view._base
    view._view_version = view._version_counter.value
    if not (grad_mode.is_grad_enabled() and base.requires_grad):
        return
    fn = AsStrided()
    fn.forward(base._data, view._view_steps)
    fn.connect((base,), (base._data,), None, view)
    view._set_grad_fn(fn)
