"""Integer coefficients of one chip: configuration codes + mismatch -> register constants.

The emulator never evaluates a transfer function while it runs. At load time
every code is turned, through :func:`firmware_io.mismatch.chip_physics` (the
nominal transfer functions of :mod:`firmware_io.units` times the chip's
fixed-pattern mismatch), into the integer constants that the update rules
multiply with. Each conversion is exact decimal arithmetic on the float64
values ``chip_physics`` returns (those are bit-identical on every IEEE-754
machine), rounded half up, so the constants are the same everywhere.

Conversions (dt = one cycle = 0.1 ms, C = 0.2 nF):

* voltages: ``V = round((mV - VOLTAGE.zero) / VOLTAGE.lsb * 2**12)``, clamped to
  the rails ``[0, V_MAX]``;
* leak: ``G_L = round(2**30 * (exp(g_leak * dt / C) - 1))`` (with the
  backward-Euler membrane step the pure leak then decays by exactly
  ``exp(-dt / tau_m)`` per cycle);
* refractory period: ``round(tau_refrac / 3.125 us)`` ticks;
* conductance classes: the rows of one block with the same sign and
  ``row_tau`` code share one decay register per neuron (see
  :mod:`emulator.synapse_rows`); its multiplier is
  ``D = round(2**24 * exp(-dt / tau))`` with ``tau`` the class's nominal
  ``row_tau`` times the mean ``row_tau_gain`` of its rows, and each row's
  amplitude is scaled by ``gain_row / mean_gain`` so that every row keeps the
  conductance integral (charge) that ``chip_physics`` gives it;
* row amplitude: ``A = round(2**30 * g_lsb * dt / C)`` (per weight LSB, with
  the row's strength gain and the charge correction above);
* synapse gain (``neuron_gain_<sign> * synapse_gain``): ``round(2**10 * gain)``;
* STP: ``U = round(2**16 * u)``, decay multipliers as for conductances;
* STDP: a window table ``T[dt_ticks] = round(1024 * exp(-dt / stdp_tau))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext

import numpy as np

from firmware_io.chip_config import ChipConfig
from firmware_io.constants import (
    BLOCKS_PER_CHIP,
    CYCLE_BIO_MS,
    PARAM_MAX,
    ROW_SOURCE,
    ROWS_PER_BLOCK,
    SIGN,
)
from firmware_io.mismatch import ChipMismatch, chip_physics
from firmware_io import units

from .arithmetic import (
    DECAY_FRAC_BITS,
    G_FRAC_BITS,
    ROW_AMPLITUDE_MAX,
    STDP_THRESHOLD_SHIFT,
    STDP_WINDOW_TICKS,
    STP_FRAC_BITS,
    V_FRAC_BITS,
    V_MAX,
    exact_exp_neg,
    power_table,
)

#: Fraction bits of the per-synapse gain factor (neuron gain x synapse gain).
SYN_GAIN_FRAC_BITS = 10
#: Amplitude of one STDP pairing at zero time difference (accumulator LSBs).
STDP_PAIR_AMPLITUDE = 1 << 10
#: Fraction bits of the per-tick STDP window multiplier used to build the table.
_STDP_TABLE_FRAC_BITS = 30

_CYCLE = Decimal(repr(CYCLE_BIO_MS))      # 0.1 ms, exactly
_TICK = _CYCLE / 32                       # 3.125 us, exactly
_CM_NF = Decimal(repr(units.CM_NF))


def _dec(x: float) -> Decimal:
    """Exact decimal value of a float64."""
    return Decimal(float(x))


def _round_half_up(x: Decimal) -> int:
    return int((x + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR))


#: Converted values by conversion: boards of many chips repeat the same few values.
_CACHE: dict[tuple, dict[float, int]] = {}
_CACHE_LIMIT = 1 << 16


def _map(fn, values: np.ndarray, key: tuple | None = None) -> np.ndarray:
    # each distinct value is converted once (and, with a key, once per process): same integers, less time
    arr = np.asarray(values, dtype=np.float64).ravel()
    uniq = np.array(sorted(set(arr.tolist())), dtype=np.float64)
    inverse = np.searchsorted(uniq, arr)
    if key is None:
        flat = [fn(_dec(v)) for v in uniq.tolist()]
    else:
        cache = _CACHE.setdefault(key, {})
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        flat = [cache[v] if v in cache else cache.setdefault(v, fn(_dec(v))) for v in uniq.tolist()]
    return np.asarray(flat, dtype=np.int64)[inverse].reshape(np.shape(values))


def voltage_register(mv: np.ndarray) -> np.ndarray:
    """Membrane-register value of voltages in mV, clamped to the rails."""
    zero, lsb = _dec(units.VOLTAGE.zero), Decimal(repr(units.VOLTAGE.lsb))
    with localcontext() as ctx:
        ctx.prec = 50
        reg = _map(lambda v: _round_half_up((v - zero) / lsb * (1 << V_FRAC_BITS)), mv, ("v",))
    return np.clip(reg, 0, V_MAX)


def decay_register(tau_ms: np.ndarray, step_ms: Decimal = _CYCLE,
                   frac_bits: int = DECAY_FRAC_BITS) -> np.ndarray:
    """``round(2**frac_bits * exp(-step / tau))``; ``tau <= 0`` gives 0 (no memory)."""
    def one(tau: Decimal) -> int:
        if tau <= 0:
            return 0
        with localcontext() as ctx:
            ctx.prec = 50
            return exact_exp_neg(step_ms / tau, frac_bits)
    return _map(one, tau_ms, ("decay", str(step_ms), frac_bits))


def leak_register(g_leak_ns: np.ndarray) -> np.ndarray:
    """``round(2**30 * (exp(g_leak dt / C) - 1))`` for leak conductances in nS."""
    def one(g: Decimal) -> int:
        if g <= 0:
            return 0
        with localcontext() as ctx:
            ctx.prec = 50
            ratio = g * _CYCLE / (_CM_NF * 1000)   # nS * ms / nF = 1e-3
            return exact_exp_neg(-ratio, G_FRAC_BITS) - (1 << G_FRAC_BITS)
    return _map(one, g_leak_ns, ("leak",))


def conductance_register(g_us: np.ndarray) -> np.ndarray:
    """``round(2**30 * g * dt / C)`` for conductances in uS (uS * ms / nF = 1)."""
    with localcontext() as ctx:
        ctx.prec = 50
        return _map(lambda g: _round_half_up(g * _CYCLE / _CM_NF * (1 << G_FRAC_BITS)), g_us, ("g",))


def refractory_ticks(tau_ms: np.ndarray) -> np.ndarray:
    """Refractory periods in ticks (3.125 us), rounded half up, at least 0."""
    with localcontext() as ctx:
        ctx.prec = 50
        return np.maximum(_map(lambda t: _round_half_up(t / _TICK), tau_ms, ("refrac",)), 0)


def stdp_window_table(stdp_tau_code: int) -> np.ndarray:
    """Pairing amplitude by time difference in ticks, ``T[0] = 1024``.

    ``T[k] = round(1024 * D**k)`` with ``D = exp(-tick / stdp_tau)`` in Q30,
    built by :func:`emulator.arithmetic.power_table`; the table is cut where it
    reaches 0 or at :data:`STDP_WINDOW_TICKS`.
    """
    tau = _dec(units.STDP_TAU.to_value(stdp_tau_code))
    if tau <= 0:
        return np.array([STDP_PAIR_AMPLITUDE], dtype=np.int64)
    d = int(decay_register(np.array([float(tau)]), _TICK, _STDP_TABLE_FRAC_BITS)[0])
    # length until the amplitude drops below 1/2: 1024 * exp(-k tick / tau) < 0.5
    n = 1
    table = np.zeros(0, dtype=np.int64)
    while n <= STDP_WINDOW_TICKS:
        n = min(2 * n, STDP_WINDOW_TICKS)
        table = power_table(d, n, STDP_PAIR_AMPLITUDE, _STDP_TABLE_FRAC_BITS)
        if table[-1] == 0 or n == STDP_WINDOW_TICKS:
            break
    nz = np.flatnonzero(table)
    return table[: int(nz[-1]) + 1].copy()


@dataclass(frozen=True, eq=False)
class ChipCoefficients:
    """Integer constants of one configured chip (all arrays int64).

    Neuron arrays have shape (384,), row arrays (512,) indexed ``block*256+row``,
    synapse arrays (512, 192).
    """

    g_leak: np.ndarray          # leak conductance (Q30)
    v_rest: np.ndarray          # membrane-register values
    v_reset: np.ndarray
    v_thresh: np.ndarray
    e_rev_e: np.ndarray
    e_rev_i: np.ndarray
    refrac_ticks: np.ndarray
    row_source: np.ndarray
    row_sign: np.ndarray
    row_stp: np.ndarray
    row_stdp: np.ndarray        # bool
    row_class: np.ndarray       # conductance class id within the block (per sign), -1 if OFF
    row_amplitude: np.ndarray   # Q30 conductance per weight LSB
    class_decay: dict           # (block, sign, class id) -> Q24 decay multiplier
    weights: np.ndarray         # (512, 192) 4-bit codes
    syn_gain: np.ndarray        # (512, 192) Q10
    stp_u: int                  # Q16
    stp_decay_rec: int          # Q24
    stp_decay_facil: int        # Q24
    stdp_table: np.ndarray
    stdp_threshold: int         # accumulator units
    stdp_lut_causal: np.ndarray
    stdp_lut_acausal: np.ndarray
    readout: np.ndarray


def chip_coefficients(config: ChipConfig, ideal: bool = False) -> ChipCoefficients:
    """Derive the integer constants of ``config``.

    Parameters
    ----------
    config
        The chip configuration (codes).
    ideal
        If True, ignore the serial's fixed-pattern mismatch (nominal chip).
    """
    mismatch = ChipMismatch.ideal(config.serial) if ideal else ChipMismatch.from_serial(config.serial)
    phys = chip_physics(config, mismatch)
    n_rows = BLOCKS_PER_CHIP * ROWS_PER_BLOCK
    source = config.row_source.reshape(n_rows).astype(np.int64)
    sign = config.row_sign.reshape(n_rows).astype(np.int64)
    tau_code = config.row_tau.reshape(n_rows).astype(np.int64)
    tau_gain = mismatch.row_tau_gain.reshape(n_rows)
    block = np.arange(n_rows) // ROWS_PER_BLOCK
    used = source != ROW_SOURCE.OFF

    row_class = np.full(n_rows, -1, dtype=np.int64)
    charge_corr = np.ones(n_rows)
    class_decay: dict = {}
    for b in range(BLOCKS_PER_CHIP):
        for s in (SIGN.EXCITATORY, SIGN.INHIBITORY):
            sel = used & (block == b) & (sign == s)
            codes = sorted(set(tau_code[sel].tolist()))
            for cid, code in enumerate(codes):
                members = sel & (tau_code == code)
                row_class[members] = cid
                mean_gain = math.fsum(tau_gain[members]) / int(members.sum())
                tau = float(units.ROW_TAU.to_value(code)) * mean_gain
                class_decay[(b, int(s), cid)] = int(decay_register(np.array([tau]))[0])
                charge_corr[members] = tau_gain[members] / mean_gain

    per_lsb_us = units.code_to_strength(config.row_strength, config.row_sign) * mismatch.row_strength_gain
    amplitude = conductance_register(per_lsb_us.reshape(n_rows) * charge_corr)
    if int(amplitude.max(initial=0)) > ROW_AMPLITUDE_MAX:  # cannot happen with 10-bit codes and sane gains
        raise OverflowError(f"row amplitude {int(amplitude.max())} exceeds {ROW_AMPLITUDE_MAX}")
    if ideal:   # every gain is exactly 1: round(1024 * 1 * 1) = 1024
        syn_gain = np.full((n_rows, mismatch.synapse_gain.size // n_rows), 1 << SYN_GAIN_FRAC_BITS, dtype=np.int64)
    else:
        neuron_gain = np.where(
            (sign == SIGN.INHIBITORY).reshape(BLOCKS_PER_CHIP, ROWS_PER_BLOCK, 1),
            mismatch.neuron_gain_inh.reshape(BLOCKS_PER_CHIP, 1, -1),
            mismatch.neuron_gain_exc.reshape(BLOCKS_PER_CHIP, 1, -1),
        ).reshape(n_rows, -1)
        gain = neuron_gain * mismatch.synapse_gain.reshape(n_rows, -1)
        syn_gain = np.floor(gain * (1 << SYN_GAIN_FRAC_BITS) + 0.5).astype(np.int64)

    stp_u = (int(config.stp_u) * (2 << STP_FRAC_BITS) + PARAM_MAX) // (2 * PARAM_MAX)
    stp_decays = decay_register(np.array([float(units.STP_TAU_REC.to_value(config.stp_tau_rec)),
                                          float(units.STP_TAU_FACIL.to_value(config.stp_tau_facil))]))
    return ChipCoefficients(
        g_leak=leak_register(phys.g_leak_nS),
        v_rest=voltage_register(phys.v_rest_mV),
        v_reset=voltage_register(phys.v_reset_mV),
        v_thresh=voltage_register(phys.v_thresh_mV),
        e_rev_e=voltage_register(phys.e_rev_E_mV),
        e_rev_i=voltage_register(phys.e_rev_I_mV),
        refrac_ticks=refractory_ticks(phys.tau_refrac_ms),
        row_source=source,
        row_sign=sign,
        row_stp=config.row_stp.reshape(n_rows).astype(np.int64),
        row_stdp=config.row_stdp.reshape(n_rows).astype(bool),
        row_class=row_class,
        row_amplitude=amplitude,
        class_decay=class_decay,
        weights=config.weights.reshape(n_rows, -1).astype(np.int64),
        syn_gain=syn_gain,
        stp_u=int(stp_u),
        stp_decay_rec=int(stp_decays[0]),
        stp_decay_facil=int(stp_decays[1]),
        stdp_table=stdp_window_table(int(config.stdp_tau)),
        stdp_threshold=max(int(config.stdp_threshold) << STDP_THRESHOLD_SHIFT, 1),
        stdp_lut_causal=config.stdp_lut_causal.astype(np.int64),
        stdp_lut_acausal=config.stdp_lut_acausal.astype(np.int64),
        readout=config.readout.astype(np.int64),
    )


