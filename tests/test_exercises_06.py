"""Lesson 06's self-checks: the reference answer passes, typical mistakes get a hint.

The reference answers are worked out here from the graph itself, with autograd_lesson and,
when it is installed, with PyTorch, so a check can never accept an answer the engine or
PyTorch would contradict.
"""

import pytest

import autograd_lesson
from autograd_lesson.exercises import lesson06 as check


def count_distinct_nodes(root):
    """Every node reachable from root through next_functions, each counted once."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        stack.extend(child for child, _ in node.next_functions)
    return len(seen)


def exercise_graph(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)
    x = torch.tensor([3.0, 4.0])
    y = w * x + b
    return (y * y).sum()


def exercise_expression(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    return (a * b).sum() / 2


def exercise_accumulation(torch):
    w = torch.tensor(2.0, requires_grad=True)
    for _ in range(3):
        (w**2).backward()
    w.grad = None
    (5 * w).backward()
    (w * w).backward()
    return w.grad


def oracle():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


@pytest.mark.parametrize("library", ["autograd_lesson", "torch"])
def test_references_pass(capsys, library):
    torch = autograd_lesson if library == "autograd_lesson" else oracle()
    assert check.count_nodes(count_distinct_nodes(exercise_graph(torch).grad_fn)) is True
    assert check.name_grad_fn(exercise_expression(torch).grad_fn) is True
    assert check.predict_grad(exercise_accumulation(torch)) is True
    out = capsys.readouterr().out
    assert out.count("Correct!") == 3 and "Not yet" not in out


@pytest.mark.parametrize("answer", [6, "DivBackward0", "<DivBackward0>"])
def test_plain_answers_pass(capsys, answer):
    checker = check.count_nodes if answer == 6 else check.name_grad_fn
    assert checker(answer) is True
    assert capsys.readouterr().out.startswith("Correct!")


def test_name_accepts_pytorch_repr(capsys):
    assert check.name_grad_fn("<DivBackward0 object at 0x7f3a2c1b9e50>") is True


@pytest.mark.parametrize(
    ("checker", "answer", "hint"),
    [
        (check.count_nodes, None, "one node per operation"),
        (check.count_nodes, 10, "counted y's part of the graph twice"),
        (check.count_nodes, 7, "x does not require grad"),
        (check.count_nodes, 4, "the leaves w and b count too"),
        (check.name_grad_fn, None, "the last one applied"),
        (check.name_grad_fn, "SumBackward0", "below z's own node"),
        (check.name_grad_fn, "Div", "end in a number"),
        (check.predict_grad, None, "ADDS its gradient"),
        (check.predict_grad, 21.0, "throws away"),
        (check.predict_grad, 5, "w * w after it"),
    ],
)
def test_wrong_answers_get_a_hint(capsys, checker, answer, hint):
    assert checker(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint:") and hint in out
