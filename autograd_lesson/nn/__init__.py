"""`autograd_lesson.nn`: layers and models, as in `torch.nn`.

Module (module.py) is the base class; the layers each call one function of `functional`,
which calls one op of `autograd_lesson.ops`.
"""

from . import functional, init, modules, utils
from .activation import LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .batchnorm import BatchNorm1d, BatchNorm2d
from .container import ModuleList, Sequential
from .conv import Conv2d
from .dropout import Dropout
from .linear import Flatten, Identity, Linear
from .loss import CrossEntropyLoss, MSELoss, NLLLoss
from .module import Module
from .parameter import Parameter
from .pooling import AdaptiveAvgPool2d, MaxPool2d
