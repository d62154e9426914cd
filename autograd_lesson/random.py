"""The random number generator behind `rand`, `randn`, `nn.init`, ... and `manual_seed`.

PyTorch seeds its own generator; we use NumPy's (PCG64). The *same seed gives the same
numbers on every run and machine*, which is what makes a notebook reproducible, but they
are not the numbers PyTorch draws for that seed: tests that compare with PyTorch hand
both engines the same arrays instead.
"""

import numpy as np

# PyTorch's CPU generator starts from this seed when none is set; we start from it too,
# so a program that never calls manual_seed still draws the same numbers every run.
DEFAULT_SEED = 67280421310721


class Generator:
    """A seeded source of random numbers (wraps a NumPy Generator)."""

    def __init__(self, device="cpu"):
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed):
        self._seed = int(seed)
        self.numpy_generator = np.random.default_rng(self._seed)
        return self

    def initial_seed(self):
        return self._seed

    def get_state(self):
        return self.numpy_generator.bit_generator.state

    def set_state(self, state):
        self.numpy_generator.bit_generator.state = state
        return self

    def __repr__(self):
        # No memory address (PyTorch prints one), so notebook outputs are the same every run.
        return "<torch.Generator object>"


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator: every random draw after this is reproducible."""
    return default_generator.manual_seed(seed)


def initial_seed():
    return default_generator.initial_seed()


def rng(generator=None):
    """The NumPy generator to draw from: the one given, or the default one."""
    return (generator or default_generator).numpy_generator
