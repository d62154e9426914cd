"""autograd_lesson: PyTorch's autograd, small enough to read.

    import autograd_lesson as torch

runs PyTorch code for tensors, autograd, `nn`, `optim` and ResNet-18 on NumPy.
Start reading at tensor.py (the Tensor), then function.py (graph nodes), engine.py
(backward), and ops/ (one small class per operation).
"""

from . import autograd, optim
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    bool,  # noqa: A004 - torch.bool, as in PyTorch
    double,
    dtype,
    float,  # noqa: A004 - torch.float, as in PyTorch
    float16,
    float32,
    float64,
    half,
    int,  # noqa: A004 - torch.int, as in PyTorch
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from .functions import (
    abs,  # noqa: A004
    add,
    allclose,
    argmax,
    argmin,
    bmm,
    cat,
    clamp,
    clone,
    detach,
    div,
    equal,
    exp,
    flatten,
    is_tensor,
    isclose,
    log,
    log_softmax,
    matmul,
    max,  # noqa: A004
    maximum,
    mean,
    min,  # noqa: A004
    mm,
    mul,
    norm,
    numel,
    permute,
    pow,  # noqa: A004
    relu,
    reshape,
    sigmoid,
    softmax,
    sqrt,
    squeeze,
    stack,
    sub,
    sum,  # noqa: A004
    t,
    tanh,
    transpose,
    unsqueeze,
    where,
)
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .printing import set_printoptions
from .random import Generator, initial_seed, manual_seed
from .tensor import Size, Tensor, device

# isort: split
from . import nn  # after the Tensor it builds on

# isort: split
from . import models  # after nn, which it is built from

__version__ = "0.1.0"
