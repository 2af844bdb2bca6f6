"""Partitioning of hardware neurons onto chips, blocks and columns.

Greedy packing in a given order of the neurons: a chip's block 0 takes the next
neurons while the block's rows (the union of their row keys, with the largest
row multiplicity of each key), its external rows and its parameter groups fit;
block 1 then takes the following neurons with the external rows the chip has
left. A key whose source neuron sits in the same block costs no external row
(a FEEDBACK_SAME row at the source's column). Each block is fitted in one
vectorised step over a window of candidate neurons (prefix unions by sorting),
so the Python loop runs per block, not per neuron or synapse.

Several candidate orders are packed (network order, and an order that puts
neurons with similar source sets next to each other) and the one that needs the
fewest chips is kept (ties: the earlier order), so the result is deterministic.

Columns: a block holding one parameter set fills columns 0, 1, 2, ...; a block
holding two sets puts the first on even and the second on odd columns (the two
shared-parameter groups of a block are its even and odd columns).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from firmware_io.constants import EXTERNAL_ROWS_PER_CHIP, NEURONS_PER_BLOCK, ROWS_PER_BLOCK
from pynn_hw.errors import MappingError

from .synapses import key_source

_HALF = NEURONS_PER_BLOCK // 2
#: A top-up stops after this many candidates that looked as if they fit but did not
#: (the estimate ignores feedback and row multiplicities; the exact fit decides).
_MAX_FAILURES = 3


@dataclass(frozen=True, eq=False)
class Partition:
    """Chip, block and column of every hardware neuron (indexed like ``neurons``)."""

    neurons: np.ndarray  # global indices of the hardware neurons
    chip: np.ndarray
    block: np.ndarray
    column: np.ndarray
    n_chips: int
    order_name: str


@dataclass(frozen=True, eq=False)
class NeuronInputs:
    """Row keys of every hardware neuron (CSR over ``neurons``)."""

    neurons: np.ndarray  # global indices
    indptr: np.ndarray
    key: np.ndarray
    rows: np.ndarray  # row multiplicity of each (key, neuron) pair
    vkey: np.ndarray  # parameter-set id per neuron
    n_cells: int
    #: Expected event rate (Hz, biological) of every cell, for the chip input bandwidth.
    cell_rate: np.ndarray | None = None
    #: Input port bandwidth of a chip (events/s, biological); inf: not checked.
    input_budget: float = float("inf")

    @property
    def rows_alone(self) -> np.ndarray:
        """Rows each neuron needs on its own."""
        owner = np.repeat(np.arange(self.neurons.size), np.diff(self.indptr))
        return np.bincount(owner, weights=self.rows, minlength=self.neurons.size).astype(np.int64)


def slice_positions(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Positions ``start[i] .. start[i] + count[i] - 1`` of several CSR slices, concatenated."""
    return np.repeat(start - np.cumsum(count) + count, count) + np.arange(int(count.sum()))


def _entries(inputs: NeuronInputs, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner index into pos, key, rows) of the row keys of the neurons at ``pos``."""
    start = inputs.indptr[:-1][pos]
    cnt = inputs.indptr[1:][pos] - start
    owner = np.repeat(np.arange(pos.size), cnt)
    idx = slice_positions(start, cnt)
    return owner, inputs.key[idx], inputs.rows[idx]


def _groups_ok(v: np.ndarray) -> np.ndarray:
    """Whether every prefix of a block's parameter-set ids fits its two groups."""
    m = v.size
    other = v != v[0]
    if not other.any():
        return np.ones(m, bool)
    j = int(np.argmax(other))
    third = (v != v[0]) & (v != v[j])
    ok = np.cumsum(third) == 0
    two = np.arange(m) >= j
    n0 = np.cumsum(v == v[0])
    n1 = np.cumsum(v == v[j])
    return ok & (~two | ((n0 <= _HALF) & (n1 <= _HALF)))


def block_columns(v: np.ndarray) -> np.ndarray:
    """Columns of a block's neurons with parameter-set ids ``v`` (in block order).

    One set: columns 0, 1, 2, ...; two sets: the set of the first neuron on the
    even columns, the other on the odd ones.
    """
    t = v.size
    if t == 0 or (v == v[0]).all():
        return np.arange(t)
    a = v == v[0]
    col = np.empty(t, dtype=np.int64)
    col[a] = 2 * np.arange(int(a.sum()))
    col[~a] = 2 * np.arange(int((~a).sum())) + 1
    return col


class BlockLoad:
    """Exact loads of blocks: rows, external rows and input rate of every prefix.

    A block's rows are the union of its neurons' row keys (the largest row
    multiplicity of each key); a key whose source neuron sits in the same block
    saves one external row (one FEEDBACK_SAME row per source neuron).
    """

    def __init__(self, inputs: NeuronInputs) -> None:
        self.inp = inputs
        self.rate = inputs.cell_rate if inputs.cell_rate is not None else np.zeros(inputs.n_cells)
        self._window_pos = np.full(inputs.n_cells, -1, dtype=np.int64)

    def prefixes(self, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(rows, external rows, external input rate, groups fit) of every prefix of the
        block made of the neurons at ``pos`` (positions into ``inputs.neurons``), in order."""
        m = pos.size
        p, keys, mult = _entries(self.inp, pos)
        total = keys.size
        uk, kid = np.unique(keys, return_inverse=True)
        order = np.lexsort((p, kid))
        kid_s, p_s, mult_s = kid[order], p[order], mult[order]
        big = int(mult.max()) + 1 if total else 1
        acc = np.maximum.accumulate(kid_s * big + mult_s) - kid_s * big
        first = np.r_[True, kid_s[1:] != kid_s[:-1]] if total else np.zeros(0, bool)
        prev = np.where(first, 0, np.r_[0, acc[:-1]])
        rows_cum = np.cumsum(np.bincount(p_s, weights=acc - prev, minlength=m)).astype(np.int64)
        key_rate = self.rate[key_source(uk)]
        rate_cum = np.cumsum(np.bincount(p_s, weights=(acc - prev) * key_rate[kid_s], minlength=m))
        # feedback: a key whose source is in this block saves one external row
        glob = self.inp.neurons[pos]
        self._window_pos[glob] = np.arange(m)
        src_pos = self._window_pos[key_source(uk)]
        self._window_pos[glob] = -1
        first_use = np.full(uk.size, m, dtype=np.int64)
        np.minimum.at(first_use, kid_s[first], p_s[first])
        has = src_pos >= 0
        t_src = np.maximum(src_pos[has], first_use[has])
        src_of = key_source(uk[has])
        # one feedback row per source neuron: the earliest time any of its keys qualifies
        if src_of.size:
            o = np.lexsort((t_src, src_of))
            keep = np.r_[True, src_of[o][1:] != src_of[o][:-1]]
            fb_cum = np.cumsum(np.bincount(t_src[o][keep], minlength=m)[:m])
            fb_rate = np.cumsum(np.bincount(t_src[o][keep], weights=self.rate[src_of[o][keep]], minlength=m)[:m])
        else:
            fb_cum = np.zeros(m, np.int64)
            fb_rate = np.zeros(m)
        return rows_cum, rows_cum - fb_cum, rate_cum - fb_rate, _groups_ok(self.inp.vkey[pos])

    def chip_fits(self, blocks: Sequence[np.ndarray]) -> bool:
        """Whether a chip whose blocks hold the neurons at ``blocks[b]`` (positions into
        ``inputs.neurons``) satisfies every constraint the packer enforces: rows per block,
        parameter groups, external rows per chip and the input-port rate."""
        if len(blocks) > 2:
            return False
        ext, rate = 0, 0.0
        for pos in blocks:
            if pos.size == 0:
                continue
            if pos.size > NEURONS_PER_BLOCK:
                return False
            rows_cum, ext_cum, rate_cum, groups = self.prefixes(pos)
            if rows_cum[-1] > ROWS_PER_BLOCK or not groups[-1]:
                return False
            ext += int(ext_cum[-1])
            rate += float(rate_cum[-1])
        return ext <= EXTERNAL_ROWS_PER_CHIP and rate <= self.inp.input_budget * (1 + 1e-12)


class _Packer:
    def __init__(self, inputs: NeuronInputs, order: np.ndarray) -> None:
        self.inp = inputs
        self.order = order
        self.n = inputs.neurons.size
        self.load = BlockLoad(inputs)
        #: input-port rate left on the current chip, and the rate of the last fitted prefix
        #: (the last call to fit always covers the block as finally filled)
        self.rate_left = inputs.input_budget
        self.last_rate = 0.0

    def fit(self, i: int, m: int, ext_budget: int) -> tuple[int, int, int]:
        """(neurons that fit, their rows, their external rows) for a block from position i."""
        m = min(m, self.n - i, NEURONS_PER_BLOCK)
        rows_cum, ext_cum, ext_rate, groups = self.load.prefixes(self.order[i:i + m])
        ok = (rows_cum <= ROWS_PER_BLOCK) & (ext_cum <= ext_budget) & groups
        ok &= ext_rate <= self.rate_left * (1 + 1e-12)
        bad = np.flatnonzero(~ok)
        t = int(bad[0]) if bad.size else m
        if t == 0:
            self.last_rate = 0.0
            return 0, 0, 0
        self.last_rate = float(ext_rate[t - 1])
        return t, int(rows_cum[t - 1]), int(ext_cum[t - 1])

    def swap(self, a: int, b: int) -> None:
        self.order[a], self.order[b] = self.order[b], self.order[a]

    def backfill(self, i: int, t: int, ext_budget: int, window: int) -> tuple[int, int]:
        """Take further neurons (from the next ``window`` positions and the last ``window``
        of the order) into the block ``i .. i+t-1`` while they fit: the candidate that
        adds the most rows first (best fit).

        Returns the new (t, external rows).
        """
        _, rows_now, ext = self.fit(i, t, ext_budget)
        tried: set[int] = set()
        failures = 0
        while t < NEURONS_PER_BLOCK and i + t < self.n and failures < _MAX_FAILURES:
            lo = i + t
            cand = np.unique(np.r_[np.arange(lo, min(self.n, lo + window)),
                                   np.arange(max(lo, self.n - window), self.n)])
            cand = np.array([c for c in cand.tolist() if int(self.order[c]) not in tried], dtype=np.int64)
            if cand.size == 0:
                break
            _, ukeys, _ = _entries(self.inp, self.order[i:i + t])
            owner, keys, rows = _entries(self.inp, self.order[cand])
            inside = np.isin(keys, ukeys)
            new = np.bincount(owner, weights=rows * ~inside, minlength=cand.size)
            fits = (rows_now + new <= ROWS_PER_BLOCK) & (ext + new <= ext_budget)
            if not fits.any():
                break
            best = int(cand[np.flatnonzero(fits)[np.argmax(new[fits])]])
            tried.add(int(self.order[best]))
            self.swap(lo, best)
            ok_t, rows1, ext1 = self.fit(i, t + 1, ext_budget)
            if ok_t == t + 1:
                t, rows_now, ext = t + 1, rows1, ext1
            else:
                self.swap(lo, best)
                failures += 1  # that fit still covered the first t neurons: last_rate is theirs
        return t, ext

    def columns(self, i: int, t: int) -> np.ndarray:
        return block_columns(self.inp.vkey[self.order[i:i + t]])


def _fail_alone(inputs: NeuronInputs, pos: int, pops: Callable[[int], str]) -> MappingError:
    g = int(inputs.neurons[pos])
    sl = slice(int(inputs.indptr[pos]), int(inputs.indptr[pos + 1]))
    need = int(inputs.rows[sl].sum())
    if need > ROWS_PER_BLOCK:
        return MappingError(
            f"population {pops(g)}: cell {g} needs {need} driver rows (one per distinct source, sign and "
            f"synaptic time constant, more for weights above 15 x the largest row strength); a block has "
            f"{ROWS_PER_BLOCK} rows and a chip {EXTERNAL_ROWS_PER_CHIP} external rows"
        )
    rate = inputs.cell_rate if inputs.cell_rate is not None else np.zeros(inputs.n_cells)
    load = float(np.sum(inputs.rows[sl] * rate[key_source(inputs.key[sl])]))
    return MappingError(
        f"population {pops(g)}: cell {g} alone needs {load:.6g} input events/s (biological) from its "
        f"sources; the input bandwidth of a chip is {inputs.input_budget:.6g} events/s"
    )


def pack(inputs: NeuronInputs, order: np.ndarray, name: str, pops: Callable[[int], str],
         progress: Callable[[float], None] | None = None, backfill: int = 0,
         limit: int | None = None) -> Partition | None:
    """Greedy packing of the neurons in ``order`` (positions into ``inputs.neurons``).

    With ``backfill > 0``, a block that stops early is topped up with the best
    fitting neurons among the next ``backfill`` and the last ``backfill`` of the order.
    Returns None as soon as more than ``limit`` chips would be needed.
    """
    pk = _Packer(inputs, order.copy())
    order = pk.order
    n = pk.n
    chip = np.empty(n, np.int64)
    block = np.empty(n, np.int64)
    col = np.empty(n, np.int64)
    i, c, guess, tick = 0, 0, 8, 0
    while i < n:
        ext_left = EXTERNAL_ROWS_PER_CHIP
        pk.rate_left = inputs.input_budget
        for b in (0, 1):
            if i >= n:
                break
            m = guess
            while True:
                t, _rows, ext = pk.fit(i, m, ext_left)
                if t < m or i + m >= n or m >= NEURONS_PER_BLOCK:
                    break
                m *= 4
            if t == 0:
                if b == 0:
                    raise _fail_alone(inputs, int(order[i]), pops)
                break
            if backfill and t < NEURONS_PER_BLOCK and i + t < n:
                t, ext = pk.backfill(i, t, ext_left, backfill)
            sl = slice(i, i + t)
            chip[sl], block[sl], col[sl] = c, b, pk.columns(i, t)
            ext_left -= ext
            pk.rate_left -= pk.last_rate
            i += t
            guess = max(8, 2 * t + 4)
        c += 1
        if limit is not None and c > limit:
            return None
        if progress is not None and c - tick >= 256:
            tick = c
            progress(i / n)
    out_chip = np.empty(n, np.int64)
    out_block = np.empty(n, np.int64)
    out_col = np.empty(n, np.int64)
    out_chip[order], out_block[order], out_col[order] = chip, block, col
    return Partition(inputs.neurons, out_chip, out_block, out_col, c, name)


def candidate_orders(inputs: NeuronInputs, seed: int) -> list[tuple[str, np.ndarray]]:
    """Orders to pack in: network order, and similar-source-set order (MinHash).

    Both sort by parameter set first, so that blocks rarely mix parameter sets.
    """
    n = inputs.neurons.size
    idx = np.arange(n)
    orders = [("network", np.lexsort((idx, inputs.vkey)))]

    if inputs.key.size and n > 1:
        mask = np.uint64(0xFFFFFFFFFFFFFFFF)
        salts = [np.uint64((0x9E3779B97F4A7C15 * (seed * 2 + j + 1)) & 0xFFFFFFFFFFFFFFFF) for j in range(2)]
        hashes = []
        for salt in salts:
            with np.errstate(over="ignore"):
                h = (inputs.key.astype(np.uint64) + salt) * np.uint64(0xBF58476D1CE4E5B9) & mask
                h ^= h >> np.uint64(31)
            has = np.diff(inputs.indptr) > 0
            mh = np.full(n, np.iinfo(np.uint64).max, dtype=np.uint64)
            mh[has] = np.minimum.reduceat(h, inputs.indptr[:-1][has])
            hashes.append(mh)
        orders.append(("similar-sources", np.lexsort((idx, hashes[1], hashes[0], inputs.vkey))))
    return orders
