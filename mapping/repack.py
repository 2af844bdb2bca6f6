"""Fewer chips for networks whose chips hold few neurons: chips filled with lookahead.

In a dense random network a chip holds a handful of neurons, because every distinct row
key of a block needs its own row; whether a fourth neuron fits depends on how much its
keys overlap those of the others. The packer fills chips along an order, so the few
neurons with small or strongly overlapping key sets are spread thinly and most chips end
with the same small count. This pass builds the chips again, one after the other:

* a chip starts with the remaining neuron that needs the fewest rows (the neurons that
  make a chip hold one neuron more are placed first, each with the partners that suit
  it, instead of being used up as fillers);
* it is completed greedily: the remaining neuron that fits (rows within the block) with
  the largest share of its rows already on the chip comes next, while any fits;
* lookahead: the completion is tried from each of the ``wide`` best second neurons
  (or from the ``deep`` best third neurons of each); the chip kept holds the most
  neurons, then has the highest ``rows used + bonus * rows its members need alone``
  (it takes the big neurons along).

New rows are estimated from the overlaps of key sets (a dense neuron-by-neuron matrix,
corrected for keys shared by several members), so a step is a few vector operations
over the neurons, not a loop over synapses. Every chip is then confirmed with the
packer's exact check (:meth:`BlockLoad.chip_fits`: rows per block with row
multiplicities and feedback, external rows, parameter groups, input rate); a chip that
fails gives back its last neurons until it fits. All neurons of a chip sit in block 0
(two blocks would pay twice for every key they share). A few constructions (``RUNS``)
are made within a work budget and the one with the fewest chips is kept, if it needs
fewer than the packer's partition; the pass is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp

from firmware_io.constants import NEURONS_PER_BLOCK, ROWS_PER_BLOCK

from .partition import BlockLoad, NeuronInputs, Partition, block_columns, slice_positions

#: Pass skipped when chips hold more neurons than this on average (they are well filled).
MAX_MEAN_NEURONS = 12.0
#: Pass skipped above this many neurons (the overlap matrix is dense, n x n).
MAX_NEURONS = 5000
#: Constructions tried, the best kept: (second neurons tried per chip, third neurons
#: tried per second one (0: none), weight of the members' own rows in the choice).
RUNS = ((6, 4, 1.0), (20, 0, 1.0), (10, 0, 0.25))
#: Work of all constructions together, in units of (completions per chip) x neurons^2: a
#: construction takes about one step per neuron, a step a few vector operations over the
#: neurons. Large networks get one narrower construction.
WORK_BUDGET = 90_000_000

_HALF = NEURONS_PER_BLOCK // 2


class _Chip:
    """A chip under construction: members, key counts and the estimated new rows of all neurons."""

    def __init__(self, n_keys: int, n: int) -> None:
        self.members: list[int] = []
        self.cnt = np.zeros(n_keys, np.int32)
        self.covered = np.zeros(n, np.float64)  # rows of every neuron on keys already on the chip
        self.used = 0.0

    def copy(self) -> _Chip:
        c = _Chip.__new__(_Chip)
        c.members, c.cnt, c.covered, c.used = list(self.members), self.cnt.copy(), self.covered.copy(), self.used
        return c


class _Builder:
    def __init__(self, inputs: NeuronInputs) -> None:
        n = inputs.neurons.size
        self.n = n
        self.vkey = inputs.vkey
        owner = np.repeat(np.arange(n), np.diff(inputs.indptr))
        ukeys, kid = np.unique(inputs.key, return_inverse=True)
        self.n_keys = ukeys.size
        w = sp.csr_matrix((inputs.rows.astype(np.float64), (owner, kid)), shape=(n, ukeys.size))
        w.sum_duplicates()
        self.w = w
        self.wc = w.tocsc()
        ones = w.copy()
        ones.data[:] = 1.0
        #: overlap[s, j]: rows of neuron j on the keys of neuron s
        self.overlap = np.asarray((ones @ w.T).toarray(), dtype=np.float32)
        self.rows = np.asarray(w.sum(axis=1)).ravel()

    def keys_of(self, j: int) -> np.ndarray:
        return self.w.indices[self.w.indptr[j]:self.w.indptr[j + 1]]

    def new_rows(self, ch: _Chip) -> np.ndarray:
        return self.rows - ch.covered

    def add(self, ch: _Chip, j: int) -> None:
        new_j = float(self.rows[j] - ch.covered[j])
        ks = self.keys_of(j)
        again = ks[ch.cnt[ks] >= 1]
        ch.covered += self.overlap[j]
        if again.size:
            # keys already on the chip were counted once more by the overlap row: take them back
            starts = self.wc.indptr[again]
            idx = slice_positions(starts, self.wc.indptr[again + 1] - starts)
            ch.covered -= np.bincount(self.wc.indices[idx], weights=self.wc.data[idx], minlength=self.n)
        ch.cnt[ks] += 1
        ch.used += new_j
        ch.members.append(j)

    def allowed(self, ch: _Chip, left: np.ndarray) -> np.ndarray:
        """Neurons that keep the block within 192 neurons and its two parameter groups."""
        if len(ch.members) >= NEURONS_PER_BLOCK:
            return np.zeros(self.n, bool)
        sets, counts = np.unique(self.vkey[ch.members], return_counts=True)
        if sets.size == 1 and counts[0] <= _HALF:
            return left
        ok = np.isin(self.vkey, sets[counts < _HALF]) if sets.size == 2 else self.vkey == sets[0]
        return left & ok

    def candidates(self, ch: _Chip, left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Neurons that fit the chip, and the share of their rows already on it."""
        new = self.new_rows(ch)
        c = np.flatnonzero(self.allowed(ch, left) & (ch.used + new <= ROWS_PER_BLOCK))
        return c, (self.rows[c] - new[c]) / np.maximum(self.rows[c], 1.0)

    def complete(self, ch: _Chip, left: np.ndarray) -> _Chip:
        left = left.copy()
        while True:
            c, share = self.candidates(ch, left)
            if c.size == 0:
                return ch
            j = int(c[np.argmax(share)])
            self.add(ch, j)
            left[j] = False

    def chip(self, left: np.ndarray, wide: int, deep: int, bonus: float) -> list[int]:
        """Members of the next chip: completions from the ``wide`` best second neurons (and,
        with ``deep > 0``, from the ``deep`` best third neurons of each)."""
        rem = np.flatnonzero(left)
        a = int(rem[np.argmin(self.rows[rem])])
        base = _Chip(self.n_keys, self.n)
        self.add(base, a)
        left = left.copy()
        left[a] = False
        best, best_score = base, (1, 0.0)
        for ch in self._branches(base, left, wide, deep):
            score = (len(ch.members), ch.used + bonus * float(self.rows[ch.members].sum()))
            if score > best_score:
                best, best_score = ch, score
        return best.members

    def _branches(self, ch: _Chip, left: np.ndarray, wide: int, deep: int) -> Iterator[_Chip]:
        c, share = self.candidates(ch, left)
        if c.size == 0:
            yield ch
        for j in c[np.argsort(-share, kind="stable")][:wide].tolist():
            nxt = ch.copy()
            self.add(nxt, j)
            left[j] = False
            if deep:
                yield from self._branches(nxt, left, deep, 0)
            else:
                yield self.complete(nxt, left)
            left[j] = True


def _build(inputs: NeuronInputs, bld: _Builder, check: BlockLoad, wide: int, deep: int, bonus: float,
           limit: int) -> tuple[np.ndarray, np.ndarray, int] | None:
    """(chip, column, chips) of one construction; None as soon as it needs ``limit`` chips."""
    n = inputs.neurons.size
    left = np.ones(n, bool)
    chip = np.empty(n, np.int64)
    col = np.empty(n, np.int64)
    n_chips = 0
    while left.any():
        members = bld.chip(left, wide, deep, bonus)
        while len(members) > 1 and not check.chip_fits([np.array(sorted(members), np.int64)]):
            members.pop()  # the estimate missed a row multiplicity or the input rate
        pos = np.array(sorted(members), np.int64)
        chip[pos] = n_chips
        col[pos] = block_columns(inputs.vkey[pos])
        left[pos] = False
        n_chips += 1
        if n_chips >= limit and left.any():
            return None
    return chip, col, n_chips


def repack(inputs: NeuronInputs, part: Partition) -> Partition:
    """Partition with fewer chips than ``part``, or ``part`` itself.

    Parameters
    ----------
    inputs
        Row keys of the hardware neurons, as given to :func:`mapping.partition.pack`.
    part
        The packer's partition of ``inputs``.

    Returns
    -------
    Partition
        ``part`` when the pass is skipped (fewer than two chips, more than
        ``MAX_MEAN_NEURONS`` neurons per chip on average, more than ``MAX_NEURONS``
        neurons) or does not save a chip; otherwise the best construction (every
        neuron in block 0 of its chip, columns as the packer assigns them,
        ``order_name`` ``"lookahead-fill"``).
    """
    n = inputs.neurons.size
    if part.n_chips < 2 or n / part.n_chips > MAX_MEAN_NEURONS or n > MAX_NEURONS:
        return part
    bld = _Builder(inputs)
    check = BlockLoad(inputs)
    best: tuple[np.ndarray, np.ndarray, int] | None = None
    budget = float(WORK_BUDGET)
    for wide, deep, bonus in RUNS:
        affordable = int(budget // (n * n))
        if wide * max(deep, 1) > affordable:
            wide, deep = min(wide * max(deep, 1), affordable), 0
        if wide < 1:
            break
        budget -= wide * max(deep, 1) * n * n
        got = _build(inputs, bld, check, wide, deep, bonus, part.n_chips if best is None else best[2])
        if got is not None:
            best = got
    if best is None:
        return part
    chip, col, n_chips = best
    return Partition(part.neurons, chip, np.zeros(n, np.int64), col, n_chips, "lookahead-fill")
