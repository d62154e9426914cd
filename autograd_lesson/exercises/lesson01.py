"""Checks for lesson 01, the forward pass through ResNet-18."""

from . import as_array, as_shape, report


def conv_parameters(answer):
    """Exercise 1: Conv2d(64, 128, 3x3, bias=False) has 128·64·3·3 = 73,728 parameters."""
    expected = 128 * 64 * 3 * 3
    got = as_array(answer) if answer is not None else None
    number = float(got) if got is not None and got.size == 1 else None
    if number == expected:
        return report(
            True,
            "128 · 64 · 3 · 3 = 73,728: one 3×3 kernel per (output, input) channel pair, no bias.",
            "",
        )
    if number is None:
        hint = "give one number, e.g. sum(p.numel() for p in model.layer2[0].conv1.parameters())."
    elif number == expected + 128:
        hint = "this convolution has bias=False: no bias to count."
    elif number == 128 * 64:
        hint = "each (output, input) channel pair has a whole 3×3 kernel, not one number."
    elif number == 128 * 3 * 3 or number == 64 * 3 * 3:
        hint = "every output channel has a 3×3 kernel for *each* input channel."
    else:
        hint = "the weight's shape is (out_channels, in_channels, kernel height, kernel width)."
    return report(False, "", hint)


def layer2_shape(answer):
    """Exercise 2: a 32x32 input leaves layer2 as (1, 128, 4, 4)."""
    expected = (1, 128, 4, 4)
    shape = as_shape(answer)
    if shape == expected:
        return report(
            True,
            "32 → 16 (conv1) → 8 (maxpool) → 8 (layer1) → 4 (layer2), with 128 channels.",
            "",
        )
    if shape is None or len(shape) != 4:
        hint = "give 4 numbers: (batch, channels, height, width)."
    elif shape[1] != 128:
        hint = "layer2 has 128 output channels (see its printout)."
    elif shape[2:] == (8, 8):
        hint = "layer2 halves the height and width once more (its first conv has stride 2)."
    elif shape[2:] == (16, 16):
        hint = "maxpool halves the size too (stride 2), after conv1."
    elif shape[0] != 1:
        hint = "the batch size stays 1 through every layer."
    else:
        hint = "conv1, maxpool and layer2 each halve height and width; layer1 keeps them."
    return report(False, "", hint)


def avgpool_shape(answer):
    """Exercise 3: AdaptiveAvgPool2d((1, 1)) gives (1, 512, 1, 1) for any input size."""
    expected = (1, 512, 1, 1)
    shape = as_shape(answer)
    if shape == expected:
        return report(
            True,
            "avgpool is adaptive: layer4's 7×7 (for 224×224) is averaged to 1×1 per channel, "
            "so fc always gets 512 numbers.",
            "",
        )
    if shape == (1, 512, 7, 7):
        hint = "that is layer4's output; avgpool then averages each channel over its pixels."
    elif shape == (1, 512):
        hint = "that is after flatten; avgpool's output still has 4 dimensions."
    elif shape is not None and len(shape) == 4 and shape[1] == 512 and shape[2:] != (1, 1):
        hint = "AdaptiveAvgPool2d((1, 1)) chooses its window so the output is always 1×1."
    else:
        hint = "give 4 numbers: (batch, channels, height, width). layer4 ends with 512 channels."
    return report(False, "", hint)
