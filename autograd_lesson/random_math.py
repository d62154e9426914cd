"""The floating-point arithmetic inside PyTorch's CPU sampling kernels, reproduced in NumPy.

random.py turns raw 32-bit draws into distributions; this module holds the two pieces of
arithmetic it needs that NumPy does not offer directly:

- `fma32`, `fma64`: a*b + c rounded once. PyTorch's kernels are compiled for AVX2 with FMA,
  and the compiler fuses `x * (to - from) + from` into one fused multiply-add instruction,
  which rounds once where NumPy's `a * b + c` rounds twice. One rounding apart is enough
  to change the last bit, so we compute the exact a*b + c and round it once ourselves.
- `log_avx2`, `sincos_avx2`: the float32 log and sin/cos that torch's AVX2 `normal_` kernel
  uses (avx_mathfun.h, Cephes polynomials evaluated eight lanes at a time). They are not
  libm's functions: to get torch's last bits we evaluate the same polynomials with the
  same roundings, including the multiply-adds the compiler fused (found by experiment:
  only that fusion pattern matches torch on every sample we tried).
"""

import numpy as np

f32 = np.float32


# ---------------------------------------------------------------------- rounding once


def _round_to_odd(high, low):
    """high + low (high = the rounded sum, low = its exact error) rounded to odd in float64.

    Round-to-odd keeps a 'sticky' last bit when the sum is inexact, so that a second
    rounding to a narrower format (or a final add) gives the correctly rounded result.
    """
    bits = high.view(np.int64).copy()
    inexact = low != 0
    too_big = inexact & ((low < 0) == (high > 0))  # |high| > |exact|: step toward zero
    bits[too_big] -= 1
    bits[inexact] |= 1
    return bits.view(np.float64)


def _two_sum(a, b):
    """s, e with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    b_virtual = s - a
    e = (a - (s - b_virtual)) + (b - b_virtual)
    return s, e


def _two_product(a, b):
    """p, e with p = fl(a * b) and p + e = a * b exactly (Dekker's splitting)."""
    p = a * b
    split = 134217729.0  # 2**27 + 1 cuts a double into two 26-bit halves
    a_big = split * a
    a_hi = a_big - (a_big - a)
    a_lo = a - a_hi
    b_big = split * b
    b_hi = b_big - (b_big - b)
    b_lo = b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


def fma32(a, b, c):
    """float32 a*b + c with a single rounding (what the FMA instruction computes).

    a*b is exact in float64 (24 + 24 bits < 53) and the float64 sum is a*b + c rounded to
    53 bits. Rounding that to float32 is then the correctly rounded result, except when
    the float64 sum landed exactly halfway between two float32 numbers: only those few
    (about one in 10⁸) are redone with the exact error and a round-to-odd.
    """
    a64 = np.asarray(a, dtype=f32).astype(np.float64)
    b64 = np.float64(f32(b)) if np.isscalar(b) else np.asarray(b, dtype=f32).astype(np.float64)
    c64 = np.float64(f32(c)) if np.isscalar(c) else np.asarray(c, dtype=f32).astype(np.float64)
    total = a64 * b64 + c64
    result = total.astype(f32)
    halfway = (total.view(np.int64) & 0x1FFFFFFF) == 0x10000000
    if halfway.any():
        a64, b64, c64 = (np.broadcast_to(v, total.shape)[halfway] for v in (a64, b64, c64))
        exact_total, error = _two_sum(a64 * b64, c64)
        result[halfway] = _round_to_odd(exact_total, error).astype(f32)
    return result


def fma64(a, b, c):
    """float64 a*b + c with a single rounding (Boldo and Melquiond's emulation)."""
    a, b, c = (np.asarray(v, dtype=np.float64) for v in (a, b, c))
    product, product_error = _two_product(a, b)
    total, total_error = _two_sum(product, c)
    rest, rest_error = _two_sum(product_error, total_error)
    return total + _round_to_odd(np.asarray(rest), np.asarray(rest_error))


# ------------------------------------------------------------- torch's AVX2 log, sin, cos

_LOG_POLYNOMIAL = [  # Cephes logf, highest power first
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
]  # fmt: skip


def log_avx2(x):
    """Natural log of positive float32 values, as torch's log256_ps computes it.

    x = m·2^e with m in [√½, √2); log x = e·ln2 + log m, log m from a polynomial in m - 1,
    ln 2 split in two constants (0.693359375 - 2.12194440e-4) to keep the product exact.
    """
    x = np.asarray(x, dtype=f32)
    bits = x.view(np.int32)
    exponent = ((bits >> 23) - 0x7F).astype(f32) + f32(1)
    mantissa = ((bits & ~0x7F800000) | 0x3F000000).view(f32)  # m in [0.5, 1)
    small = mantissa < f32(0.707106781186547524)
    exponent = exponent - np.where(small, f32(1), f32(0))
    m = (mantissa - f32(1)) + np.where(small, mantissa, f32(0))  # m - 1, or 2m - 1
    m_squared = m * m
    y = np.full_like(m, f32(_LOG_POLYNOMIAL[0]))
    for coefficient in _LOG_POLYNOMIAL[1:]:
        y = fma32(y, m, f32(coefficient))
    y = y * m
    y = fma32(y, m_squared, exponent * f32(-2.12194440e-4))
    y = fma32(-m_squared, f32(0.5), y)
    return fma32(exponent, f32(0.693359375), m + y)


def sincos_avx2(x):
    """(sin x, cos x) of non-negative float32 values, as torch's sincos256_ps computes them.

    Reduce x by the nearest multiple j of π/4 (π/4 split in three constants), then evaluate
    Cephes' sine or cosine polynomial on the remainder; j says which one and which sign.
    """
    x = np.asarray(x, dtype=f32)
    j = (x * f32(1.27323954473516)).astype(np.int32)  # x·4/π, truncated
    j = (j + 1) & ~1
    y = j.astype(f32)
    for piece in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = fma32(y, f32(piece), x)
    z = x * x
    cos_poly = fma32(np.full_like(z, f32(2.443315711809948e-5)), z, f32(-1.388731625493765e-3))
    cos_poly = fma32(cos_poly, z, f32(4.166664568298827e-2)) * z
    cos_poly = fma32(cos_poly, z, -(z * f32(0.5))) + f32(1)
    sin_poly = fma32(np.full_like(z, f32(-1.9515295891e-4)), z, f32(8.3321608736e-3))
    sin_poly = fma32(sin_poly, z, f32(-1.6666654611e-1)) * z
    sin_poly = fma32(sin_poly, x, x)
    use_sin_poly = (j & 2) == 0
    sin = np.where(use_sin_poly, sin_poly, cos_poly)
    cos = np.where(use_sin_poly, cos_poly, sin_poly)
    sin = np.where((j & 4) != 0, -sin, sin)
    cos = np.where(((j - 2) & 4) == 0, -cos, cos)
    return sin, cos
