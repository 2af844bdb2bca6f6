"""Nominal transfer functions between 10-bit codes and biological values.

"Nominal" means the ideal, mismatch-free chip: the value a code produces on
a chip without fixed-pattern deviations (see :mod:`firmware_io.mismatch` for
the deviations and ``calibration/`` for correcting them). Every transfer
function is linear, ``value = zero + lsb * code``, over codes 0..1023, in
PyNN units (mV, nS, uS, ms; dimensionless for STP utilisation and the STDP
threshold).

Rounding (value -> code): round to the nearest code, ties to even
(``numpy.rint``). A value more than half an LSB outside the representable
range raises :class:`~firmware_io.errors.CodeRangeError` unless
``clip=True``, which saturates at code 0 or 1023.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .constants import PARAM_MAX, SIGN, SPEEDUP, TICK_BIO_MS, TICKS_PER_CYCLE
from .errors import CodeRangeError

#: Fixed excitatory reversal potential: the top of the voltage range (mV).
E_REV_E_MV = 0.0
#: Fixed membrane capacitance (nF).
CM_NF = 0.2


@dataclass(frozen=True)
class LinearCode:
    """A linear 10-bit code: ``value = zero + lsb * code``.

    Parameters
    ----------
    name : str
        Quantity name used in error messages.
    unit : str
        Unit of the value (PyNN units).
    lsb : float
        Value step per code (in ``unit``).
    zero : float
        Value of code 0 (in ``unit``).
    """

    name: str
    unit: str
    lsb: float
    zero: float = 0.0
    max_code: int = PARAM_MAX

    @property
    def min_value(self) -> float:
        """Value of code 0."""
        return self.zero

    @property
    def max_value(self) -> float:
        """Value of the largest code."""
        # rounded so that, e.g., the voltage range ends at exactly 0 mV
        return round(self.zero + self.lsb * self.max_code, 12) + 0.0

    def to_value(self, code: ArrayLike) -> np.ndarray:
        """Nominal value (float64) of integer codes."""
        c = np.asarray(code)
        if np.any((c < 0) | (c > self.max_code)):
            bad = c[(c < 0) | (c > self.max_code)].ravel()[0]
            raise CodeRangeError(f"{self.name} code {int(bad)} is out of range; valid: 0..{self.max_code}")
        return self.zero + self.lsb * c.astype(np.float64)

    def to_code(self, value: ArrayLike, clip: bool = False) -> np.ndarray:
        """Nearest code (uint16) of values; ties round to even.

        Raises
        ------
        CodeRangeError
            If a value is NaN or lies more than half an LSB outside
            ``[min_value, max_value]`` and ``clip`` is False.
        """
        v = np.asarray(value, dtype=np.float64)
        exact = (v - self.zero) / self.lsb
        code = np.rint(exact)
        bad = np.isnan(code) if clip else ~((code >= 0) & (code <= self.max_code))
        if np.any(bad):
            x = float(v[bad].ravel()[0])
            raise CodeRangeError(
                f"{self.name} {x!r} {self.unit} cannot be represented; valid: "
                f"{self.min_value:g}..{self.max_value:g} {self.unit} (LSB {self.lsb:g} {self.unit})"
            )
        return np.clip(code, 0, self.max_code).astype(np.uint16)


#: v_rest, v_reset, v_thresh, e_rev_I: -102.3..0 mV in 0.1 mV steps; code
#: 1023 equals the fixed e_rev_E.
VOLTAGE = LinearCode("voltage", "mV", lsb=0.1, zero=-102.3)
#: Leak conductance: 0..102.3 nS; tau_m = CM_NF / g_leak (20 ms <-> 10 nS).
G_LEAK = LinearCode("g_leak", "nS", lsb=0.1)
#: Refractory period: 0..25.575 ms in 0.025 ms steps (8 time-stamp ticks).
TAU_REFRAC = LinearCode("tau_refrac", "ms", lsb=0.025)
#: PSC (conductance) decay time constant of a row: 0..51.15 ms, 0.05 ms steps.
ROW_TAU = LinearCode("row_tau", "ms", lsb=0.05)
#: Conductance per weight LSB of an excitatory row; code 256 = 0.001 uS.
ROW_STRENGTH_EXC = LinearCode("row_strength (excitatory)", "uS", lsb=0.001 / 256)
#: Conductance per weight LSB of an inhibitory row; code 256 = 0.016 uS.
ROW_STRENGTH_INH = LinearCode("row_strength (inhibitory)", "uS", lsb=0.016 / 256)
#: STP utilisation U: 0..1.
STP_U = LinearCode("stp_u", "", lsb=1.0 / PARAM_MAX)
#: STP recovery time constant: 0..1023 ms.
STP_TAU_REC = LinearCode("stp_tau_rec", "ms", lsb=1.0)
#: STP facilitation time constant: 0..1023 ms.
STP_TAU_FACIL = LinearCode("stp_tau_facil", "ms", lsb=1.0)
#: STDP correlation time constant: 0..102.3 ms.
STDP_TAU = LinearCode("stdp_tau", "ms", lsb=0.1)
#: STDP flag threshold in units of one pairing at zero time difference: 0..15.98.
STDP_THRESHOLD = LinearCode("stdp_threshold", "pairings", lsb=1.0 / 64)

#: Row strength code for the facts' nominal driver strength.
ROW_STRENGTH_NOMINAL_CODE = 256


def voltage_to_code(mv: ArrayLike, clip: bool = False) -> np.ndarray:
    """Voltage code(s) of value(s) in mV."""
    return VOLTAGE.to_code(mv, clip)


def code_to_voltage(code: ArrayLike) -> np.ndarray:
    """Nominal voltage(s) in mV of code(s)."""
    return VOLTAGE.to_value(code)


def g_leak_to_code(ns: ArrayLike, clip: bool = False) -> np.ndarray:
    """g_leak code(s) of leak conductance(s) in nS."""
    return G_LEAK.to_code(ns, clip)


def code_to_g_leak(code: ArrayLike) -> np.ndarray:
    """Nominal leak conductance(s) in nS of code(s)."""
    return G_LEAK.to_value(code)


def tau_m_to_code(tau_m_ms: ArrayLike, clip: bool = False) -> np.ndarray:
    """g_leak code(s) giving membrane time constant(s) in ms (cm fixed at 0.2 nF)."""
    tau = np.asarray(tau_m_ms, dtype=np.float64)
    with np.errstate(divide="ignore"):
        g_ns = CM_NF * 1e3 / tau  # 0.2 nF / 1 ms = 200 nS
    return G_LEAK.to_code(g_ns, clip)


def code_to_tau_m(code: ArrayLike) -> np.ndarray:
    """Nominal membrane time constant(s) in ms of g_leak code(s); code 0 gives inf."""
    with np.errstate(divide="ignore"):
        return CM_NF * 1e3 / G_LEAK.to_value(code)


def tau_refrac_to_code(ms: ArrayLike, clip: bool = False) -> np.ndarray:
    """tau_refrac code(s) of refractory period(s) in ms."""
    return TAU_REFRAC.to_code(ms, clip)


def code_to_tau_refrac(code: ArrayLike) -> np.ndarray:
    """Nominal refractory period(s) in ms of code(s)."""
    return TAU_REFRAC.to_value(code)


def row_tau_to_code(ms: ArrayLike, clip: bool = False) -> np.ndarray:
    """row_tau code(s) of PSC decay time constant(s) in ms."""
    return ROW_TAU.to_code(ms, clip)


def code_to_row_tau(code: ArrayLike) -> np.ndarray:
    """Nominal PSC decay time constant(s) in ms of code(s)."""
    return ROW_TAU.to_value(code)


def _strength_scale(sign: ArrayLike) -> np.ndarray:
    s = np.asarray(sign)
    if np.any((s != SIGN.EXCITATORY) & (s != SIGN.INHIBITORY)):
        raise CodeRangeError(
            f"row_sign {int(s[(s != 0) & (s != 1)].ravel()[0])} is invalid; valid: 0 (EXCITATORY), 1 (INHIBITORY)"
        )
    return np.where(s == SIGN.INHIBITORY, ROW_STRENGTH_INH.lsb, ROW_STRENGTH_EXC.lsb)


def strength_to_code(us_per_lsb: ArrayLike, sign: ArrayLike, clip: bool = False) -> np.ndarray:
    """row_strength code(s) of conductance(s) per weight LSB in uS, for row sign(s).

    Raises
    ------
    CodeRangeError
        If a value needs a code above 1023 (max 0.003996 uS exc, 0.06394 uS inh).
    """
    v = np.asarray(us_per_lsb, dtype=np.float64)
    lsb = _strength_scale(sign)
    v, lsb = np.broadcast_arrays(v, lsb)
    code = np.rint(v / lsb)
    bad = np.isnan(code) if clip else ~((code >= 0) & (code <= PARAM_MAX))
    if np.any(bad):
        x, step = float(v[bad].ravel()[0]), float(lsb[bad].ravel()[0])
        raise CodeRangeError(
            f"row_strength {x!r} uS per weight LSB cannot be represented; valid: 0..{step * PARAM_MAX:g} uS "
            f"(LSB {step:g} uS) for this row sign"
        )
    return np.clip(code, 0, PARAM_MAX).astype(np.uint16)


def code_to_strength(code: ArrayLike, sign: ArrayLike) -> np.ndarray:
    """Nominal conductance per weight LSB in uS of row_strength code(s) and sign(s)."""
    scale = _strength_scale(sign)
    return ROW_STRENGTH_EXC.to_value(code) / ROW_STRENGTH_EXC.lsb * scale


def synapse_conductance(weight: ArrayLike, strength_code: ArrayLike, sign: ArrayLike) -> np.ndarray:
    """Nominal peak conductance in uS of a synapse: weight * conductance per LSB."""
    return np.asarray(weight, dtype=np.float64) * code_to_strength(strength_code, sign)


def ms_to_ticks(ms: ArrayLike) -> np.ndarray:
    """Biological times in ms -> event time stamps in ticks (uint64, 3.125 us each).

    Rounds to the nearest tick (``numpy.rint`` of ``ms / TICK_BIO_MS``).

    Raises
    ------
    CodeRangeError
        If a time is negative (beyond half a tick), NaN or infinite.
    """
    ms = np.asarray(ms, dtype=np.float64)
    ticks = np.rint(ms / TICK_BIO_MS)
    bad = ~np.isfinite(ticks) | (ticks < 0)
    if np.any(bad):
        raise CodeRangeError(f"time {float(ms[bad].ravel()[0])!r} ms cannot be a time stamp; valid: >= 0 ms")
    return ticks.astype(np.uint64)


def ticks_to_ms(ticks: ArrayLike) -> np.ndarray:
    """Event time stamps in ticks -> biological times in ms (float64)."""
    return np.asarray(ticks, dtype=np.uint64).astype(np.float64) * TICK_BIO_MS


def ticks_to_cycles(ticks: ArrayLike) -> np.ndarray:
    """The system clock cycle (0.1 ms bio) each time stamp falls in."""
    return np.asarray(ticks, dtype=np.uint64) // np.uint64(TICKS_PER_CYCLE)


def hardware_rate_to_bio(events_per_s: ArrayLike) -> np.ndarray:
    """An event rate in hardware time -> the same rate in biological time (divided by the speed-up)."""
    return np.asarray(events_per_s, dtype=np.float64) / SPEEDUP
