"""Models with torchvision's architecture, names and weights format.

from autograd_lesson.models import resnet18, ResNet18_Weights
model = resnet18()                                   # random weights (seed with manual_seed)
model = resnet18(weights=ResNet18_Weights.DEFAULT)   # ImageNet weights from a local .pth/.npz
"""

from .resnet import BasicBlock, ResNet, resnet18
from .weights import ResNet18_Weights, Weights, WeightsFileError, WeightsNotFoundError

__all__ = [
    "BasicBlock",
    "ResNet",
    "ResNet18_Weights",
    "Weights",
    "WeightsFileError",
    "WeightsNotFoundError",
    "resnet18",
]
