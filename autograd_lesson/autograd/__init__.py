"""`torch.autograd`: gradients without touching `.grad`, and checking them numerically."""

from ..anomaly_mode import detect_anomaly, set_detect_anomaly
from . import functional
from .grad import grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = [
    "GradcheckError",
    "detect_anomaly",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "set_detect_anomaly",
]
