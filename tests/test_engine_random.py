"""manual_seed and Generator: the same seed gives the same numbers, every run.

(The numbers are NumPy's, not PyTorch's: see autograd_lesson/random.py. Creation functions'
dtypes and shapes are checked against torch in test_engine_golden.py.)
"""

import numpy as np
import pytest

import autograd_lesson as torch
from autograd_lesson.random import default_generator


@pytest.fixture(autouse=True)
def keep_the_global_generator():
    """Tests here reseed the default generator; leave it as they found it."""
    state = default_generator.get_state()
    seed = default_generator.initial_seed()
    yield
    default_generator.manual_seed(seed)
    default_generator.set_state(state)


def test_same_seed_same_numbers():
    torch.manual_seed(0)
    first = (torch.rand(3).tolist(), torch.randn(2, 2).tolist(), torch.randint(0, 9, (4,)).tolist())
    torch.manual_seed(0)
    again = (torch.rand(3).tolist(), torch.randn(2, 2).tolist(), torch.randint(0, 9, (4,)).tolist())
    assert first == again
    torch.manual_seed(1)
    assert torch.rand(3).tolist() != first[0]


def test_manual_seed_returns_the_generator_and_initial_seed_reports_it():
    generator = torch.manual_seed(42)
    assert generator.initial_seed() == 42 == torch.initial_seed()
    assert repr(generator) == "<torch.Generator object>"  # no address: same text every run


def test_a_generator_of_ones_own_leaves_the_global_one_alone():
    torch.manual_seed(3)
    expected = torch.rand(2).tolist()
    torch.manual_seed(3)
    mine = torch.Generator().manual_seed(7)
    torch.rand(5, generator=mine)
    assert torch.rand(2).tolist() == expected


def test_ranges_and_dtypes():
    torch.manual_seed(0)
    u = torch.rand(1000).numpy()
    assert u.dtype == np.float32 and u.min() >= 0 and u.max() < 1
    assert torch.randn(10, dtype=torch.float64).dtype == torch.float64
    ints = torch.randint(2, 5, (1000,)).numpy()
    assert set(ints.tolist()) == {2, 3, 4}
    assert sorted(torch.randperm(6).tolist()) == list(range(6))
    x = torch.zeros(1000).uniform_(-1, 1).numpy()
    assert -1 <= x.min() and x.max() < 1
    assert abs(float(torch.zeros(4000).normal_(5.0, 0.1).mean()) - 5.0) < 0.01
