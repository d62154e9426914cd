"""Lesson 01's self-checks: reference answers computed with the engine's ResNet-18 pass,
typical mistakes get a hint."""

import pytest

import autograd_lesson as torch
from autograd_lesson.exercises import lesson01 as check
from autograd_lesson.models import resnet18


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return resnet18(weights=None)


def test_conv_parameters_accepts_the_counted_parameters(capsys, model):
    answer = sum(p.numel() for p in model.layer2[0].conv1.parameters())
    assert check.conv_parameters(answer) is True
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (73_856, "bias=False"),
        (8_192, "whole 3×3 kernel"),
        (1_152, "each* input channel"),
        (12, "(out_channels, in_channels"),
        (None, "give one number"),
        ("many", "give one number"),
    ],
)
def test_conv_parameters_hints(capsys, answer, hint):
    assert check.conv_parameters(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint:") and hint in out


def test_layer2_shape_accepts_the_shape_the_layers_produce(capsys, model):
    with torch.no_grad():
        x = torch.rand(1, 3, 32, 32)
        x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        shape = model.layer2(model.layer1(x)).shape
    assert check.layer2_shape(shape) is True
    assert check.layer2_shape([1, 128, 4, 4]) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ((1, 128, 8, 8), "halves the height and width once more"),
        ((1, 128, 16, 16), "maxpool halves"),
        ((1, 64, 4, 4), "128 output channels"),
        ((8, 128, 4, 4), "batch size stays 1"),
        ((1, 128, 2, 2), "layer1 keeps them"),
        ((128, 4, 4), "give 4 numbers"),
        (None, "give 4 numbers"),
        ((1, 128, 4.5, 4), "give 4 numbers"),
    ],
)
def test_layer2_shape_hints(capsys, answer, hint):
    assert check.layer2_shape(answer) is False
    assert hint in capsys.readouterr().out


def test_avgpool_shape_accepts_what_avgpool_returns(capsys, model):
    # layer4's output for a 224x224 image is (1, 512, 7, 7); avgpool is all that is left.
    shape = model.avgpool(torch.rand(1, 512, 7, 7)).shape
    assert check.avgpool_shape(shape) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ((1, 512, 7, 7), "layer4's output"),
        ((1, 512), "after flatten"),
        ((1, 512, 2, 2), "always 1×1"),
        ((1, 1000), "give 4 numbers"),
        (None, "give 4 numbers"),
    ],
)
def test_avgpool_shape_hints(capsys, answer, hint):
    assert check.avgpool_shape(answer) is False
    assert hint in capsys.readouterr().out
