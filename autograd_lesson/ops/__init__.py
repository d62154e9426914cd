"""Differentiable operations, one small `Function` class each, grouped by family:

    elementwise.py    + - * / ** exp log relu sigmoid tanh ...
    reduction.py      sum mean max norm, softmax and log_softmax
    shape.py          view, transpose, indexing, cat, stack: elements moved, not changed
    matmul.py         mm, mv, dot, bmm, and how `a @ b` of any ranks is built from them
    conv.py           2-D convolution (per kernel offset, or im2col)
    pooling.py        max and adaptive average pooling
    normalization.py  batch normalisation
    loss.py           negative log-likelihood and mean squared error

Each class's docstring states its derivative; `backward` returns one gradient per
input, shaped like that input or like the broadcast output (the engine's `unbroadcast`
sums broadcast dimensions back).
"""
