"""Self-checks for lesson 07, freezing and no_grad."""

from . import report

REQUIRE_GRAD = {"w", "d", "f"}

# ResNet-18 with every parameter frozen, then model.fc = nn.Linear(512, 10) and
# model.layer4.requires_grad_(True): layer4 has 8,393,728 numbers, the new fc 512 * 10 + 10.
TRAINABLE_WITH_LAYER4 = 8_393_728 + 5_130


def _names(answer):
    """The learner's answer as a set of tensor names, or None if it is not one."""
    if isinstance(answer, str):
        answer = answer.replace(",", " ").split()
    try:
        return {str(name).strip() for name in answer}
    except TypeError:
        return None


def which_require_grad(answer):
    """Exercise 1: of x, w, c, d, e, f, g, exactly w, d and f require grad."""
    names = _names(answer)
    hint = ""
    if names is not None:
        if "e" in names:
            hint = "e came from .detach(): a new leaf, cut off from the graph. "
        elif "g" in names:
            hint = "g was computed inside torch.no_grad(): nothing there is recorded. "
        elif "c" in names or "x" in names:
            hint = "c = x * 2 has no input that requires grad. "
        elif "w" not in names:
            hint = "w itself counts: it is a leaf created with requires_grad=True. "
        elif "f" not in names:
            hint = "f = e * w: one input that requires grad is enough. "
    return report(
        names == REQUIRE_GRAD,
        "w (a leaf created with requires_grad=True), d (w is one of its inputs) and f "
        "(e * w: e was detached, but w still requires grad). e is cut off by .detach(), "
        "g was made under no_grad(), and nothing that c came from requires grad.",
        hint + "An operation's result requires grad when at least one input does, except "
        "under torch.no_grad(); .detach() returns a tensor that does not. Answer with a set "
        "of names, e.g. {'a', 'b'}.",
    )


def trainable_parameters(answer):
    """Exercise 2: the number of trainable parameters with fc replaced and layer4 unfrozen."""
    try:
        value = int(answer)
    except (TypeError, ValueError):
        value = None
    if value == 5_130:
        hint = "that is fc alone: layer4 was unfrozen too. "
    elif value == 8_393_728:
        hint = "the new fc is trainable too. "
    elif value == 8_393_728 + 513_000:
        hint = "replace model.fc with nn.Linear(512, 10) first: the count is for 10 classes. "
    elif value == 11_181_642:
        hint = "that counts every parameter: keep only those with p.requires_grad. "
    elif value is not None and value < 100:
        hint = "count numbers with p.numel(), not parameter tensors. "
    else:
        hint = ""
    return report(
        value == TRAINABLE_WITH_LAYER4,
        "layer4's 8,393,728 numbers plus the new fc's 512 * 10 + 10 = 5,130: 8,398,858 of "
        "the model's 11,181,642, about 75%. The last block holds most of ResNet-18's weights.",
        hint + "add up p.numel() over the parameters whose p.requires_grad is True.",
    )
