"""The chip lower bound against exhaustive optimal packings of tiny networks.

The exhaustive search uses the chip model the bound is proved for, with small limits:
two blocks of ``NB`` neurons; a block holds one row per key and multiplicity level of
its neurons (at most ``R``); every neuron of the chip may feed one feedback row per
block for one of its keys used there; the rows that are not feedback rows are external,
at most ``E`` per chip. (Column collisions of feedback rows are ignored: the model allows
at least every packing the hardware allows, so its optimum is a lower bound of the
hardware's and a bound below it is below both.)
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mapping.bounds import ChipLimits, chip_lower_bound, neuron_weights
from mapping.partition import NeuronInputs
from mapping.synapses import key_source, make_key


def _inputs(n: int, keys: list[list[tuple[int, int]]], n_cells: int) -> NeuronInputs:
    """NeuronInputs of ``n`` neurons (cells 0..n-1); ``keys[j]`` = [(key, rows), ...]."""
    indptr = np.r_[0, np.cumsum([len(k) for k in keys])].astype(np.int64)
    flat = [kr for ks in keys for kr in sorted(ks)]
    key = np.array([k for k, _ in flat], dtype=np.int64)
    rows = np.array([r for _, r in flat], dtype=np.int64)
    return NeuronInputs(neurons=np.arange(n), indptr=indptr, key=key, rows=rows, vkey=np.zeros(n, np.int64),
                        n_cells=n_cells)


def random_tiny(rng: np.random.Generator, n: int) -> tuple[NeuronInputs, list[list[tuple[int, int]]]]:
    """Random sources among the neurons and a few spike sources; 1 or 2 rows; two taus."""
    n_ext = int(rng.integers(3, 10))
    p = float(rng.uniform(0.1, 0.5))
    keys = []
    for _ in range(n):
        ks = {}
        for src in range(n + n_ext):
            if rng.random() < p:
                sign = int(rng.random() < 0.2)
                tau = int(rng.integers(0, 2)) if rng.random() < 0.2 else 0
                ks[int(make_key(np.array([src]), sign, tau)[0])] = int(rng.integers(1, 3)) if rng.random() < 0.3 else 1
        keys.append(sorted(ks.items()))
    return _inputs(n, keys, n + n_ext), keys


class Model:
    """Exact feasibility of every neuron set in the model of the module docstring (bitmasks)."""

    def __init__(self, n: int, keys: list[list[tuple[int, int]]], nb: int, r: int, e: int) -> None:
        self.n, self.nb, self.r, self.e = n, nb, r, e
        ids = {k: i for i, k in enumerate(sorted({k for ks in keys for k, _ in ks}))}
        lvl = [[0, 0] for _ in range(n)]
        for j, ks in enumerate(keys):
            for k, m in ks:
                for t in range(m):
                    lvl[j][t] |= 1 << ids[k]
        src_of = {i: int(key_source(np.array([k]))[0]) for k, i in ids.items()}
        size = 1 << n
        self.rows = [0] * size  # rows of a block holding the set
        self.fb_src = [0] * size  # neurons with a key used in that block (potential feedback)
        m1, m2 = [0] * size, [0] * size
        for mask in range(1, size):
            low = (mask & -mask).bit_length() - 1
            rest = mask & (mask - 1)
            m1[mask] = m1[rest] | lvl[low][0]
            m2[mask] = m2[rest] | lvl[low][1]
            self.rows[mask] = bin(m1[mask]).count("1") + bin(m2[mask]).count("1")
            hit = 0
            for i in range(len(ids)):
                if m1[mask] >> i & 1 and src_of[i] < n:
                    hit |= 1 << src_of[i]
            self.fb_src[mask] = hit

    def feasible(self, chip: int) -> bool:
        sub = chip
        while True:
            b0, b1 = sub, chip ^ sub
            if (bin(b0).count("1") <= self.nb and bin(b1).count("1") <= self.nb
                    and self.rows[b0] <= self.r and self.rows[b1] <= self.r):
                fb = (bin(chip & self.fb_src[b0]).count("1") * (b0 != 0)
                      + bin(chip & self.fb_src[b1]).count("1") * (b1 != 0))
                if self.rows[b0] + self.rows[b1] - fb <= self.e:
                    return True
            if sub == 0:
                return False
            sub = (sub - 1) & chip

    def optimum(self) -> tuple[int | None, list[int]]:
        """(fewest chips, feasible sets); None when some neuron fits nowhere."""
        size = 1 << self.n
        ok = [False] * size
        for mask in range(1, size):
            ok[mask] = self.feasible(mask)
        best = [0] + [10 ** 9] * (size - 1)
        for mask in range(1, size):
            low = mask & -mask
            rest = mask ^ low
            sub = rest
            while True:
                s = sub | low
                if ok[s] and best[mask ^ s] + 1 < best[mask]:
                    best[mask] = best[mask ^ s] + 1
                if sub == 0:
                    break
                sub = (sub - 1) & rest
        feas = [m for m in range(1, size) if ok[m]]
        return (best[-1] if best[-1] < 10 ** 9 else None), feas


#: (seed, neurons per block, external rows - largest d, block rows - largest d)
CASES = [(int(seed), nb, de, dr) for seed, (nb, de, dr) in
         zip(range(60), itertools.cycle([(2, 0, 2), (3, 1, 3), (2, 2, 0), (3, 0, 5), (2, 4, 6), (1, 1, 1)]))]


def case(seed: int, nb: int, de: int, dr: int) -> tuple[NeuronInputs, Model, ChipLimits]:
    """A random tiny network whose neurons each fit a chip alone (E, R >= largest d)."""
    rng = np.random.default_rng(1000 + seed)
    n = 8 if seed % 3 else 9
    inputs, keys = random_tiny(rng, n)
    top = int(inputs.rows_alone.max())
    e, r = top + de, top + dr
    limits = ChipLimits(neurons_per_block=nb, rows_per_block=r, external_rows=e, groups_per_chip=10 ** 6)
    return inputs, Model(n, keys, nb, r, e), limits


@pytest.mark.parametrize("seed,nb,de,dr", CASES)
def test_bound_never_above_the_exhaustive_optimum(seed: int, nb: int, de: int, dr: int) -> None:
    inputs, model, limits = case(seed, nb, de, dr)
    n = model.n
    opt, feas = model.optimum()
    assert opt is not None
    bound, terms = chip_lower_bound(inputs, limits)
    assert bound <= opt, (bound, opt, terms)
    # stronger: every feasible chip respects each neuron's largest chip size and has weight <= 1
    nw = neuron_weights(inputs, limits)
    for chip in feas:
        members = [j for j in range(n) if chip >> j & 1]
        assert len(members) <= nw.kmax[members].min(), (chip, nw.kmax)
        assert np.all(nw.x[:, members].sum(axis=1) <= 1 + 1e-9), (chip, nw.x[:, members])


def test_the_exhaustive_cases_are_not_trivial() -> None:
    """The random cases need several chips, the bound is often exact and the largest chip
    size of a neuron is often exactly the largest feasible chip holding it: the test has teeth."""
    exact = several = tight = total = 0
    for args in CASES[:30]:
        inputs, model, limits = case(*args)
        opt, feas = model.optimum()
        bound, _ = chip_lower_bound(inputs, limits)
        several += opt >= 3
        exact += bound == opt
        largest = np.zeros(model.n, dtype=np.int64)
        for chip in feas:
            members = [j for j in range(model.n) if chip >> j & 1]
            largest[members] = np.maximum(largest[members], len(members))
        tight += int(np.sum(neuron_weights(inputs, limits).kmax == largest))
        total += model.n
    assert several >= 15
    assert exact >= 8
    assert tight >= 0.4 * total
