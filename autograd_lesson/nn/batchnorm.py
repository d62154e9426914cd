"""Batch normalisation layers (the op and its derivative are in ops/normalization.py)."""

import numpy as np

from ..tensor import Tensor
from . import functional as F
from . import init
from .linear import empty_parameter
from .module import Module


class _BatchNorm(Module):
    """Normalises each channel; learns a scale (weight) and shift (bias) per channel.

    Buffers (saved in the state_dict, not learned): running_mean, running_var and
    num_batches_tracked, the number of training batches seen.
    """

    expected_ndim = None  # set by each subclass
    _version = 2  # version 2 added num_batches_tracked (PyTorch 0.4.1)

    def __init__(
        self,
        num_features,
        eps=1e-05,
        momentum=0.1,
        affine=True,
        track_running_stats=True,
        device=None,
        dtype=None,
        *,
        bias=True,
    ):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        weight = empty_parameter((num_features,), dtype) if affine else None
        self.register_parameter("weight", weight)
        self.register_parameter(
            "bias", empty_parameter((num_features,), dtype) if affine and bias else None
        )
        if track_running_stats:
            float_dtype = np.float32 if dtype is None else dtype.numpy_dtype
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, float_dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, float_dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):  # noqa: A002 - PyTorch's argument name
        if input.ndim not in self.expected_ndim:
            shape = "2D or 3D" if len(self.expected_ndim) == 2 else f"{self.expected_ndim[0]}D"
            raise ValueError(f"expected {shape} input (got {input.ndim}D input)")
        momentum = self.momentum
        counting = self.training and self.track_running_stats
        if counting and momentum is None:
            # Cumulative moving average: batch n gets weight 1/n.
            momentum = 1.0 / (int(self.num_batches_tracked._data) + 1)
        output = F.batch_norm(
            input,
            self.running_mean,  # None when running statistics are not tracked
            self.running_var,
            self.weight,
            self.bias,
            self.training or self.running_mean is None,  # batch statistics?
            momentum if momentum is not None else 0.0,
            self.eps,
        )
        if counting:  # after the op, so a refused input changes nothing
            self.num_batches_tracked._data += 1
        return output

    def _may_be_missing(self, prefix, version):
        """Checkpoints older than num_batches_tracked (torchvision's ImageNet weights are)
        lack it: PyTorch loads them and keeps the counter as it is."""
        if self.track_running_stats and (version is None or version < 2):
            return [f"{prefix}.num_batches_tracked" if prefix else "num_batches_tracked"]
        return []

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """For (N, C) or (N, C, L) inputs."""

    expected_ndim = (2, 3)


class BatchNorm2d(_BatchNorm):
    """For images (N, C, H, W): statistics over the batch and every pixel of a channel."""

    expected_ndim = (4,)
