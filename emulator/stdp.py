"""Spike-timing dependent plasticity: correlation accumulators and the row controller.

Only rows with ``row_stdp`` set take part. Time differences are measured in
ticks between time stamps (nearest-neighbour pairing: the latest pre-synaptic
event of the row, the latest spike of the neuron). The model:

* Pre-synaptic event on row ``r`` at tick ``t`` (delivered in cycle ``t // 32``):
  ``acausal[r, n] += T[t - last_post[n]]`` for every column ``n`` of the block,
  ``last_post[n]`` being the latest spike of ``n`` in an earlier cycle.
* Spike of neuron ``n`` at tick ``t`` (after the membrane update of its cycle):
  ``causal[r, n] += T[t - last_pre[r]]`` for every STDP row of its block,
  ``last_pre[r]`` being the latest event of ``r`` delivered in this or an
  earlier cycle (one of the same cycle with a later tick gives a negative
  difference and adds nothing).

``T`` is the chip's window table (``T[0] = 1024``; 0 for negative differences
and beyond the table). Accumulators are 16-bit unsigned and saturate at 65535.
A synapse's causal (acausal) flag is ``causal >= threshold``
(``acausal >= threshold``) with ``threshold = max(stdp_threshold << 4, 1)``.

Controller: every ``STDP_ROW_PERIOD_CYCLES`` cycles (at the end of cycle ``k``
with ``(k + 1) % 150 == 0``), each block rewrites the next of its STDP rows
(round robin in row order, continuing across runs): a synapse with only the
causal flag gets ``w <- lut_causal[w]``, only the acausal flag
``w <- lut_acausal[w]``; with both flags the larger accumulator wins (equal:
no change). Both accumulators of every flagged synapse of the row are cleared.
The tables apply to weight-0 synapses too.

Evaluation: the accumulators only matter when the controller reads a row, so
the emulator keeps the time stamps of pre events (STDP rows) and spikes and
adds a row's pairings when it is swept (or inspected). All increments are
non-negative, so one saturating sum equals the chain of saturating additions
(``min(min(a + x, M) + y, M) == min(a + x + y, M)``): the result is exactly the
one of the per-event rule above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from firmware_io.constants import (
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    ROWS_PER_BLOCK,
    ROWS_PER_CHIP,
    STDP_ROW_PERIOD_CYCLES,
    TICKS_PER_CYCLE,
)

from .arithmetic import STDP_ACC_MAX, STDP_WINDOW_TICKS, check_width
from .coefficients import ChipCoefficients
from .synapse_rows import RowArrays

_COLUMNS = np.arange(NEURONS_PER_BLOCK, dtype=np.int64)
#: History keys are ``id << _KEY_SHIFT | tick`` (ticks < 2**44, ids < 2**19).
_KEY_SHIFT = 44
_TICK_MASK = (1 << _KEY_SHIFT) - 1


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
    block_rows: np.ndarray      # (B, K) STDP rows of each block, -1 padded
    block_count: np.ndarray     # (B,)


def build_stdp(chips: list[ChipCoefficients]) -> StdpArrays:
    """Stack the STDP constants of every chip."""
    tables = [np.append(c.stdp_table, 0) for c in chips]
    offsets = np.cumsum([0] + [t.size for t in tables[:-1]]).astype(np.int64)
    row_enabled = np.concatenate([c.row_stdp & (c.row_source != 0) for c in chips])
    per_block = [np.flatnonzero(row_enabled[b * ROWS_PER_BLOCK:(b + 1) * ROWS_PER_BLOCK]) + b * ROWS_PER_BLOCK
                 for b in range(row_enabled.size // ROWS_PER_BLOCK)]
    width = max([p.size for p in per_block] + [1])
    block_rows = np.full((len(per_block), width), -1, dtype=np.int64)
    for b, p in enumerate(per_block):
        block_rows[b, :p.size] = p
    return StdpArrays(
        enabled=bool(row_enabled.any()), row_enabled=row_enabled, table=np.concatenate(tables),
        table_offset=offsets, table_last=np.array([t.size - 1 for t in tables], dtype=np.int64),
        threshold=np.repeat([c.stdp_threshold for c in chips], ROWS_PER_CHIP).astype(np.int64),
        lut_causal=np.stack([c.stdp_lut_causal for c in chips]),
        lut_acausal=np.stack([c.stdp_lut_acausal for c in chips]),
        block_rows=block_rows, block_count=np.array([p.size for p in per_block], dtype=np.int64),
    )


class _History:
    """Time stamps of one kind of event (pre events or spikes), keyed by id.

    New events are appended per cycle as chunks; :meth:`keys` merges them
    into one sorted array of ``id << 44 | tick`` and drops events too old to
    matter.
    """

    def __init__(self) -> None:
        self.sorted = np.zeros(0, dtype=np.int64)
        self.chunks: list[np.ndarray] = []

    def append(self, ids: np.ndarray, ticks: np.ndarray) -> None:
        self.chunks.append((ids << _KEY_SHIFT) | ticks)

    def keys(self, keep_from_tick: int) -> np.ndarray:
        if self.chunks:
            new = np.sort(np.concatenate(self.chunks))
            self.chunks = []
            # two sorted runs: the stable sort (timsort) merges them in linear time
            self.sorted = np.sort(np.concatenate([self.sorted, new]), kind="stable")
        old = (self.sorted & _TICK_MASK) < keep_from_tick
        if old.any():
            self.sorted = self.sorted[~old]
        return self.sorted


@dataclass(eq=False)
class StdpState:
    """Accumulators as of each row's last sweep, event histories, controller pointers."""

    causal: np.ndarray
    acausal: np.ndarray
    swept_until: np.ndarray      # (R,) last cycle whose pairings are in the accumulators
    pointer: np.ndarray
    pre: _History = field(default_factory=_History)
    post: _History = field(default_factory=_History)

    @classmethod
    def zeros(cls, arrays: StdpArrays, n_rows: int, n_neurons: int) -> "StdpState":
        shape = (n_rows, NEURONS_PER_BLOCK) if arrays.enabled else (0, NEURONS_PER_BLOCK)
        return cls(causal=np.zeros(shape, dtype=np.int64), acausal=np.zeros(shape, dtype=np.int64),
                   swept_until=np.full(n_rows, -1, dtype=np.int64),
                   pointer=np.zeros(arrays.block_count.size, dtype=np.int64))

    def check(self) -> None:
        """Strict mode: raise OverflowError if an accumulator left its width."""
        check_width("stdp causal", self.causal, 0, STDP_ACC_MAX)
        check_width("stdp acausal", self.acausal, 0, STDP_ACC_MAX)


def on_pre(arrays: StdpArrays, st: StdpState, ev_rows: np.ndarray, ev_ticks: np.ndarray) -> None:
    """Remember the delivered events of STDP rows."""
    sel = arrays.row_enabled[ev_rows]
    if sel.any():
        st.pre.append(ev_rows[sel], ev_ticks[sel])


def on_post(arrays: StdpArrays, st: StdpState, fired: np.ndarray, ticks: np.ndarray) -> None:
    """Remember the spikes (of every neuron; blocks without STDP rows never read them)."""
    st.post.append(fired, ticks)


def _window(arrays: StdpArrays, chip: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Window amplitude for time differences (negative or too large -> 0).

    Each chip's table ends in a 0, so clamping the index to [-1, last] reads a 0
    for both cases (index -1 of a chip is the trailing 0 of the previous table,
    or for chip 0 the trailing 0 of the last table).
    """
    idx = np.clip(delta, -1, arrays.table_last[chip])
    return arrays.table[idx + arrays.table_offset[chip]]


def _latest_before(keys: np.ndarray, ids: np.ndarray, limit_tick: np.ndarray) -> np.ndarray:
    """Tick of the latest event of ``ids`` with tick < ``limit_tick``; -1 if none."""
    if keys.size == 0:
        return np.full(np.broadcast(ids, limit_tick).shape, -1, dtype=np.int64)
    query = (ids << _KEY_SHIFT) | limit_tick
    pos = np.searchsorted(keys, query, side="left") - 1
    found = keys[np.maximum(pos, 0)]
    ok = (pos >= 0) & ((found >> _KEY_SHIFT) == ids)
    return np.where(ok, found & _TICK_MASK, -1)


def _in_range(keys: np.ndarray, ids: np.ndarray, lo_tick: np.ndarray,
              hi_tick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Events of each id with ``lo <= tick < hi``: (index into ``ids``, tick) per event."""
    a = np.searchsorted(keys, (ids << _KEY_SHIFT) | lo_tick, side="left")
    b = np.searchsorted(keys, (ids << _KEY_SHIFT) | hi_tick, side="left")
    counts = b - a
    owner = np.repeat(np.arange(ids.size), counts)
    idx = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(a, counts)
    return owner, keys[idx] & _TICK_MASK


def materialise(arrays: StdpArrays, st: StdpState, rows: np.ndarray, cycle: int) -> tuple[np.ndarray, np.ndarray]:
    """Accumulators of ``rows`` (distinct) including every pairing up to the end of ``cycle``.

    Adds the pairings since each row's last sweep to its stored accumulators
    (saturating) and marks them as included. Returns ``(causal, acausal)`` of
    shape (len(rows), 192).
    """
    keep = (int(st.swept_until[arrays.row_enabled].min(initial=cycle)) + 1) * TICKS_PER_CYCLE \
        - STDP_WINDOW_TICKS - TICKS_PER_CYCLE
    pre_keys = st.pre.keys(keep)
    post_keys = st.post.keys(keep)
    n = rows.size
    chip = rows // ROWS_PER_CHIP
    first = chip * NEURONS_PER_CHIP + ((rows % ROWS_PER_CHIP) // ROWS_PER_BLOCK) * NEURONS_PER_BLOCK
    lo = (st.swept_until[rows] + 1) * TICKS_PER_CYCLE
    hi = np.full(n, (cycle + 1) * TICKS_PER_CYCLE, dtype=np.int64)
    add_c = np.zeros((n, NEURONS_PER_BLOCK), dtype=np.int64)
    add_a = np.zeros((n, NEURONS_PER_BLOCK), dtype=np.int64)
    # causal: spikes of the block's neurons in the window, paired with the row's latest pre
    neurons = (first[:, None] + _COLUMNS).ravel()
    pair = np.repeat(np.arange(n), NEURONS_PER_BLOCK)
    owner, t_post = _in_range(post_keys, neurons, np.repeat(lo, NEURONS_PER_BLOCK),
                              np.repeat(hi, NEURONS_PER_BLOCK))
    if owner.size:
        r_idx = pair[owner]
        limit = (t_post // TICKS_PER_CYCLE + 1) * TICKS_PER_CYCLE      # pre delivered up to that cycle
        # search only the swept rows' events: a small, cache-resident array
        start = np.searchsorted(pre_keys, rows << _KEY_SHIFT, side="left")
        stop = np.searchsorted(pre_keys, (rows << _KEY_SHIFT) | _TICK_MASK, side="left")
        pre_sub = np.sort(np.concatenate([pre_keys[i:j] for i, j in zip(start.tolist(), stop.tolist())]))
        t_pre = _latest_before(pre_sub, rows[r_idx], limit)
        amp = np.where(t_pre >= 0, _window(arrays, chip[r_idx], t_post - t_pre), 0)
        # owner = r_idx * 192 + column. bincount sums in float64: exact, as every partial
        # sum is an integer below 2**53 (at most 2**44 events of at most 1024 each)
        add_c += np.bincount(owner, weights=amp, minlength=add_c.size).astype(np.int64).reshape(add_c.shape)
    # acausal: the row's pre events in the window, paired with each neuron's latest earlier spike
    owner, t_pre = _in_range(pre_keys, rows, lo, hi)
    if owner.size:
        # pairs in (row, neuron, event) order, so that the search keys ascend within a row
        per_row = np.bincount(owner, minlength=n)                    # events of each row
        first_event = np.cumsum(per_row) - per_row
        size = per_row * NEURONS_PER_BLOCK
        row_of = np.repeat(np.arange(n), size)
        k = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
        e_count = per_row[row_of]
        col = k // e_count
        ev = first_event[row_of] + k % e_count
        limit = (t_pre[ev] // TICKS_PER_CYCLE) * TICKS_PER_CYCLE     # spikes of earlier cycles
        t_post = _latest_before(post_keys, first[row_of] + col, limit)
        amp = np.where(t_post >= 0, _window(arrays, chip[row_of], t_pre[ev] - t_post), 0)
        add_a += np.bincount(row_of * NEURONS_PER_BLOCK + col, weights=amp,
                             minlength=add_a.size).astype(np.int64).reshape(add_a.shape)
    causal = np.minimum(st.causal[rows] + add_c, STDP_ACC_MAX)
    acausal = np.minimum(st.acausal[rows] + add_a, STDP_ACC_MAX)
    st.causal[rows], st.acausal[rows] = causal, acausal
    st.swept_until[rows] = cycle
    return causal, acausal


def controller_step(arrays: StdpArrays, rows_arr: RowArrays, st: StdpState, cycle: int) -> np.ndarray:
    """Rewrite the next STDP row of every block at the end of ``cycle``; return the rows."""
    active = np.flatnonzero(arrays.block_count)
    if active.size == 0:
        return active
    pick = st.pointer[active] % arrays.block_count[active]
    rows = arrays.block_rows[active, pick]
    st.pointer[active] += 1
    c, a = materialise(arrays, st, rows, cycle)
    chip = (rows // ROWS_PER_CHIP)[:, None]
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
