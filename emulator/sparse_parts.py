"""Building blocks of :class:`emulator.sparse_board.SparseBoard`: sparse chip constants and
the compact set of live neurons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_io.constants import (
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    NO_READOUT,
    ROW_SOURCE,
    ROWS_PER_BLOCK,
    ROWS_PER_CHIP,
    SIGN,
)

from .arithmetic import G_MAX, check_width
from .coefficients import ChipCoefficients
from .neuron import NeuronArrays, NeuronState
from .synapse_rows import INCREMENT_SHIFT

_HALF = 1 << (INCREMENT_SHIFT - 1)


@dataclass(eq=False)
class ChipPart:
    """The integer constants of one chip with its synapses as a list (non-zero weights only)."""

    chip: int
    g_leak: np.ndarray
    v_rest: np.ndarray
    v_reset: np.ndarray
    v_thresh: np.ndarray
    e_rev_e: np.ndarray
    e_rev_i: np.ndarray
    refrac_ticks: np.ndarray
    row_source: np.ndarray
    row_sign: np.ndarray
    row_stp: np.ndarray
    row_class: np.ndarray
    row_amplitude: np.ndarray
    class_decay: dict
    n_exc: int
    n_inh: int
    row_nnz: np.ndarray      # (512,) non-zero weights per row (any source)
    syn_row: np.ndarray      # chip-local row of each synapse on a row that is not OFF
    syn_col: np.ndarray
    syn_eff: np.ndarray      # weight * synapse gain
    stp_u: int
    stp_decay_rec: int
    stp_decay_facil: int

    @classmethod
    def from_coefficients(cls, co: ChipCoefficients, chip: int) -> "ChipPart":
        counts = {int(SIGN.EXCITATORY): 0, int(SIGN.INHIBITORY): 0}
        for (_, sign, cid) in co.class_decay:
            counts[int(sign)] = max(counts[int(sign)], cid + 1)
        on = co.row_source != ROW_SOURCE.OFF
        row, col = np.nonzero((co.weights != 0) & on[:, None])
        return cls(
            chip=chip, g_leak=co.g_leak, v_rest=co.v_rest, v_reset=co.v_reset, v_thresh=co.v_thresh,
            e_rev_e=co.e_rev_e, e_rev_i=co.e_rev_i, refrac_ticks=co.refrac_ticks,
            row_source=co.row_source, row_sign=co.row_sign, row_stp=co.row_stp, row_class=co.row_class,
            row_amplitude=co.row_amplitude.copy(), class_decay=dict(co.class_decay),
            n_exc=counts[int(SIGN.EXCITATORY)], n_inh=counts[int(SIGN.INHIBITORY)],
            row_nnz=np.count_nonzero(co.weights, axis=1),
            syn_row=row.astype(np.int64), syn_col=col.astype(np.int64),
            syn_eff=(co.weights[row, col] * co.syn_gain[row, col]).astype(np.int64),
            stp_u=co.stp_u, stp_decay_rec=co.stp_decay_rec, stp_decay_facil=co.stp_decay_facil)

    def live_neurons(self, readout: np.ndarray) -> np.ndarray:
        """Chip-local neurons that need integrating (see :mod:`emulator.sparse_board`)."""
        live = np.zeros(NEURONS_PER_CHIP, dtype=bool)
        live[(self.syn_row // ROWS_PER_BLOCK) * NEURONS_PER_BLOCK + self.syn_col] = True
        live |= self.v_rest >= self.v_thresh
        live[readout[readout != NO_READOUT]] = True
        return np.flatnonzero(live)


class LiveSet:
    """State and constants of the live neurons, in global-index order (compact index ``j``)."""

    def __init__(self, global_ids: np.ndarray, neurons: NeuronArrays, slot_decay: np.ndarray,
                 row_ptr: np.ndarray, tgt_flat: np.ndarray, tgt_eff: np.ndarray, row_nnz: np.ndarray,
                 out_rows: np.ndarray, out_kind: np.ndarray) -> None:
        self.global_ids = global_ids
        self.neurons = neurons
        self.slot_decay = slot_decay
        self.row_ptr, self.tgt_flat, self.tgt_eff, self.row_nnz = row_ptr, tgt_flat, tgt_eff, row_nnz
        self.out_rows, self.out_kind = out_rows, out_kind
        #: per target of a live neuron: its path in the instant-link path table (-1: none)
        self.out_path: np.ndarray | None = None
        self.reset_state()

    def reset_state(self) -> None:
        """Membranes at rest, nobody refractory, conductances 0."""
        self.state = NeuronState.initial(self.neurons)
        self.g = np.zeros(self.slot_decay.shape, dtype=np.int64)

    def compact_index(self, global_ids: np.ndarray) -> np.ndarray:
        """Compact index of global neuron ids; -1 for neurons that are not live."""
        g = np.asarray(global_ids, dtype=np.int64)
        pos = np.searchsorted(self.global_ids, g)
        pos = np.minimum(pos, max(self.global_ids.size - 1, 0))
        ok = (self.global_ids.size > 0) & (self.global_ids[pos] == g) if self.global_ids.size else \
            np.zeros(g.shape, bool)
        return np.where(ok, pos, -1)

    def carry_state_from(self, old: "LiveSet") -> None:
        """Take over the state of the neurons live in both sets (new ones start at rest, as idle ones are)."""
        j_old = old.compact_index(self.global_ids)
        both = j_old >= 0
        st = self.state
        st.v[both] = old.state.v[j_old[both]]
        st.refractory_until[both] = old.state.refractory_until[j_old[both]]
        self.g[:, both] = old.g[:, j_old[both]]

    def deliver(self, ev_rows: np.ndarray, scale: np.ndarray) -> None:
        """Add one cycle's row events (``scale`` = row amplitude x STP factor per event)."""
        start = self.row_ptr[ev_rows]
        count = self.row_ptr[ev_rows + 1] - start
        total = int(count.sum())
        if total == 0:
            return
        first = np.repeat(start - np.cumsum(count) + count, count)
        idx = first + np.arange(total)
        inc = self.tgt_eff[idx] * np.repeat(scale, count)
        inc += _HALF
        inc >>= INCREMENT_SHIFT
        target = self.tgt_flat[idx]
        flat = self.g.reshape(-1)
        np.add.at(flat, target, inc)
        flat[target] = np.minimum(flat[target], G_MAX)

    def check(self) -> None:
        """Strict mode: raise OverflowError if a conductance register left its width."""
        check_width("G", self.g, 0, G_MAX)


def build_live_set(parts: list[ChipPart], readout: np.ndarray, slot: np.ndarray, n_slots: int,
                   routes: np.ndarray, source: np.ndarray) -> LiveSet:
    """Choose the live neurons of every chip and build their compact arrays."""
    n_exc = max([1] + [p.n_exc for p in parts])
    local = [p.live_neurons(readout[p.chip]) for p in parts]
    gids = np.concatenate([p.chip * NEURONS_PER_CHIP + loc for p, loc in zip(parts, local)]).astype(np.int64)
    pick = lambda name: np.concatenate([getattr(p, name)[loc] for p, loc in zip(parts, local)]).astype(np.int64)  # noqa: E731
    g_leak, v_rest, v_reset, v_thresh = pick("g_leak"), pick("v_rest"), pick("v_reset"), pick("v_thresh")
    from .arithmetic import G_FRAC_BITS
    neurons = NeuronArrays(
        g_leak=g_leak, g_leak_one=g_leak + (1 << G_FRAC_BITS), leak_drive=g_leak * v_rest, v_rest=v_rest,
        v_reset=v_reset, v_thresh=v_thresh, e_rev_e=pick("e_rev_e"), e_rev_i=pick("e_rev_i"),
        refrac_ticks=pick("refrac_ticks"),
        reset_below_threshold=bool((v_reset < v_thresh).all() and (v_rest < v_thresh).all()))
    n_live = gids.size
    slot_decay = np.zeros((n_slots, n_live), dtype=np.int64)
    for p, loc in zip(parts, local):
        if not loc.size:
            continue
        j0 = int(np.searchsorted(gids, p.chip * NEURONS_PER_CHIP))
        block = loc // NEURONS_PER_BLOCK
        for (b, s, cid), d in p.class_decay.items():
            sl = cid if s == SIGN.EXCITATORY else n_exc + cid
            slot_decay[sl, j0 + np.flatnonzero(block == b)] = d
    grow = np.concatenate([p.chip * ROWS_PER_CHIP + p.syn_row for p in parts])
    gneuron = np.concatenate([p.chip * NEURONS_PER_CHIP + (p.syn_row // ROWS_PER_BLOCK) * NEURONS_PER_BLOCK
                              + p.syn_col for p in parts])
    eff = np.concatenate([p.syn_eff for p in parts])
    j = np.searchsorted(gids, gneuron)
    n_rows = len(parts) * ROWS_PER_CHIP
    row_ptr = np.searchsorted(grow, np.arange(n_rows + 1)).astype(np.int64)
    tgt_flat = slot[grow] * n_live + j
    row_nnz = np.concatenate([p.row_nnz for p in parts]).astype(np.int64)
    out_rows, out_kind = _output_targets(gids, source, len(parts), routes)
    return LiveSet(gids, neurons, slot_decay, row_ptr, tgt_flat.astype(np.int64), eff, row_nnz, out_rows, out_kind)


def _output_targets(gids: np.ndarray, source: np.ndarray, n_chips: int, routes: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Per live neuron: target rows (feedback, then routes in :func:`board_setup.output_targets` order)
    and kinds (-2 feedback, -1 route inside the chip, else the destination chip)."""
    chip, loc = gids // NEURONS_PER_CHIP, gids % NEURONS_PER_CHIP
    block, col = loc // NEURONS_PER_BLOCK, loc % NEURONS_PER_BLOCK
    same = chip * ROWS_PER_CHIP + block * ROWS_PER_BLOCK + col
    other = chip * ROWS_PER_CHIP + (1 - block) * ROWS_PER_BLOCK + (col ^ 1)
    feedback = np.stack([np.where(source[same] == ROW_SOURCE.FEEDBACK_SAME, same, -1),
                         np.where(source[other] == ROW_SOURCE.FEEDBACK_OTHER, other, -1)], axis=1)
    src_chip = routes["src_chip"].astype(np.int64)
    src = src_chip * NEURONS_PER_CHIP + routes["src_neuron"].astype(np.int64)
    order = np.argsort(src, kind="stable")
    src, src_chip = src[order], src_chip[order]
    dst_chip = routes["dst_chip"].astype(np.int64)[order]
    dst_row = routes["dst_row"].astype(np.int64)[order]
    pos = np.searchsorted(gids, src)
    pos = np.minimum(pos, max(gids.size - 1, 0))
    keep = (gids[pos] == src) if gids.size else np.zeros(src.size, bool)
    src_j, src_chip, dst_chip, dst_row = pos[keep], src_chip[keep], dst_chip[keep], dst_row[keep]
    counts = np.bincount(src_j, minlength=gids.size)
    width = 2 + int(counts.max(initial=0))
    rows = np.full((gids.size, width), -1, dtype=np.int64)
    kind = np.full((gids.size, width), -1, dtype=np.int64)
    rows[:, :2] = feedback
    kind[:, :2] = -2
    if src_j.size:
        first = np.concatenate([[0], np.cumsum(counts)])[src_j]
        c = 2 + np.arange(src_j.size) - first
        rows[src_j, c] = dst_chip * ROWS_PER_CHIP + dst_row
        kind[src_j, c] = np.where(src_chip == dst_chip, -1, dst_chip)
    return rows, kind
