"""From a node name in a printed graph (`<ConvolutionBackward0>`) to the code behind it.

`table()` lists every op: the node name PyTorch prints, the class that computes it, where
that class is (file:line) and the line of its docstring that states the derivative. It
is built from the classes themselves: every `Function` subclass defined in
autograd_lesson/ops, found by walking the subclasses, so a new op appears without anyone
editing a list. `python -m autograd_lesson.ops` prints it.

A class that sets `name_in_pytorch` is the op of that name. Its subclasses that do not set
their own (the fast paths of ops/*_fast.py) compute the same node another way: they are
listed under it, marked "fast path".
"""

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import NamedTuple

from ..function import Function

PACKAGE = "autograd_lesson.ops"
ROOT = Path(__file__).resolve().parents[2]  # paths are shown from the repository's root


class Row(NamedTuple):
    node_name: str  # as PyTorch prints it: ConvolutionBackward0
    class_name: str  # the class that computes it: Convolution
    location: str  # autograd_lesson/ops/conv.py:30
    derivative: str  # the docstring's derivative line; for a fast path, whose sums it computes
    fast_path: bool  # a faster way to compute the op of the row above


def op_classes():
    """Every Function subclass defined in autograd_lesson/ops, in no particular order."""
    package = importlib.import_module(PACKAGE)
    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "__main__":
            importlib.import_module(f"{PACKAGE}.{module.name}")
    found, waiting = [], list(Function.__subclasses__())
    while waiting:
        cls = waiting.pop()
        if cls not in found:
            waiting.extend(cls.__subclasses__())
            if cls.__module__.startswith(PACKAGE + "."):
                found.append(cls)
    return found


def class_name(cls):
    """The class's name as written in its source (`__name__` is PyTorch's node name)."""
    return cls.__qualname__.rsplit(".", 1)[-1]


def declares_node(cls):
    """True for an op; False for a fast path, which inherits its op's node name."""
    return "name_in_pytorch" in vars(cls)


def derivative_line(cls):
    """The first line of the class's own docstring that states a derivative (has ∂), or None."""
    doc = inspect.cleandoc(vars(cls).get("__doc__") or "")
    return next((line for line in doc.splitlines() if "∂" in line), None)


def location(cls):
    """Where the class is defined, as file:line from the repository's root."""
    path = Path(inspect.getsourcefile(cls)).resolve()
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown.as_posix()}:{inspect.getsourcelines(cls)[1]}"


def source_order(cls):
    """(file, line): sorts classes in the order they are written."""
    return inspect.getsourcefile(cls), inspect.getsourcelines(cls)[1]


def op_of(cls):
    """The op a fast path computes: its nearest ancestor that declares the node name."""
    return next(base for base in cls.__mro__ if declares_node(base))


def table(classes=None):
    """One Row per op, sorted by node name, each op's fast paths right after it."""
    classes = op_classes() if classes is None else classes
    ops = sorted(  # by node name; a variant (same_node_as) after the op it shares it with
        (cls for cls in classes if declares_node(cls)),
        key=lambda c: (c.name_in_pytorch, hasattr(c, "same_node_as")),
    )
    rows = []
    for op in ops:
        rows.append(
            Row(op.name_in_pytorch, class_name(op), location(op), derivative_line(op), False)
        )
        fast = [cls for cls in classes if not declares_node(cls) and op_of(cls) is op]
        for cls in sorted(fast, key=source_order):
            computes = f"computes {class_name(op)}'s values and gradients"
            rows.append(Row(op.name_in_pytorch, class_name(cls), location(cls), computes, True))
    return rows


def problems(classes=None):
    """What keeps the index from being one-to-one: node names declared by more than one
    class, and ops whose docstring states no derivative. [] when all is well."""
    classes = op_classes() if classes is None else classes
    found, owner = [], {}
    for cls in sorted((c for c in classes if declares_node(c)), key=source_order):
        name = cls.name_in_pytorch
        # A variant PyTorch records under the same node (gelu's tanh form, a grouped or 1-d
        # convolution) says so with `same_node_as`: both are listed under that name.
        first = owner.get(name)
        if first is not None and not (_variant(cls, first) or _variant(first, cls)):
            found.append(f"{name} is declared by both {class_name(first)} and {class_name(cls)}")
        owner.setdefault(name, cls)
        if derivative_line(cls) is None:
            found.append(f"{class_name(cls)} ({location(cls)}) states no derivative (no ∂ line)")
    return found


def _variant(cls, other):
    """True if `cls` says it is a variant PyTorch records under `other`'s node."""
    return getattr(cls, "same_node_as", None) is other


def format_table(rows):
    """The rows as aligned text, one line per class."""
    header = Row("node", "class", "where", "derivative", False)
    lines = []
    name_width = max(len(row.node_name) for row in rows)
    class_width = max(len(row.class_name) for row in rows) + 2
    where_width = max(len(row.location) for row in rows)
    for row in [header, *rows]:
        name = "  (fast path)" if row.fast_path else row.node_name
        shown_class = ("  " if row.fast_path else "") + row.class_name
        lines.append(
            f"{name:<{name_width}}  {shown_class:<{class_width}}  "
            f"{row.location:<{where_width}}  {row.derivative}"
        )
    return "\n".join(lines)
