"""PyTorch's beginner tutorials "Tensors" and "Build the Neural Network" run unchanged with
`import autograd_lesson as torch` and print what torch 2.13 prints (the code is in
tests/golden/record_breadth.py; random draws and nn.Linear's initial weights come from one
seeded NumPy generator on both engines, so every printed number is compared)."""

import pytest
from golden_support import load_golden, load_recorder

import autograd_lesson

recorder = load_recorder("record_breadth")
GOLDEN = load_golden("breadth.json")


@pytest.mark.parametrize("name", recorder.TUTORIALS)
def test_tutorial_prints_what_torch_printed(name):
    assert recorder.run_tutorial(autograd_lesson, name) == GOLDEN["tutorials"][name]


@pytest.mark.parametrize("name", recorder.TUTORIALS)
def test_tutorial_prints_what_live_torch_prints(name):
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    assert recorder.run_tutorial(autograd_lesson, name) == recorder.run_tutorial(torch, name)
