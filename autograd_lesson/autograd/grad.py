"""`autograd.grad(outputs, inputs)`: the gradients, returned instead of added to `.grad`."""

import numpy as np

from ..engine import run_backward
from ..tensor import Tensor, gradient_seed


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    allow_unused=None,
    materialize_grads=False,
):
    """Return d(outputs)/d(inputs) as a tuple, one tensor per input; `.grad` is left alone.

    With a non-scalar output, `grad_outputs` is the vector v of the vector-Jacobian
    product vᵀ·J, exactly as the `gradient` argument of `backward`. With create_graph=True
    the returned gradients carry a graph of their own: they can be differentiated again.
    """
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    allow_unused = bool(allow_unused) or materialize_grads
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)

    seeds = [gradient_seed(out, v, i) for i, (out, v) in enumerate(zip(outputs, grad_outputs))]
    if create_graph:  # the backward pass is recorded: it starts from tensors
        seeds = [v if isinstance(v, Tensor) else Tensor(s) for s, v in zip(seeds, grad_outputs)]
    if retain_graph is None:
        retain_graph = create_graph
    roots = [out._node_for_backward() for out in outputs]

    for x in inputs:
        if not x.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    targets = [x._node_for_backward() for x in inputs]
    captured = run_backward(
        roots,
        seeds,
        retain_graph=bool(retain_graph),
        capture=targets,
        accumulate=False,
        create_graph=create_graph,
        root_outputs=[out._output_nr for out in outputs],
    )

    result = []
    for i, (x, node) in enumerate(zip(inputs, targets)):
        received = captured.get(node)
        if isinstance(received, list):  # a node with several outputs: x's own
            received = received[x._output_nr]
        if received is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
            result.append(Tensor(np.zeros_like(x._data)) if materialize_grads else None)
        elif create_graph:
            result.append(received)
        else:
            result.append(Tensor(np.array(received, dtype=x._data.dtype)))
    return tuple(result)


def _as_tuple(x):
    return tuple(x) if isinstance(x, list | tuple) else (x,)
