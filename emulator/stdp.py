"""Spike-timing dependent plasticity: correlation accumulators and the row controller.

Only rows with ``row_stdp`` set take part. Time differences are measured in
ticks between time stamps (nearest-neighbour pairing: the latest pre-synaptic
event of the row, the latest spike of the neuron).

* Pre-synaptic event on row ``r`` at tick ``t`` (after it was delivered):
  ``acausal[r, n] += T[t - last_post[n]]`` for every column ``n`` of the block,
  then ``last_pre[r] = max(last_pre[r], t)``.
* Spike of neuron ``n`` at tick ``t`` (after the membrane update of the cycle):
  ``causal[r, n] += T[t - last_pre[r]]`` for every STDP row of its block, then
  ``last_post[n] = t``. A pre event of the same cycle with a later tick gives a
  negative difference and adds nothing.

``T`` is the chip's window table (``T[0] = 1024``, ``T[k] = 0`` for ``k < 0`` and
beyond the table). Accumulators are 16-bit unsigned and saturate at 65535.
A synapse's causal (acausal) flag is ``causal >= threshold``
(``acausal >= threshold``) with ``threshold = max(stdp_threshold << 4, 1)``.

Controller: every ``STDP_ROW_PERIOD_CYCLES`` cycles (at the end of cycle ``k``
with ``(k + 1) % 150 == 0``), each block rewrites the next of its STDP rows
(round robin in row order, continuing across runs): a synapse with only the
causal flag gets ``w <- lut_causal[w]``, only the acausal flag
``w <- lut_acausal[w]``; with both flags the larger accumulator wins (equal:
no change). Both accumulators of every flagged synapse of the row are cleared.
The tables apply to weight-0 synapses too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_io.constants import (
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    ROWS_PER_BLOCK,
    ROWS_PER_CHIP,
    STDP_ROW_PERIOD_CYCLES,
)

from .arithmetic import NEVER, STDP_ACC_MAX, check_width
from .coefficients import ChipCoefficients
from .synapse_rows import RowArrays

_COLUMNS = np.arange(NEURONS_PER_BLOCK, dtype=np.int64)


@dataclass(eq=False)
class StdpArrays:
    """STDP constants of all chips, stacked."""

    enabled: bool
    row_enabled: np.ndarray     # (R,) bool
    table: np.ndarray           # concatenated per-chip window tables, each ending in 0
    table_offset: np.ndarray    # (C,) start of each chip's table
    table_last: np.ndarray      # (C,) index of each table's trailing 0 (relative)
    threshold: np.ndarray       # (R,)
    lut_causal: np.ndarray      # (C, 16)
    lut_acausal: np.ndarray     # (C, 16)
    block_rows: np.ndarray      # (B, K) STDP rows of each block, padded with the spare row R
    block_count: np.ndarray     # (B,)
    shared_table: bool          # every chip has the same window table (faster look-up)


def build_stdp(chips: list[ChipCoefficients]) -> StdpArrays:
    """Stack the STDP constants of every chip."""
    tables = [np.append(c.stdp_table, 0) for c in chips]
    offsets = np.cumsum([0] + [t.size for t in tables[:-1]]).astype(np.int64)
    row_enabled = np.concatenate([c.row_stdp & (c.row_source != 0) for c in chips])
    per_block = [np.flatnonzero(row_enabled[b * ROWS_PER_BLOCK:(b + 1) * ROWS_PER_BLOCK]) + b * ROWS_PER_BLOCK
                 for b in range(row_enabled.size // ROWS_PER_BLOCK)]
    width = max([p.size for p in per_block] + [1])
    block_rows = np.full((len(per_block), width), row_enabled.size, dtype=np.int64)  # pad: spare row R
    for b, p in enumerate(per_block):
        block_rows[b, :p.size] = p
    return StdpArrays(
        enabled=bool(row_enabled.any()), row_enabled=row_enabled, table=np.concatenate(tables),
        table_offset=offsets, table_last=np.array([t.size - 1 for t in tables], dtype=np.int64),
        threshold=np.repeat([c.stdp_threshold for c in chips], ROWS_PER_CHIP).astype(np.int64),
        lut_causal=np.stack([c.stdp_lut_causal for c in chips]),
        lut_acausal=np.stack([c.stdp_lut_acausal for c in chips]),
        block_rows=block_rows, block_count=np.array([p.size for p in per_block], dtype=np.int64),
        shared_table=all(np.array_equal(t, tables[0]) for t in tables),
    )


@dataclass(eq=False)
class StdpState:
    """Accumulators, last event times and controller pointers."""

    causal: np.ndarray
    acausal: np.ndarray
    last_pre: np.ndarray
    last_post: np.ndarray
    pointer: np.ndarray

    @classmethod
    def zeros(cls, arrays: StdpArrays, n_rows: int, n_neurons: int) -> "StdpState":
        # one spare row (index n_rows) absorbs the padding of ``block_rows``
        shape = (n_rows + 1, NEURONS_PER_BLOCK) if arrays.enabled else (0, NEURONS_PER_BLOCK)
        return cls(causal=np.zeros(shape, dtype=np.int64), acausal=np.zeros(shape, dtype=np.int64),
                   last_pre=np.full(n_rows + 1, NEVER, dtype=np.int64),
                   last_post=np.full(n_neurons, NEVER, dtype=np.int64),
                   pointer=np.zeros(arrays.block_count.size, dtype=np.int64))

    def check(self) -> None:
        """Strict mode: raise OverflowError if an accumulator left its width."""
        check_width("stdp causal", self.causal, 0, STDP_ACC_MAX)
        check_width("stdp acausal", self.acausal, 0, STDP_ACC_MAX)


def _window(arrays: StdpArrays, chip: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Window amplitude for time differences (negative or too large -> 0).

    Each chip's table ends in a 0, so clamping the index to [-1, last] reads a 0
    for both cases (index -1 of a chip is the trailing 0 of the previous table,
    or for chip 0 the trailing 0 of the last table).
    """
    idx = np.maximum(delta, -1)
    if arrays.shared_table:   # chip 0's table serves all; its index -1 is the last table's 0
        np.minimum(idx, arrays.table_last[0], out=idx)
        return arrays.table[idx]
    np.minimum(idx, arrays.table_last[chip], out=idx)
    idx += arrays.table_offset[chip]
    return arrays.table[idx]


def on_pre(arrays: StdpArrays, st: StdpState, ev_rows: np.ndarray, ev_ticks: np.ndarray) -> None:
    """Acausal accumulation for delivered row events, then remember their times."""
    sel = arrays.row_enabled[ev_rows]
    if not sel.any():
        return
    rows, ticks = ev_rows[sel], ev_ticks[sel]
    chip = rows // ROWS_PER_CHIP
    first = chip * NEURONS_PER_CHIP + ((rows % ROWS_PER_CHIP) // ROWS_PER_BLOCK) * NEURONS_PER_BLOCK
    delta = ticks[:, None] - st.last_post[first[:, None] + _COLUMNS]
    amp = _window(arrays, chip[:, None], delta)
    if rows.size == 1 or np.unique(rows).size == rows.size:
        acc = st.acausal[rows]
        acc += amp
        np.minimum(acc, STDP_ACC_MAX, out=acc)
        st.acausal[rows] = acc
    else:
        flat = st.acausal.reshape(-1)
        np.add.at(flat, (rows[:, None] * NEURONS_PER_BLOCK + _COLUMNS).reshape(-1), amp.reshape(-1))
        st.acausal[rows] = np.minimum(st.acausal[rows], STDP_ACC_MAX)
    np.maximum.at(st.last_pre, rows, ticks)


def on_post(arrays: StdpArrays, st: StdpState, fired: np.ndarray, ticks: np.ndarray) -> None:
    """Causal accumulation for neurons that fired, then remember their times.

    Padding entries of ``block_rows`` point at the spare row ``R`` of the
    accumulators (never read), whose ``last_pre`` is :data:`NEVER`.
    """
    rows = arrays.block_rows[fired // NEURONS_PER_BLOCK]          # (F, K)
    delta = ticks[:, None] - st.last_pre[rows]
    amp = _window(arrays, (fired // NEURONS_PER_CHIP)[:, None], delta)
    flat_idx = rows * NEURONS_PER_BLOCK + (fired % NEURONS_PER_BLOCK)[:, None]
    flat = st.causal.reshape(-1)
    acc = flat[flat_idx] + amp
    np.minimum(acc, STDP_ACC_MAX, out=acc)
    flat[flat_idx] = acc
    st.last_post[fired] = ticks


def controller_step(arrays: StdpArrays, rows_arr: RowArrays, st: StdpState) -> np.ndarray:
    """Rewrite the next STDP row of every block; return the rows processed."""
    active = np.flatnonzero(arrays.block_count)
    if active.size == 0:
        return active
    pick = st.pointer[active] % arrays.block_count[active]
    rows = arrays.block_rows[active, pick]
    st.pointer[active] += 1
    chip = (rows // ROWS_PER_CHIP)[:, None]
    c, a = st.causal[rows], st.acausal[rows]
    thr = arrays.threshold[rows][:, None]
    fc, fa = c >= thr, a >= thr
    use_c = fc & (~fa | (c > a))
    use_a = fa & (~fc | (a > c))
    w = rows_arr.weights[rows]
    new_w = np.where(use_c, arrays.lut_causal[chip, w], np.where(use_a, arrays.lut_acausal[chip, w], w))
    rows_arr.weights[rows] = new_w
    rows_arr.refresh_effective(rows)
    flagged = fc | fa
    c[flagged] = 0
    a[flagged] = 0
    st.causal[rows], st.acausal[rows] = c, a
    return rows


def is_sweep_cycle(cycle: int) -> bool:
    """Whether the controllers act at the end of ``cycle``."""
    return (cycle + 1) % STDP_ROW_PERIOD_CYCLES == 0
