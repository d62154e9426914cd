"""Self-checks for lesson 06, the computational graph."""

from . import report


def _node_name(answer):
    """'MulBackward0', '<MulBackward0>' or the node itself, as the bare name."""
    if hasattr(answer, "next_functions"):
        answer = repr(answer)
    if not isinstance(answer, str):
        return None
    # Also accept what real PyTorch prints: '<MulBackward0 object at 0x...>'.
    return answer.strip().strip("<>").split(" ")[0]


def _number(answer):
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


def count_nodes(answer):
    """Exercise 1: the graph of L = (y * y).sum() with y = w * x + b has 6 nodes."""
    value = _number(answer)
    if value == 10:
        hint = "you counted y's part of the graph twice, once per use of y in y * y. "
    elif value == 7:
        hint = "x does not require grad: it gets no AccumulateGrad node. "
    elif value == 4:
        hint = "the leaves w and b count too: each ends in an AccumulateGrad node. "
    else:
        hint = ""
    return report(
        value == 6,
        "Sum, Mul (y * y), Add, Mul (w * x) and one AccumulateGrad for each of w and b. "
        "y is used twice, but its node is built once, so it is counted once; x needs no "
        "gradient, so it has no node at all.",
        hint + "Write the graph down from L backwards: one node per operation, plus one "
        "AccumulateGrad per leaf that requires grad. A node reached twice is still one node.",
    )


def name_grad_fn(answer):
    """Exercise 2: the grad_fn of z = (a * b).sum() / 2 is DivBackward0."""
    name = _node_name(answer)
    if name in ("MulBackward0", "SumBackward0"):
        hint = f"{name} is in the graph, but below z's own node. "
    elif name is not None and not name.endswith(("Backward0", "Backward1")):
        hint = "node names end in a number, like 'MulBackward0'. "
    else:
        hint = ""
    return report(
        name == "DivBackward0",
        "grad_fn is the node of the LAST operation that made z: the division by 2. "
        "SumBackward0 and MulBackward0 sit below it, in its next_functions.",
        hint + "grad_fn names the operation that produced the tensor: the last one applied, "
        "not the first.",
    )


def predict_grad(answer):
    """Exercise 3: w.grad after three backwards of w**2, w.grad = None, then 5*w and w*w."""
    value = _number(answer)
    if value == 21:
        hint = "`w.grad = None` throws away what was accumulated before it. "
    elif value == 4:
        hint = "the backward of 5 * w also added its gradient. "
    elif value == 5:
        hint = "the backward of w * w after it also added its gradient. "
    else:
        hint = ""
    return report(
        value == 9.0,
        "the three backwards of w**2 added 4 each (12 in total), `w.grad = None` threw "
        "that away, then 5 * w added 5 and w * w added 2w = 4: 9.",
        hint + "Every backward() ADDS its gradient to w.grad; only zeroing it or setting it to "
        "None starts again from nothing. Work out d/dw of each expression at w = 2.",
    )
