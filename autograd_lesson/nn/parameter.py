"""`nn.Parameter`: a tensor that a Module registers as one of its learnable weights."""

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad by default.

    Assigning one to a Module attribute (`self.weight = Parameter(...)`) is what makes it
    appear in `module.parameters()`, and so in the optimizer and the state_dict.
    """

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = np.empty(0, dtype=np.float32)
        # Share memory with the tensor given, as PyTorch does.
        array = data._data if isinstance(data, Tensor) else np.asarray(data)
        super().__init__(array, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
