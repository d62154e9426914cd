"""Optimizers: they read each parameter's `.grad` and change the parameter in place.

optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
loss.backward()
optimizer.step()        # p -= lr * (the update rule's direction), for every p
optimizer.zero_grad()   # forget the gradients before the next backward()
"""

from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD"]
