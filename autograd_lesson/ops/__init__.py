"""Differentiable operations, one small `Function` class each, grouped by family:

    elementwise.py    + - * / ** exp log relu sigmoid tanh ...
    reduction.py      sum mean max norm, softmax and log_softmax
    shape.py          view, transpose, indexing, cat, stack: elements moved, not changed
    matmul.py         mm, mv, dot, bmm, and how `a @ b` of any ranks is built from them
    conv.py           2-D convolution: im2col, one matrix product, col2im
    pooling.py        max and adaptive average pooling
    normalization.py  batch normalisation
    loss.py           negative log-likelihood and mean squared error
    windows.py        sliding windows (output size, kernel offsets, padding): conv and pooling

Each class's docstring states its derivative; `backward` returns one gradient per
input, shaped like that input or like the broadcast output (the engine's `unbroadcast`
sums broadcast dimensions back).

The files above are the ones to read. Three more compute the same ops faster on big
inputs, each checked against its reading version by tests/test_nn_conv_paths.py:

    conv_fast.py           per-kernel-offset products, channels-last, both cores
    pooling_fast.py        max pooling with a running maximum, both cores
    normalization_fast.py  batch norm in place, both cores
    parts.py               running an op on parts of the batch at the same time

`python -m autograd_lesson.ops` prints every op: the node name a graph shows, its class,
file:line and derivative (index.py builds that table from the classes).
"""
