"""Named bit widths and the integer helpers shared by every emulator stage.

Every register of the emulated chip has a named width here, and every
fixed-point product is formed by one of the helpers below, so that the
rounding rule of each step is written down exactly once.

Rounding rules
--------------
``round_shift(x, s)``
    ``(x + 2**(s-1)) >> s`` with an arithmetic shift: round half up (towards
    +inf), also for negative ``x``.
``decay_floor(x, D)``
    ``(x * D) >> 24``: one decay step, rounded towards -inf.

All arithmetic is on ``numpy.int64``; the widths below guarantee that no
intermediate product exceeds 63 bits (the bound is given next to each width).
Decay constants are derived from exact decimal arithmetic (:mod:`decimal`
computes ``exp`` correctly rounded in software), never from the platform's
libm, so every machine obtains the same integers.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np

from firmware_io.constants import PARAM_BITS, TICKS_PER_CYCLE

# --- membrane -------------------------------------------------------------------
#: Fraction bits below one 10-bit voltage code in the membrane register.
V_FRAC_BITS = 12
#: Width of the (unsigned) membrane register: 11 integer bits + 12 fraction bits.
#: Voltage code ``c`` is register ``c << 12``; the extra integer bit is headroom
#: above code 1023 (0 mV) for reversal potentials that mismatch lifts above the
#: top of the code range. The rails are 0 (-102.3 mV) and ``V_MAX`` (+102.5 mV).
V_BITS = PARAM_BITS + 1 + V_FRAC_BITS  # 23
#: Largest membrane register value (the top rail).
V_MAX = (1 << V_BITS) - 1

# --- conductances (in "membrane fraction per cycle", g * dt / C) -----------------
#: Fraction bits of a conductance register: 1.0 (the whole gap to the reversal
#: potential in one cycle) is ``1 << G_FRAC_BITS``.
G_FRAC_BITS = 30
#: Width of an unsigned conductance register; it saturates at ``G_MAX``
#: (8.0 membrane fractions per cycle, far above any realistic total).
G_BITS = G_FRAC_BITS + 3  # 33
G_MAX = (1 << G_BITS) - 1
# Bounds: G (33 bits) * a membrane value (23 bits) < 2**56, the sum of three such
# products and V << 30 (2**53) < 2**58.

#: Fraction bits of the per-cycle decay multipliers (``D = round(2**24 * exp(-dt/tau))``).
DECAY_FRAC_BITS = 24
# Bound: G (33 bits) * D (24 bits) < 2**57.

# --- synapse drivers ------------------------------------------------------------------
#: Fraction bits of the short-term plasticity state ("inactive fraction" I in [0, 1)).
STP_FRAC_BITS = 16
STP_MAX = (1 << STP_FRAC_BITS) - 1
#: The STP factor applied to an event is ``1 - I`` or ``1 + I`` in Q16, i.e. at most
#: 17 bits; a row amplitude (Q30 conductance per weight LSB) at most 26 bits, a weight
#: 4 bits, a synapse gain (Q10) 11 bits: 4 + 11 + 26 + 17 = 58 bits per increment product.
ROW_AMPLITUDE_BITS = G_FRAC_BITS - 4  # 26
ROW_AMPLITUDE_MAX = (1 << ROW_AMPLITUDE_BITS) - 1

# --- STDP --------------------------------------------------------------------------------
#: Width of each per-synapse correlation accumulator (saturating).
STDP_ACC_BITS = 16
STDP_ACC_MAX = (1 << STDP_ACC_BITS) - 1
#: The 10-bit threshold code is compared with the accumulator after this shift,
#: so one threshold LSB is 16 accumulator LSBs (about 1/64 of one maximal pairing).
STDP_THRESHOLD_SHIFT = 4
#: Pairings further apart than this many ticks (204.8 ms biological) add nothing.
STDP_WINDOW_TICKS = 1 << 16

# --- time ------------------------------------------------------------------------------
#: Ticks per system clock cycle; the emulator's update step is one cycle.
TICKS = TICKS_PER_CYCLE
#: Sentinel time stamp for "never happened": far enough in the past that any
#: difference with a real time stamp lies outside every window.
NEVER = -(1 << 40)


def round_shift(x: np.ndarray | int, shift: int) -> np.ndarray | int:
    """Divide by ``2**shift`` rounding half up (towards +inf).

    Parameters
    ----------
    x
        Integer array or Python int (int64 range).
    shift
        Number of fraction bits to drop, >= 1.
    """
    return (x + (1 << (shift - 1))) >> shift


def check_width(name: str, x: np.ndarray, lo: int, hi: int) -> None:
    """Raise :class:`OverflowError` if any element of ``x`` lies outside ``[lo, hi]``.

    Used by the emulator's strict mode (on in the test-suite) to prove that a
    register never leaves its stated width.
    """
    if x.size and (int(x.min()) < lo or int(x.max()) > hi):
        raise OverflowError(f"emulator register {name}: value range [{int(x.min())}, {int(x.max())}] "
                            f"leaves its width [{lo}, {hi}]")


def exact_exp_neg(ratio: Decimal, frac_bits: int) -> int:
    """``round(2**frac_bits * exp(-ratio))`` computed exactly in decimal arithmetic.

    Rounding is half up on the exactly computed value (50 significant digits,
    far more than any tie needs), independent of the platform's libm.
    """
    with localcontext() as ctx:
        ctx.prec = 50
        value = (-ratio).exp() * Decimal(1 << frac_bits)
        return int((value + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR"))


def decay_floor(x: np.ndarray, multiplier: np.ndarray | int, frac_bits: int = DECAY_FRAC_BITS,
                out: np.ndarray | None = None) -> np.ndarray:
    """One exponential-decay step ``floor(x * D / 2**frac_bits)``.

    Flooring makes every positive register reach 0 after finitely many steps
    (``floor(x*D/2**f) < x`` whenever ``D < 2**f`` and ``x >= 1``).
    """
    out = np.multiply(x, multiplier, out=out)
    return np.right_shift(out, frac_bits, out=out)


def power_table(multiplier: int, length: int, amplitude: int, frac_bits: int = 30) -> np.ndarray:
    """``T[k] = amplitude * D**k`` in integers, for ``k = 0 .. length-1``.

    ``D = multiplier / 2**frac_bits``. The powers are built by doubling with
    round-half-up after every product (``P[j + m] = round(P[j] * P[m])``,
    ``m = 1, 2, 4, ...``), then scaled by ``amplitude`` and rounded half up.
    The rule depends on integers only, so the table is identical everywhere.
    ``frac_bits <= 31`` keeps every product below 2**62.
    """
    if length <= 0:
        return np.zeros(0, dtype=np.int64)
    one = 1 << frac_bits
    powers = np.empty(length, dtype=np.int64)
    powers[0] = one
    filled = 1
    step_power = int(multiplier)  # D**filled (filled is a power of two in the loop)
    while filled < length:
        n = min(filled, length - filled)
        powers[filled:filled + n] = round_shift(powers[:n] * step_power, frac_bits)
        filled += n
        step_power = int(round_shift(step_power * step_power, frac_bits))
    return round_shift(powers * amplitude, frac_bits)
