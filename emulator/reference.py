"""Float64 reference of the emulator's equations (not bit-accurate).

Same time step, same order of work, same conductance classes, STP rule,
threshold, interpolated fine spike time and refractoriness as the integer
model, but every quantity is a float64 computed from the physical values of
:func:`firmware_io.mismatch.chip_physics` without quantisation (no fixed-point
coefficients, no rounding of the membrane, conductances or STP state, no
register saturation). The difference between the two is the emulator's
quantisation error; ``docs/hardware.md`` states its bounds and the tests check
them. Covers one or more chips with feedback rows; no inter-chip routing,
bandwidth limits or STDP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from firmware_io import units
from firmware_io.chip_config import ChipConfig
from firmware_io.constants import (
    CYCLE_BIO_MS,
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    ROW_SOURCE,
    ROWS_PER_BLOCK,
    ROWS_PER_CHIP,
    SIGN,
    STP_MODES,
    TICK_BIO_MS,
    TICKS_PER_CYCLE,
)
from firmware_io.mismatch import ChipMismatch, chip_physics

from .board_setup import feedback_targets


@dataclass(frozen=True, eq=False)
class ReferenceResult:
    """Spikes (neuron global index, tick), membrane (mV) and conductances per cycle."""

    spike_neurons: np.ndarray
    spike_ticks: np.ndarray
    v_mv: np.ndarray        # (n_cycles, n_neurons) after each cycle
    g_exc: np.ndarray       # (n_cycles, n_neurons) g dt / C used in each cycle's update
    g_inh: np.ndarray
    stp_factor: np.ndarray  # factor applied to each delivered event, in delivery order


class ReferenceBoard:
    """Float64 model of the same equations as :class:`emulator.board.Board`.

    Parameters
    ----------
    configs
        One configuration per chip.
    ideal
        Use nominal chips (no fixed-pattern mismatch).
    """

    bit_accurate: ClassVar[bool] = False

    def __init__(self, configs: list[ChipConfig], ideal: bool = False) -> None:
        self.configs = configs
        n = len(configs) * NEURONS_PER_CHIP
        phys, mism = [], []
        for c in configs:
            m = ChipMismatch.ideal(c.serial) if ideal else ChipMismatch.from_serial(c.serial)
            mism.append(m)
            phys.append(chip_physics(c, m))
        cat = lambda name: np.concatenate([getattr(p, name) for p in phys])  # noqa: E731
        ratio = cat("g_leak_nS") * CYCLE_BIO_MS / (units.CM_NF * 1000.0)
        self.leak = np.expm1(ratio)
        self.v_rest, self.v_reset = cat("v_rest_mV"), cat("v_reset_mV")
        self.v_thresh, self.e_e, self.e_i = cat("v_thresh_mV"), cat("e_rev_E_mV"), cat("e_rev_I_mV")
        self.refrac_ticks = np.floor(cat("tau_refrac_ms") / TICK_BIO_MS + 0.5).astype(np.int64)
        self.n = n
        self._build_rows(configs, mism)

    def _build_rows(self, configs: list[ChipConfig], mism: list[ChipMismatch]) -> None:
        r_total = len(configs) * ROWS_PER_CHIP
        self.row_source = np.concatenate([c.row_source.ravel() for c in configs]).astype(np.int64)
        self.row_sign = np.concatenate([c.row_sign.ravel() for c in configs]).astype(np.int64)
        self.row_stp = np.concatenate([c.row_stp.ravel() for c in configs]).astype(np.int64)
        self.row_decay = np.zeros(r_total)
        self.row_syn = np.zeros((r_total, NEURONS_PER_BLOCK))   # g dt / C per synapse at F = 1
        self.stp_u = np.zeros(r_total)
        self.stp_decay = np.zeros(r_total)
        for ci, (c, m) in enumerate(zip(configs, mism)):
            rows = slice(ci * ROWS_PER_CHIP, (ci + 1) * ROWS_PER_CHIP)
            tau_code, gain = c.row_tau.ravel(), m.row_tau_gain.ravel()
            sign, used = c.row_sign.ravel(), c.row_source.ravel() != ROW_SOURCE.OFF
            block = np.arange(ROWS_PER_CHIP) // ROWS_PER_BLOCK
            corr = np.ones(ROWS_PER_CHIP)
            decay = np.zeros(ROWS_PER_CHIP)
            for b in range(2):
                for s in (SIGN.EXCITATORY, SIGN.INHIBITORY):
                    for code in np.unique(tau_code[used & (block == b) & (sign == s)]):
                        mem = used & (block == b) & (sign == s) & (tau_code == code)
                        mean = gain[mem].mean()
                        tau = units.ROW_TAU.to_value(code) * mean
                        decay[mem] = np.exp(-CYCLE_BIO_MS / tau) if tau > 0 else 0.0
                        corr[mem] = gain[mem] / mean
            self.row_decay[rows] = decay
            syn_us = chip_physics(c, m).syn_weight_uS.reshape(ROWS_PER_CHIP, NEURONS_PER_BLOCK)
            self.row_syn[rows] = syn_us * corr[:, None] * CYCLE_BIO_MS / units.CM_NF
            self.stp_u[rows] = c.stp_u / 1023.0
            taus = (units.STP_TAU_REC.to_value(c.stp_tau_rec), units.STP_TAU_FACIL.to_value(c.stp_tau_facil))
            d_rec, d_fac = (np.exp(-CYCLE_BIO_MS / t) if t > 0 else 0.0 for t in taus)
            self.stp_decay[rows] = np.where(c.row_stp.ravel() == STP_MODES.FACILITATING, d_fac, d_rec)

    def run(self, n_cycles: int, row_events: np.ndarray, row_ticks: np.ndarray,
            v0_mv: np.ndarray | None = None) -> ReferenceResult:
        """Run from rest (or ``v0_mv``) with input on global rows at the given ticks.

        Each row keeps its own float conductance trace (the exact sum the
        classes approximate); feedback rows work as on the board.
        """
        n, r_total = self.n, self.row_source.size
        v = self.v_rest.copy() if v0_mv is None else np.asarray(v0_mv, dtype=float).copy()
        trace = np.zeros(r_total)          # per-row conductance trace at F * w = 1
        stp = np.zeros(r_total)
        until = np.full(n, -(1 << 40), dtype=np.int64)
        feedback = feedback_targets(self.row_source, len(self.configs))
        order = np.argsort(row_ticks, kind="stable")
        ev_rows, ev_ticks = np.asarray(row_events)[order], np.asarray(row_ticks)[order]
        queue: dict[int, list[tuple[int, int]]] = {}
        for r, t in zip(ev_rows, ev_ticks):
            queue.setdefault(int(t) // TICKS_PER_CYCLE, []).append((int(r), int(t)))
        neuron_of_row = (np.arange(r_total) // ROWS_PER_CHIP) * NEURONS_PER_CHIP + \
            ((np.arange(r_total) % ROWS_PER_CHIP) // ROWS_PER_BLOCK) * NEURONS_PER_BLOCK
        exc = self.row_sign == SIGN.EXCITATORY
        vs = np.zeros((n_cycles, n))
        ge_log, gi_log = np.zeros((n_cycles, n)), np.zeros((n_cycles, n))
        factors: list[float] = []
        spikes_n: list[int] = []
        spikes_t: list[int] = []
        for k in range(n_cycles):
            for r, t in sorted(queue.pop(k, []), key=lambda e: (e[1], e[0])):
                f = 1.0
                if self.row_stp[r] != STP_MODES.OFF:
                    f = 1.0 - stp[r] if self.row_stp[r] == STP_MODES.DEPRESSING else 1.0 + stp[r]
                    stp[r] = stp[r] + self.stp_u[r] * (1.0 - stp[r])
                factors.append(f)
                trace[r] += f
            g_e, g_i = np.zeros(n), np.zeros(n)
            for r in np.flatnonzero(trace):
                target = g_e if exc[r] else g_i
                target[neuron_of_row[r]:neuron_of_row[r] + NEURONS_PER_BLOCK] += trace[r] * self.row_syn[r]
            v_old = v.copy()
            v = (v + self.leak * self.v_rest + g_e * self.e_e + g_i * self.e_i) / (1.0 + self.leak + g_e + g_i)
            refractory = until > k * TICKS_PER_CYCLE
            v[refractory] = self.v_reset[refractory]
            fired = np.flatnonzero((v >= self.v_thresh) & ~refractory)
            trace *= self.row_decay
            stp *= self.stp_decay
            for i in fired:
                rise = v[i] - v_old[i]
                f = int(np.floor(32 * (self.v_thresh[i] - v_old[i]) / rise)) if rise > 0 else 0
                tick = k * TICKS_PER_CYCLE + min(max(f, 0), TICKS_PER_CYCLE - 1)
                spikes_n.append(int(i))
                spikes_t.append(tick)
                v[i] = self.v_reset[i]
                until[i] = tick + self.refrac_ticks[i]
                for row in feedback[i]:
                    if row >= 0:
                        queue.setdefault(k + 1, []).append((int(row), tick + TICKS_PER_CYCLE))
            vs[k], ge_log[k], gi_log[k] = v, g_e, g_i
        return ReferenceResult(np.array(spikes_n, dtype=np.int64), np.array(spikes_t, dtype=np.int64),
                               vs, ge_log, gi_log, np.array(factors))
