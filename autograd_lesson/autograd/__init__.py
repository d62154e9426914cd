"""`torch.autograd`: gradients without touching `.grad`, and checking them numerically."""

from ..legacy import Variable  # noqa: E402,I001 - torch.autograd.Variable, a legacy spelling
from . import functional
from .grad import grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["GradcheckError", "functional", "grad", "gradcheck", "gradgradcheck", "Variable"]
