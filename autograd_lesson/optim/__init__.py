"""Optimizers: they read each parameter's `.grad` and change the parameter in place.

optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
loss.backward()
optimizer.step()        # p -= lr * (the update rule's direction), for every p
optimizer.zero_grad()   # forget the gradients before the next backward()

Each rule is one short file: sgd.py, adam.py (adamw.py), rmsprop.py, adagrad.py.
lr_scheduler.py changes the learning rates between steps.
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
