"""Backpropagation: walk the graph from the output back to the leaves, once.

Why not recursion (call backward on a node, which calls it on its inputs, ...)? Two reasons.
A node used twice, like `a` in `a * a + a`, must receive the *sum* of all the gradients
flowing into it before it passes anything on; recursion would pass each part on separately
and do the work below it again each time. And a deep graph (a loop of 5,000 steps) would
exceed Python's recursion limit. So, as PyTorch's engine does, we first list the nodes in
topological order (every node after all the nodes that use its output), then visit each one
exactly once with its gradient complete.
"""

import numpy as np

from .broadcasting import unbroadcast
from .function import FREED_GRAPH_MESSAGE, AccumulateGrad, Function


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


def run_backward(roots, root_grads, retain_graph=False, capture=None, accumulate=True):
    """Propagate `root_grads` from the `roots` nodes down to the leaves.

    capture:    nodes whose total incoming gradient should be returned (for autograd.grad).
    accumulate: add gradients into leaves' `.grad` (False for autograd.grad).
    Returns {node: gradient} for the captured nodes.
    """
    capture = set(capture or ())
    pending = {}  # node -> sum of the gradients that have arrived so far
    for node, grad in zip(roots, root_grads):
        pending[node] = pending[node] + grad if node in pending else grad

    order = topological_order(list(pending))
    # Check the whole graph before touching any `.grad`: an error half-way through would
    # leave some leaves updated and others not.
    if any(isinstance(node, Function) and node.is_freed for node in order):
        raise RuntimeError(FREED_GRAPH_MESSAGE)

    captured = {}
    for node in order:
        grad = pending.pop(node, None)
        if grad is None:
            continue  # no gradient flows through this node
        if node in capture:
            captured[node] = grad
        if isinstance(node, AccumulateGrad):
            if accumulate:
                node.accumulate(grad)
            continue
        if node.retained_output is not None:
            _store_retained_grad(node.retained_output, grad)

        input_grads = node.backward(grad)
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        if not retain_graph:
            node.release_saved()

        for (child, _), child_grad, shape, dtype in zip(
            node.next_functions, input_grads, node.input_shapes, node.input_dtypes
        ):
            if child is None or child_grad is None:
                continue
            child_grad = unbroadcast(child_grad, shape).astype(dtype, copy=False)
            if child in pending:
                pending[child] = pending[child] + child_grad
            else:
                pending[child] = child_grad
    return captured


def _store_retained_grad(tensor, grad):
    """`.grad` of a non-leaf that asked for it with retain_grad()."""
    if tensor.grad is None:
        tensor.grad = type(tensor)(np.array(grad, copy=True))
    else:
        tensor.grad = type(tensor)(tensor.grad._data + grad)


__all__ = ["run_backward", "topological_order"]
