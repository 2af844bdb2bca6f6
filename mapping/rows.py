"""Driver-row allocation and weight quantisation.

For every block, each distinct row key of its neurons gets ``M`` rows, ``M`` the
largest row multiplicity among the block's synapses of that key:

* feedback first: a key whose source neuron sits on the same chip takes the row
  the wiring offers (FEEDBACK_SAME at the source's column in its own block,
  FEEDBACK_OTHER at column ^ 1 in the other block); one feedback row per
  (block, row): SAME wins over OTHER, then the lower key; a source used with two
  signs (or two time constants) in one block therefore gets a feedback row for
  one key and external rows for the other;
* all other rows are EXTERNAL, taken from the block's free rows, rows 192..255
  (which have no feedback wiring) first;
* plastic projections have rows of their own (the plasticity class is part of
  the key); ``row_class`` tells :func:`mapping.plasticity.chip_codes` their
  STP mode and STDP bit.

Quantisation: all ``M`` rows of a key in a block share one strength code; a
synapse of total weight ``w`` gets ``Q = rint(w / s)`` weight LSBs (at most
``15 M``), spread as evenly as possible over the ``M`` rows. The strength is
the candidate, among the codes that put the largest weight of the rows at
``15 M - j`` LSBs (``j = 0..14``), with the least squared error over the rows'
synapses; so ``|w - s Q| <= s / 2`` for every synapse. STDP rows (one row
per key) take the strength that puts ``w_max`` at code 15, so that the
look-up tables act on the rule's weight scale. A positive weight that
rounds to 0 LSBs is lost (``WEIGHT_ROUNDS_TO_ZERO``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_io import units
from firmware_io.constants import (
    EXTERNAL_ROWS_PER_CHIP,
    FEEDBACK_ROWS_PER_BLOCK,
    PARAM_MAX,
    ROW_SOURCE,
    ROWS_PER_BLOCK,
    WEIGHT_MAX,
)

from .mapped_network import LossCause
from .synapses import Synapses, key_class, key_sign, key_source, key_tau

#: Row preference for external input: rows without feedback wiring first.
_PREFERENCE = np.r_[np.arange(FEEDBACK_ROWS_PER_BLOCK, ROWS_PER_BLOCK), np.arange(FEEDBACK_ROWS_PER_BLOCK)]
_LSB = np.array([units.ROW_STRENGTH_EXC.lsb, units.ROW_STRENGTH_INH.lsb])


@dataclass(frozen=True, eq=False)
class RowAllocation:
    """Rows, their settings and the synapse weights they carry (sparse)."""

    # one entry per allocated row
    row_chip: np.ndarray
    row_addr: np.ndarray  # block * 256 + row
    row_source: np.ndarray  # ROW_SOURCE code
    row_sign: np.ndarray
    row_strength: np.ndarray
    row_tau: np.ndarray
    row_src_cell: np.ndarray  # global index of the source
    row_delay: np.ndarray  # mean requested delay (ms) of the row's synapses
    row_lost: np.ndarray  # rows that found no place (their synapses are lost)
    row_class: np.ndarray  # plasticity class (0: static), see Synapses.classes
    # one entry per non-zero synapse of a row
    syn_chip: np.ndarray
    syn_row: np.ndarray
    syn_col: np.ndarray
    syn_weight: np.ndarray
    # per pair (see synapses.Synapses)
    pair_first_row: np.ndarray
    pair_n_rows: np.ndarray
    pair_codes: np.ndarray  # (n_pairs, max M) uint8
    pair_realised: np.ndarray  # realised weight (hardware uS, nominal)
    pair_strength_us: np.ndarray
    pair_feedback: np.ndarray  # first row is a feedback row
    pair_lost: np.ndarray  # LossCause
    pair_row_delay: np.ndarray  # mean requested delay (ms) of the pair's row group
    classes: tuple = (None,)  # Synapses.classes: the PlasticRows of each plasticity class


def _segments(sorted_ids: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(sorted_ids, np.arange(n + 1))


def choose_strength(wmax: np.ndarray, mult: np.ndarray, sign: np.ndarray, w: np.ndarray,
                    owner: np.ndarray) -> np.ndarray:
    """Strength code per row group (least squared weight error over its synapses).

    Parameters
    ----------
    wmax, mult, sign
        Per group: largest weight (uS), rows, sign.
    w, owner
        Per synapse: weight (uS) and its group.
    """
    lsb = _LSB[sign]
    best = np.zeros(wmax.size, np.int64)
    best_err = np.full(wmax.size, np.inf)
    levels = WEIGHT_MAX * mult
    w_levels = levels[owner]
    for j in range(WEIGHT_MAX):
        qmax = levels - j
        with np.errstate(divide="ignore", invalid="ignore"):
            code = np.clip(np.rint(wmax / (np.maximum(qmax, 1) * lsb)), 1, PARAM_MAX)
        valid = (qmax >= 1) & (np.rint(wmax / (code * lsb)) <= levels)
        s = (code * lsb)[owner]
        q = np.minimum(np.rint(w / s), w_levels)
        err = np.bincount(owner, weights=(w - s * q) ** 2, minlength=wmax.size)
        better = valid & (err < best_err)
        best = np.where(better, code, best)
        best_err = np.where(better, err, best_err)
    best[wmax <= 0] = 0
    return best.astype(np.int64)


def allocate(syn: Synapses, cell_chip: np.ndarray, cell_block: np.ndarray, cell_col: np.ndarray) -> RowAllocation:
    """Allocate rows for every pair and quantise the weights."""
    n_pairs = syn.pair_key.size
    post = syn.pair_post
    blk = cell_chip[post] * 2 + cell_block[post]
    kmax = int(syn.pair_key.max()) + 1 if n_pairs else 1
    uniq, inv = np.unique(blk * kmax + syn.pair_key, return_inverse=True)
    inv = inv.ravel()
    n_br = uniq.size
    br_blk, br_key = uniq // kmax, uniq % kmax
    by_br = np.argsort(inv, kind="stable")
    seg = _segments(inv[by_br], n_br)
    has = np.diff(seg) > 0
    br_mult = np.maximum.reduceat(syn.pair_rows[by_br], seg[:-1][has]) if n_pairs else np.zeros(0, np.int64)
    br_wmax = np.maximum.reduceat(syn.pair_weight[by_br], seg[:-1][has]) if n_pairs else np.zeros(0)
    br_delay = (np.add.reduceat(syn.pair_delay[by_br], seg[:-1][has]) / np.diff(seg)) if n_pairs else np.zeros(0)
    br_sign = key_sign(br_key)
    br_src = key_source(br_key)
    br_chip = br_blk // 2

    # feedback candidates
    src_chip = cell_chip[br_src]
    same_chip = src_chip == br_chip
    same_block = same_chip & (cell_block[br_src] == br_blk % 2)
    fb_row = np.where(same_block, cell_col[br_src], cell_col[br_src] ^ 1)
    fb_type = np.where(same_block, int(ROW_SOURCE.FEEDBACK_SAME), int(ROW_SOURCE.FEEDBACK_OTHER))
    cand = np.flatnonzero(same_chip)
    o = cand[np.lexsort((cand, fb_type[cand], fb_row[cand], br_blk[cand]))]
    first = np.r_[True, (br_blk[o][1:] != br_blk[o][:-1]) | (fb_row[o][1:] != fb_row[o][:-1])] if o.size else \
        np.zeros(0, bool)
    br_fb = np.zeros(n_br, bool)
    br_fb[o[first]] = True

    # blocks in use -> dense free-row lists
    n_blk = int(br_blk.max()) + 1 if n_br else 0
    used = np.zeros((n_blk, ROWS_PER_BLOCK), bool)
    used[br_blk[br_fb], fb_row[br_fb]] = True
    pref_rank = np.empty(ROWS_PER_BLOCK, np.int64)
    pref_rank[_PREFERENCE] = np.arange(ROWS_PER_BLOCK)
    free_order = np.argsort(used * ROWS_PER_BLOCK + pref_rank[None, :], axis=1, kind="stable")
    n_free = ROWS_PER_BLOCK - used.sum(axis=1)

    # expand to rows
    r_br = np.repeat(np.arange(n_br), br_mult)
    r_k = np.arange(r_br.size) - np.repeat(np.cumsum(br_mult) - br_mult, br_mult)
    r_fb = br_fb[r_br] & (r_k == 0)
    ext = np.flatnonzero(~r_fb)
    e_blk = br_blk[r_br[ext]]
    starts = np.searchsorted(e_blk, e_blk)  # br sorted by block, so ext rows are too
    rank = np.arange(ext.size) - starts
    row = np.empty(r_br.size, np.int64)
    row[r_fb] = fb_row[r_br[r_fb]]
    lost_row = np.zeros(r_br.size, bool)
    ok = rank < n_free[e_blk]
    row[ext[ok]] = free_order[e_blk[ok], rank[ok]]
    lost_row[ext[~ok]] = True
    # at most 256 external rows per chip (the partition keeps to it; checked again)
    e_chip = e_blk // 2
    ext_ok = ext[ok]
    c_rank = np.arange(ext_ok.size) - np.searchsorted(e_chip[ok], e_chip[ok])
    lost_row[ext_ok[c_rank >= EXTERNAL_ROWS_PER_CHIP]] = True
    source = np.where(r_fb, fb_type[r_br], int(ROW_SOURCE.EXTERNAL))

    # strength per row group, quantised pair weights
    p_sorted = by_br
    owner = inv[p_sorted]
    w = syn.pair_weight[p_sorted]
    strength = choose_strength(br_wmax, br_mult, br_sign, w, owner)
    if n_pairs and syn.pair_wmax.size:
        br_stdp_wmax = np.maximum.reduceat(syn.pair_wmax[by_br], seg[:-1][has])
        fixed = br_stdp_wmax > 0
        strength[fixed] = np.clip(np.rint(br_stdp_wmax[fixed] / WEIGHT_MAX / _LSB[br_sign[fixed]]), 1, PARAM_MAX)
    s_us = strength * _LSB[br_sign]
    pair_s = s_us[inv]
    pair_m = br_mult[inv]
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(pair_s > 0, np.minimum(np.rint(syn.pair_weight / pair_s), WEIGHT_MAX * pair_m), 0)
    q = q.astype(np.int64)
    max_m = int(br_mult.max()) if n_br else 1
    kk = np.arange(max_m)
    codes = (q[:, None] // pair_m[:, None] + (kk[None, :] < (q % pair_m)[:, None])) * (kk[None, :] < pair_m[:, None])
    codes = codes.astype(np.uint8)
    first_row = np.cumsum(br_mult) - br_mult  # index of the BR's first expanded row
    pair_row0 = first_row[inv]
    pair_lost = np.zeros(n_pairs, np.uint8)
    pair_lost[(syn.pair_weight > 0) & (q == 0)] = LossCause.WEIGHT_ROUNDS_TO_ZERO
    row_lost_any = np.zeros(n_br, bool)
    np.logical_or.at(row_lost_any, r_br[lost_row], True)
    pair_lost[row_lost_any[inv] & (pair_lost == 0)] = LossCause.NO_ROW
    realised = np.where(pair_lost == 0, q * pair_s, 0.0)

    # sparse synapses: one per (pair, row of its group) with a non-zero code
    p_idx, k_idx = np.nonzero(codes)
    keep = pair_lost[p_idx] == 0
    p_idx, k_idx = p_idx[keep], k_idx[keep]
    exp_row = pair_row0[p_idx] + k_idx
    syn_chip = cell_chip[post[p_idx]]
    syn_addr = (br_blk[r_br[exp_row]] % 2) * ROWS_PER_BLOCK + row[exp_row]
    keep_rows = ~lost_row
    return RowAllocation(
        row_chip=br_chip[r_br][keep_rows],
        row_addr=((br_blk[r_br] % 2) * ROWS_PER_BLOCK + row)[keep_rows],
        row_source=source[keep_rows].astype(np.uint8),
        row_sign=br_sign[r_br][keep_rows].astype(np.uint8),
        row_strength=strength[r_br][keep_rows].astype(np.uint16),
        row_tau=key_tau(br_key)[r_br][keep_rows].astype(np.uint16),
        row_src_cell=br_src[r_br][keep_rows],
        row_delay=br_delay[r_br][keep_rows],
        row_lost=np.flatnonzero(lost_row),
        row_class=key_class(br_key)[r_br][keep_rows].astype(np.int64),
        syn_chip=syn_chip.astype(np.int64),
        syn_row=syn_addr.astype(np.int64),
        syn_col=cell_col[post[p_idx]].astype(np.int64),
        syn_weight=codes[p_idx, k_idx],
        pair_first_row=np.where(pair_lost == 0, (br_blk[inv] % 2) * ROWS_PER_BLOCK + row[pair_row0], -1),
        pair_n_rows=pair_m,
        pair_codes=codes,
        pair_realised=realised,
        pair_strength_us=pair_s,
        pair_feedback=r_fb[pair_row0],
        pair_lost=pair_lost,
        pair_row_delay=br_delay[inv],
        classes=syn.classes,
    )
