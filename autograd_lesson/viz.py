"""Draw the backward graph with Graphviz, as torchviz does for PyTorch.

    from autograd_lesson.viz import draw_graph
    Q = 3 * a**3 - b**2
    draw_graph(Q, params={"a": a, "b": b, "Q": Q}, show_values=True, show_grads=True)

What you see is exactly what `Q.grad_fn` and `.next_functions` hold: one grey box per
backward node (MulBackward0, ...), an AccumulateGrad node in front of every leaf that
requires grad, blue boxes for those leaves and a green box for the tensor you drew.
Arrows point in the forward direction, from inputs to output (as in PyTorch's
tutorial figure); `backward()` sends gradients the other way, against the arrows.
Since it reads only what PyTorch's graph has too, `draw_graph` also draws a graph built
by PyTorch itself, box for box the same.

For a network, `collapse="module"` draws one yellow box per submodule instead of its
dozens of nodes. Nodes do not know which module made them, so run the forward pass
as `prediction = trace_modules(model, data)`, which records it with forward hooks.

In Jupyter the graph shows as a PNG (see `Graph`); `show(graph)` does the same for any
graphviz graph. Without Graphviz's `dot` program, building the graph and reading
`.source` still work; rendering raises `GraphvizNotFound`, which says how to install it.
"""

import html
import weakref

import graphviz
import numpy as np

from .engine import topological_order
from .function import AccumulateGrad

LEAF_COLOR = "lightblue"
OUTPUT_COLOR = "darkolivegreen1"
NODE_COLOR = "lightgrey"
MODULE_COLOR = "lightyellow"
DPI = 110  # PNG resolution: labels read well at a notebook's width
MAX_HEIGHT_SHOWN = 900  # pixels; taller graphs are shown smaller in a notebook
MAX_NUMBERS_SHOWN = 8  # larger tensors show their norm instead of every number

INSTALL_HELP = (
    "Drawing a graph needs Graphviz's `dot` program, which is not on your PATH. Install it with\n"
    "    sudo apt-get install graphviz                               (Debian, Ubuntu)\n"
    "    brew install graphviz                                       (macOS)\n"
    "    conda install -c conda-forge graphviz python-graphviz       (conda)\n"
    "then restart the kernel. The graph's DOT text is still available as `graph.source`."
)


class GraphvizNotFound(graphviz.ExecutableNotFound):
    """`dot` is missing; the message says how to install it."""

    def __init__(self):
        RuntimeError.__init__(self, INSTALL_HELP)


class Graph(graphviz.Digraph):
    """A graphviz.Digraph that displays as PNG in Jupyter and explains a missing `dot`.

    PNG rather than graphviz's default SVG: JupyterLab shows PNG even in a notebook the
    learner has not re-run, and nbval ignores PNG (SVG text changes with Graphviz's version).
    """

    boxes = 0  # counted by draw_graph, for the repr

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        """What Jupyter shows: the PNG, at a size that fits the screen (see png_size)."""
        png = self.pipe(format="png")
        return {"image/png": png}, {"image/png": png_size(png)}

    def pipe(self, *args, **kwargs):
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFound() from error

    def render(self, *args, **kwargs):
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFound() from error

    def __repr__(self):
        # No memory address, so a notebook's text output is the same every run.
        return f"<autograd_lesson.viz.Graph with {self.boxes} boxes>"


def png_size(png):
    """{"width", "height"} to display a PNG at: its own size, scaled down if taller than
    MAX_HEIGHT_SHOWN (a collapsed ResNet-18 then fits a screen; the PNG keeps its full
    resolution, so zooming in stays sharp)."""
    width = int.from_bytes(png[16:20], "big")  # the PNG header stores width, then height
    height = int.from_bytes(png[20:24], "big")
    scale = min(1.0, MAX_HEIGHT_SHOWN / height)
    return {"width": round(width * scale), "height": round(height * scale)}


def show(graph):
    """The graph as a PNG image for a notebook (works for any graphviz graph)."""
    from IPython.display import Image

    try:
        png = graph.pipe(format="png")
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFound() from error
    return Image(png, **png_size(png))


def draw_graph(
    tensor,
    params=None,
    show_values=False,
    show_grads=False,
    collapse=None,
    model=None,
    depth=2,
    legend=True,
):
    """Draw the graph that `tensor.backward()` would walk.

    params:      {name: tensor} to label boxes, e.g. dict(model.named_parameters()) or
                 {"a": a, "b": b, "Q": Q}; the drawn tensor may be named too.
    show_values: write each leaf's and the output's numbers (all of them up to 8, else the norm).
    show_grads:  write their `.grad` the same way (the output's only if it called retain_grad()).
    collapse:    "module" draws one box per submodule of `model` (the forward pass must have run
                 through `trace_modules`); `depth` picks how deep: 1 for model's children,
                 2 (default) for their children too, e.g. ResNet-18's blocks layer1.0, layer1.1.
    legend:      explain arrows and colours under the graph.
    """
    if collapse not in (None, "module"):
        raise ValueError(f'collapse must be None or "module", not {collapse!r}')
    names = {id(t): name for name, t in (params or {}).items()}
    owner = _module_owner(tensor, model, depth) if collapse == "module" else {}
    drawn_modules = {name for name, _ in owner.values()}

    graph = Graph(
        graph_attr={"dpi": str(DPI), "rankdir": "TB", "ranksep": "0.2", "nodesep": "0.25"},
        node_attr={
            "shape": "box",
            "style": "filled,rounded",
            "fontname": "DejaVu Sans",
            "fontsize": "12",
            "height": "0.3",
        },
        edge_attr={"arrowsize": "0.7"},
    )
    shown = (show_values, show_grads)
    ids = {}  # object -> DOT id; a counter in visiting order, so every run gives the same text
    kinds = set()  # which colours appear, for the legend

    def box(key, label, color):
        if key not in ids:
            ids[key] = str(len(ids))
            graph.node(ids[key], label, fillcolor=color)
            graph.boxes += 1
            kinds.add(color)
        return ids[key]

    def box_for(node):
        """The box drawing `node`: its own, or its module's when collapsed."""
        if node in owner:
            name, call = owner[node]
            label = _module_label(model, name, call, drawn_modules)
            return box((name, call), label, MODULE_COLOR)
        # AccumulateGrad.name() is "torch::autograd::AccumulateGrad" in PyTorch; the box
        # shows the short name, as torchviz does.
        return box(node, node.name().removeprefix("torch::autograd::"), NODE_COLOR)

    def leaf_box(t):
        return box(t, _tensor_label(t, names.get(id(t)), *shown), LEAF_COLOR)

    if tensor.grad_fn is None:  # a leaf, or a tensor outside any graph: nothing behind it
        leaf_box(tensor)
        return _finish(graph, kinds, legend)
    output_label = _tensor_label(tensor, names.get(id(tensor), "output"), *shown)
    # (from, to) pairs in the forward direction
    edges = [(box_for(tensor.grad_fn), box(tensor, output_label, OUTPUT_COLOR))]
    for node in topological_order([tensor.grad_fn]):
        target = box_for(node)
        if _is_accumulate_grad(node):
            if node not in owner:  # a parameter inside a collapsed module is not drawn
                edges.append((leaf_box(node.variable), target))
            continue
        for child, _ in node.next_functions:
            if child is not None:  # None: an input that needs no gradient (a constant)
                edges.append((box_for(child), target))
    for source, target in dict.fromkeys(edges):  # each arrow once, in a fixed order
        if source != target:  # an arrow inside a collapsed module
            graph.edge(source, target)
    return _finish(graph, kinds, legend)


def _finish(graph, kinds, legend):
    if legend:
        graph.attr(label=_legend(kinds), labelloc="b", fontsize="11", fontname="DejaVu Sans")
    return graph


# ---------------------------------------------------------------------- labels


def format_numbers(array):
    """Up to 8 numbers in full at 4 significant digits, else the norm; a matrix row per line.

    format_numbers(np.array([36., 81.])) == "[36, 81]"
    """
    array = np.asarray(array)
    if array.size > MAX_NUMBERS_SHOWN:
        return f"norm {np.linalg.norm(array.astype(np.float64)):.4g}"
    if array.ndim == 2:  # one row per line reads better than [[...], [...]] on one line
        rows = [format_numbers(row) for row in array]
        return "[" + ",\n ".join(rows) + "]"
    text = np.array2string(
        array, separator=", ", formatter={"float_kind": lambda x: f"{x:.4g}"}, max_line_width=1000
    )
    return " ".join(text.split())  # one line, single spaces


def _is_accumulate_grad(node):
    # By what it has (`.variable`, the leaf) rather than its class, so that a graph built by
    # PyTorch itself draws the same way (the tests compare the two drawings).
    return hasattr(node, "variable")


def _shape_text(t):
    return "scalar" if t.ndim == 0 else "shape " + str(list(t.shape))


def _tensor_label(t, name, show_values, show_grads):
    lines = [_shape_text(t)]
    if show_values:
        lines.append(_numbers_line("data", t.detach().numpy()))
    # A non-leaf's .grad stays empty (and warns) unless it called retain_grad().
    if show_grads and (t.is_leaf or t.retains_grad):
        lines.append("grad None" if t.grad is None else _numbers_line("grad", t.grad.numpy()))
    return _html_label(name, lines)


def _numbers_line(what, array):
    numbers = format_numbers(array)
    # A matrix starts on the next line, so that its rows line up under each other.
    return f"{what}\n{numbers}" if "\n" in numbers else f"{what} {numbers}"


def _html_label(title, lines):
    """A Graphviz HTML-like label: the title in bold over the other lines."""
    label = f"<b>{html.escape(title)}</b><br/>" if title else ""
    # Lines left-aligned (each <br align='left'/> ends one), so a matrix's rows line up.
    for text in lines:
        for line in text.split("\n"):
            label += html.escape(line) + "<br align='left'/>"
    return "<" + label + ">"


def _legend(kinds):
    colours = [
        (LEAF_COLOR, "blue: leaves (they receive .grad)"),
        (NODE_COLOR, "grey: backward nodes"),
        (MODULE_COLOR, "yellow: modules"),
        (OUTPUT_COLOR, "green: the tensor drawn"),
    ]
    key = ",  ".join(text for colour, text in colours if colour in kinds)
    return (
        "Arrows point forward, from inputs to output;\\nbackward() sends gradients against them.\\n"
        + key
    )


def _module_label(model, name, call, drawn_modules):
    """One line per module, e.g. "layer1.0  BasicBlock, 73,984 parameters", so that a
    ResNet-18's 14 modules stack to about one screen's height."""
    module = dict(model.named_modules())[name]
    count = sum(p.numel() for p in module.parameters())
    title = name if call == 1 else f"{name} (call {call})"
    text = f"<b>{html.escape(title)}</b>  {type(module).__name__}, {count:,} parameters"
    if any(other.startswith(name + ".") for other in drawn_modules):
        # Its submodules have boxes of their own: this box holds only what the module's own
        # forward does between them (an addition, say).
        text += "<br/>(only the ops between its submodules)"
    return f"<{text}>"


# ---------------------------------------------------------------------- modules

# backward node -> the module calls that were running when it was made, outermost first,
# each as (module name, call number). Weak keys: a record goes away with its graph.
_made_by = weakref.WeakKeyDictionary()


def trace_modules(model, *inputs):
    """Run `model(*inputs)`, remembering which submodule made each backward node.

    For this one call, every submodule gets a forward pre-hook and a forward hook (PyTorch's
    `register_forward_pre_hook` / `register_forward_hook`): the nodes reachable from a module's
    output but not from its inputs are the ones it made. Inner modules finish first, so each
    node is recorded with the innermost module that made it (and the calls around that one).
    Returns the model's output, as `model(*inputs)` would.
    """
    running = []  # the module calls in progress, outermost first: (name, call number)
    inputs_graph = []  # for each running call, the nodes that existed before it
    calls = {}  # module name -> how many times it has been called so far

    def before(name):
        def pre_hook(module, args):
            calls[name] = calls.get(name, 0) + 1
            running.append((name, calls[name]))
            inputs_graph.append(_reachable(args))

        return pre_hook

    def after(module, args, output):
        made_here = _reachable([output]) - inputs_graph.pop()
        for node in made_here:
            # AccumulateGrad nodes are skipped: a parameter keeps one for all its graphs, so
            # a record would claim it in forward passes that were not traced.
            if not isinstance(node, AccumulateGrad):
                _made_by.setdefault(node, tuple(running))  # an inner module's record stays
        running.pop()

    handles = []
    for name, module in model.named_modules():
        if name:  # not the model itself: what its own forward does between modules stays visible
            handles.append(module.register_forward_pre_hook(before(name)))
            handles.append(module.register_forward_hook(after))
    try:
        return model(*inputs)
    finally:
        for handle in handles:
            handle.remove()


def _reachable(values):
    """Every backward node reachable from the tensors among `values` (also inside tuples)."""
    stack = []
    for value in values:
        for t in value if isinstance(value, (tuple, list)) else (value,):
            if hasattr(t, "_node_for_backward") and t.requires_grad:
                stack.append(t._node_for_backward())
    seen = set()
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(child for child, _ in node.next_functions if child is not None)
    return seen


def _module_owner(tensor, model, depth):
    """{node: (module name, call)} for the nodes of tensor's graph that a module made."""
    if model is None:
        raise ValueError('collapse="module" needs the model: draw_graph(..., model=model)')
    owner = {}
    # In topological order, so that a parameter shared by two modules always goes to the same box.
    for node in topological_order([tensor.grad_fn]) if tensor.grad_fn else []:
        calls = _made_by.get(node)
        if calls:
            owner[node] = calls[min(depth, len(calls)) - 1]
    if not owner:
        raise ValueError(
            "No node of this graph was recorded by a module. Run the forward pass as "
            "`prediction = trace_modules(model, data)` instead of `model(data)`, then draw."
        )
    # A parameter goes into the box of the module that used it.
    parameters = {id(p) for p in model.parameters()}
    for node, box in list(owner.items()):
        for child, _ in node.next_functions:
            if isinstance(child, AccumulateGrad) and id(child.variable) in parameters:
                owner.setdefault(child, box)
    return owner


__all__ = [
    "Graph",
    "GraphvizNotFound",
    "draw_graph",
    "format_numbers",
    "png_size",
    "show",
    "trace_modules",
]
