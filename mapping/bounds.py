"""A proven lower bound on the number of chips a network needs.

The derivation (also in ``docs/mapping.md``). Notation, per hardware neuron ``j``:
``d_j`` rows it needs alone (sum of the row multiplicities ``m_kj`` of its keys);
``w_ij = sum_k min(m_ki, m_kj)`` (rows two neurons can share); ``O_j(r)`` the sum of
the ``r`` largest ``w_ij``, ``i != j``; ``s_j = min(2, number of distinct keys whose
source is j)``; ``a_j = d_j - s_j``; ``E`` external rows per chip, ``R`` rows per block.

1. *Rows of a set.* A block holds one row per key and multiplicity level of its
   neurons, so a chip ``C`` holds at least ``U(C) = sum_k max_{j in C} m_kj`` rows,
   and ``U`` only grows when neurons are added. With ``c_k`` the number of neurons of
   ``C`` using level ``t`` of key ``k``, ``S1 = sum c = sum_C d_j`` and
   ``S2 = sum c (c - 1) / 2 = sum_{i<j in C} w_ij``. For integers ``c >= 0`` and
   ``q >= 1``, ``(c - q)(c - q - 1) >= 0`` gives ``[c >= 1] >= 2c / (q + 1) - c (c - 1) / (q (q + 1))``,
   so ``U(C) >= 2 S1 / (q + 1) - 2 S2 / (q (q + 1))`` for every ``q``
   (``q = 1``: inclusion-exclusion after pairs).
2. *Feedback.* Row ``r`` of block ``b`` is fed back from neuron ``r`` of block ``b``
   or neuron ``r ^ 1`` of the other block: a chip neuron ``x`` is the source of at
   most one feedback row per block. A key used in both blocks needs a row in each
   but counts once in ``U``; so a source with one key used on the chip takes at most
   one row off ``U``, a source with several keys at most two:
   ``external rows >= U(C) - sav(C)``, ``sav(C) <= sum_C s_j`` and also
   ``sav(C) <= sum_{x, i in C} A_xi`` (``A_xi``: distinct keys of ``x`` used by ``i``),
   and a feasible chip has ``U(C) - sav(C) <= E``.
3. *Subsets.* For ``C' subset C`` (``k' <= k`` neurons), ``U(C') <= U(C)``, so
   ``U(C') - sum_{C'} s_j <= E + s_max (k - k')``.
4. *Pairs.* ``sum_{i<j in C} w_ij <= 1/2 sum_{j in C} O_j(k - 1)`` (each neuron has
   ``k - 1`` partners). For a set ``{j} + T``: ``S2 = sum_{i in T} w_ji + S2(T)`` and
   ``S2(T) <= 1/2 sum_{i in T} O_i(k - 2)``.

*Which chip sizes a neuron allows.* ``L_j(k)``, a lower bound of ``U(C) - sum_C s``
over all ``k``-sets ``C`` containing ``j``, is the largest of
(a) for every ``q``: ``g_j + (sum of the k - 1 smallest g_i, i != j)`` with
``g_i = 2 d_i / (q + 1) - O_i(k - 1) / (q (q + 1)) - s_i`` (1 and 4);
(b) for ``k <= SMALL_K``: ``a_j + (sum of the k - 1 smallest c_ji, i != j)`` with
``c_ji = a_i - w_ji - O_i(k - 2) / 2`` (1 with ``q = 1`` and 4, partners' own pairs bounded).
By 2 and 3, ``j`` can sit on a chip of ``k`` neurons only if
``max_{k' <= k} (L_j(k') + s_max k') <= E + s_max k``, and (link form of 2, exact size
only) if the ``q = 1`` terms with ``w + A + A^T`` for ``w`` and ``a_j = d_j - A_jj``
are ``<= E``: the *allowed* sizes of ``j``.
A block holds no ``k`` neurons when, for some ``q``, the ``k`` smallest
``2 d_i / (q + 1) - O_i(k - 1) / (q (q + 1))`` sum to more than ``R`` (a block's rows
include its feedback rows; blocks only grow with more neurons), and a chip holds at
most twice the largest block.

*Per-neuron row share.* On a chip ``C`` of ``k`` neurons let
``t_j(C) = a_j - 1/2 sum_{i in C, i != j} w_ij``; then ``sum_C t_j(C) <= U(C) - sum_C s_j <= E``
(1 with ``q = 1``, and 2). ``t_j(C) >= tau_j(k) = a_j - Omega_j(k) / 2`` where
``Omega_j(k)`` bounds ``sum_{i in T} w_ji`` over the partner sets ``T`` of allowed
chips: ``O_j(k - 1)``, and, for ``k <= SMALL_K``, for every ``nu >= 0`` (Lagrangian
of the knapsack ``a_j + sum_T c_ji <= E``),
``nu (E - a_j) + (sum of the k - 1 largest (w_ji - nu c_ji))``. The link form and the
``g_i`` of a larger ``q`` give further share functions; per chip size the one with
the largest total is used (one inequality per size).

*The bound.* Any weights with ``sum_{j in C} x_j <= 1`` on every feasible chip give
``chips >= sum_j x_j`` (every neuron sits on one chip). For ``0 <= theta <= 1``,
``x_j = min over allowed k of (theta / k + (1 - theta) tau_j(k) / E)`` qualifies: on a
chip of ``k`` neurons, ``sum_C x_j <= theta + (1 - theta) sum_C t_j(C) / E <= 1``.
``theta = 1`` is the chip-size bound ``sum 1 / kmax_j``, ``theta = 0`` the row budget;
the best ``theta`` of a grid is taken, and the largest of that,
``n / neurons_per_chip`` and the parameter-group bound (a set of shared voltages
with ``n_v`` neurons fills ``ceil(n_v / (block / 2))`` of the groups).

Only sums of the ``k - 1`` smallest (largest) entries per neuron are needed, so the
partner terms look only at the candidate columns that can reach them
(``base_i <= (k-th smallest base) + (1 + 1/nu) max w``), computed as sparse products of
the key-level incidence; above ``MAX_OVERLAP_WORK`` the overlap terms are left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from firmware_io.constants import (
    EXTERNAL_ROWS_PER_CHIP,
    NEURONS_PER_BLOCK,
    PARAM_GROUPS_PER_CHIP,
    ROWS_PER_BLOCK,
)

from .partition import NeuronInputs
from .synapses import key_source

#: Skip the pairwise-overlap terms when sum_k (targets of k)^2 exceeds this (time).
MAX_OVERLAP_WORK = 3e8
#: Largest overlaps kept per neuron (beyond: the TOP-th value, an upper bound, repeated).
TOP = 32
#: Chip sizes up to which the partner terms (b) and the Lagrangian shares are computed.
SMALL_K = 8
#: q of the degree-2 union bound (1), and nu of the Lagrangian shares.
_QS = np.array([1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0])
_NUS = (1.0, 3.0)
_THETAS = np.linspace(0.0, 1.0, 11)
#: Dense cells held at once, and the most candidate cells a partner term may cost.
_CHUNK_CELLS = 2e7
_MAX_PARTNER_CELLS = 4e7
#: Networks with at most this many neuron pairs keep the whole overlap matrix.
_DENSE_CELLS = 3.6e7


@dataclass(frozen=True)
class ChipLimits:
    """The chip constraints the bound uses (defaults: the target of docs/hardware.md)."""

    neurons_per_block: int = NEURONS_PER_BLOCK
    rows_per_block: int = ROWS_PER_BLOCK
    external_rows: int = EXTERNAL_ROWS_PER_CHIP
    groups_per_chip: int = PARAM_GROUPS_PER_CHIP


@dataclass(frozen=True, eq=False)
class Overlaps:
    """Key-level incidence (``inc``: levels x neurons, CSC; ``inc_t`` its CSR transpose),
    the ``TOP`` largest ``w_ij`` per neuron (descending) and the largest ``w_ij``."""

    inc: sp.csc_matrix
    inc_t: sp.csr_matrix
    top: np.ndarray
    w_max: float
    #: ``A + A^T`` off the diagonal (``A_xi``: distinct keys of neuron x used by i), CSR
    links: sp.csr_matrix
    #: the TOP largest ``w_ij + A_ij + A_ji`` per neuron, and the largest
    top_x: np.ndarray
    w_max_x: float
    #: ``A_jj``: keys of a neuron that it uses itself
    self_links: np.ndarray
    #: cumulative sums of ``top`` and ``top_x`` ((n, TOP + 1), column 0 zero): O_j(r)
    cum: np.ndarray
    cum_x: np.ndarray
    #: the whole matrices ``w`` and ``w + A + A^T`` (int16, exact: entries <= d_j) when
    #: they are small (``_DENSE_CELLS``)
    dense: tuple[np.ndarray, np.ndarray] | None = None

    def rows(self, rows: np.ndarray, cols: np.ndarray, linked: bool) -> np.ndarray:
        """Dense ``w[rows][:, cols]`` (+ ``A + A^T`` when ``linked``; the diagonal is not
        an overlap, callers mask it)."""
        if self.dense is not None:
            return self.dense[int(linked)][np.ix_(rows, cols)].astype(np.float64)
        out = (self.inc_t[rows] @ self.inc[:, cols]).toarray()
        if linked:
            out += self.links[rows][:, cols].toarray()
        return out


def links(inputs: NeuronInputs) -> tuple[sp.csr_matrix, np.ndarray]:
    """(``A + A^T`` off the diagonal, ``A_ii``) with ``A_xi`` the distinct keys of neuron
    ``x`` that neuron ``i`` uses (the pairs of a chip that feedback rows can serve)."""
    n = inputs.neurons.size
    pos = np.full(inputs.n_cells, -1, dtype=np.int64)
    pos[inputs.neurons] = np.arange(n)
    src = pos[key_source(inputs.key)]
    tgt = np.repeat(np.arange(n), np.diff(inputs.indptr))
    hw = src >= 0
    src, tgt = src[hw], tgt[hw]
    own = src == tgt
    diag = np.bincount(src[own], minlength=n).astype(np.float64)
    off = ~own
    sym = sp.coo_matrix((np.ones(2 * int(off.sum())), (np.r_[src[off], tgt[off]], np.r_[tgt[off], src[off]])),
                        shape=(n, n)).tocsr()
    return sym, diag


def _top_rows(dense: np.ndarray, k: int) -> np.ndarray:
    """The k largest entries of every row, descending."""
    m = dense.shape[1]
    return -np.sort(-np.partition(dense, m - k, axis=1)[:, m - k:], axis=1)


def overlaps(inputs: NeuronInputs) -> Overlaps | None:
    """Pairwise overlaps of the neurons' rows (also with ``A + A^T`` added, see
    :func:`links`); None when too expensive (``MAX_OVERLAP_WORK``)."""
    n = inputs.neurons.size
    uk, kid = np.unique(inputs.key, return_inverse=True)
    kid = kid.ravel()
    col = np.repeat(np.arange(n), np.diff(inputs.indptr))
    levels = []
    for t in range(1, int(inputs.rows.max(initial=0)) + 1):
        sel = inputs.rows >= t
        levels.append(sp.csc_matrix((np.ones(int(sel.sum())), (kid[sel], col[sel])), shape=(uk.size, n)))
    if not levels:
        zero = np.zeros((n, TOP))
        return Overlaps(sp.csc_matrix((1, n)), sp.csr_matrix((n, 1)), zero, 0.0, sp.csr_matrix((n, n)), zero,
                        0.0, np.zeros(n), _cumulative(zero), _cumulative(zero))
    fan = np.diff(levels[0].tocsr().indptr).astype(np.float64)
    if float(np.sum(fan ** 2)) > MAX_OVERLAP_WORK:
        return None
    link, self_links = links(inputs)
    # sum_t L_t^T L_t = sum_k min(m_ki, m_kj), stacked into one product
    inc = sp.vstack(levels).tocsc()
    inc_t = inc.T.tocsr()
    top = np.zeros((n, TOP))
    top_x = np.zeros((n, TOP))
    k = min(TOP, n - 1)
    full = None
    if float(n) * n <= _DENSE_CELLS:
        w = np.empty((n, n), dtype=np.int16)
        step = max(1, int(_CHUNK_CELLS // (4 * n)))
        for lo in range(0, n, step):  # row blocks: no n x n float temporaries
            w[lo:lo + step] = (inc_t[lo:lo + step] @ inc).toarray()
        np.fill_diagonal(w, 0)
        top[:, :k] = _top_rows(w, k)
        w_x = w.copy()
        lc = link.tocoo()
        w_x[lc.row, lc.col] += lc.data.astype(np.int16)
        top_x[:, :k] = _top_rows(w_x, k)
        full = (w, w_x)
    else:
        chunk = max(1, int(_CHUNK_CELLS // n))
        for j in range(0, n, chunk):
            e = min(n, j + chunk)
            g = (inc_t[j:e] @ inc).tocsr()  # overlaps of neurons j..e-1 with every neuron
            for out, mat in ((top, g), (top_x, g + link[j:e])):
                coo = mat.tocoo()
                keep = coo.col != coo.row + j
                # sort the entries of each row, largest first, as one integer key
                big = int(coo.data.max(initial=0)) + 1
                code = np.sort(coo.row[keep].astype(np.int64) * big + (big - 1 - coo.data[keep].astype(np.int64)))
                rows, vals = code // big, (big - 1 - code % big).astype(np.float64)
                rank = np.arange(rows.size) - np.searchsorted(rows, rows)
                sel = rank < TOP
                out[j + rows[sel], rank[sel]] = vals[sel]
    return Overlaps(inc, inc_t, top, float(top[:, 0].max(initial=0.0)), link, top_x,
                    float(top_x[:, 0].max(initial=0.0)), self_links, _cumulative(top), _cumulative(top_x), full)


def feedback_savings(inputs: NeuronInputs) -> np.ndarray:
    """``s_j``: external rows neuron ``j`` can take off its chip (0, 1 or 2; step 2)."""
    n = inputs.neurons.size
    pos = np.full(inputs.n_cells, -1, dtype=np.int64)
    pos[inputs.neurons] = np.arange(n)
    src = pos[key_source(np.unique(inputs.key))]
    return np.minimum(np.bincount(src[src >= 0], minlength=n), 2).astype(np.float64)


def _prefix(top: np.ndarray, r: int) -> np.ndarray:
    """O_j(r) from the cumulative top overlaps ``top`` ((n, TOP + 1), column 0 zero;
    beyond TOP: the TOP-th value, an upper bound, repeated)."""
    if r <= TOP:
        return top[:, r]
    return top[:, TOP] + (r - TOP) * (top[:, TOP] - top[:, TOP - 1])


def _cumulative(top: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros((top.shape[0], 1)), np.cumsum(top, axis=1)], axis=1)


def _smallest_with(g: np.ndarray, k: int) -> np.ndarray:
    """Per row of ``g`` (q x n): ``g_j`` + the sum of the ``k - 1`` smallest ``g_i``, ``i != j``."""
    small = np.sort(np.partition(g, k - 1, axis=1)[:, :k], axis=1)
    total = small.sum(axis=1, keepdims=True)
    others = np.where(g <= small[:, k - 2:k - 1], total - g, total - small[:, k - 1:k])
    return g + others


def _partner_terms(ov: Overlaps, a: np.ndarray, k: int, ext: float, rows: np.ndarray,
                   linked: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """(b) ``L_j(k)`` and the Lagrangian ``Omega_j(k)`` for the neurons ``rows``
    (None when too expensive)."""
    n = a.size
    top_w = ov.top_x if linked else ov.top
    base = a - _prefix(ov.cum_x if linked else ov.cum, k - 2) / 2.0
    theta = np.partition(base, k - 1)[k - 1]
    by_base = np.argsort(base, kind="stable")
    sorted_base = base[by_base]
    # rows in order of their largest overlap: a chunk needs only the columns that can be
    # among its k - 1 smallest c_ji or largest w_ji - nu c_ji (base_i <= theta + (1 + 1/nu) w_max)
    rows = rows[np.argsort(top_w[rows, 0], kind="stable")]
    reach = 1.0 + 1.0 / min(_NUS)
    low = np.empty(rows.size)
    omega = np.empty(rows.size)
    lo = 0
    while lo < rows.size:
        hi = min(rows.size, lo + 256)
        w_top = float(top_w[rows[hi - 1], 0])
        cand = by_base[:int(np.searchsorted(sorted_base, theta + reach * w_top + 1e-9, side="right"))]
        if rows.size * cand.size > _MAX_PARTNER_CELLS:
            return None
        hi = min(hi, lo + max(1, int(_CHUNK_CELLS // (4 * cand.size))))
        r = rows[lo:hi]
        w = ov.rows(r, cand, linked)
        bc = base[cand][None, :]
        c = bc - w
        where = np.full(n, -1, dtype=np.int64)
        where[cand] = np.arange(cand.size)
        own = np.flatnonzero(where[r] >= 0)
        c[own, where[r[own]]] = np.inf  # a neuron is not its own partner
        low[lo:hi] = a[r] + np.partition(c, k - 2, axis=1)[:, :k - 1].sum(axis=1)
        best = np.full(r.size, np.inf)
        for nu in _NUS:
            g = w - nu * c  # = (1 + nu) w_ji - nu base_i; -inf at the neuron itself
            top = -np.partition(-g, k - 2, axis=1)[:, :k - 1].sum(axis=1)
            best = np.minimum(best, nu * (ext - a[r]) + top)
        omega[lo:hi] = best
        lo = hi
    out_low = np.empty(n)
    out_omega = np.empty(n)
    out_low[rows], out_omega[rows] = low, omega
    return out_low, out_omega


def _largest_block(d: np.ndarray, cum: np.ndarray, limits: ChipLimits) -> int:
    """Most neurons a block can hold (its rows, feedback included, within R)."""
    n = d.size
    for k in range(2, min(n, limits.neurons_per_block) + 1):
        pre = _prefix(cum, k - 1)
        g = (2.0 / (_QS + 1.0))[:, None] * d[None, :] - pre[None, :] / (_QS * (_QS + 1.0))[:, None]
        if np.any(np.partition(g, k - 1, axis=1)[:, :k].sum(axis=1) > limits.rows_per_block + 1e-9):
            return k - 1
    return min(n, limits.neurons_per_block)


def chip_lower_bound(inputs: NeuronInputs, limits: ChipLimits = ChipLimits()) -> tuple[int, dict]:
    """The bound and its terms (derivation in the module docstring).

    Parameters
    ----------
    inputs
        Row keys of the hardware neurons (as the partitioner sees them).
    limits
        Chip constraints; the defaults are the target's.

    Returns
    -------
    (bound, terms)
        ``terms`` holds every bound (``neurons``, ``param_groups``, ``chip_size``,
        ``row_budget``, ``mixed``) and the figures behind them.
    """
    n = inputs.neurons.size
    if n == 0:
        return 0, {"neurons": 0}
    per_chip = 2 * limits.neurons_per_block
    terms: dict = {"neurons": math.ceil(n / per_chip)}
    _, counts = np.unique(inputs.vkey, return_counts=True)
    groups = int(np.sum(np.ceil(counts / max(1, limits.neurons_per_block // 2))))
    terms["param_groups"] = math.ceil(groups / limits.groups_per_chip)
    nw = neuron_weights(inputs, limits) if n > 1 else None
    if nw is not None:
        sums = nw.x.sum(axis=1)
        best = int(np.argmax(sums))
        # sum_j x_j <= chips; the margin covers rounding of the float sums
        terms["chip_size"] = max(0, math.ceil(float(sums[-1]) - 1e-6))
        terms["row_budget"] = max(0, math.ceil(float(sums[0]) - 1e-6))
        terms["mixed"] = max(0, math.ceil(float(sums[best]) - 1e-6))
        terms["theta"] = float(_THETAS[best])
        terms["block_size_max"] = nw.k_block
        terms["kmax_mean"] = float(np.mean(nw.kmax))
    info = ("kmax_mean", "block_size_max", "theta")
    return int(max(v for k, v in terms.items() if k not in info)), terms


@dataclass(frozen=True, eq=False)
class NeuronWeights:
    """Per neuron: ``kmax`` (largest allowed chip size) and ``x`` (one row per
    ``theta`` of ``thetas``): weights whose sum over any feasible chip is at most 1."""

    kmax: np.ndarray
    x: np.ndarray
    thetas: np.ndarray
    k_block: int


def neuron_weights(inputs: NeuronInputs, limits: ChipLimits = ChipLimits()) -> NeuronWeights | None:
    """Allowed chip sizes and chip-fraction weights of every neuron (module docstring).

    Returns None when the pairwise overlaps are too expensive (``MAX_OVERLAP_WORK``).
    """
    ov = overlaps(inputs)
    if ov is None:
        return None
    n = inputs.neurons.size
    ext = float(limits.external_rows)
    d = inputs.rows_alone.astype(np.float64)
    s = feedback_savings(inputs)
    a = d - s
    a_x = d - ov.self_links
    s_max = float(s.max())
    k_block = _largest_block(d, ov.cum, limits)
    k_cap = min(2 * k_block, n)
    run = a + s_max  # max over k' <= k of (L_j(k') + s_max k'), k = 1
    # weights x_j(theta): k = 1 (a neuron alone; min(., E) keeps x_j <= 1)
    x = _THETAS[:, None] + (1.0 - _THETAS[:, None]) * np.minimum(a, ext)[None, :] / ext
    kmax = np.ones(n, dtype=np.int64)
    qa = (2.0 / (_QS + 1.0))[:, None]
    qb = (1.0 / (_QS * (_QS + 1.0)))[:, None]
    for k in range(2, k_cap + 1):
        pre = _prefix(ov.cum, k - 1)
        g_q = qa * d[None, :] - qb * pre[None, :] - s[None, :]
        low = _smallest_with(g_q, k).max(axis=0)
        # savings bounded by the chip's links instead of s (exact-size test only)
        pre_x = _prefix(ov.cum_x, k - 1)
        low_x = _smallest_with((a_x - pre_x / 2.0)[None, :], k)[0]
        omega, omega_x = pre, pre_x
        maybe = np.flatnonzero((np.maximum(run, low + s_max * k) <= ext + s_max * k + 1e-9)
                               & (low_x <= ext + 1e-9))
        if k <= SMALL_K and maybe.size:
            # the partner terms only sharpen L and Omega: only where k may still be allowed
            part = _partner_terms(ov, a, k, ext, maybe, linked=False)
            if part is not None:
                low[maybe] = np.maximum(low[maybe], part[0][maybe])
                omega = pre.copy()
                omega[maybe] = np.minimum(pre[maybe], part[1][maybe])
            part = _partner_terms(ov, a_x, k, ext, maybe, linked=True)
            if part is not None:
                low_x[maybe] = np.maximum(low_x[maybe], part[0][maybe])
                omega_x = pre_x.copy()
                omega_x[maybe] = np.minimum(pre_x[maybe], part[1][maybe])
        run = np.maximum(run, low + s_max * k)
        allowed = (run <= ext + s_max * k + 1e-9) & (low_x <= ext + 1e-9)
        if not allowed.any():
            continue
        kmax[allowed] = k
        # one row-share inequality per chip size: q = 1 with the partner shares, or a larger q
        shares = np.vstack([a[allowed] - omega[allowed] / 2.0, a_x[allowed] - omega_x[allowed] / 2.0,
                            g_q[1:, allowed]])
        tau = shares[int(np.argmax(shares.sum(axis=1)))]
        share = _THETAS[:, None] / k + (1.0 - _THETAS[:, None]) * tau[None, :] / ext
        x[:, allowed] = np.minimum(x[:, allowed], share)
    return NeuronWeights(kmax, x, _THETAS.copy(), k_block)
