"""Views and version counters: tensors that share memory, and how writes are noticed.

A view (`x[0]`, `x.view(4)`, `x.t()`, ...) shares memory with its *base*, the tensor whose
memory it looks into: writing into one changes the other, as in PyTorch. All the tensors
that share one piece of memory also share one *version counter*, which every in-place write
increments. A graph node that saved a tensor remembers its version; if the version has
moved when backward needs the tensor, the saved numbers are not the ones the forward pass
used, and backward refuses (see function.SavedVersion).

After an in-place write into a view, its base's grad_fn changes (inplace.py); every view of
that base then needs a new grad_fn too: one that reads it out of the base's new value
(inplace.regenerate_grad_fn; PyTorch names it AsStridedBackward0).
"""


class VersionCounter:
    """How many in-place writes the memory shared by a base and its views has seen."""

    def __init__(self):
        self.value = 0

    def bump(self):
        self.value += 1


def make_view(out, of, step):
    """Record that `out` is a view of tensor `of`, made by step = (view Function class, options).

    Like PyTorch, a view's `_base` is the tensor that owns the memory (never another view),
    and `_view_steps` replays the view from that base, step by step.
    """
    out._base = of if of._base is None else of._base
    out._view_steps = of._view_steps + (step,)
    out._version_counter = of._version_counter
    out._view_version = out._version_counter.value
    out._is_inference = of._is_inference


def replay(steps, array):
    """The view `steps` made of the base, taken out of `array` (shaped and laid out like it).

    Returns the view and the Function objects that made it (each remembers the shape it
    received, which its backward needs).
    """
    made = []
    for cls, options in steps:
        fn = cls()
        fn.input_shape_seen = array.shape
        array = fn.forward(array, **options)
        made.append(fn)
    return array, made
