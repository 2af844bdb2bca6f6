"""Building blocks of :class:`emulator.sparse_board.SparseBoard`: sparse chip constants,
the compact set of live neurons, the board's links and next-hop tables."""

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
from firmware_io.errors import ConfigError

from .arithmetic import G_MAX, check_width
from .coefficients import ChipCoefficients
from .network_fabric import FabricSpec, TokenBuckets, rate_per_cycle
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


class Fabric:
    """Links (in ``BoardSpec.links()`` order), delays, bandwidths and input ports of a board."""

    def __init__(self, n_chips: int, link_ends, link_delay_ticks, link_rate, link_depth, input_rate, input_depth,
                 spec=None) -> None:
        self.n_chips = n_chips
        self.link_ends = np.asarray(link_ends, dtype=np.int64).reshape(-1, 2)
        self.link_delay_ticks = np.asarray(link_delay_ticks, dtype=np.int64)
        self.link_rate = np.asarray(link_rate, dtype=np.int64)
        self.link_depth = np.asarray(link_depth, dtype=np.int64)
        self.input_rate = np.asarray(input_rate, dtype=np.int64)
        self.input_depth = np.asarray(input_depth, dtype=np.int64)
        self.spec = spec

    @classmethod
    def from_arg(cls, arg, n_chips: int) -> "Fabric":
        from firmware_io.board import BoardSpec
        if arg is None:
            arg = FabricSpec.crossbar(n_chips)
        if isinstance(arg, FabricSpec):
            if arg.n_chips != n_chips:
                raise ValueError(f"fabric describes {arg.n_chips} chips but {n_chips} configurations were loaded")
            if arg.fixed_paths is not None:
                raise ValueError("SparseBoard: a FabricSpec with fixed_paths is not supported; paths follow the "
                                 "board's rule (least delay, fewest hops, lowest link ids)")
            return cls(n_chips, arg.link_ends, arg.link_delay_ticks, arg.link_rate, arg.link_depth,
                       arg.input_rate, arg.input_depth)
        if not isinstance(arg, BoardSpec):
            raise TypeError(f"board description is a {type(arg).__name__}; valid: BoardSpec or FabricSpec")
        if arg.n_chips != n_chips:
            raise ValueError(f"board {arg.name!r} has {arg.n_chips} chips but {n_chips} configurations were loaded")
        ends, rate, delay, depth = arg.links()
        return cls(n_chips, ends, delay, [rate_per_cycle(float(r)) for r in rate], depth,
                   [rate_per_cycle(c.input_events_per_s) for c in arg.chips],
                   [c.input_buffer_events for c in arg.chips], spec=arg)

    def check_serials(self, configs) -> None:
        if self.spec is None:
            return
        for i, (cfg, chip) in enumerate(zip(configs, self.spec.chips)):
            if cfg.serial != chip.serial:
                raise ConfigError(f"configs[{i}].serial: value {cfg.serial:#x} differs from chip {i} of board "
                                  f"{self.spec.name!r} (serial {chip.serial:#x}); a configuration is made for one chip")

    def check_reachable_and_router(self, routes: np.ndarray, next_link: np.ndarray) -> None:
        """Every route's destination reachable; with a BoardSpec, router tables within capacity."""
        src_chip = routes["src_chip"].astype(np.int64)
        dst_chip = routes["dst_chip"].astype(np.int64)
        unreachable = (src_chip != dst_chip) & (next_link[src_chip, dst_chip] < 0)
        if unreachable.any():
            i = int(np.argmax(unreachable))
            raise ConfigError(f"routes[{i}]: chip {int(dst_chip[i])} cannot be reached from chip "
                              f"{int(src_chip[i])} over the board's links")
        if self.spec is None:
            return
        # a source neuron takes one entry in every chip it passes: source, path, destination
        sources, s = np.unique(src_chip * NEURONS_PER_CHIP + routes["src_neuron"].astype(np.int64),
                               return_inverse=True)
        passes = np.zeros((sources.size, self.n_chips), dtype=bool)   # source x chip it passes
        passes[s, src_chip] = True
        cur, dst = src_chip.copy(), dst_chip
        while cur.size:
            go = cur != dst
            cur, dst, s = cur[go], dst[go], s[go]
            cur = self.link_ends[next_link[cur, dst], 1]
            passes[s, cur] = True
        used = passes.sum(axis=0)
        capacity = np.array([chip.router_entries for chip in self.spec.chips])
        over = used > capacity
        if over.any():
            i = int(np.argmax(over))
            raise ConfigError(f"routes: chip {i} needs {int(used[i])} router entries; board {self.spec.name!r} "
                              f"has {int(capacity[i])}")


def next_link_table(fab: Fabric, routes: np.ndarray) -> np.ndarray:
    """``(chip, destination) -> link`` of the board's path rule; -1 on the diagonal and if unreachable.

    Optimal means least total delay, then fewest hops (one integer key per link,
    ``delay * (chips + 1) + 1``); the next hop is the lowest-id link that starts an
    optimal path, which yields the lexicographically smallest link sequence.
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import dijkstra
    c = fab.n_chips
    ends = fab.link_ends
    out = np.full((c, c), -1, dtype=np.int32)
    if not ends.size:
        return out
    weight = (fab.link_delay_ticks * (c + 1) + 1).astype(np.float64)
    # parallel links between the same chips: the graph keeps the cheapest one, the table below all of them
    order = np.lexsort((weight, ends[:, 1], ends[:, 0]))
    first = np.r_[True, (np.diff(ends[order, 0]) != 0) | (np.diff(ends[order, 1]) != 0)]
    keep = order[first]
    graph = sp.csr_matrix((weight[keep], (ends[keep, 0], ends[keep, 1])), shape=(c, c))
    dist = dijkstra(graph, directed=True)
    by_from = np.argsort(ends[:, 0], kind="stable")          # link ids ascending within each chip
    starts = np.searchsorted(ends[by_from, 0], np.arange(c + 1))
    for u in range(c):
        lids = by_from[starts[u]:starts[u + 1]]
        if not lids.size:
            continue
        cand = weight[lids][:, None] + dist[ends[lids, 1]]          # (deg, c)
        ok = (cand == dist[u][None, :]) & np.isfinite(dist[u])[None, :]
        has = ok.any(axis=0)
        pick = np.argmax(ok, axis=0)                                 # first (lowest id) optimal link
        out[u, has] = lids[pick[has]]
        out[u, u] = -1
    return out


class SteadyBuckets(TokenBuckets):
    """:class:`TokenBuckets` with a shortcut for the usual cycle of a well-mapped board.

    If every limited bucket was full at its last refill and no bucket is asked
    for more events in a cycle than it gains per cycle and holds
    (``min(rate, cap) >> 16``), every
    event passes and every bucket is full again at the next refill: the
    per-cycle rule gives exactly that, so the shortcut changes no result. The
    tokens of such a cycle are written out (:meth:`_settle`) only when another
    method needs them.
    """

    def __init__(self, rate: np.ndarray, depth: np.ndarray) -> None:
        super().__init__(rate, depth)
        limited = ~self.unlimited
        # a full bucket passes at most cap events in a cycle and is full again after gaining rate
        steady = np.minimum(self.rate[limited], self.cap[limited]) >> 16
        self._steady = int(steady.min()) if limited.any() else 0
        self._full_next = True
        self._lazy: np.ndarray | None = None

    def reset(self) -> None:
        super().reset()
        self._full_next = True
        self._lazy = None

    def _settle(self) -> None:
        if self._lazy is not None:
            self.tokens = self.cap - (self._lazy << 16)
            self._lazy = None

    def admit(self, bucket: np.ndarray, cycle: int, order_key: np.ndarray | None = None) -> np.ndarray | None:
        if self._all_unlimited:
            return None
        if self._full_next and cycle > self.cycle and not self._any_unlimited:
            wanted = np.bincount(bucket, minlength=self.rate.size)
            if wanted.max(initial=0) <= self._steady:
                self._lazy = wanted
                self.cycle = cycle
                return None
        self._settle()
        ok = super().admit(bucket, cycle, order_key)
        limited = ~self.unlimited
        self._full_next = bool((self.tokens[limited] + self.rate[limited] >= self.cap[limited]).all())
        return ok

    def try_steady(self, bucket: np.ndarray, cycle: int) -> bool:
        """Admit all of ``bucket`` by the shortcut if it applies; otherwise change nothing, return False."""
        if self._all_unlimited:
            return True
        if not (self._full_next and cycle > self.cycle and not self._any_unlimited):
            return False
        wanted = np.bincount(bucket, minlength=self.rate.size)
        if wanted.max(initial=0) > self._steady:
            return False
        self._lazy = wanted
        self.cycle = cycle
        return True

    def admit_run_if_lossless(self, bucket, cycle, start, end) -> bool:
        self._settle()
        done = super().admit_run_if_lossless(bucket, cycle, start, end)
        limited = ~self.unlimited
        self._full_next = bool((self.tokens[limited] + self.rate[limited] >= self.cap[limited]).all())
        return done


def path_table(fab: Fabric, routes: np.ndarray, next_link: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Links of the path of every (source chip, destination chip) pair of the routes, as CSR.

    Returns
    -------
    keys, ptr, links
        Sorted pair keys ``src * chips + dst`` (pairs of different chips), ``ptr`` into
        ``links`` per key, and the link ids of each path in order.
    """
    c = fab.n_chips
    src, dst = routes["src_chip"].astype(np.int64), routes["dst_chip"].astype(np.int64)
    keys = np.unique((src * c + dst)[src != dst])
    cur, dst = keys // c, keys % c
    hops: list[np.ndarray] = []
    alive = np.arange(keys.size)
    while alive.size:
        link = next_link[cur[alive], dst[alive]].astype(np.int64)
        hops.append(np.stack([alive, link]))
        cur[alive] = fab.link_ends[link, 1]
        alive = alive[cur[alive] != dst[alive]]
    pairs = np.concatenate(hops, axis=1) if hops else np.zeros((2, 0), np.int64)
    order = np.argsort(pairs[0], kind="stable")          # by key, hops in order
    links = pairs[1][order]
    ptr = np.searchsorted(pairs[0][order], np.arange(keys.size + 1))
    return keys, ptr.astype(np.int64), links
