"""Lesson 08's self-checks: the reference answer passes, typical mistakes get a hint.

The references are computed from the notebook's own code (its model cell and its exercise
data are run here), with autograd_lesson and, when installed, with PyTorch, so a check can
never disagree with the notebook a learner runs.
"""

import json
from pathlib import Path

import pytest

import autograd_lesson
from autograd_lesson.exercises import lesson08 as check

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "08_capstone_training.ipynb"


def oracle():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


def library(name):
    return autograd_lesson if name == "autograd_lesson" else oracle()


def notebook_cell(marker):
    """The source of the one code cell of lesson 08 that contains `marker`."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    matching = [source for source in sources if marker in source]
    assert len(matching) == 1, f"expected one cell with {marker!r}, found {len(matching)}"
    return matching[0]


def run_cell(marker, torch):
    """Run a notebook cell with `torch` bound to the given library; return its variables."""
    namespace = {"torch": torch, "nn": torch.nn}
    exec(notebook_cell(marker), namespace)  # noqa: S102 - the course's own notebook
    return namespace


@pytest.fixture(params=["autograd_lesson", "torch"])
def torch(request):
    return library(request.param)


def test_accuracy_reference_from_the_notebook_data(capsys, torch):
    cell = notebook_cell("check.accuracy(answer)")
    data_part = cell.split("answer = None")[0]  # the logits and labels the learner sees
    namespace = {"torch": torch}
    exec(data_part, namespace)  # noqa: S102
    logits, labels = namespace["logits"], namespace["labels"]
    assert torch.equal(logits, torch.tensor(check.LOGITS))
    assert labels.tolist() == check.LABELS
    answer = (logits.argmax(dim=1) == labels).float().mean()
    assert check.accuracy(answer) is True
    assert check.accuracy(answer.item()) is True
    assert capsys.readouterr().out.startswith("Correct!")


def test_count_parameters_of_the_notebook_model(capsys, torch):
    model = run_cell("def digit_net", torch)["digit_net"]()
    n_parameters = sum(p.numel() for p in model.parameters())
    assert n_parameters == check.N_PARAMETERS == 9690
    n_state = sum(t.numel() for t in model.state_dict().values())
    assert n_state == check.N_PARAMETERS + check.N_BUFFER_VALUES
    assert check.count_parameters(n_parameters) is True
    assert "Correct!" in capsys.readouterr().out


def test_shape_after_pool_of_the_notebook_model(capsys, torch):
    model = run_cell("def digit_net", torch)["digit_net"]()
    layers = list(model)
    assert type(layers[6]).__name__ == "AdaptiveAvgPool2d"
    x = torch.zeros(32, 1, 8, 8)
    with torch.no_grad():
        for layer in layers[:7]:
            x = layer(x)
    assert tuple(x.shape) == check.POOLED_SHAPE
    assert check.shape_after_pool(x.shape) is True
    assert check.shape_after_pool([32, 16, 1, 1]) is True
    assert "Correct!" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("exercise", "answer", "hint"),
    [
        (check.accuracy, 4, "number of correct predictions"),
        (check.accuracy, 80, "percentage"),
        (check.accuracy, 0.6, "argmax along dim=1"),
        (check.accuracy, [1.0, 1.0, 0.0, 1.0, 1.0], "give one number"),
        (check.accuracy, None, "give one number"),
        (check.count_parameters, 9855, "buffers"),
        (check.count_parameters, 9520, "Linear(16, 10)"),
        (check.count_parameters, 9530, "weight and a bias"),
        (check.count_parameters, 17, "numel()"),
        (check.count_parameters, None, "p.numel()"),
        (check.shape_after_pool, (32, 16), "after Flatten"),
        (check.shape_after_pool, (32, 16, 4, 4), "what enters the pool"),
        (check.shape_after_pool, (32, 16, 2, 2), "keep the size"),
        (check.shape_after_pool, (1, 16, 1, 1), "batch dimension"),
        (check.shape_after_pool, "32x16", "as a tuple"),
        (check.shape_after_pool, None, "as a tuple"),
    ],
)
def test_wrong_answers_get_a_hint(capsys, exercise, answer, hint):
    assert exercise(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint:") and hint in out
