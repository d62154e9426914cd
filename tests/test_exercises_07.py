"""Lesson 07's self-checks: the reference answer passes, typical mistakes get a hint.

The reference answers are worked out here by running the exercises' code, with
autograd_lesson and, when it is installed, with PyTorch.
"""

import pytest
from golden_support import load_recorder

import autograd_lesson
from autograd_lesson.exercises import lesson07 as check
from autograd_lesson.models import resnet18


def oracle():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


def exercise_tensors(torch):
    x = torch.rand(3)
    w = torch.rand(3, requires_grad=True)
    c = x * 2
    d = c + w
    e = d.detach()
    f = e * w
    with torch.no_grad():
        g = w * 2
    return {"x": x, "w": w, "c": c, "d": d, "e": e, "f": f, "g": g}


def trainable_count(model, nn):
    for param in model.parameters():
        param.requires_grad = False
    model.fc = nn.Linear(512, 10)
    model.layer4.requires_grad_(True)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def torch_resnet18():
    """The ResNet-18 that tests/golden/record_resnet.py builds from torch.nn."""
    return load_recorder("record_resnet").torch_resnet18()


@pytest.mark.parametrize("library", ["autograd_lesson", "torch"])
def test_which_require_grad_reference(capsys, library):
    torch = autograd_lesson if library == "autograd_lesson" else oracle()
    tensors = exercise_tensors(torch)
    answer = {name for name, t in tensors.items() if t.requires_grad}
    assert check.which_require_grad(answer) is True
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize("answer", [["w", "d", "f"], ("f", "d", "w"), "w, d, f"])
def test_which_require_grad_accepts_any_collection(capsys, answer):
    assert check.which_require_grad(answer) is True


def test_trainable_parameters_reference(capsys):
    count = trainable_count(resnet18(weights=None), autograd_lesson.nn)
    assert check.trainable_parameters(count) is True
    assert capsys.readouterr().out.startswith("Correct!")


def test_trainable_parameters_matches_pytorch(capsys):
    torch = oracle()
    assert check.trainable_parameters(trainable_count(torch_resnet18(), torch.nn)) is True


@pytest.mark.parametrize(
    ("checker", "answer", "hint"),
    [
        (check.which_require_grad, None, "at least one input"),
        (check.which_require_grad, {"w", "d", "e", "f"}, ".detach()"),
        (check.which_require_grad, {"w", "d", "f", "g"}, "no_grad()"),
        (check.which_require_grad, {"c", "w", "d", "f"}, "c = x * 2"),
        (check.which_require_grad, {"d", "f"}, "w itself counts"),
        (check.which_require_grad, {"w", "d"}, "f = e * w"),
        (check.trainable_parameters, None, "p.requires_grad"),
        (check.trainable_parameters, 5_130, "layer4 was unfrozen"),
        (check.trainable_parameters, 8_393_728, "new fc"),
        (check.trainable_parameters, 8_906_728, "nn.Linear(512, 10)"),
        (check.trainable_parameters, 11_181_642, "every parameter"),
        (check.trainable_parameters, 17, "p.numel()"),
    ],
)
def test_wrong_answers_get_a_hint(capsys, checker, answer, hint):
    assert checker(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint:") and hint in out
