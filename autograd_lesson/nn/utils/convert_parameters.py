"""All parameters as one flat vector, and back: what optimizers that think in vectors
(line searches, second-order methods) need."""

from ...functions import cat
from ...tensor import Tensor
from ..module import _type_name


def parameters_to_vector(parameters):
    """One 1-D tensor holding every parameter's numbers, in order (recorded in the graph:
    CatBackward0 of ViewBackward0s)."""
    return cat([param.view(-1) for param in parameters])


def vector_to_parameters(vec, parameters):
    """Make each parameter's data the next slice of `vec`, shaped like the parameter.

    As in PyTorch, the parameters then share memory with `vec` (and take its dtype).
    Every slice is cut before any parameter changes, so a `vec` that is too short
    leaves all of them as they were.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_type_name(vec)}")
    parameters = list(parameters)
    slices, pointer = [], 0
    for param in parameters:
        slices.append(vec[pointer : pointer + param.numel()].view_as(param))
        pointer += param.numel()
    for param, values in zip(parameters, slices, strict=True):
        param.data = values.data

