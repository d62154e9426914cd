"""autograd_lesson.viz: the DOT text of drawn graphs, value labels, module boxes, PNG output,
and the message a learner gets without Graphviz."""

import re
import shutil

import graphviz
import pytest

import autograd_lesson as torch
from autograd_lesson import nn
from autograd_lesson.models import resnet18
from autograd_lesson.viz import (
    GraphvizNotFound,
    draw_graph,
    format_numbers,
    png_size,
    show,
    trace_modules,
)

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's `dot` is not installed (apt-get install graphviz)",
)

L = "<br align='left'/>"  # ends each left-aligned line of a label

HEADER = """\
digraph {
\tgraph [dpi=110 nodesep=0.25 rankdir=TB ranksep=0.2]
\tnode [fontname="DejaVu Sans" fontsize=12 height=0.3 shape=box style="filled,rounded"]
\tedge [arrowsize=0.7]
"""

Q_SOURCE = (
    HEADER
    + """\
\t0 [label=SubBackward0 fillcolor=lightgrey]
\t1 [label=<<b>Q</b><br/>shape [2]<br align='left'/>> fillcolor=darkolivegreen1]
\t2 [label=MulBackward0 fillcolor=lightgrey]
\t3 [label=PowBackward0 fillcolor=lightgrey]
\t4 [label=AccumulateGrad fillcolor=lightgrey]
\t5 [label=<<b>b</b><br/>shape [2]<br align='left'/>> fillcolor=lightblue]
\t6 [label=PowBackward0 fillcolor=lightgrey]
\t7 [label=AccumulateGrad fillcolor=lightgrey]
\t8 [label=<<b>a</b><br/>shape [2]<br align='left'/>> fillcolor=lightblue]
\t0 -> 1
\t2 -> 0
\t3 -> 0
\t4 -> 3
\t5 -> 4
\t6 -> 2
\t7 -> 6
\t8 -> 7
}
"""
)


def q_graph():
    """The tutorial's Q = 3a³ - b², built afresh."""
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([6.0, 4.0], requires_grad=True)
    Q = 3 * a**3 - b**2
    return a, b, Q


def test_q_graph_source_is_exactly_pytorchs_graph():
    a, b, Q = q_graph()
    graph = draw_graph(Q, params={"a": a, "b": b, "Q": Q}, legend=False)
    assert graph.source == Q_SOURCE


def test_same_graph_gives_the_same_source_every_time():
    sources = []
    for _ in range(2):
        a, b, Q = q_graph()
        sources.append(draw_graph(Q, params={"a": a, "b": b}, show_values=True).source)
    assert sources[0] == sources[1]
    assert " at 0x" not in sources[0]


def labelled_edges(graph):
    """The graph's arrows as (label, label) pairs, read back from its DOT lines."""
    labels, edges = {}, []
    for line in graph.body:
        node = re.fullmatch(r"\t(\d+) \[label=(.*) fillcolor=\w+\]\n", line)
        edge = re.fullmatch(r"\t(\d+) -> (\d+)\n", line)
        if node:
            labels[node[1]] = node[2]
        elif edge:
            edges.append((edge[1], edge[2]))
    return [(labels[source], labels[target]) for source, target in edges]


def test_every_leaf_is_reached_through_its_own_accumulate_grad():
    a, b, Q = q_graph()
    edges = labelled_edges(draw_graph(Q, params={"a": a, "b": b}))
    assert ("<<b>a</b><br/>shape [2]<br align='left'/>>", "AccumulateGrad") in edges
    assert ("<<b>b</b><br/>shape [2]<br align='left'/>>", "AccumulateGrad") in edges
    assert edges.count(("AccumulateGrad", "PowBackward0")) == 2


def test_unnamed_tensors_show_their_shape_and_the_output_is_called_output():
    x = torch.ones(2, 3, requires_grad=True)
    source = draw_graph(x.sum(), legend=False).source
    assert "label=<shape [2, 3]<br align='left'/>> fillcolor=lightblue" in source
    assert "label=<<b>output</b><br/>scalar<br align='left'/>> fillcolor=darkolivegreen1" in source


def test_inputs_that_need_no_gradient_are_not_drawn():
    # PyTorch records the constants 3 and x as (None, 0) in next_functions: nothing to draw.
    a = torch.tensor([1.0], requires_grad=True)
    x = torch.tensor([5.0])
    edges = labelled_edges(draw_graph(3 * a * x, params={"a": a}))
    assert edges == [
        ("MulBackward0", "<<b>output</b><br/>shape [1]<br align='left'/>>"),
        ("MulBackward0", "MulBackward0"),
        ("AccumulateGrad", "MulBackward0"),
        ("<<b>a</b><br/>shape [1]<br align='left'/>>", "AccumulateGrad"),
    ]


def test_a_leaf_alone_is_one_box():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    graph = draw_graph(w, params={"w": w}, show_values=True, legend=False)
    assert (
        graph.source
        == HEADER
        + f"\t0 [label=<<b>w</b><br/>shape [2]{L}data [1, 2]{L}> fillcolor=lightblue]\n}}\n"
    )
    assert repr(graph) == "<autograd_lesson.viz.Graph with 1 boxes>"


@pytest.mark.parametrize(
    "values, text",
    [
        ([2.0, 3.0], "[2, 3]"),
        ([1 / 3, -2 / 3], "[0.3333, -0.6667]"),
        ([12345.678, 1e-7], "[1.235e+04, 1e-07]"),
        ([[1.0, 2.0], [3.0, 4.0]], "[[1, 2],\n [3, 4]]"),
        ([[[1.0, 2.0], [3.0, 4.0]]], "[[[1, 2], [3, 4]]]"),
        (2.5, "2.5"),
        ([1.0] * 8, "[1, 1, 1, 1, 1, 1, 1, 1]"),
        ([3.0, 4.0] + [0.0] * 7, "norm 5"),
        ([[1.0] * 10] * 10, "norm 10"),
    ],
)
def test_numbers_are_shown_compactly(values, text):
    assert format_numbers(torch.tensor(values)._data) == text


def test_values_and_grads_of_leaves_and_output():
    a, b, Q = q_graph()
    params = {"a": a, "b": b, "Q": Q}
    before = draw_graph(Q, params=params, show_values=True, show_grads=True).source
    assert f"<b>a</b><br/>shape [2]{L}data [2, 3]{L}grad None{L}>" in before
    Q.backward(gradient=torch.tensor([1.0, 1.0]))
    after = draw_graph(Q, params=params, show_values=True, show_grads=True).source
    assert f"<b>a</b><br/>shape [2]{L}data [2, 3]{L}grad [36, 81]{L}>" in after
    assert f"<b>b</b><br/>shape [2]{L}data [6, 4]{L}grad [-12, -8]{L}>" in after
    # Q is not a leaf: its .grad stays empty, so no grad line (and no warning).
    assert f"<b>Q</b><br/>shape [2]{L}data [-12, 65]{L}>" in after


def test_a_matrix_starts_on_its_own_line_so_its_rows_line_up():
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    source = draw_graph(m, params={"m": m}, show_values=True).source
    assert f"<b>m</b><br/>shape [2, 2]{L}data{L}[[1, 2],{L} [3, 4]]{L}>" in source


def test_output_grad_is_shown_when_retained():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    y = a * a
    y.retain_grad()
    y.sum().backward()
    source = draw_graph(y, params={"y": y}, show_grads=True).source
    assert "<b>y</b><br/>shape [2]<br align='left'/>grad [1, 1]<br align='left'/>>" in source


def test_legend_names_the_direction_and_only_the_colours_used():
    a, b, Q = q_graph()
    source = draw_graph(Q).source
    assert "Arrows point forward, from inputs to output" in source
    assert "green: the tensor drawn" in source
    assert "yellow" not in source


def test_collapse_must_be_module():
    a, b, Q = q_graph()
    with pytest.raises(ValueError, match="collapse"):
        draw_graph(Q, collapse="layer")
    with pytest.raises(ValueError, match="needs the model"):
        draw_graph(Q, collapse="module")


def two_graphs(lib):
    """Q = 3a³ - b² and a small layer, built with `lib` (PyTorch or this engine), drawn."""
    a = lib.tensor([2.0, 3.0], requires_grad=True)
    b = lib.tensor([6.0, 4.0], requires_grad=True)
    Q = 3 * a**3 - b**2
    Q.backward(gradient=lib.tensor([1.0, 1.0]))
    w = lib.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    bias = lib.tensor([0.1, -0.2], requires_grad=True)
    x = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    h = (x @ w + bias).relu()
    y = (h * h).mean() + h.sum(dim=1).tanh().sum()
    y.backward()
    shown = {"show_values": True, "show_grads": True}
    return [
        draw_graph(Q, params={"a": a, "b": b, "Q": Q}, **shown).source,
        draw_graph(y, params={"w": w, "bias": bias}, **shown).source,
    ]


def test_pytorchs_own_graph_draws_exactly_the_same():
    # draw_graph reads only what PyTorch's graph has too (grad_fn, next_functions, name(),
    # variable), so it can draw PyTorch's graph: same boxes, names, numbers and arrows.
    real_torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    assert two_graphs(torch) == two_graphs(real_torch)


# ---------------------------------------------------------------------- rendering


@needs_dot
def test_png_rendering():
    a, b, Q = q_graph()
    graph = draw_graph(Q, params={"a": a, "b": b}, show_values=True)
    assert graph.pipe(format="png").startswith(b"\x89PNG")
    image = show(graph)
    assert image.data.startswith(b"\x89PNG")
    assert repr(image).startswith("<IPython.core.display.Image object>")
    # Jupyter shows the PNG (nbval ignores PNG) and a text repr without a memory address.
    from IPython.core.formatters import DisplayFormatter

    data, metadata = DisplayFormatter().format(graph)
    assert sorted(data) == ["image/png", "text/plain"]
    assert data["image/png"].startswith(b"\x89PNG")
    assert data["text/plain"] == "<autograd_lesson.viz.Graph with 9 boxes>"
    assert metadata["image/png"] == png_size(data["image/png"])


def test_tall_graphs_are_shown_smaller():
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    small = header + (400).to_bytes(4, "big") + (300).to_bytes(4, "big")
    tall = header + (1000).to_bytes(4, "big") + (1800).to_bytes(4, "big")
    assert png_size(small) == {"width": 400, "height": 300}
    assert png_size(tall) == {"width": 500, "height": 900}


def test_without_dot_rendering_says_how_to_install_and_source_still_works(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    a, b, Q = q_graph()
    graph = draw_graph(Q, params={"a": a, "b": b})
    assert "SubBackward0" in graph.source
    for render in (lambda: graph.pipe(format="png"), lambda: show(graph), graph._repr_mimebundle_):
        with pytest.raises(GraphvizNotFound) as error:
            render()
        message = str(error.value)
        assert "sudo apt-get install graphviz" in message
        assert "brew install graphviz" in message
        assert "conda install -c conda-forge graphviz python-graphviz" in message
        # Code that catches graphviz's own error still catches this one.
        assert isinstance(error.value, graphviz.ExecutableNotFound)


# ---------------------------------------------------------------------- modules


def small_model():
    """Linear → Residual(Linear, ReLU used twice) → Linear, and a loss traced through it."""

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 3)
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.relu(self.fc(x)) + x)

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), Residual(), nn.Linear(3, 1))
    x = torch.randn(4, 2)
    return model, x


def test_collapse_draws_one_box_per_module():
    model, x = small_model()
    loss = trace_modules(model, x).sum()
    graph = draw_graph(loss, collapse="module", model=model, depth=1, legend=False)
    assert graph.source == HEADER + (
        "\t0 [label=SumBackward0 fillcolor=lightgrey]\n"
        "\t1 [label=<<b>output</b><br/>scalar<br align='left'/>> fillcolor=darkolivegreen1]\n"
        "\t2 [label=<<b>2</b>  Linear, 4 parameters> fillcolor=lightyellow]\n"
        "\t3 [label=<<b>1</b>  Residual, 12 parameters> fillcolor=lightyellow]\n"
        "\t4 [label=<<b>0</b>  Linear, 9 parameters> fillcolor=lightyellow]\n"
        "\t0 -> 1\n\t2 -> 0\n\t3 -> 2\n\t4 -> 3\n}\n"
    )


def test_collapse_depth_two_opens_nested_modules_and_counts_calls():
    model, x = small_model()
    loss = trace_modules(model, x).sum()
    edges = labelled_edges(draw_graph(loss, collapse="module", model=model, depth=2))
    fc = "<<b>1.fc</b>  Linear, 12 parameters>"
    relu1 = "<<b>1.relu</b>  ReLU, 0 parameters>"
    relu2 = "<<b>1.relu (call 2)</b>  ReLU, 0 parameters>"
    residual = "<<b>1</b>  Residual, 12 parameters<br/>(only the ops between its submodules)>"
    first = "<<b>0</b>  Linear, 9 parameters>"
    # The addition of the skip connection stays in the Residual box itself.
    assert set(edges) >= {(first, fc), (fc, relu1), (relu1, residual), (first, residual)}
    assert (residual, relu2) in edges


def test_trace_modules_returns_the_output_and_records_only_its_own_call():
    model, x = small_model()
    traced = trace_modules(model, x)
    assert torch.equal(traced, model(x))
    # A forward pass that was not traced cannot be collapsed, and the error says what to do.
    with pytest.raises(ValueError, match="trace_modules"):
        draw_graph(model(x).sum(), collapse="module", model=model)


def test_resnet18_collapses_to_its_blocks():
    torch.manual_seed(0)
    model = resnet18()
    prediction = trace_modules(model, torch.rand(1, 3, 64, 64))
    graph = draw_graph(prediction, collapse="module", model=model)
    boxes = [line.split("<b>")[1].split("</b>")[0] for line in graph.body if "<b>" in line]
    assert boxes == [
        "fc",
        "output",
        "avgpool",
        "layer4.1",
        "layer4.0",
        "layer3.1",
        "layer3.0",
        "layer2.1",
        "layer2.0",
        "layer1.1",
        "layer1.0",
        "maxpool",
        "relu",
        "bn1",
        "conv1",
    ]
    assert "<<b>layer1.0</b>  BasicBlock, 73,984 parameters>" in graph.source
    assert "ViewBackward0" in graph.source  # torch.flatten in ResNet's own forward stays visible
