"""`torch.autograd`: gradients without touching `.grad`, and checking them numerically."""

from . import functional
from .grad import grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["GradcheckError", "functional", "grad", "gradcheck", "gradgradcheck"]
