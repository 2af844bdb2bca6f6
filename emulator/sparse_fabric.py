"""The board's event network as :class:`emulator.sparse_board.SparseBoard` sees it: links,
next-hop tables, path tables and token buckets with an exact steady-state shortcut."""

from __future__ import annotations

import numpy as np

from firmware_io.constants import NEURONS_PER_CHIP
from firmware_io.errors import ConfigError

from .network_fabric import FabricSpec, TokenBuckets, rate_per_cycle


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
    columns: list[np.ndarray] = []                      # hop h of every key's path (-1: shorter path)
    alive = np.arange(keys.size)
    while alive.size:
        link = next_link[cur[alive], dst[alive]]
        col = np.full(keys.size, -1, dtype=np.int32)
        col[alive] = link
        columns.append(col)
        cur[alive] = fab.link_ends[link, 1]
        alive = alive[cur[alive] != dst[alive]]
    table = np.stack(columns, axis=1) if columns else np.zeros((keys.size, 0), np.int32)
    on = table >= 0
    links = table[on].astype(np.int64)                  # row-major: by key, hops in order
    ptr = np.concatenate([[0], np.cumsum(on.sum(axis=1))])
    return keys, ptr.astype(np.int64), links
