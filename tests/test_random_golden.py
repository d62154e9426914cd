"""autograd_lesson draws PyTorch's numbers: every program torch 2.13.0 recorded, bit for bit.

Golden: tests/golden/record_random.py ran each program (a seed, then calls to rand, randn,
randint, randperm, normal, bernoulli, dropout, nn.init, Linear, Conv2d, resnet18 ...) in
torch and stored a SHA-256 of every output and of the generator's state at the end.
Live (torch installed): the same programs, and Hypothesis-drawn call sequences, in both.
"""

import numpy as np
import pytest
from golden_support import load_golden, load_recorder
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_random import keep_the_global_generator  # noqa: F401 - autouse fixture

import autograd_lesson as lesson
from autograd_lesson.models import resnet18
from autograd_lesson.random import default_generator

recorder = load_recorder("record_random")
GOLDEN = load_golden("random.json")
PROGRAMS = dict(recorder.programs())


def torch_or_skip():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


def assert_same_outputs(ours, expected, name):
    assert len(ours) == len(expected), name
    for step, (got, want) in enumerate(zip(ours, expected, strict=True)):
        # the calls' digests: dtype, shape, bytes (SHA-256) and first values
        assert got == want, (
            name,
            step,
            PROGRAMS[name][step] if step < len(PROGRAMS[name]) else "state",
        )


def test_the_golden_file_covers_every_program():
    assert set(GOLDEN["cases"]) == set(PROGRAMS)
    assert GOLDEN["torch_version"].startswith("2.13.0")


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_draws_what_torch_drew(name):
    ours = recorder.run_program(lesson, PROGRAMS[name], resnet18)
    assert_same_outputs(ours, GOLDEN["cases"][name], name)


@pytest.mark.parametrize("name", ["interleaved", "init_seed0", "normal_and_bernoulli_seed0"])
def test_program_live_against_torch(name):
    torch = torch_or_skip()
    from torch_resnet18 import resnet18 as torch_resnet18

    expected = recorder.run_program(torch, PROGRAMS[name], torch_resnet18)
    assert_same_outputs(recorder.run_program(lesson, PROGRAMS[name], resnet18), expected, name)


# A call: (kind, arguments) drawn small enough to run fast, large enough to switch algorithms.
sizes = st.sampled_from([0, 1, 2, 3, 7, 15, 16, 17, 32, 33, 64, 250])
dtypes = st.sampled_from(["float32", "float64"])
calls = st.one_of(
    st.tuples(st.just("rand"), st.tuples(sizes), dtypes),
    st.tuples(st.just("randn"), st.tuples(sizes), dtypes),
    st.tuples(st.just("randn"), st.tuples(st.integers(1, 5), st.integers(1, 5)), dtypes),
    st.tuples(
        st.just("randint"),
        st.integers(-100, 0),
        st.sampled_from([1, 2, 10, 2**27, 2**28, 2**33]),
        st.tuples(sizes),
    ),
    st.tuples(st.just("randperm"), sizes),
    st.tuples(st.just("bernoulli_p"), sizes, st.sampled_from([0.0, 0.25, 0.5, 1.0])),
    st.tuples(st.just("dropout"), st.tuples(sizes), st.sampled_from([0.1, 0.5])),
    st.tuples(st.just("normal"), st.just(1.5), st.just(0.5), st.tuples(sizes)),
)


@settings(deadline=None)
@given(seed=st.integers(0, 2**64 - 1), program=st.lists(calls, min_size=1, max_size=8))
def test_random_call_sequences_match_torch_live(seed, program):
    torch = torch_or_skip()
    program = [["seed", seed]] + [_as_call(call) for call in program]
    expected = recorder.run_program(torch, program)
    assert recorder.run_program(lesson, program) == expected, program


def _as_call(call):
    kind, *args = call
    if kind == "randint":
        low, span, shape = args
        return ["randint", low, low + span, list(shape)]
    if kind in ("rand", "randn"):
        return [kind, list(args[0]), args[1]]
    if kind == "dropout":
        return ["dropout", list(args[0]), args[1]]
    if kind == "normal":
        return ["normal", args[0], args[1], list(args[2])]
    return [kind, *args]


def test_state_round_trips_through_torch_bytes():
    torch = torch_or_skip()
    torch.manual_seed(11)
    torch.randn(3)  # leaves a cached normal in the state
    torch.rand(1000)
    state = torch.get_rng_state()
    default_generator.set_state(lesson.tensor(state.numpy(), dtype=lesson.uint8))
    assert np.array_equal(default_generator.get_state().numpy(), state.numpy())
    assert np.array_equal(lesson.randn(5).numpy(), torch.randn(5).numpy())
    assert np.array_equal(lesson.rand(1).numpy(), torch.rand(1).numpy())
