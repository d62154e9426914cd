"""manual_seed and Generator: the same seed gives the same numbers, every run, and the
errors PyTorch raises. (That they are PyTorch's numbers: tests/test_random_golden.py.)
"""

import numpy as np
import pytest

import autograd_lesson as torch
from autograd_lesson.random import default_generator


@pytest.fixture(autouse=True)
def keep_the_global_generator():
    """Tests here reseed the default generator; leave it as they found it."""
    state = default_generator.get_state()
    yield
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


def test_seeds_wrap_like_pytorch_and_overflow_is_refused():
    torch.manual_seed(-1)
    assert torch.initial_seed() == 2**64 - 1
    minus_one = torch.rand(3).tolist()
    torch.manual_seed(2**32 - 1)  # only the low 32 bits reach the twister
    assert torch.rand(3).tolist() == minus_one
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        torch.manual_seed(2**64)
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got float"):
        torch.Generator().manual_seed(1.5)
    assert torch.manual_seed(1.5).initial_seed() == 1  # torch.manual_seed takes int(seed)


def test_seed_draws_a_fresh_seed_and_reports_it():
    generator = torch.Generator()
    seed = generator.seed()
    assert generator.initial_seed() == seed and 0 <= seed < 2**64
    first = torch.rand(4, generator=generator).tolist()
    assert torch.rand(4, generator=generator.manual_seed(seed)).tolist() == first


def test_get_and_set_state_replay_the_same_numbers():
    torch.manual_seed(5)
    torch.randn(3)  # odd count: a cached normal is part of the state
    state = torch.get_rng_state()
    assert state.dtype == torch.uint8 and state.shape == (5056,)
    after = (torch.randn(5).tolist(), torch.rand(2).tolist())
    torch.set_rng_state(state)
    assert (torch.randn(5).tolist(), torch.rand(2).tolist()) == after
    generator = torch.Generator().set_state(state)
    assert torch.randn(5, generator=generator).tolist() == after[0]
    assert str(generator.device) == "cpu"


def test_set_state_errors_are_pytorchs():
    with pytest.raises(
        RuntimeError, match="of size 5056 but found the input RNG state size to be 10"
    ):
        torch.set_rng_state(torch.zeros(10, dtype=torch.uint8))
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        torch.set_rng_state(torch.zeros(5056))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        torch.set_rng_state(torch.zeros(5056, dtype=torch.uint8))
    with pytest.raises(TypeError, match="expected a torch.ByteTensor, but got list"):
        torch.Generator().set_state([1, 2])


def test_argument_errors():
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to'"):
        torch.randint(5, 5, (2,))
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0"):
        torch.normal(0.0, -1.0, (3,))
    with pytest.raises(TypeError, match="normal\\(\\) received an invalid combination"):
        torch.normal(0.0, 1.0)
    with pytest.raises(RuntimeError, match="uniform_ expects to return a \\[from, to\\) range"):
        torch.nn.init.uniform_(torch.zeros(3), 2.0, 1.0)
    with pytest.raises(TypeError, match="expected a torch.Generator"):
        torch.rand(2, generator=3)


def test_large_draws_stay_vectorised():
    """A million float32 normals in well under a second (no Python loop per element)."""
    import time

    start = time.process_time()
    torch.randn(1_000_000)
    torch.rand(1_000_000)
    assert time.process_time() - start < 2.0
