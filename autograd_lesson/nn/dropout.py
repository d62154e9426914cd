"""Dropout: randomly zero activations in training, do nothing in evaluation."""

from . import functional as F
from .module import Module


class Dropout(Module):
    """Zeroes each element with probability p and scales the rest by 1/(1-p) (training only)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):  # noqa: A002 - PyTorch's argument name
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Zeroes whole channels (each with probability p), scales the rest by 1/(1-p)."""

    def forward(self, input):  # noqa: A002
        return F.dropout2d(input, self.p, self.training)
