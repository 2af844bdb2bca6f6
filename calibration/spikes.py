"""Per-neuron and per-row measurements from output spikes only (all circuits of a board at once).

* ``tau_m``: tonic firing without refractory period. The integration time from
  reset to threshold is ``tau_m * ln((v_rest - v_reset) / (v_rest - v_thresh))``;
  the logarithm comes from each neuron's voltages measured once from its trace
  at the same voltage codes.
* ``tau_refrac``: the growth of the inter-spike interval over the interval
  without refractory period (see :func:`calibration.probes.refractory_ticks`).
* Row weights: without leak, a neuron under a steady train of one row's events
  (period ``P``) reaches threshold when the integral of its conductance since
  the reset is ``C ln((E - v_reset) / (E - v_thresh))``, whatever the PSC shape;
  the mean conductance is ``q / P`` for the charge ``q`` of one event. Each row
  drives a disjoint set of 12 neurons of its block in one run (16 rows of each
  block at once); a random design over runs lets the per-row and per-neuron
  factors of ``q`` be separated (``log q = a_row + b_neuron``). Inhibitory rows
  are measured with ``e_rev_I`` set high, so that they drive the neuron up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from firmware_io.constants import (NEURONS_PER_BLOCK, NEURONS_PER_CHIP, ROW_SOURCE, ROWS_PER_BLOCK, SIGN,
                                   TICKS_PER_CYCLE)
from firmware_io.units import CM_NF, code_to_row_tau

from .probes import crossing_times, events, interval_cycles, refractory_ticks

if TYPE_CHECKING:
    from .session import Session

#: Weight probe: rows per block in one run, neurons per row, event period (ticks), PSC decay code.
ROWS_PER_RUN = 16
NEURONS_PER_ROW = NEURONS_PER_BLOCK // ROWS_PER_RUN
EVENT_PERIOD_TICKS = 400          # 1.25 ms: 32 rows x 800 Hz = 25,600 events/s per chip, under the 30,000 limit
WEIGHT_ROW_TAU_CODE = 100         # 5 ms nominal: the usual tau_syn_E, so that the charge per event is referred to it
WEIGHT_WARMUP_MS = 25.0           # > 5 decay times of the slowest row: the mean conductance is steady
WEIGHT_CYCLES = 650


def tau_m_of(result, log_ratio: np.ndarray) -> np.ndarray:
    """Membrane time constants (ms) from a tonic run with zero refractory period."""
    span, _ = crossing_times(result, log_ratio.size)
    return span / log_ratio


def refrac_of(result, free_cycles: np.ndarray) -> np.ndarray:
    """Refractory periods (ms) from a tonic run, given the intervals without refractory period."""
    return refractory_ticks(result, free_cycles.size, free_cycles) * (0.1 / TICKS_PER_CYCLE)


def free_interval(result, n_neurons: int) -> np.ndarray:
    """Inter-spike interval in cycles of a tonic run without refractory period."""
    return interval_cycles(result, n_neurons)


@dataclass(frozen=True)
class WeightDesign:
    """Which row drives which neurons: for every row of a block, its run and its 12 columns."""

    run_of_row: np.ndarray            # (256,) run index within its half
    columns: np.ndarray               # (256, 12)

    @classmethod
    def random(cls, seed: int) -> "WeightDesign":
        """Rows ``128 h + 16 j + m`` fire in run ``j`` of half ``h``; columns from a permutation per run."""
        rng = np.random.default_rng(seed)
        local = np.arange(ROWS_PER_BLOCK) % (ROWS_PER_BLOCK // 2)
        run = local // ROWS_PER_RUN
        perms = np.stack([rng.permutation(NEURONS_PER_BLOCK) for _ in range(run.max() + 1)])
        slot = local % ROWS_PER_RUN
        cols = np.take_along_axis(perms[run], slot[:, None] * NEURONS_PER_ROW + np.arange(NEURONS_PER_ROW), axis=1)
        return cls(run_of_row=run, columns=cols)


def weight_configs(base: list, half: int, sign: int, strength: np.ndarray | int, weight: int,
                   design: WeightDesign, group_codes: dict) -> list:
    """No leak, no refractory period; the rows of one half of each block external with one sign."""
    rows = np.arange(ROWS_PER_BLOCK // 2) + half * (ROWS_PER_BLOCK // 2)
    out = []
    for i, cfg in enumerate(base):
        c = cfg.copy()
        c.g_leak[:] = 0
        c.tau_refrac[:] = 0
        for name in ("v_rest", "v_thresh", "v_reset", "e_rev_I"):
            getattr(c, name)[:] = group_codes[name][i]
        c.row_source[:, rows] = ROW_SOURCE.EXTERNAL
        c.row_sign[:, rows] = sign
        c.row_tau[:, rows] = WEIGHT_ROW_TAU_CODE
        s = np.broadcast_to(np.asarray(strength), (len(base), 2, ROWS_PER_BLOCK))[i]
        c.row_strength[:, rows] = s[:, rows]
        w = np.zeros((2, ROWS_PER_BLOCK, NEURONS_PER_BLOCK), np.uint8)
        r_idx = np.repeat(rows, NEURONS_PER_ROW)
        w[:, r_idx, design.columns[rows].ravel()] = weight
        c.weights = w
        out.append(c)
    return out


def weight_input(n_chips: int, half: int, run: int, n_cycles: int) -> np.ndarray:
    """A regular train on each of the 16 rows of ``run`` in both blocks of every chip (staggered)."""
    slots = np.arange(ROWS_PER_RUN)
    t0 = np.arange(0, n_cycles * TICKS_PER_CYCLE, EVENT_PERIOD_TICKS)
    chip, block, slot, t = np.meshgrid(np.arange(n_chips), np.arange(2), slots, t0, indexing="ij")
    stagger = (block * ROWS_PER_RUN + slot) * (EVENT_PERIOD_TICKS // (2 * ROWS_PER_RUN))
    row = half * (ROWS_PER_BLOCK // 2) + run * ROWS_PER_RUN + slot
    return events((t + stagger).ravel(), chip.ravel(), (block * ROWS_PER_BLOCK + row).ravel())


def measure_weights(board: "Session", base: list, sign: int, points: list[tuple[np.ndarray | int, int]],
                    design: WeightDesign, group_codes: dict, log_ratio: np.ndarray,
                    progress=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Conductance per weight LSB (uS, referred to the nominal PSC decay) of every row and every neuron.

    Parameters
    ----------
    board : calibration.session.Session
    points : list of (strength code(s), weight)
        Row strength codes (scalar or (chips, 2, 256)) and the 4-bit weight of each probe point.
    log_ratio : ndarray (n_neurons,)
        ``ln((E - v_reset) / (E - v_thresh))`` of every neuron at the probe codes.

    Returns
    -------
    One ``(row_uS, neuron_gain)`` per point: per-row conductance per weight LSB
    (chips * 512, the block's neuron mean folded in) and each neuron's efficacy
    relative to its block (chips * 384, geometric mean 1 per block).
    """
    n_chips = len(base)
    n_neurons = n_chips * NEURONS_PER_CHIP
    obs = [([], [], []) for _ in points]
    tau_nominal = float(code_to_row_tau(WEIGHT_ROW_TAU_CODE))
    period_ms = EVENT_PERIOD_TICKS * 0.1 / TICKS_PER_CYCLE
    n_runs = int(design.run_of_row.max()) + 1
    chip, block = np.meshgrid(np.arange(n_chips), np.arange(2), indexing="ij")
    for half in (0, 1):
        for p, (strength, weight) in enumerate(points):
            board.configure(weight_configs(base, half, sign, strength, weight, design, group_codes))
            for run in range(n_runs):
                r = board.run(WEIGHT_CYCLES, weight_input(n_chips, half, run, WEIGHT_CYCLES))
                span, _ = crossing_times(r, n_neurons, WEIGHT_WARMUP_MS)
                g_mean = log_ratio * CM_NF * 1e3 / span                   # nS, mean conductance
                q = g_mean * period_ms / tau_nominal / weight * 1e-3     # uS per LSB as if the decay were nominal
                rows_local = half * (ROWS_PER_BLOCK // 2) + run * ROWS_PER_RUN + np.arange(ROWS_PER_RUN)
                cols = design.columns[rows_local]                         # (16, 12)
                row_g = (chip * 2 + block)[:, :, None, None] * ROWS_PER_BLOCK + rows_local[None, None, :, None]
                nrn_g = chip[:, :, None, None] * NEURONS_PER_CHIP + block[:, :, None, None] * NEURONS_PER_BLOCK \
                    + cols[None, None]
                row_g, nrn_g = np.broadcast_arrays(row_g, nrn_g)
                obs[p][0].append(row_g.ravel())
                obs[p][1].append(nrn_g.ravel())
                obs[p][2].append(q[nrn_g.ravel()])
                if progress is not None:
                    progress()
    return [separate(np.concatenate(o[0]), np.concatenate(o[1]), np.concatenate(o[2]),
                     n_chips * 2 * ROWS_PER_BLOCK, n_neurons) for o in obs]


def separate(row: np.ndarray, nrn: np.ndarray, value: np.ndarray, n_rows: int, n_neurons: int,
             iterations: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``log value = a[row] + b[neuron]`` by alternating means; ``exp(b)`` has mean 1 in each block."""
    ok = np.isfinite(value) & (value > 0)
    row, nrn, y = row[ok], nrn[ok], np.log(value[ok])
    n_r = np.bincount(row, minlength=n_rows)
    n_n = np.bincount(nrn, minlength=n_neurons)
    a = np.zeros(n_rows)
    b = np.zeros(n_neurons)
    blocks = np.arange(n_neurons) // NEURONS_PER_BLOCK
    for _ in range(iterations):
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.bincount(row, y - b[nrn], n_rows) / n_r
            b = np.where(n_n > 0, np.bincount(nrn, y - a[row], n_neurons) / np.maximum(n_n, 1), 0.0)
        seen = n_n > 0
        centre = np.bincount(blocks[seen], b[seen], blocks.max() + 1) / np.maximum(
            np.bincount(blocks[seen], minlength=blocks.max() + 1), 1)
        b = np.where(seen, b - centre[blocks], 0.0)
    # a row acts on all neurons of its block: refer it to their arithmetic mean efficacy
    shift = np.log(np.bincount(blocks[seen], np.exp(b[seen]), blocks.max() + 1)
                   / np.maximum(np.bincount(blocks[seen], minlength=blocks.max() + 1), 1))
    b = np.where(seen, b - shift[blocks], 0.0)
    a = a + shift[np.arange(n_rows) // ROWS_PER_BLOCK]
    with np.errstate(invalid="ignore"):
        return np.where(n_r > 0, np.exp(a), np.nan), np.where(n_n > 0, np.exp(b), np.nan)


__all__ = ["WeightDesign", "measure_weights", "separate", "tau_m_of", "refrac_of", "free_interval", "SIGN"]
