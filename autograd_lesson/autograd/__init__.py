"""`torch.autograd`: gradients without touching `.grad`, checking them numerically, and
custom Functions (`torch.autograd.Function`, in function.py)."""

from ..anomaly_mode import detect_anomaly, set_detect_anomaly
from . import function, functional
from .function import Function
from .grad import grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = [
    "Function",
    "GradcheckError",
    "detect_anomaly",
    "function",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "set_detect_anomaly",
]
