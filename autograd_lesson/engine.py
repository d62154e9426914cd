"""Backpropagation: walk the graph from the output back to the leaves, once.

Why not recursion (call backward on a node, which calls it on its inputs, ...)? Two reasons.
A node used twice, like `a` in `a * a + a`, must receive the *sum* of all the gradients
flowing into it before it passes anything on; recursion would pass each part on separately
and do the work below it again each time. And a deep graph (a loop of 5,000 steps) would
exceed Python's recursion limit. So, as PyTorch's engine does, we first list the nodes in
topological order (every node after all the nodes that use its output), then visit each one
exactly once with its gradient complete. Of the nodes whose gradient is complete, the one
created last goes first (`execution_order`), as in PyTorch.
"""

import heapq

import numpy as np

from . import anomaly_mode, dtypes
from . import tensor as tensor_module  # (a module reference: tensor.py imports this module)
from .broadcasting import unbroadcast
from .function import (
    FREED_GRAPH_MESSAGE,
    AccumulateGrad,
    Function,
    once_differentiable_results,
    recorded_copy,
)
from .grad_mode import set_grad_enabled
from .numpy_protocol import backward_on_tensors


def topological_order(roots):
    """Nodes reachable from `roots`, each listed before every node it feeds gradients to."""
    order, visited = [], set()
    for root in roots:
        if root in visited:
            continue
        visited.add(root)
        # Iterative depth-first search; a node is listed when all its inputs are done.
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, children = stack[-1]
            for child, _ in children:
                if child is not None and child not in visited:
                    visited.add(child)
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()  # outputs first, leaves last
    return order


def run_backward(
    roots,
    root_grads,
    retain_graph=False,
    capture=None,
    accumulate=True,
    create_graph=False,
    root_outputs=None,
):
    """Propagate `root_grads` from the `roots` nodes down to the leaves.

    capture:      nodes whose total incoming gradient should be returned (for autograd.grad).
    accumulate:   add gradients into leaves' `.grad` (False for autograd.grad).
    create_graph: run every backward on tensors, recording it as a graph of its own
                  (numpy_protocol.py), so the gradients can be differentiated again.
    root_outputs: which output of each root node the root gradient is for (0 by default;
                  a custom Function can have several outputs).
    Returns {node: gradient} for the captured nodes (a list, one per output, for a node
    with several outputs).
    """
    capture = set(capture or ())
    pending = {}  # node -> sum of the gradients that have arrived so far
    for node, grad, output in zip(roots, root_grads, root_outputs or [0] * len(roots)):
        _hand_over(pending, node, grad, output)
    graph = topological_order(list(pending))
    _check_not_freed(graph)

    captured, leaf_grads = {}, []
    # (np.errstate: inf and nan arise without a word, as in PyTorch)
    with (
        set_grad_enabled(create_graph),
        backward_on_tensors(create_graph),
        np.errstate(all="ignore"),
    ):
        for node in execution_order(list(pending), graph):
            grad = pending.pop(node, None)
            if grad is None:
                continue  # no gradient flows through this node
            if node.num_outputs == 1:
                grad = _run_tensor_hooks(node, grad)
            if node in capture:
                captured[node] = grad
            if isinstance(node, AccumulateGrad):
                leaf_grads.append((node, grad))
                continue
            if node.retained_output is not None:
                _store_retained_grad(node.retained_output, grad)
            input_grads = _call_backward(node, grad, create_graph)
            if not retain_graph:
                node.release_saved()
            for (child, output), child_grad, shape, dtype in zip(
                node.next_functions, input_grads, node.input_shapes, node.input_dtypes
            ):
                if child is not None and child_grad is not None:
                    _hand_over(pending, child, _fit(child_grad, shape, dtype), output)
        # Leaves last, all together: an error above leaves every `.grad` as it was.
        if accumulate:
            for node, grad in leaf_grads:
                node.accumulate(grad)
    return captured


def execution_order(roots, graph):
    """The nodes of `graph` in the order backward visits them, as PyTorch's engine does: a
    node is ready once every node that feeds it a gradient has run; of the ready nodes, the
    one created last runs first."""
    waiting_for = {node: 0 for node in graph}  # how many inputs' gradients are still to come
    for node in graph:
        for child, _ in node.next_functions:
            if child is not None:
                waiting_for[child] += 1
    ready = [(-node.sequence_nr, i, node) for i, node in enumerate(roots) if not waiting_for[node]]
    heapq.heapify(ready)
    tiebreak = len(ready)
    while ready:
        node = heapq.heappop(ready)[2]
        yield node
        for child, _ in node.next_functions:
            if child is None:
                continue
            waiting_for[child] -= 1
            if waiting_for[child] == 0:
                heapq.heappush(ready, (-child.sequence_nr, tiebreak, child))
                tiebreak += 1


def _check_not_freed(order):
    """Check the whole graph before touching any `.grad`: an error half-way through would
    leave some leaves updated and others not."""
    if any(isinstance(node, Function) and node.is_freed for node in order):
        raise RuntimeError(FREED_GRAPH_MESSAGE)


def _hand_over(pending, node, grad, output=0):
    """Add `grad` to what `node` has received so far (a node used twice gets the sum).

    A node with several outputs (a custom Function returning two tensors) collects one
    gradient per output: None for an output no gradient reached.
    """
    if node.num_outputs == 1:
        pending[node] = pending[node] + grad if node in pending else grad
        return
    received = pending.setdefault(node, [None] * node.num_outputs)
    received[output] = grad if received[output] is None else received[output] + grad


def _fit(grad, shape, dtype):
    """A gradient summed back to its input's shape (broadcasting) and in its dtype."""
    grad = unbroadcast(grad, shape)
    if isinstance(grad, np.ndarray | np.generic):
        return grad.astype(dtype, copy=False)
    return grad if grad._data.dtype == dtype else grad.to(dtypes.from_numpy(dtype))


def _call_backward(node, grad, create_graph):
    """node.backward(grad) as a tuple, one gradient per input.

    With create_graph=True it runs on tensors; a node whose backward cannot (a convolution,
    say) runs on arrays, and its results are marked so that differentiating them again
    raises an error instead of silently giving zero.
    """
    try:
        several = node.num_outputs > 1  # then `grad` is a list, one per output
        if create_graph and not node.supports_double_backward:
            with set_grad_enabled(False), backward_on_tensors(False):
                if several:
                    input_grads = node.backward(*(None if g is None else g._data for g in grad))
                else:
                    input_grads = node.backward(grad._data)
            input_grads = once_differentiable_results(node, grad, input_grads)
        else:
            input_grads = node.backward(*grad) if several else node.backward(grad)
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        if anomaly_mode.is_anomaly_enabled() and anomaly_mode.is_anomaly_check_nan_enabled():
            anomaly_mode.check_for_nan(node, input_grads)
    except Exception:
        if anomaly_mode.is_anomaly_enabled():
            anomaly_mode.warn_with_forward_trace(node)  # the forward line that made the node
        raise
    if create_graph:
        for g in input_grads:
            if g is not None and not hasattr(g, "_data"):
                raise RuntimeError(
                    f"double backward of {node.name()} is not supported by autograd_lesson "
                    "(its backward gave an array, not a tensor that records the graph)"
                )
    return input_grads


def _run_tensor_hooks(node, grad):
    """Each hook registered on the tensor this gradient is for (t.register_hook) sees it
    first; a hook that returns a tensor replaces it."""
    for hook in list(node.tensor_pre_hooks.values()):
        as_tensor = grad if hasattr(grad, "_data") else tensor_module.Tensor(grad)
        result = hook(as_tensor)
        if result is None:
            continue
        if tuple(result.shape) != tuple(as_tensor.shape):
            raise RuntimeError(
                f"hook '{getattr(hook, '__name__', 'hook')}' has changed the size of value"
            )
        grad = result if hasattr(grad, "_data") else result._data
    return grad


def _store_retained_grad(tensor, grad):
    """`.grad` of a non-leaf that asked for it with retain_grad()."""
    if isinstance(grad, np.ndarray | np.generic):
        total = grad if tensor._grad is None else tensor._grad._data + grad
        tensor._grad = type(tensor)(np.array(total, copy=True))
    else:  # create_graph=True: the gradient keeps its graph (a copy of it, as for leaves)
        tensor._grad = recorded_copy(grad) if tensor._grad is None else tensor._grad + grad


__all__ = ["run_backward", "topological_order"]
