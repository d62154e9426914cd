"""PyTorch tutorial scripts (tests/tutorials/) run unchanged, `import torch` and all, with
autograd_lesson standing in for torch, after manual_seed(0), and print what torch 2.13
printed (tests/golden/tutorials/*.txt, recorded with `python tests/test_tutorial_scripts.py`).

Most print exactly torch's text. The polynomial examples print float32 losses at full
precision (`loss.item()`): a sum of 2000 float32 numbers depends on the order of the
additions, which differs between the two engines' kernels, so there the text must match
with every number within a relative tolerance (RMSprop amplifies those differences most).
"""

import contextlib
import io
import re
import runpy
import sys
from pathlib import Path

import pytest

import autograd_lesson
import autograd_lesson.utils.data  # noqa: F401 - so that torch.utils.data resolves

HERE = Path(__file__).parent
SCRIPTS = sorted((HERE / "tutorials").glob("*.py"))
GOLDEN = HERE / "golden" / "tutorials"
TOLERANCE = {  # relative, for scripts whose printed float32 numbers depend on summation order
    "polynomial_autograd": 1e-5,
    "polynomial_module": 1e-5,
    "polynomial_nn": 1e-5,
    "polynomial_optim": 2e-3,
}
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]\d+)?")


@contextlib.contextmanager
def torch_is(module):
    """`import torch` (and torch.nn, ...) gives `module`'s modules while inside."""
    names = ["", ".nn", ".nn.functional", ".optim", ".autograd", ".utils", ".utils.data"]
    saved = {f"torch{n}": sys.modules.get(f"torch{n}") for n in names}
    for n in names:
        sys.modules[f"torch{n}"] = sys.modules[module.__name__ + n] if n else module
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value


def printed(script, module):
    """What the script prints, memory addresses removed (this engine prints none)."""
    out = io.StringIO()
    module.manual_seed(0)
    with torch_is(module), contextlib.redirect_stdout(out):
        runpy.run_path(str(script), run_name="__main__")
    return re.sub(r" object at 0x[0-9a-f]+", "", out.getvalue())


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_tutorial_script_prints_what_torch_printed(script):
    expected = (GOLDEN / f"{script.stem}.txt").read_text()
    ours = printed(script, autograd_lesson)
    if script.stem not in TOLERANCE:
        assert ours == expected
        return
    assert NUMBER.sub("#", ours) == NUMBER.sub("#", expected)
    for mine, theirs in zip(NUMBER.findall(ours), NUMBER.findall(expected), strict=True):
        # (tiny coefficients that should be 0 are compared on the scale of the others)
        assert abs(float(mine) - float(theirs)) <= TOLERANCE[script.stem] * max(
            abs(float(theirs)), 1e-2
        ), (mine, theirs)


if __name__ == "__main__":  # record the golden output with real torch
    import torch
    import torch.utils.data  # noqa: F401

    GOLDEN.mkdir(exist_ok=True)
    for script in SCRIPTS:
        (GOLDEN / f"{script.stem}.txt").write_text(printed(script, torch))
        print("recorded", script.stem)
