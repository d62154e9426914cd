"""Self-checks for lesson 08, the capstone: training a small residual CNN on digits."""

import numpy as np

from . import as_array, as_shape, report

# Exercise 1: five examples, four classes. Row i holds the model's scores (logits) for example i.
LOGITS = [
    [2.0, -1.0, 0.5, 0.1],
    [0.3, 0.2, 1.5, -0.4],
    [-1.2, 0.8, 0.7, 0.0],
    [0.9, 1.1, -0.3, 1.0],
    [0.0, -0.5, 0.2, 2.2],
]
LABELS = [0, 2, 2, 1, 3]

# Exercise 2: the lesson's model, digit_net(width=16): a stem conv (1 -> 16, 3x3, no bias) and
# its BatchNorm, two residual blocks of two 16 -> 16 3x3 convs (no bias) with a BatchNorm each,
# and Linear(16, 10). Each BatchNorm2d(16) has 32 parameters (weight and bias) and
# 2 * 16 + 1 buffers (running_mean, running_var, num_batches_tracked), which are not parameters.
STEM = 1 * 16 * 3 * 3 + 2 * 16
BLOCK = 2 * (16 * 16 * 3 * 3 + 2 * 16)
HEAD = 16 * 10 + 10
N_PARAMETERS = STEM + 2 * BLOCK + HEAD  # 9,690
N_BATCHNORMS = 5
N_BUFFER_VALUES = N_BATCHNORMS * (2 * 16 + 1)

# Exercise 3: a batch of 32 digits, (32, 1, 8, 8), after AdaptiveAvgPool2d(1).
POOLED_SHAPE = (32, 16, 1, 1)


def _number(answer):
    got = as_array(answer)
    if got is None or got.size != 1 or not np.isfinite(got).all():  # None becomes nan
        return None
    return float(got.reshape(()))


def accuracy(answer):
    """Exercise 1: argmax of each row is [0, 2, 1, 1, 3]; 4 of 5 match the labels: 0.8."""
    predictions = np.argmax(np.array(LOGITS), axis=1)
    expected = float(np.mean(predictions == np.array(LABELS)))
    value = _number(answer)
    ok = value is not None and abs(value - expected) < 1e-6
    n_correct = int(np.sum(predictions == np.array(LABELS)))
    if value is None:
        hint = "give one number: the fraction of examples whose prediction equals the label. "
    elif value == n_correct:
        hint = "that is the number of correct predictions; divide it by the number of examples. "
    elif value == 100 * expected:
        hint = "that is a percentage; give the fraction between 0 and 1. "
    else:
        hint = ""
    return report(
        ok,
        "the predicted class is the column of each row's largest logit, "
        "logits.argmax(dim=1) = [0, 2, 1, 1, 3]; four of the five match the labels. "
        "Softmax would not change the answer: it keeps the largest logit the largest.",
        hint + "Take argmax along dim=1 (one prediction per row, i.e. per example), compare "
        "with labels, and average the matches: (predictions == labels).float().mean().",
    )


def count_parameters(answer):
    """Exercise 2: digit_net(width=16) has 9,690 parameters."""
    value = _number(answer)
    if value == N_PARAMETERS + N_BUFFER_VALUES:
        hint = (
            "you counted the state_dict, which also holds BatchNorm's running statistics: "
            "buffers, not parameters. "
        )
    elif value == N_PARAMETERS - HEAD:
        hint = "the final Linear(16, 10) has parameters too. "
    elif value == N_PARAMETERS - 2 * 16 * N_BATCHNORMS:
        hint = "each BatchNorm2d(16) learns a weight and a bias: 32 parameters. "
    elif value == 17:
        hint = "that is the number of parameter tensors; count their elements with numel(). "
    else:
        hint = ""
    return report(
        value == N_PARAMETERS,
        "9,690: 5 convolutions hold 144 + 4 x 2,304 = 9,360 weights, 5 BatchNorms 160 "
        "(a weight and a bias per channel), the Linear layer 170. Small: the course's "
        "ResNet-18 has 11,689,512.",
        hint + "Add up p.numel() for p in model.parameters().",
    )


def shape_after_pool(answer):
    """Exercise 3: (32, 1, 8, 8) leaves AdaptiveAvgPool2d(1) as (32, 16, 1, 1)."""
    got = as_shape(answer)
    if got == (32, 16):
        hint = "that is one layer later, after Flatten. "
    elif got == (32, 16, 4, 4):
        hint = "that is what enters the pool: AdaptiveAvgPool2d(1) averages each 4x4 map. "
    elif got == (32, 16, 2, 2):
        hint = "the residual blocks keep the size (padding=1); only MaxPool2d(2) halves it. "
    elif got is not None and len(got) == 4 and got[0] != 32:
        hint = "the batch dimension passes through every layer unchanged. "
    else:
        hint = ""
    return report(
        got == POOLED_SHAPE,
        "the 3x3 convolutions with padding=1 keep 8x8, MaxPool2d(2) makes it 4x4, and "
        "AdaptiveAvgPool2d(1) averages each of the 16 maps to a single number, keeping the "
        "two spatial dimensions of size 1: (32, 16, 1, 1).",
        hint + "Follow one batch: (batch, channels, height, width) after each layer, and "
        "give the shape as a tuple.",
    )
