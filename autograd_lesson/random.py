"""PyTorch's CPU random number generator, reproduced bit for bit.

After `torch.manual_seed(s)` this module draws the very numbers PyTorch 2.13 draws on a CPU
(x86 with AVX2, the usual case; see "Where the numbers can differ" below).

The source: one Mersenne Twister (MT19937), seeded as PyTorch seeds it. It yields a stream
of 32-bit unsigned integers; every distribution is made from that stream:

    rand, float32      one draw: its low 24 bits × 2⁻²⁴ (24 bits: float32's precision)
    rand, float64      two draws, the first is the high word: low 53 bits of the 64 × 2⁻⁵³
    uniform_(a, b)     u·(b − a) + a, rounded once (the compiled kernel uses a fused multiply-add)
    randn, float32,    ≥ 16 elements, contiguous: draw all uniforms u first; then per block of
                       16: z = √(−2·ln(1 − u[k]))·(cos, sin)(2π·u[k+8]) for k < 8 (Box-Muller);
                       when the size is not a multiple of 16, 16 fresh uniforms redo the last 16
    randn, float64,    ≥ 16 elements, contiguous: the same with float64 uniforms and libm
    randn, < 16 elements, or a non-contiguous tensor, any dtype: one float64 Box-Muller pair
                       per two numbers: u1, u2 (two draws each), r = √(−2·log1p(−u2)),
                       r·cos(2πu1) now and r·sin(2πu1) kept for the next number (the generator
                       caches it, and get_rng_state saves it)
    randint(lo, hi)    lo + draw % (hi − lo); a 64-bit draw (two words) when hi − lo ≥ 2²⁸
    randperm(n)        Fisher-Yates: for i = 0 … n−2 swap x[i] with x[i + draw % (n − i)]
    bernoulli_(p)      a float64 uniform (two draws) u, then u < p
    bernoulli(probs)   float32 probs: a float32 uniform (one draw) u < p; float64: u64 < p
    Dropout(p)         mask = bernoulli_(1 − p) in the input's dtype, times 1/(1 − p)

Where the numbers can differ from PyTorch's (and stay deterministic here):
- PyTorch seeds its default generator from /dev/urandom when the program starts; we start
  from 67280421310721 (torch.Generator()'s default) so an unseeded run repeats itself.
- On Intel CPUs PyTorch draws `bernoulli_(p)` with a float p (so also `Dropout`) with
  Intel MKL's own generator (VSL MCG31, seeded with one 32-bit draw), a vendor library we
  do not reproduce; we follow the kernel PyTorch runs on every other CPU (AMD, ARM).
- randn of float32 (≥ 16 elements) uses AVX2 polynomial log/sin/cos; PyTorch built without
  AVX2 (ARM Macs) uses libm's instead, so even PyTorch differs between those machines.
- float64 randn and the small-size path use the C library's log/sin/cos; NumPy's agree
  with glibc's on every sample we checked, not by proof.
"""

import math
import secrets

import numpy as np

from .random_math import f32, fma32, fma64, log_avx2, sincos_avx2

# torch.Generator() starts from this seed; our default generator starts from it too.
DEFAULT_SEED = 67280421310721
_STATE_SIZE = 5056  # bytes in PyTorch's get_rng_state() tensor
_N = 624  # 32-bit words in the Mersenne Twister's state

# PyTorch's state layout (a C struct, little-endian, zero padding): a legacy part kept for
# old checkpoints, with the MT words stored as 64-bit integers, then the float cache.
_STATE_LAYOUT = np.dtype(
    [
        ("the_initial_seed", "<u8"),
        ("left", "<i4"),  # draws left before the next twist, 1 … 624
        ("seeded", "<i4"),
        ("next", "<u8"),  # index of the next word to temper
        ("state", "<u8", _N),
        ("normal_x", "<f8"),
        ("normal_y", "<f8"),  # the cached float64 normal (the sin of the last pair)
        ("normal_rho", "<f8"),
        ("normal_is_valid", "<i4"),
        ("padding", "V4"),
        ("next_float_normal_sample", "<f4"),
        ("is_next_float_normal_sample_valid", "u1"),
        ("padding2", "V3"),
    ]
)
assert _STATE_LAYOUT.itemsize == _STATE_SIZE


def _check_seed(seed):
    """PyTorch's range for a seed: any int64 or uint64; negative seeds wrap modulo 2⁶⁴."""
    if not -(2**63) <= seed < 2**64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2**64


class Generator:
    """A Mersenne Twister seeded and used as PyTorch's CPU generator (`torch.Generator`)."""

    def __init__(self, device="cpu"):
        if str(device) != "cpu":
            raise RuntimeError(f"autograd_lesson runs on the CPU only, not on {device!r}")
        self._bits = np.random.MT19937()
        self.manual_seed(DEFAULT_SEED)

    # ---------------------------------------------------------------- seeding and state
    def manual_seed(self, seed):
        """Start the stream over from `seed` (only its low 32 bits reach the twister)."""
        if not isinstance(seed, int):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        self._initial_seed = _check_seed(seed)
        # Knuth's linear recurrence fills the 624 words from the seed (init_genrand).
        words = [seed & 0xFFFFFFFF]
        for i in range(1, _N):
            words.append((1812433253 * (words[-1] ^ (words[-1] >> 30)) + i) & 0xFFFFFFFF)
        self._set_words(np.array(words, dtype=np.uint32), position=_N)
        self._fresh = True  # no draw yet: PyTorch's state says next = 0 rather than 624
        self._normal_cache = None  # the float64 normal kept by the small-size randn
        self._float_normal_cache = None  # PyTorch's float cache: unused by these kernels
        return self

    def seed(self):
        """Seed from the operating system's randomness; return that seed."""
        seed = secrets.randbits(64)
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        return self._initial_seed

    def get_state(self):
        """The generator's state as PyTorch's uint8 tensor of 5056 bytes."""
        from .tensor import Tensor

        words, position = self._words()
        state = np.zeros((), dtype=_STATE_LAYOUT)
        state["the_initial_seed"] = self._initial_seed
        state["left"] = _N + 1 - position  # PyTorch counts down what NumPy counts up
        state["seeded"] = 1
        state["next"] = 0 if self._fresh else position
        state["state"] = words
        if self._normal_cache is not None:
            state["normal_y"], state["normal_is_valid"] = self._normal_cache, 1
        if self._float_normal_cache is not None:
            state["next_float_normal_sample"] = self._float_normal_cache
            state["is_next_float_normal_sample_valid"] = 1
        return Tensor(np.frombuffer(state.tobytes(), dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state from get_state() (or PyTorch's get_rng_state())."""
        from .tensor import Tensor

        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        raw = new_state._data
        if raw.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if raw.size != _STATE_SIZE:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found the input "
                f"RNG state size to be {raw.size}"
            )
        state = np.frombuffer(np.ascontiguousarray(raw).tobytes(), dtype=_STATE_LAYOUT)[0]
        left, position = int(state["left"]), int(state["next"])
        if not (state["seeded"] and 0 < left <= _N and position <= _N):
            raise RuntimeError("Invalid mt19937 state")
        fresh = left == 1 and position == 0
        if not fresh and left + position != _N + 1:
            # PyTorch never writes such a state; NumPy's twister cannot hold it.
            raise RuntimeError(
                "autograd_lesson can only restore RNG states that get_rng_state() produced "
                f"(left={left} and next={position} do not add up to {_N + 1})"
            )
        self._set_words(state["state"].astype(np.uint32), position=_N + 1 - left)
        self._fresh = fresh
        self._initial_seed = int(state["the_initial_seed"])
        self._normal_cache = float(state["normal_y"]) if state["normal_is_valid"] else None
        valid_float = state["is_next_float_normal_sample_valid"]
        self._float_normal_cache = float(state["next_float_normal_sample"]) if valid_float else None
        return self

    def _words(self):
        state = self._bits.state["state"]
        return state["key"], int(state["pos"])

    def _set_words(self, words, position):
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": words, "pos": position}}

    # ---------------------------------------------------------------- raw draws
    def draw32(self, n):
        """The next n 32-bit draws (as uint64, so that sums and products do not overflow)."""
        if n:
            self._fresh = False
        return self._bits.random_raw(n).astype(np.uint64)

    def draw64(self, n):
        """n 64-bit numbers, each from two draws, the first one the high word."""
        words = self.draw32(2 * n).reshape(n, 2)
        return (words[:, 0] << np.uint64(32)) | words[:, 1]

    @property
    def device(self):
        from .tensor import device  # tensor.py imports this module: import when asked

        return device("cpu")

    def __repr__(self):
        # No memory address (PyTorch prints one), so notebook outputs are the same every run.
        return "<torch.Generator object>"


default_generator = Generator()


def _generator(generator):
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, but got {type(generator).__name__}")
    return generator


# ------------------------------------------------------------------- the torch.* functions


def manual_seed(seed):
    """Seed the default generator: every random draw after this is PyTorch's for that seed."""
    return default_generator.manual_seed(int(seed))


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


# ------------------------------------------------------------------- uniform numbers

# Mantissa bits a uniform of each dtype takes from its draw, and the type torch computes in.
_UNIFORM_BITS = {np.dtype(np.float32): 24, np.dtype(np.float64): 53}


def _check_float(dtype, what):
    if np.dtype(dtype) not in _UNIFORM_BITS:
        raise NotImplementedError(f'"{what}" not implemented for this dtype in autograd_lesson')


def _unit_uniform(generator, n, dtype):
    """n uniforms in [0, 1): the low `bits` of a draw × 2^-bits (exact in the result type)."""
    bits = _UNIFORM_BITS[np.dtype(dtype)]
    raw = generator.draw64(n) if bits == 53 else generator.draw32(n)
    mantissa = raw & np.uint64(2**bits - 1)
    if bits == 53:
        return mantissa.astype(np.float64) * 2.0**-53
    return mantissa.astype(f32) * f32(2.0**-bits)


def uniform(shape, dtype, low=0.0, high=1.0, generator=None):
    """torch.empty(shape, dtype).uniform_(low, high): a new array of PyTorch's values."""
    dtype = np.dtype(dtype)
    _check_float(dtype, "uniform_kernel_cpu")
    if not low <= high:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}"
        )
    n = math.prod(shape)
    u = _unit_uniform(_generator(generator), n, dtype)
    if (low, high) == (0, 1):
        values = u  # u·1 + 0 is u exactly
    elif dtype == np.float64:
        values = fma64(u, high - low, low)
    else:  # float32: the bounds are rounded to float32 first, then the width computed
        low_, high_ = f32(low), f32(high)
        values = fma32(u, high_ - low_, low_)
    return values.astype(dtype).reshape(shape)


# ------------------------------------------------------------------- normal numbers


def normal(shape, dtype, mean=0.0, std=1.0, generator=None, contiguous=True):
    """torch.empty(shape, dtype).normal_(mean, std): a new array of PyTorch's values.

    `contiguous=False` is for filling a non-contiguous view: PyTorch then takes its
    small-size path whatever the size (the caller passes the values in memory order).
    """
    dtype = np.dtype(dtype)
    _check_float(dtype, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    generator = _generator(generator)
    n = math.prod(shape)
    if n >= 16 and contiguous and dtype == np.float32:
        values = _box_muller_blocks(generator, n, np.float32, mean, std)
    elif n >= 16 and contiguous:
        values = _box_muller_blocks(generator, n, np.float64, mean, std)
    else:
        values = _box_muller_pairs(generator, n, mean, std)
    return values.astype(dtype).reshape(shape)


def _box_muller_blocks(generator, n, dtype, mean, std):
    """The vectorised kernel: n uniforms, then Box-Muller on blocks of 16 (8 pairs)."""
    u = _unit_uniform(generator, n, dtype)
    values = _box_muller_16(u[: n - n % 16], dtype, mean, std)
    if n % 16:
        # PyTorch then draws 16 fresh uniforms for the last 16 places and transforms them:
        # they replace the untransformed remainder and the end of the last full block.
        tail = _box_muller_16(_unit_uniform(generator, 16, dtype), dtype, mean, std)
        values = np.concatenate([values[: n - 16], tail])
    return values


def _scale_shift(z, std, mean, fma):
    """z·std + mean rounded once; for the standard normal that is z itself."""
    return z if (std, mean) == (1, 0) else fma(z, std, mean)


def _box_muller_16(u, dtype, mean, std):
    """Each block of 16 uniforms: u1 = 1 - u[0:8], u2 = u[8:16] → 16 normals."""
    blocks = u.reshape(-1, 2, 8)
    u1, u2 = 1 - blocks[:, 0], blocks[:, 1]  # 1 - u is in (0, 1]: safe for log
    if dtype == np.float32:
        radius = np.sqrt(f32(-2) * log_avx2(u1))
        sin, cos = sincos_avx2(f32(2 * math.pi) * u2)
        pair = [_scale_shift(radius * c, f32(std), f32(mean), fma32) for c in (cos, sin)]
    else:
        radius = np.sqrt(-2 * np.log(u1))
        theta = 2 * math.pi * u2
        pair = [_scale_shift(radius * c, std, mean, fma64) for c in (np.cos(theta), np.sin(theta))]
    return np.stack(pair, axis=1).reshape(-1)


def _box_muller_pairs(generator, n, mean, std):
    """The element-by-element kernel (in float64), vectorised: cos, sin, cos, sin, ...

    Each call to PyTorch's sampler returns r·cos θ of a fresh pair and caches r·sin θ for
    the next call, so the values come out as the pairs' cos and sin interleaved, after
    the cached value of an earlier call if there is one.
    """
    values = []
    if n and generator._normal_cache is not None:
        values.append(np.array([generator._normal_cache]))
        generator._normal_cache = None
    pairs = (n - len(values) + 1) // 2
    u = _unit_uniform(generator, 2 * pairs, np.float64).reshape(pairs, 2)
    radius = np.sqrt(-2.0 * np.log1p(-u[:, 1]))
    theta = 2.0 * math.pi * u[:, 0]
    fresh = np.stack([radius * np.cos(theta), radius * np.sin(theta)], axis=1).reshape(-1)
    values.append(fresh)
    values = np.concatenate(values)
    if len(values) > n:  # an odd count: the last sin waits in the cache
        generator._normal_cache = float(values[-1])
        values = values[:n]
    return _scale_shift(values, std, mean, fma64)


# ------------------------------------------------------------------- integers


def randint(shape, low, high, generator=None):
    """int64 values in [low, high): low + draw % (high - low), as torch.randint.

    From a span of 2²⁸ on, the modulo of a 32-bit draw would favour small values by up to
    about 5%, so PyTorch takes a 64-bit draw (two words) instead.
    """
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    generator = _generator(generator)
    n, span = math.prod(shape), high - low
    raw = generator.draw64(n) if span >= 2**28 else generator.draw32(n)
    return ((raw % np.uint64(span)).astype(np.int64) + low).reshape(shape)


def random_full_range(shape, top, generator=None):
    """Values in [0, top] for `t.random_()`: here PyTorch keeps 32-bit draws while the range
    fits in 32 bits (randint switches at 2²⁸), e.g. int32's [0, 2³¹ - 1]."""
    generator = _generator(generator)
    n, span = math.prod(shape), top + 1
    raw = generator.draw64(n) if span > 2**32 else generator.draw32(n)
    return (raw % np.uint64(span)).astype(np.int64).reshape(shape)


def randperm(n, generator=None):
    """A random order of 0 … n-1: PyTorch's Fisher-Yates shuffle.

    Draws are vectorised; the swaps depend on each other, so they run in a loop over a
    Python list (about 10⁶ swaps a second), as PyTorch's own kernel loops in C.
    """
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if n >= (2**32 - 1) // 20:
        raise NotImplementedError(
            "randperm of n >= 214748364 (PyTorch's other algorithm) is not in autograd_lesson"
        )
    order = list(range(n))
    if n > 1:
        draws = _generator(generator).draw32(n - 1)
        offsets = (draws % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
        for i, offset in enumerate(offsets):
            j = i + offset
            order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


# ------------------------------------------------------------------- Bernoulli


def bernoulli_scalar(shape, p, generator=None):
    """1.0 where a float64 uniform (two draws) is below p, else 0.0: bernoulli_(p)."""
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    u = _unit_uniform(_generator(generator), math.prod(shape), np.float64)
    return (u < p).reshape(shape)


def bernoulli_tensor(probabilities, generator=None):
    """torch.bernoulli(probs): one uniform per element in the probabilities' own precision."""
    probabilities = np.asarray(probabilities)
    if probabilities.dtype not in (np.float32, np.float64):
        raise NotImplementedError("bernoulli of non-float probabilities in autograd_lesson")
    if probabilities.size and not ((probabilities >= 0) & (probabilities <= 1)).all():
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)"
        )
    u = _unit_uniform(_generator(generator), probabilities.size, probabilities.dtype)
    return u.reshape(probabilities.shape) < probabilities


def dropout_mask(array, p, generator=None):
    """What F.dropout multiplies `array` by: 0, or 1/(1-p), in the array's dtype.

    PyTorch fills a tensor shaped like the input with bernoulli_(1 - p), then divides it
    by 1 - p (rounded to the input's dtype).
    """
    keep = bernoulli_like(array, 1 - p, generator)
    return keep / array.dtype.type(1 - p)


# ------------------------------------------------------------------- filling views


def memory_order(array):
    """A view of `array` whose C order is its memory order (PyTorch fills tensors that way).

    PyTorch's kernels visit a non-contiguous tensor (a transpose, say) in the order its
    elements lie in memory, not in index order, so draws land where PyTorch puts them.
    """
    axes = sorted(range(array.ndim), key=lambda axis: -abs(array.strides[axis]))
    return array.transpose(axes)


def uniform_like(array, low=0.0, high=1.0, generator=None):
    """The values PyTorch's `t.uniform_(low, high)` writes into a tensor holding `array`."""
    return _fill_like(array, lambda shape: uniform(shape, array.dtype, low, high, generator))


def normal_like(array, mean=0.0, std=1.0, generator=None):
    """The values PyTorch's `t.normal_(mean, std)` writes into a tensor holding `array`."""
    contiguous = array.flags.c_contiguous
    return _fill_like(
        array, lambda shape: normal(shape, array.dtype, mean, std, generator, contiguous)
    )


def bernoulli_like(array, p, generator=None):
    """The values PyTorch's `t.bernoulli_(p)` (a float p) writes into a tensor holding `array`."""
    return _fill_like(
        array, lambda shape: bernoulli_scalar(shape, p, generator).astype(array.dtype)
    )


def _fill_like(array, draw):
    result = np.empty_like(array)
    target = memory_order(result)
    target[...] = draw(target.shape)
    return result
