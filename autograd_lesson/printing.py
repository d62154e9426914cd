"""Print tensors exactly as PyTorch 2.13 prints them by default.

`format_tensor` turns an ndarray into the text `repr(tensor)` shows, e.g.

    tensor([-12.,  65.], grad_fn=<SubBackward0>)

The rules below were learnt by running PyTorch and comparing outputs (see
tests/test_printing.py); the code is our own. In short, PyTorch:

1. picks ONE number format for the whole tensor (so columns line up):
   integers as `2.`, fixed point with 4 decimals, or scientific notation;
2. pads every number to the width of the widest one;
3. nests brackets like NumPy, wraps long rows at 80 characters, and shows only
   the first and last 3 items of each dimension (`...`) past 1000 elements;
4. appends suffixes such as `dtype=torch.float64` or `requires_grad=True`.

`set_printoptions` changes the defaults as `torch.set_printoptions` does.
"""

import math
from dataclasses import dataclass

import numpy as np

# The suffix `dtype=...` is left out for these: float32 is PyTorch's default
# dtype, and int64/bool are what you get from Python ints/bools, so the printed
# numbers (`2.`, `2`, `True`) already tell them apart.
DTYPES_SHOWN_WITHOUT_SUFFIX = ("torch.float32", "torch.int64", "torch.bool")
DEFAULT_DTYPE = "torch.float32"


def _default_dtype_name():
    """The default float dtype's name: torch.set_default_dtype(torch.float64) changes it,
    and then float64 tensors print without a suffix (and float32 ones with one)."""
    from . import dtypes

    return repr(dtypes.DEFAULT_FLOAT)

# "tensor(" opens every repr; nested rows are indented to line up after it.
PREFIX = "tensor("


@dataclass
class PrintOptions:
    precision: int = 4  # digits after the decimal point
    threshold: float = 1000  # summarise (`...`) when there are more elements than this
    edgeitems: int = 3  # items kept at each end of a summarised dimension
    linewidth: int = 80  # wrap rows longer than this
    sci_mode: bool | None = None  # None: choose per tensor (see choose_number_format)


PROFILES = {
    "default": PrintOptions(),
    "short": PrintOptions(precision=2, edgeitems=2),
    "full": PrintOptions(threshold=math.inf),
}

options = PrintOptions()


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    """Change how tensors print, with torch.set_printoptions' semantics.

    A profile ("default", "short", "full") sets precision, threshold, edgeitems
    and linewidth first; the other arguments then override it. Arguments left
    as None keep their current value, except `sci_mode`: PyTorch always assigns
    it, so leaving it out returns to the automatic choice. Like PyTorch, an
    unknown profile name is ignored.
    """
    if profile in PROFILES:
        preset = PROFILES[profile]
        options.precision = preset.precision
        options.threshold = preset.threshold
        options.edgeitems = preset.edgeitems
        options.linewidth = preset.linewidth
    if precision is not None:
        options.precision = precision
    if threshold is not None:
        options.threshold = threshold
    if edgeitems is not None:
        options.edgeitems = edgeitems
    if linewidth is not None:
        options.linewidth = linewidth
    options.sci_mode = sci_mode


def format_tensor(
    array: np.ndarray,
    *,
    dtype_name: str,
    requires_grad: bool = False,
    grad_fn_name: str | None = None,
) -> str:
    """Return what PyTorch prints for repr(tensor) / print(tensor)."""
    array = np.asarray(array)
    suffixes = []
    if array.size == 0:
        # Nothing to look at, so say what the tensor is: its shape (unless it is
        # the plain `[]` of shape (0,)) and any dtype other than the default.
        body = "[]"
        if array.ndim != 1:
            suffixes.append(f"size={shape_text(array.shape)}")
        if dtype_name != _default_dtype_name():
            suffixes.append(f"dtype={dtype_name}")
    else:
        summarize = array.size > options.threshold
        if not options.edgeitems:
            # With edgeitems=0 a summary shows no numbers at all: give the shape.
            suffixes.append(f"size={shape_text(array.shape)}")
        without_suffix = (_default_dtype_name(), *DTYPES_SHOWN_WITHOUT_SUFFIX[1:])
        if dtype_name not in without_suffix:
            suffixes.append(f"dtype={dtype_name}")
        shown = visible_part(array) if summarize else array
        number_format = choose_number_format(shown)
        body = nested_text(array, number_format, len(PREFIX), summarize)
    # A graph node's output names its node; only a leaf says it requires grad.
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return add_suffixes(PREFIX + body, suffixes)


def shape_text(shape):
    """(2, 3) as PyTorch writes a size: a Python tuple, so (4,) keeps its comma."""
    return str(tuple(int(n) for n in shape))


def visible_part(array):
    """The items a summary keeps: the first and last `edgeitems` of each long dimension.

    Only these decide the number format, so hidden outliers do not change it.
    """
    keep = options.edgeitems
    for axis, length in enumerate(array.shape):
        if length > 2 * keep:
            kept = list(range(keep)) + list(range(length - keep, length))
            array = array.take(kept, axis=axis)
    return array


@dataclass
class NumberFormat:
    kind: str  # "plain" (ints, bools), "integral" (`2.`), "fixed" (`2.5000`) or "sci"
    width: int  # every number is right-aligned to this width
    precision: int

    def text(self, value):
        if self.kind == "plain":
            text = str(value)
        elif self.kind == "sci":
            text = f"{value:.{self.precision}e}"
        elif self.kind == "integral":
            # The dot says "this is a float tensor" (`2.` vs the int `2`);
            # nan and inf need no dot, they can only be floats.
            text = f"{value:.0f}" + ("." if math.isfinite(value) else "")
        else:
            text = f"{value:.{self.precision}f}"
        return text.rjust(self.width)


def choose_number_format(array):
    """Pick one format for every number of the tensor, as PyTorch does.

    Only finite nonzero values vote: 0, nan and inf print fine in any format.
    - all of them whole numbers: print `2.`, unless they span more than
      three orders of magnitude (max/min > 1000) or exceed 1e8, where digits
      would be unreadable: then scientific;
    - otherwise fixed point with `precision` decimals, unless they span more
      than three orders of magnitude, exceed 1e8, or one is below 1e-4 (it
      would print as 0.0000): then scientific.
    set_printoptions(sci_mode=True/False) overrides that last choice.
    """
    precision = options.precision
    if array.dtype.kind != "f":  # ints and bools print as Python prints them
        width = max((len(str(value)) for value in array.ravel().tolist()), default=1)
        return NumberFormat("plain", width, precision)

    values = array.astype(np.float64).ravel()
    votes = values[np.isfinite(values) & (values != 0)]
    if votes.size == 0:
        # Only zeros, nan and inf, e.g. `tensor([0., nan, -inf])`: whole-number
        # style, and width 1 means no padding at all.
        return NumberFormat("integral", 1, precision)

    magnitudes = np.abs(votes)
    largest, smallest = magnitudes.max(), magnitudes.min()
    integral = bool(np.all(votes == np.ceil(votes)))
    with np.errstate(over="ignore"):  # 1e300 / 1e-300 is inf: "too wide" indeed
        too_wide = largest / smallest > 1000.0 or largest > 1.0e8
    too_small = not integral and smallest < 1.0e-4
    sci = too_wide or too_small
    if options.sci_mode is not None:
        sci = options.sci_mode

    if sci:
        kind = "sci"
    elif integral:
        kind = "integral"
    else:
        kind = "fixed"
    # The width comes from the numbers that voted; a nan, inf or -0. that is
    # wider than them is simply printed unpadded.
    number_format = NumberFormat(kind, 1, precision)
    number_format.width = max(1, *(len(number_format.text(v)) for v in votes.tolist()))
    return number_format


def nested_text(array, number_format, indent, summarize):
    """The bracketed body of the repr; `indent` is the column the "[" sits at."""
    if array.ndim == 0:
        return number_format.text(array.item())
    if array.ndim == 1:
        return row_text(array, number_format, indent, summarize)

    edge = options.edgeitems
    if summarize and array.shape[0] > 2 * edge:
        blocks = [nested_text(array[i], number_format, indent + 1, summarize) for i in range(edge)]
        blocks.append("...")
        blocks += [
            nested_text(array[i], number_format, indent + 1, summarize)
            for i in range(array.shape[0] - edge, array.shape[0])
        ]
    else:
        blocks = [nested_text(sub, number_format, indent + 1, summarize) for sub in array]
    # Rows of a matrix are on consecutive lines; matrices of a 3-d tensor are
    # separated by one blank line, 4-d blocks by two, and so on.
    separator = "," + "\n" * (array.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(blocks) + "]"


def row_text(row, number_format, indent, summarize):
    """One innermost dimension: `[1., 2., 3.]`, wrapped to fit the line width."""
    edge = options.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and len(row) > 2 * edge:
        # " ..." (with its space) stands for the hidden middle of the row.
        head, tail = row[:edge].tolist(), row[len(row) - edge :].tolist()
        items = [number_format.text(v) for v in head] + [" ..."]
        items += [number_format.text(v) for v in tail]
    else:
        items = [number_format.text(v) for v in row.tolist()]

    # Every item takes `width` characters plus ", "; at least one per line.
    per_line = max(1, math.floor((options.linewidth - indent) / (number_format.width + 2)))
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def add_suffixes(text, suffixes):
    """Append `, suffix` items and the closing ")", moving a suffix to its own
    line when it would make the line longer than the line width."""
    last_line = text[text.rfind("\n") + 1 :]
    # PyTorch counts the body's last line as two characters longer than it is,
    # so a suffix moves to a new line slightly before the limit; we do the same.
    line_length = len(last_line) + 2
    for suffix in suffixes:
        if line_length + len(", ") + len(suffix) > options.linewidth:
            text += ",\n" + " " * len(PREFIX) + suffix
            line_length = len(PREFIX) + len(suffix)
        else:
            text += ", " + suffix
            line_length += len(", ") + len(suffix)
    return text + ")"
