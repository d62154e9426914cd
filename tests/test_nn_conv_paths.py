"""Every fast path gives the reading path's values and gradients.

ops/conv.py's Convolution (im2col, one product), ops/pooling.py's MaxPool2dWithIndices and
ops/normalization.py's BatchNorm are the definitions a learner reads; ops/conv_fast.py,
ops/pooling_fast.py and ops/normalization_fast.py compute the same in other orders, on
parts of the batch (or of the channels) at the same time. Here every path runs
on the same inputs (float64) and must give the reading path's output and every gradient
(input, weight, bias), over shapes, strides and paddings; the reading path itself is
checked against the definition written out with einsum. With PART_MIN_WORK lowered, the
small test shapes are split into parts too, so the parts machinery runs here as well.
"""

import numpy as np
import pytest

import autograd_lesson as torch
from autograd_lesson import threads
from autograd_lesson.autograd import gradcheck
from autograd_lesson.nn import functional as F
from autograd_lesson.ops import conv_fast, normalization_fast, pooling_fast
from autograd_lesson.ops.conv import Convolution
from autograd_lesson.ops.normalization import BatchNorm
from autograd_lesson.ops.pooling import MaxPool2dWithIndices
from autograd_lesson.ops.windows import output_size

CONVOLUTIONS = [
    conv_fast.ConvolutionInParts,
    conv_fast.ConvolutionByOffsetInParts,
    conv_fast.ConvolutionByOffset,
    conv_fast.ConvolutionWindowRowsInParts,
    conv_fast.ConvolutionWindowRows,
]
# (batch, in channels, out channels, (height, width), kernel, stride, padding)
CONV_SHAPES = [
    (1, 16, 2, (4, 4), (3, 3), (1, 1), (1, 1)),
    (2, 16, 3, (5, 5), (3, 3), (2, 2), (1, 1)),
    (3, 17, 2, (5, 6), (2, 2), (1, 1), (0, 0)),
    (2, 3, 4, (7, 7), (7, 7), (2, 2), (3, 3)),
    (4, 5, 6, (6, 5), (3, 2), (2, 1), (0, 1)),
    (2, 4, 8, (3, 3), (1, 1), (2, 2), (0, 0)),
    (3, 2, 5, (4, 4), (2, 3), (3, 1), (2, 0)),
]


@pytest.fixture(params=[1, 2], ids=["1 thread", "2 threads"])
def small_parts(request, monkeypatch):
    """Split even the test's small shapes into parts, and run them on 1 or 2 threads."""
    monkeypatch.setattr(threads, "PART_MIN_WORK", 1)
    monkeypatch.setattr(threads, "_num_threads", request.param)
    monkeypatch.setattr(threads, "_pool", None)
    monkeypatch.setattr(threads, "PAYS_OFF", 0.0)  # tiny parts: keep using both threads
    monkeypatch.setattr(threads, "_alone_until", 0.0)
    return request.param


def leaves(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [torch.tensor(rng.standard_normal(shape), requires_grad=True) for shape in shapes]


def conv_values_and_grads(cls, case, bias=True, needs=(True, True, True)):
    """The output and the gradients of (x, weight, bias) computed by `cls`."""
    n, c_in, c_out, hw, kernel, stride, padding = case
    x, w, b = leaves((n, c_in, *hw), (c_out, c_in, *kernel), (c_out,))
    for tensor, wanted in zip((x, w, b), needs):
        tensor.requires_grad_(wanted)
    b_or_absent = b if bias else torch.tensor(np.empty(0))
    out = cls.apply(x, w, b_or_absent, stride=stride, padding=padding)
    (grad,) = leaves(out.shape, seed=1)
    out.backward(grad.detach())
    grads = [None if t.grad is None else t.grad.numpy() for t in (x, w, b)]
    return [out.detach().numpy(), *grads]


def assert_same(results, expected):
    for got, want in zip(results, expected, strict=True):
        if want is None:
            assert got is None
        else:
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def reference_conv(x, w, b, stride, padding):
    """The definition, written directly: out[n,o,y,x] = b[o] + Σ w[o,c,i,j]·x_pad[n,c,sy+i,sx+j]."""
    (sh, sw), (ph, pw) = stride, padding
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape[2:], axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw]
    return np.einsum("ncyxij,ocij->noyx", windows, w) + b[None, :, None, None]


@pytest.mark.parametrize("case", CONV_SHAPES)
def test_reading_convolution_is_the_definition(case):
    n, c_in, c_out, hw, kernel, stride, padding = case
    x, w, b = (t.detach().numpy() for t in leaves((n, c_in, *hw), (c_out, c_in, *kernel), (c_out,)))
    out = Convolution.apply(*map(torch.tensor, (x, w, b)), stride=stride, padding=padding)
    np.testing.assert_allclose(out.numpy(), reference_conv(x, w, b, stride, padding), rtol=1e-12)


@pytest.mark.parametrize("case", CONV_SHAPES)
@pytest.mark.parametrize("cls", CONVOLUTIONS, ids=lambda cls: cls.__qualname__)
def test_every_convolution_path_gives_the_reading_paths_values_and_gradients(
    cls, case, small_parts
):
    assert_same(conv_values_and_grads(cls, case), conv_values_and_grads(Convolution, case))


@pytest.mark.parametrize(
    "needs", [(False, True, True), (True, False, True), (True, True, False)], ids=str
)
@pytest.mark.parametrize("cls", CONVOLUTIONS, ids=lambda cls: cls.__qualname__)
def test_paths_skip_the_gradients_nothing_needs(cls, needs, small_parts):
    case = CONV_SHAPES[1]
    expected = conv_values_and_grads(Convolution, case, needs=needs)
    assert_same(conv_values_and_grads(cls, case, needs=needs), expected)
    assert [g is None for g in expected[1:]] == [not wanted for wanted in needs]


@pytest.mark.parametrize("cls", CONVOLUTIONS, ids=lambda cls: cls.__qualname__)
def test_paths_without_bias(cls, small_parts):
    case = CONV_SHAPES[2]
    expected = conv_values_and_grads(Convolution, case, bias=False)
    assert_same(conv_values_and_grads(cls, case, bias=False), expected)


@pytest.mark.parametrize("cls", CONVOLUTIONS, ids=lambda cls: cls.__qualname__)
def test_paths_pass_gradcheck(cls, monkeypatch):
    monkeypatch.setattr(threads, "PART_MIN_WORK", 1)
    x, w, b = leaves((2, 16, 4, 5), (3, 16, 3, 2), (3,))
    assert gradcheck(lambda x, w, b: cls.apply(x, w, b, stride=(2, 1), padding=(1, 0)), (x, w, b))


def test_the_thread_count_does_not_change_a_single_bit(monkeypatch):
    """The parts depend on the work, never on the thread count: the same sums in the same order."""
    monkeypatch.setattr(threads, "PART_MIN_WORK", 1)
    case = CONV_SHAPES[4]
    results = {}
    for count in (1, 2):
        monkeypatch.setattr(threads, "_num_threads", count)
        monkeypatch.setattr(threads, "_pool", None)
        results[count] = conv_values_and_grads(conv_fast.ConvolutionByOffsetInParts, case)
    for one, two in zip(results[1], results[2]):
        assert np.array_equal(one, two)


def test_a_part_node_is_released_with_its_parent(monkeypatch):
    monkeypatch.setattr(threads, "PART_MIN_WORK", 1)
    x, w, b = leaves((2, 16, 4, 4), (3, 16, 3, 3), (3,))
    out = conv_fast.ConvolutionByOffsetInParts.apply(x, w, b, stride=(1, 1), padding=(1, 1))
    node = out.grad_fn
    assert len(node.part_nodes) == 2
    out.sum().backward()
    assert node.is_freed and all(part.is_freed for part in node.part_nodes)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        out.sum().backward()


# ResNet-18's convolutions on 3×64×64 images, and the path each takes.
RESNET_CHOICES = [
    ((32, 3, 64, 64), (64, 3, 7, 7), (2, 2), (3, 3), conv_fast.ConvolutionInParts),
    ((32, 64, 16, 16), (64, 64, 3, 3), (1, 1), (1, 1), conv_fast.ConvolutionByOffsetInParts),
    ((32, 256, 4, 4), (256, 256, 3, 3), (1, 1), (1, 1), conv_fast.ConvolutionByOffsetInParts),
    ((32, 512, 2, 2), (512, 512, 3, 3), (1, 1), (1, 1), conv_fast.ConvolutionWindowRowsInParts),
    ((1, 64, 16, 16), (64, 64, 3, 3), (1, 1), (1, 1), conv_fast.ConvolutionByOffsetInParts),
    ((1, 256, 4, 4), (256, 256, 3, 3), (1, 1), (1, 1), conv_fast.ConvolutionWindowRowsInParts),
    ((1, 3, 4, 4), (2, 3, 3, 3), (1, 1), (1, 1), Convolution),
]


@pytest.mark.parametrize("x_shape, w_shape, stride, padding, expected", RESNET_CHOICES)
def test_which_path_a_convolution_takes(x_shape, w_shape, stride, padding, expected):
    assert conv_fast.convolution_for(x_shape, w_shape, stride, padding) is expected


def test_conv2d_uses_the_chosen_path():
    x, w = leaves((2, 16, 8, 8), (16, 16, 3, 3))
    assert type(F.conv2d(x, w, padding=1).grad_fn) is conv_fast.ConvolutionByOffsetInParts
    small = F.conv2d(*leaves((1, 1, 3, 3), (1, 1, 2, 2)))
    assert type(small.grad_fn) is Convolution
    assert small.grad_fn.name() == "ConvolutionBackward0"


# ---------------------------------------------------------------------- max pooling

# (batch, channels, (height, width), kernel, stride, padding)
POOL_SHAPES = [
    (2, 3, (6, 6), (3, 3), (2, 2), (1, 1)),
    (3, 2, (4, 5), (2, 2), (2, 2), (0, 0)),
    (2, 2, (7, 6), (3, 2), (1, 2), (1, 1)),
]
POOLS = [pooling_fast.MaxPool2dInParts, pooling_fast.MaxPoolRunningMaximum]


def pool_values_and_grad(cls, case, ties=False):
    n, c, hw, kernel, stride, padding = case
    rng = np.random.default_rng(0)
    values = rng.integers(0, 3, (n, c, *hw)) if ties else rng.standard_normal((n, c, *hw))
    x = torch.tensor(values.astype(np.float64), requires_grad=True)
    out = cls.apply(x, kernel=kernel, stride=stride, padding=padding)
    out.backward(torch.tensor(rng.standard_normal(out.shape)))
    return out.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "ties"])
@pytest.mark.parametrize("case", POOL_SHAPES)
@pytest.mark.parametrize("cls", POOLS, ids=lambda cls: cls.__qualname__)
def test_every_max_pool_path_gives_the_reading_paths_values_and_gradient(
    cls, case, ties, small_parts
):
    expected = pool_values_and_grad(MaxPool2dWithIndices, case, ties)
    assert_same(pool_values_and_grad(cls, case, ties), expected)


def test_reading_max_pool_is_the_definition():
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 5))
    out = MaxPool2dWithIndices.apply(torch.tensor(x), kernel=(3, 2), stride=(2, 1), padding=(1, 0))
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0)), constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 2), axis=(2, 3))[:, :, ::2]
    np.testing.assert_array_equal(out.numpy(), windows.max(axis=(4, 5)))
    assert out.shape[2:] == (output_size(6, 3, 2, 1), output_size(5, 2, 1, 0))


def test_which_path_a_max_pool_takes():
    assert pooling_fast.max_pool_for((32, 64, 32, 32), (3, 3)) is pooling_fast.MaxPool2dInParts
    assert pooling_fast.max_pool_for((1, 2, 4, 4), (2, 2)) is MaxPool2dWithIndices
    assert pooling_fast.max_pool_for((32, 64, 32, 32), (16, 16)) is MaxPool2dWithIndices


# ---------------------------------------------------------------------- batch norm

BATCH_NORMS = [normalization_fast.BatchNormInParts, normalization_fast.BatchNormInPlace]
# (input shape, training, affine, running statistics)
BN_CASES = [
    ((4, 3, 5, 5), True, True, True),
    ((4, 3, 5, 5), False, True, True),
    ((2, 5, 3, 4), True, False, True),
    ((6, 4), True, True, False),
    ((3, 4, 7), False, False, True),
]


def batch_norm_values_and_grads(cls, case):
    shape, training, affine, tracked = case
    rng = np.random.default_rng(0)
    channels = shape[1]
    x, w, b = leaves(shape, (channels,), (channels,))
    if not affine:
        w = b = torch.tensor(np.empty(0))
    mean, var = rng.standard_normal(channels), rng.random(channels) + 0.5
    stats = (mean.copy(), var.copy()) if tracked else (None, None)
    out = cls.apply(
        x,
        w,
        b,
        running_mean=stats[0],
        running_var=stats[1],
        training=training,
        momentum=0.1,
        eps=1e-5,
    )
    out.backward(torch.tensor(rng.standard_normal(shape)))
    grads = [None if t.grad is None else t.grad.numpy() for t in (x, w, b)]
    running = list(stats) if tracked else []
    return [out.detach().numpy(), *grads, *running]


@pytest.mark.parametrize("case", BN_CASES, ids=str)
@pytest.mark.parametrize("cls", BATCH_NORMS, ids=lambda cls: cls.__qualname__)
def test_every_batch_norm_path_gives_the_reading_paths_values_and_gradients(cls, case, small_parts):
    expected = batch_norm_values_and_grads(BatchNorm, case)
    assert_same(batch_norm_values_and_grads(cls, case), expected)


def test_reading_batch_norm_is_the_definition():
    x = np.random.default_rng(0).standard_normal((4, 3, 2, 2))
    out = BatchNorm.apply(
        torch.tensor(x),
        torch.tensor(np.empty(0)),
        torch.tensor(np.empty(0)),
        running_mean=None,
        running_var=None,
        training=True,
        momentum=0.1,
        eps=0.0,
    )
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    std = x.std(axis=(0, 2, 3), keepdims=True)
    np.testing.assert_allclose(out.numpy(), (x - mean) / std, rtol=1e-12)


def test_which_path_a_batch_norm_takes():
    assert (
        normalization_fast.batch_norm_for((32, 64, 16, 16)) is normalization_fast.BatchNormInParts
    )
    assert normalization_fast.batch_norm_for((2, 3, 4, 4)) is BatchNorm


@pytest.mark.parametrize("cls", [*CONVOLUTIONS, Convolution], ids=lambda cls: cls.__qualname__)
def test_an_input_changed_in_place_after_forward_is_an_error_on_every_path(cls, monkeypatch):
    monkeypatch.setattr(threads, "PART_MIN_WORK", 1)
    a, w, b = leaves((2, 16, 4, 4), (3, 16, 3, 3), (3,))
    x = a * 1  # not a leaf: it may be changed in place
    out = cls.apply(x, w, b, stride=(1, 1), padding=(1, 1))
    x.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()
