"""autograd_lesson: PyTorch's autograd, small enough to read.

    import autograd_lesson as torch

runs PyTorch code for tensors, autograd, `nn`, `optim` and ResNet-18 on NumPy.

A reading order, from the core outwards:

1. tensor.py       the Tensor: data, requires_grad, grad, grad_fn, and its operators
2. function.py     Function, the node of the backward graph (forward, backward, saved tensors)
3. engine.py       backward(): visit the graph once, in topological order
4. ops/            one small Function per operation, its derivative in its docstring:
                   elementwise, reduction, shape, matmul, conv, pooling, normalization, loss
5. nn/             module.py (Module), then the layers, each a call into nn/functional.py
6. optim/          optimizer.py (parameter groups, state), sgd.py (the update rule)
7. viz.py          draw the graph that backward walks
8. autograd/       grad, gradcheck, jacobian
9. models/         ResNet-18 built from nn; datasets/ the digits; exercises/ the self-checks

Supporting modules: broadcasting.py and dims.py (shape and dim arguments, PyTorch's
errors), dtypes.py (dtypes and type promotion), creation.py (tensor, zeros, rand, ...),
functions.py (the torch.xxx spellings of tensor methods), grad_mode.py (no_grad),
random.py (manual_seed), printing.py (PyTorch's tensor repr), device.py (torch.device: the
CPU only; cuda.py, accelerator.py and backends/ answer "no GPU" as a CPU-only PyTorch does).
utils/data/: Dataset, DataLoader and samplers, as torch.utils.data.
"""

from . import accelerator, autograd, backends, cuda, optim
from .anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .creation import (
    arange,
    as_tensor,
    bernoulli,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    normal,
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
from .device import device, get_default_device, set_default_device
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
    argsort,
    bmm,
    cat,
    ceil,
    chunk,
    clamp,
    clone,
    cos,
    cumprod,
    cumsum,
    detach,
    diag,
    div,
    dot,
    einsum,
    equal,
    erf,
    exp,
    flatten,
    flip,
    floor,
    floor_divide,
    gather,
    get_default_dtype,
    index_select,
    is_tensor,
    isclose,
    isfinite,
    isinf,
    isnan,
    log,
    log1p,
    log_softmax,
    logspace,
    logsumexp,
    masked_fill,
    matmul,
    max,  # noqa: A004
    maximum,
    mean,
    min,  # noqa: A004
    minimum,
    mm,
    mul,
    nan_to_num,
    neg,
    norm,
    numel,
    outer,
    permute,
    pow,  # noqa: A004
    prod,
    relu,
    remainder,
    reshape,
    roll,
    round,  # noqa: A004
    scatter,
    scatter_add,
    set_default_dtype,
    sigmoid,
    sign,
    sin,
    softmax,
    sort,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    std_mean,
    sub,
    sum,  # noqa: A004
    t,
    tanh,
    topk,
    transpose,
    tril,
    tril_indices,
    triu,
    triu_indices,
    trunc,
    unbind,
    unflatten,
    unsqueeze,
    var,
    var_mean,
    where,
)
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .legacy import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from .printing import set_printoptions
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .serialization import load, save
from .tensor import Size, Tensor
from .threads import get_num_threads, set_num_threads

# isort: split
from . import nn  # after the Tensor it builds on

# isort: split
from . import models  # after nn, which it is built from

# isort: split
from . import utils  # torch.utils.data, whose datasets and loader build on the tensors

__version__ = "0.1.0"
