"""The index from a printed node name to its code (autograd_lesson/ops/index.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

import autograd_lesson as torch
from autograd_lesson import nn
from autograd_lesson.function import Function
from autograd_lesson.ops import conv, conv_fast, index

ROOT = Path(__file__).resolve().parent.parent


def test_no_two_ops_share_a_node_name_and_every_op_states_its_derivative():
    assert index.problems() == []


def test_the_check_can_fail():
    class Twice(Function):
        """out = 2a    ∂out/∂a = 2"""

        name_in_pytorch = "MulBackward0"

    class Silent(Function):
        """out = something"""

        name_in_pytorch = "SilentBackward0"

    found = index.problems(index.op_classes() + [Twice, Silent])
    assert any("MulBackward0 is declared by both Mul and Twice" in p for p in found)
    assert any(p.startswith("Silent (") and "states no derivative" in p for p in found)


def test_the_index_is_built_from_the_classes_not_a_list():
    classes = index.op_classes()
    assert conv.Convolution in classes and conv_fast.ConvolutionByOffset in classes
    # Classes defined outside autograd_lesson/ops (a learner's, a test's) are not ops.
    assert all(cls.__module__.startswith("autograd_lesson.ops.") for cls in classes)


def test_every_row_points_at_its_class_statement():
    for row in index.table():
        path, line = row.location.rsplit(":", 1)
        source = (ROOT / path).read_text(encoding="utf-8").splitlines()
        assert source[int(line) - 1].startswith(f"class {row.class_name}("), row


def test_an_op_row_carries_its_derivative_and_fast_paths_follow_it():
    rows = index.table()
    names = [row.class_name for row in rows]
    at = names.index("Convolution")
    assert rows[at].node_name == "ConvolutionBackward0" and not rows[at].fast_path
    assert "∂loss/∂W" in rows[at].derivative
    fast = [index.class_name(c) for c in index.op_classes() if issubclass(c, conv.Convolution)]
    fast.remove("Convolution")
    following = rows[at + 1 : at + 1 + len(fast)]
    assert sorted(row.class_name for row in following) == sorted(fast) and len(fast) >= 3
    assert all(row.fast_path and row.node_name == "ConvolutionBackward0" for row in following)


def test_every_node_of_a_training_graph_is_in_the_index():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1),  # a mean over dims: MeanBackward1, a subclass of Mean
        nn.Flatten(),
        nn.Linear(16, 4),
    )
    target = torch.tensor([0, 1, 2, 3] * 2)
    loss = nn.functional.cross_entropy(model(torch.rand(8, 3, 16, 16)), target)
    seen, waiting = set(), [loss.grad_fn]
    while waiting:
        node = waiting.pop()
        if node is not None and node not in seen:
            seen.add(node)
            waiting.extend(child for child, _ in node.next_functions)
    indexed = {row.node_name for row in index.table()}
    printed = {node.name() for node in seen if isinstance(node, Function)}
    assert printed and printed <= indexed


@pytest.mark.parametrize("module", ["autograd_lesson.ops"])
def test_python_dash_m_prints_the_table(module):
    done = subprocess.run(
        [sys.executable, "-m", module],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["node", "class", "where", "derivative"]
    conv_line = next(line for line in lines if line.startswith("ConvolutionBackward0"))
    assert "Convolution" in conv_line and "autograd_lesson/ops/conv.py:" in conv_line
    assert "∂loss/∂W" in conv_line
    assert "problem" not in done.stdout
    assert len(lines) == len(index.table()) + 1
