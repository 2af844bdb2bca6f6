"""Membrane voltages measured from the read-out traces (4 channels per chip).

Tonic mode: with ``v_rest`` above ``v_thresh`` every neuron fires on its own.
Its trace then shows, exactly, the reset potential (the membrane is held there
while refractory), the exponential recovery towards the resting potential
(fitted: ``V[j+1] = a V[j] + (1 - a) v_rest``, ``a = exp(-dt / tau_m)``) and the
last sample below threshold before each spike; the threshold follows from that
sample, the fitted recovery and the spike's fine time stamp.

Reversal mode: without leak (``g_leak`` code 0) and under strong inhibitory
input the membrane settles exactly at ``e_rev_I``.

Every run shows one neuron of every parameter group of every chip at once;
96 runs show all 384 neurons of all chips.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from firmware_io.constants import (NEURONS_PER_BLOCK, NEURONS_PER_CHIP, ROW_SOURCE, SIGN, TICKS_PER_CYCLE,
                                   WEIGHT_MAX)
from firmware_io.units import voltage_to_code

from .probes import events, readout_neurons, readout_positions, trace_spikes, traces_mv

if TYPE_CHECKING:
    from .session import Session

#: Read-out positions (0..95) of a full sweep and of a sampled sweep (every 4th).
ALL_POSITIONS = np.arange(NEURONS_PER_BLOCK // 2)
SAMPLED_POSITIONS = ALL_POSITIONS[::4]

#: Tonic-mode probe: g_leak code (6.7 ms nominal) and refractory code (1 ms nominal); 18 ms show at
#: least one whole recovery of the slowest neuron (gain 0.48: 14 ms x ln 2.25 + 1.5 ms).
PROBE_G_LEAK_CODE = 300
PROBE_REFRAC_CODE = 40
TONIC_CYCLES = 180
#: e_rev_I probe: the inhibitory row that pulls every neuron of a block to e_rev_I.
E_REV_ROW = 255
E_REV_CYCLES = 60


@dataclass
class TonicResult:
    """Per-neuron v_rest, v_reset, v_thresh (mV) and tau_m (ms), NaN where not measured."""

    v_rest: np.ndarray
    v_reset: np.ndarray
    v_thresh: np.ndarray
    tau_m: np.ndarray


def tonic_configs(base: list, rest: float, thresh: float, reset: float, g_leak_code: int = PROBE_G_LEAK_CODE,
                  refrac_code: int = PROBE_REFRAC_CODE, group_codes: dict | None = None) -> list:
    """Every neuron leaky and firing on its own (rest above threshold); codes nominal unless given."""
    out = []
    for i, cfg in enumerate(base):
        c = cfg.copy()
        c.g_leak[:] = g_leak_code if np.ndim(g_leak_code) == 0 else g_leak_code[i]
        c.tau_refrac[:] = refrac_code if np.ndim(refrac_code) == 0 else refrac_code[i]
        for name, value in (("v_rest", rest), ("v_thresh", thresh), ("v_reset", reset)):
            getattr(c, name)[:] = voltage_to_code(value) if group_codes is None else group_codes[name][i]
        out.append(c)
    return out


def measure_tonic(board: "Session", n_chips: int, positions: np.ndarray = ALL_POSITIONS,
                  n_cycles: int = TONIC_CYCLES) -> TonicResult:
    """Run the loaded tonic configuration once per read-out position; per-neuron results."""
    n = n_chips * NEURONS_PER_CHIP
    res = TonicResult(*(np.full(n, np.nan) for _ in range(4)))
    for sel in readout_positions(positions, n_chips):
        r = board.run(n_cycles, readout=sel)
        v = traces_mv(r)                                     # (cycles, chips, 4)
        spikes, fine = trace_spikes(r, sel)
        reset = v.min(axis=0)
        free = v > reset + 1e-9                              # not held at reset, not a spike cycle
        x, y = v[:-1], v[1:]
        m = free[1:]
        cnt = m.sum(axis=0)
        mx = np.where(m, x, 0).sum(0) / cnt
        my = np.where(m, y, 0).sum(0) / cnt
        dx, dy = np.where(m, x - mx, 0), np.where(m, y - my, 0)
        a = (dx * dy).sum(0) / (dx * dx).sum(0)
        rest = (my - a * mx) / (1 - a)
        # threshold: last free sample before a spike, advanced by the fine time along the fitted recovery
        before = spikes[1:] & free[:-1]
        v_old = v[:-1]
        v_new = rest + (v_old - rest) * a
        est = v_old + (fine[1:] + 0.5) / TICKS_PER_CYCLE * (v_new - v_old)
        n_sp = before.sum(0)
        thresh = np.where(n_sp > 0, np.where(before, est, 0).sum(0) / np.maximum(n_sp, 1), np.nan)
        ok = (cnt >= 3) & (a > 0) & (a < 1)
        ids = readout_neurons(sel).ravel()
        res.v_reset[ids] = reset.ravel()
        res.v_rest[ids] = np.where(ok, rest, np.nan).ravel()
        res.v_thresh[ids] = np.where(ok, thresh, np.nan).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            res.tau_m[ids] = np.where(ok, -0.1 / np.log(a), np.nan).ravel()
    return res


def e_rev_configs(base: list, e_rev_i: float, group_codes: np.ndarray | None = None) -> list:
    """No leak, threshold at the top, one strong inhibitory row per block (row 255, all columns)."""
    out = []
    for i, cfg in enumerate(base):
        c = cfg.copy()
        c.g_leak[:] = 0
        c.tau_refrac[:] = 0
        c.v_rest[:] = c.v_reset[:] = voltage_to_code(-50.0)
        c.v_thresh[:] = 1023
        c.e_rev_I[:] = voltage_to_code(e_rev_i) if group_codes is None else group_codes[i]
        c.row_source[:, E_REV_ROW] = ROW_SOURCE.EXTERNAL
        c.row_sign[:, E_REV_ROW] = SIGN.INHIBITORY
        c.row_strength[:, E_REV_ROW] = 1023
        c.row_tau[:, E_REV_ROW] = 200
        c.weights[:, E_REV_ROW, :] = WEIGHT_MAX
        out.append(c)
    return out


def e_rev_input(n_chips: int) -> np.ndarray:
    """Six events (one per ms) on the e_rev_I row of both blocks of every chip."""
    t = np.arange(6) * 10 * TICKS_PER_CYCLE
    chip, block, tt = np.meshgrid(np.arange(n_chips), np.arange(2), t, indexing="ij")
    return events(tt.ravel(), chip.ravel(), block.ravel() * 256 + E_REV_ROW)


def measure_e_rev_i(board: "Session", n_chips: int, positions: np.ndarray = ALL_POSITIONS) -> np.ndarray:
    """Per-neuron e_rev_I (mV) of the loaded reversal-mode configuration; NaN where not shown."""
    out = np.full(n_chips * NEURONS_PER_CHIP, np.nan)
    ev = e_rev_input(n_chips)
    for sel in readout_positions(positions, n_chips):
        r = board.run(E_REV_CYCLES, ev, readout=sel)
        out[readout_neurons(sel).ravel()] = traces_mv(r)[-1].ravel()
    return out


def rest_configs(base: list, group_codes: dict) -> list:
    """Leaky neurons at rest below threshold (no input): the trace is v_rest."""
    out = []
    for i, cfg in enumerate(base):
        c = cfg.copy()
        c.g_leak[:] = PROBE_G_LEAK_CODE
        for name in ("v_rest", "v_thresh", "v_reset"):
            getattr(c, name)[:] = group_codes[name][i]
        out.append(c)
    return out


def measure_rest(board: "Session", n_chips: int, positions: np.ndarray = ALL_POSITIONS) -> np.ndarray:
    """Per-neuron resting potential (mV) of a loaded non-firing configuration."""
    out = np.full(n_chips * NEURONS_PER_CHIP, np.nan)
    for sel in readout_positions(positions, n_chips):
        r = board.run(3, readout=sel)
        out[readout_neurons(sel).ravel()] = traces_mv(r)[-1].ravel()
    return out
