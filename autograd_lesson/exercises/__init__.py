"""Self-checks for the notebooks' exercises, one module per lesson (`lesson04.py`, ...).

A check takes the learner's answer, compares it with the reference, and prints either
"Correct" with a sentence on why, or a hint, never the answer itself. Checks print
rather than raise, so a wrong answer does not stop "Run All".
"""

import shutil

import numpy as np


def check_setup():
    """The first cell of every lesson: is everything this course needs installed?"""
    import autograd_lesson

    print(f"autograd_lesson {autograd_lesson.__version__} imported.")
    if shutil.which("dot"):
        print("Graphviz's `dot` found: graphs will be drawn.")
    else:
        print(
            "Graphviz's `dot` is missing, so graphs cannot be drawn. Install it with one of:\n"
            "  sudo apt-get install graphviz\n"
            "  brew install graphviz\n"
            "  conda install -c conda-forge graphviz python-graphviz\n"
            "then restart the kernel."
        )


# The hint for an answer slot still holding its placeholder None.
NO_ANSWER = "replace None with your answer, then run the cell again."


def report(ok, success, hint):
    """Print the verdict for one exercise; return it so tests can assert on it."""
    print(("Correct! " + success) if ok else ("Not yet. Hint: " + hint))
    return ok


def as_array(answer):
    """The learner's answer (Tensor, array, list or number) as a float64 NumPy array."""
    if hasattr(answer, "detach"):
        answer = answer.detach().numpy()
    try:
        return np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def close(answer, expected, rtol=1e-4, atol=1e-6):
    """Does `answer` have the expected shape and values (to float32 precision)?"""
    got = as_array(answer)
    expected = np.asarray(expected, dtype=np.float64)
    if got is None or got.shape != expected.shape:
        return False
    return bool(np.allclose(got, expected, rtol, atol))


def as_shape(answer):
    """The learner's shape (a torch.Size, tuple or list of whole numbers) as a tuple, or None."""
    try:
        shape = tuple(int(n) for n in answer)
    except (TypeError, ValueError):
        return None
    return shape if shape and all(float(n) == s for n, s in zip(answer, shape)) else None
