"""Inter-chip event network and host input: routing, link delays, bandwidth, drops.

Bandwidth limits are token buckets in integer arithmetic. A bucket holds
``tokens`` in Q16 (65536 = one event); every cycle it gains ``rate`` (Q16
events per cycle, ``rate = floor(bandwidth_events_per_s * 65536 / SYSCLK_HZ)``
with the bandwidth in hardware time) and it is capped at ``depth`` events. An
event passes if a whole token is left and takes it; otherwise it is
*dropped and counted*. Events that compete for one bucket within one cycle
are served in time-stamp order (ties: in the order they were generated).
Buckets start full.

Routing: a spike of neuron ``n`` of chip ``a`` leaves the chip 32 ticks (one
cycle) after its time stamp, like a feedback event. For each of its routes
``(a, n) -> (b, row)`` it travels the board's fixed path from ``a`` to ``b``
(:meth:`firmware_io.board.BoardSpec.path`: least delay, then fewest hops,
then lowest link ids). Entering link ``l`` at tick ``t`` it competes for the
link's bucket in cycle ``t // 32`` and leaves at ``t + delay_l``; after the
last link it competes, in cycle ``t // 32``, for the input port of chip ``b``
(the same bucket as the host input) and is delivered to ``row`` at tick
``t``. A route inside one chip (``a == b``) uses no link but the port.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from firmware_io.constants import SYSCLK_HZ, TICKS_PER_CYCLE

#: Q16 fraction bits of token buckets.
TOKEN_FRAC_BITS = 16
_ONE = 1 << TOKEN_FRAC_BITS
#: Offset that separates buckets in the segmented running minimum (> any token value range).
_SEGMENT_SHIFT = 1 << 54
#: Ticks from a neuron's spike time stamp to the moment its event leaves the chip.
OUTPUT_LATENCY_TICKS = TICKS_PER_CYCLE


def rate_per_cycle(events_per_s: float | None) -> int:
    """Q16 tokens per cycle for a bandwidth in events per second of hardware time.

    ``None`` or ``inf`` mean unlimited (returned as -1).
    """
    if events_per_s is None or events_per_s == float("inf"):
        return -1
    if events_per_s < 0:
        raise ValueError(f"bandwidth {events_per_s!r} events/s is invalid; valid: >= 0 or None (unlimited)")
    from fractions import Fraction
    return int(Fraction(events_per_s) * _ONE // SYSCLK_HZ)


class TokenBuckets:
    """A vector of token buckets (one per chip input or per link).

    Parameters
    ----------
    rate
        Q16 tokens gained per cycle, per bucket; -1 = unlimited.
    depth
        Capacity in events, per bucket.
    """

    def __init__(self, rate: np.ndarray, depth: np.ndarray) -> None:
        self.rate = np.asarray(rate, dtype=np.int64)
        self.cap = np.asarray(depth, dtype=np.int64) * _ONE
        self.unlimited = self.rate < 0
        self._all_unlimited = bool(self.unlimited.all())
        self._any_unlimited = bool(self.unlimited.any())
        self.tokens = self.cap.copy()
        self.cycle = 0
        self.dropped = np.zeros(self.rate.size, dtype=np.int64)

    def reset(self) -> None:
        """Full buckets, zero drop counters, time 0."""
        self.tokens[:] = self.cap
        self.cycle = 0
        self.dropped[:] = 0

    def _refill(self, cycle: int) -> None:
        """Bring the buckets to ``cycle``: ``min(tokens + rate * elapsed, cap)``."""
        if cycle != self.cycle:
            gained = np.maximum(self.rate, 0) * (cycle - self.cycle)
            np.minimum(self.tokens + gained, self.cap, out=self.tokens)
            self.cycle = cycle

    def admit(self, bucket: np.ndarray, cycle: int, order_key: np.ndarray | None = None) -> np.ndarray | None:
        """Admit one cycle's events; return which pass, or ``None`` if all of them do.

        Events compete for their bucket in ``order_key`` order (time stamps; ties
        and ``None``: the given order). Updates the tokens and the drop counters.
        """
        if self._all_unlimited:
            return None
        self._refill(cycle)
        wanted = np.bincount(bucket, minlength=self.rate.size)
        avail = self.tokens >> TOKEN_FRAC_BITS
        if self._any_unlimited:
            avail = np.where(self.unlimited, wanted, avail)
        if (wanted <= avail).all():
            self.tokens -= wanted << TOKEN_FRAC_BITS
            if self._any_unlimited:
                self.tokens[self.unlimited] = self.cap[self.unlimited]
            return None
        order = np.lexsort((order_key, bucket)) if order_key is not None else np.argsort(bucket, kind="stable")
        rank = np.empty(bucket.size, dtype=np.int64)
        rank[order] = rank_within(bucket[order])
        ok = rank < avail[bucket]
        np.add.at(self.dropped, bucket[~ok], 1)
        self.tokens -= np.minimum(wanted, avail) << TOKEN_FRAC_BITS
        self.tokens[self.unlimited] = self.cap[self.unlimited]
        return ok

    def admit_run_if_lossless(self, bucket: np.ndarray, cycle: np.ndarray, start: int, end: int) -> bool:
        """Admit a whole run's events at once if none of them would be dropped.

        ``bucket`` and ``cycle`` describe every event of the run (cycles in
        ``[start, end)``). Without drops, the tokens before the events of cycle
        ``c_m`` (counted from ``start``) are
        ``A_m = r c_m - E_m + min(T0, min_{j<=m} (cap - r c_j + E_j))``
        (``E``: events before that cycle, in token units; ``j`` runs over the
        bucket's event cycles up to ``m``; ``T0``: tokens at the start ``s``), an
        unrolled form of the per-cycle rule, evaluated with a segmented running
        minimum. If every event finds a whole token, the buckets are advanced to
        ``end`` exactly as the per-cycle rule would leave them and True is
        returned; otherwise nothing changes and the caller admits cycle by cycle.
        """
        self._refill(start)
        r_all = np.maximum(self.rate, 0)
        t_end = np.minimum(self.tokens + r_all * (end - start), self.cap)
        limited = ~self.unlimited[bucket]
        b, c = bucket[limited], cycle[limited] - start   # cycles relative to the start
        if b.size:
            order = np.lexsort((c, b))
            b, c = b[order], c[order]
            idx = np.arange(b.size)
            seg_first = np.ones(b.size, dtype=bool)
            seg_first[1:] = b[1:] != b[:-1]
            seg_start = np.maximum.accumulate(np.where(seg_first, idx, 0))
            n_before = idx - seg_start                       # events of this bucket before this one
            cyc_first = seg_first.copy()
            cyc_first[1:] |= c[1:] != c[:-1]
            e_cycle = n_before[np.maximum.accumulate(np.where(cyc_first, idx, 0))] * _ONE
            r, cap = r_all[b], self.cap[b]
            seg_id = np.cumsum(seg_first) - 1
            term = cap - r * c + e_cycle - seg_id * _SEGMENT_SHIFT
            running = np.minimum.accumulate(term) + seg_id * _SEGMENT_SHIFT
            best = np.minimum(running, self.tokens[b])
            avail = r * c - e_cycle + best
            if not (avail >= (n_before * _ONE - e_cycle) + _ONE).all():
                return False
            last = np.flatnonzero(np.append(seg_first[1:], True))
            bl = b[last]
            total = (n_before[last] + 1) * _ONE
            t_end[bl] = np.minimum(self.cap[bl], r[last] * (end - start) - total + best[last])
        self.tokens = np.where(self.unlimited, self.tokens, t_end)
        self.cycle = end
        return True


def rank_within(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal ``groups`` (input grouped)."""
    n = groups.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.ones(n, dtype=bool)
    start[1:] = groups[1:] != groups[:-1]
    first = np.flatnonzero(start)
    return np.arange(n) - np.repeat(first, np.diff(np.append(first, n)))


@dataclass(eq=False)
class FabricSpec:
    """What the emulator needs to know about the board's event network.

    Attributes
    ----------
    n_chips
        Number of chips.
    link_ends : ndarray (L, 2)
        Directed links ``(from_chip, to_chip)``.
    link_delay_ticks : ndarray (L,)
        Delay of each link in ticks (3.125 us biological).
    link_rate : ndarray (L,)
        Q16 tokens per cycle (see :func:`rate_per_cycle`), -1 unlimited.
    link_depth : ndarray (L,)
        Bucket capacity of each link in events.
    input_rate, input_depth : ndarray (C,)
        Host-input bucket of each chip.
    fixed_paths : dict, optional
        ``(src, dst) -> tuple of link ids``; default: computed by :meth:`paths`'
        rule (the same rule as :meth:`firmware_io.board.BoardSpec.path`).
    """

    n_chips: int
    link_ends: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    link_delay_ticks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    link_rate: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    link_depth: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    input_rate: np.ndarray | None = None
    input_depth: np.ndarray | None = None
    fixed_paths: dict | None = None

    def __post_init__(self) -> None:
        if self.input_rate is None:
            self.input_rate = np.full(self.n_chips, -1, dtype=np.int64)
        if self.input_depth is None:
            self.input_depth = np.ones(self.n_chips, dtype=np.int64)

    @classmethod
    def crossbar(cls, n_chips: int) -> "FabricSpec":
        """An ideal board: a direct link between every two chips, no delay, no limits."""
        ends = np.array([(a, b) for a in range(n_chips) for b in range(n_chips) if a != b],
                        dtype=np.int64).reshape(-1, 2)
        n = len(ends)
        return cls(n_chips=n_chips, link_ends=ends, link_delay_ticks=np.zeros(n, dtype=np.int64),
                   link_rate=np.full(n, -1, dtype=np.int64), link_depth=np.ones(n, dtype=np.int64))

    def paths(self) -> np.ndarray:
        """Link ids of the path from every chip to every chip, shape (C, C, H), -1 padded.

        Shortest by total delay, then by number of hops, then lowest link ids
        (a deterministic Dijkstra on integer keys).
        """
        import heapq
        c = self.n_chips
        if self.fixed_paths is not None:
            return _path_table(c, self.fixed_paths)
        out_links: list[list[int]] = [[] for _ in range(c)]
        for lid, (a, _) in enumerate(self.link_ends):
            out_links[int(a)].append(lid)
        all_paths: dict[tuple[int, int], list[int]] = {}
        for src in range(c):
            best: dict[int, tuple[int, int, tuple[int, ...]]] = {src: (0, 0, ())}
            heap = [(0, 0, (), src)]
            while heap:
                d, h, path, node = heapq.heappop(heap)
                if best.get(node, (None,))[:3] != (d, h, path):
                    continue
                for lid in out_links[node]:
                    nxt = int(self.link_ends[lid][1])
                    key = (d + int(self.link_delay_ticks[lid]), h + 1, path + (lid,))
                    if nxt not in best or key < best[nxt]:
                        best[nxt] = key
                        heapq.heappush(heap, (*key, nxt))
            for dst, (_, _, path) in best.items():
                all_paths[(src, dst)] = list(path)
        return _path_table(c, all_paths)


def _path_table(c: int, all_paths: dict) -> np.ndarray:
    """(C, C, H+1) link ids per path, -1 after the last link, -2 in slot 0 if unreachable."""
    hops = max([len(p) for p in all_paths.values()] + [0])
    table = np.full((c, c, hops + 1), -1, dtype=np.int64)
    table[:, :, 0] = -2  # -2: unreachable
    for (s, d), p in all_paths.items():
        table[s, d, 0] = -1
        table[s, d, :len(p)] = list(p)
    return table
