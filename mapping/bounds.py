"""A proven lower bound on the number of chips a network needs.

Notation: ``d_j`` rows neuron ``j`` needs on its own (sum of the row multiplicities
``m_kj`` of its keys); ``w_ij = sum_k min(m_ki, m_kj)`` over shared keys (the rows two
neurons can share; computed as ``sum_t [m_ki >= t][m_kj >= t]``);
``O_j(r)`` the sum of the ``r`` largest ``w_ij`` over ``i != j`` (computed for
``r <= TOP``, extended linearly with the ``TOP``-th value beyond).

For a chip holding the set ``C`` of ``k`` neurons:

1. its rows are at least the union of its neurons' rows (a key used in both
   blocks costs more, never less), and by inclusion-exclusion truncated after
   pairs, ``union >= sum_j d_j - sum_{i<j} w_ij`` (the overlap of a key used by
   several neurons, ``sum - max``, is at most the sum of its pairwise minima);
2. a feedback row carries one neuron ``s`` of the chip to one block; ``s`` may feed
   both blocks, but a key used in both blocks needs a row in each and is counted
   once in the union, so each neuron of the chip removes at most one row of the
   union from the external rows: external rows ``>= union - k``;
3. external rows ``<= 256`` (EXTERNAL_ROWS_PER_CHIP);
4. ``sum_{i<j in C} w_ij = 1/2 sum_{j in C} sum_{i in C, i != j} w_ij
   <= 1/2 sum_{j in C} O_j(k - 1)``.

Hence ``sum_{j in C} b_j(k) <= 256`` with ``b_j(k) = d_j - 1 - O_j(k - 1) / 2``.

*Largest block*: a block holds its neurons' rows, feedback included, in 256 rows,
and its rows only grow when neurons are added; so if the ``k`` smallest
``d_j - O_j(k - 1) / 2`` sum to more than 256, no block holds ``k`` or more
neurons, and no chip more than ``K = 2 (k - 1)``.

*Largest chip of a neuron*: for a chip ``C`` of ``k`` neurons containing ``j`` and
any subset ``C'`` of ``k' <= k`` neurons containing ``j``, the union over ``C`` is at
least that over ``C'``, which is at least ``M_j(k') = a_j(k') + (sum of the k' - 1
smallest a_i(k'), i != j)`` with ``a_i(k') = d_i - O_i(k' - 1) / 2``. So ``C`` is
impossible when ``max_{k' <= k} M_j(k') > 256 + k``; ``kmax_j`` is the largest
``k <= K`` that this does not exclude. No chip with more neurons can hold ``j``,
so every chip satisfies ``sum_{j in C} 1 / kmax_j <= 1`` and ``N >= sum_j 1 / kmax_j``.

*Row budget*: ``k_C <= kmax_j`` for every ``j`` in ``C`` and ``O_j`` grows with its
argument, so ``g_j = d_j - 1 - O_j(kmax_j - 1) / 2 <= b_j(k_C)`` and
``sum_{j in C} g_j <= 256``: ``N >= sum_j g_j / 256``.

*Parameter groups*: a set of shared voltages with ``n_v`` neurons fills at least
``ceil(n_v / 96)`` of the 4 groups (96 columns each) per chip.

The bound is the largest of these and of ``n / 384``. When the pairwise
overlaps are too expensive to compute (``MAX_OVERLAP_WORK``), ``w`` is replaced
by nothing: only the neuron and group terms remain.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from firmware_io.constants import (
    EXTERNAL_ROWS_PER_CHIP,
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    PARAM_GROUPS_PER_CHIP,
    ROWS_PER_BLOCK,
)

from .partition import NeuronInputs

#: Skip the pairwise-overlap terms when sum_k (targets of k)^2 exceeds this (time).
MAX_OVERLAP_WORK = 3e8
#: Largest overlaps kept per neuron.
TOP = 32
#: Dense overlap entries held at once.
_CHUNK_CELLS = 2e7


def top_overlaps(inputs: NeuronInputs) -> np.ndarray | None:
    """(n, TOP) largest ``w_ij`` per neuron, descending; None when too expensive."""
    n = inputs.neurons.size
    if n < 2 or inputs.key.size == 0:
        return np.zeros((n, TOP))
    uk, kid = np.unique(inputs.key, return_inverse=True)
    kid = kid.ravel()
    col = np.repeat(np.arange(n), np.diff(inputs.indptr))
    levels = []
    for t in range(1, int(inputs.rows.max()) + 1):
        sel = inputs.rows >= t
        levels.append(sp.csc_matrix((np.ones(int(sel.sum())), (kid[sel], col[sel])), shape=(uk.size, n)))
    fan = np.diff(levels[0].tocsr().indptr).astype(np.float64)
    if float(np.sum(fan ** 2)) > MAX_OVERLAP_WORK:
        return None
    # sum_t L_t^T L_t = sum_k min(m_ki, m_kj), stacked into one product
    a = sp.vstack(levels).tocsc()
    at = a.T.tocsr()
    out = np.zeros((n, TOP))
    chunk = max(1, int(_CHUNK_CELLS // n))
    for j in range(0, n, chunk):
        e = min(n, j + chunk)
        g = (at @ a[:, j:e]).tocoo()  # overlaps of every neuron with neurons j..e-1
        keep = g.row != g.col + j
        rows, cols, vals = g.row[keep], g.col[keep], g.data[keep]
        if vals.size < 0.05 * n * (e - j):  # sparse: sort the few entries of each column
            o = np.lexsort((-vals, cols))
            cols, vals = cols[o], vals[o]
            rank = np.arange(cols.size) - np.searchsorted(cols, cols)
            sel = rank < TOP
            out[j + cols[sel], rank[sel]] = vals[sel]
            continue
        dense = np.zeros((n, e - j))
        dense[rows, cols] = vals
        k = min(TOP, n - 1)
        top = -np.sort(-np.partition(dense, n - k, axis=0)[n - k:], axis=0)
        out[j:e, :k] = top[:k].T
    return out


def _prefix(top: np.ndarray, r: int) -> np.ndarray:
    """O_j(r) from the top overlaps (linear beyond TOP with the TOP-th value)."""
    if r <= 0:
        return np.zeros(top.shape[0])
    if r <= TOP:
        return top[:, :r].sum(axis=1)
    return top.sum(axis=1) + (r - TOP) * top[:, -1]


def chip_lower_bound(inputs: NeuronInputs) -> tuple[int, dict]:
    """The bound and its terms (see the module docstring)."""
    n = inputs.neurons.size
    if n == 0:
        return 0, {"neurons": 0}
    d = inputs.rows_alone.astype(np.float64)
    terms: dict = {"neurons": math.ceil(n / NEURONS_PER_CHIP)}
    _, counts = np.unique(inputs.vkey, return_counts=True)
    groups = int(np.sum(np.ceil(counts / (NEURONS_PER_BLOCK // 2))))
    terms["param_groups"] = math.ceil(groups / PARAM_GROUPS_PER_CHIP)
    top = top_overlaps(inputs)
    if top is not None:
        budget = float(EXTERNAL_ROWS_PER_CHIP)
        # largest block
        k_block = NEURONS_PER_BLOCK
        for k in range(2, min(n, NEURONS_PER_BLOCK) + 1):
            a = d - _prefix(top, k - 1) / 2.0
            if np.partition(a, k - 1)[:k].sum() > ROWS_PER_BLOCK:
                k_block = k - 1
                break
        k_cap = min(NEURONS_PER_CHIP, 2 * k_block, n)
        # largest chip of each neuron
        run_max = np.full(n, -np.inf)
        kmax = np.ones(n, dtype=np.int64)
        for k in range(2, k_cap + 1):
            a = d - _prefix(top, k - 1) / 2.0
            small = np.sort(np.partition(a, k - 1)[:k])
            others = np.where(a <= small[k - 2], small.sum() - a, small[:k - 1].sum())
            run_max = np.maximum(run_max, a + others)
            kmax[run_max <= budget + k] = k
        g = d - 1.0 - _prefix_per(top, kmax - 1) / 2.0
        terms["block_size_max"] = k_block
        terms["chip_size"] = math.ceil(float(np.sum(1.0 / kmax)) - 1e-9)
        terms["row_budget"] = max(0, math.ceil(float(g.sum()) / budget - 1e-9))
        terms["kmax_mean"] = float(np.mean(kmax))
    bound = max(v for k, v in terms.items() if k not in ("kmax_mean", "block_size_max"))
    return int(bound), terms


def _prefix_per(top: np.ndarray, r: np.ndarray) -> np.ndarray:
    """O_j(r_j) for a per-neuron r."""
    cum = np.concatenate([np.zeros((top.shape[0], 1)), np.cumsum(top, axis=1)], axis=1)
    inside = np.minimum(r, TOP)
    val = cum[np.arange(top.shape[0]), inside]
    return val + np.maximum(r - TOP, 0) * top[:, -1]
