"""Hop distances and the board's fixed paths, vectorised.

``BoardSpec.path`` defines the path of an event (least total delay, then fewest
hops, then the lexicographically smallest sequence of link ids). Because the
rule compares link sequences element by element, the first link of the path
from ``u`` to ``t`` is the lowest-id link ``u -> v`` that starts an optimal path,
and the rest is the path from ``v``: the path is a chain of next hops that
depend only on (current chip, destination). On boards whose links all have the
same delay, "optimal" means fewest hops; for mesh and torus grids the hop
distance follows from the chip positions, so next hops are computed for
millions of (chip, destination) pairs at once. Other boards (any kind, up to 64
chips) use ``BoardSpec.path`` directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

import numpy as np

from firmware_io import BoardSpec
from pynn_hw.errors import MappingError

#: Boards with at most this many chips use BoardSpec.path (all pairs cached there).
SMALL_BOARD = 64
#: Boards with at most this many chips get a (chip, destination) -> next hop table.
TABLE_BOARD = 2048


class BoardGeometry:
    """Distances and next hops of one board."""

    def __init__(self, board: BoardSpec) -> None:
        self.board = board
        self.n = board.n_chips
        ends, rate, delay, _ = board.links()
        self.ends = ends
        self.link_rate = rate
        self.link_delay_ticks = delay
        self.pos = np.array([c.position for c in board.chips], dtype=np.int64).reshape(-1, 2)
        self.shape = np.array(board.shape, dtype=np.int64)
        self._row = self.pos[:, 0].astype(np.int32)
        self._col = self.pos[:, 1].astype(np.int32)
        self._shape_r, self._shape_c = np.int32(board.shape[0]), np.int32(board.shape[1])
        self.analytic = board.kind in ("torus", "mesh") and (delay.size == 0 or np.all(delay == delay[0]))
        if not self.analytic and self.n > SMALL_BOARD:
            raise MappingError(
                f"board {board.name!r}: routing on a {board.kind} board of {self.n} chips with unequal link "
                f"delays is not supported; supported: any board of up to {SMALL_BOARD} chips, or mesh/torus "
                f"boards with equal link delays"
            )
        deg = np.bincount(ends[:, 0], minlength=self.n) if ends.size else np.zeros(self.n, np.int64)
        width = int(deg.max()) if deg.size else 0
        self.nbr = np.full((self.n, max(width, 1)), -1, dtype=np.int64)
        self.nbr_link = np.full((self.n, max(width, 1)), -1, dtype=np.int64)
        if ends.size:
            slot = np.arange(ends.shape[0]) - np.searchsorted(ends[:, 0], ends[:, 0])
            self.nbr[ends[:, 0], slot] = ends[:, 1]  # ascending neighbour id = ascending link id
            self.nbr_link[ends[:, 0], slot] = np.arange(ends.shape[0])

    def distance(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Hop distance between chips (vectorised)."""
        if not self.analytic:
            return self._hops[np.asarray(a), np.asarray(b)]
        dr = np.abs(self._row[a] - self._row[b])
        dc = np.abs(self._col[a] - self._col[b])
        if self.board.kind == "torus":
            dr = np.minimum(dr, self._shape_r - dr)
            dc = np.minimum(dc, self._shape_c - dc)
        return dr + dc

    @cached_property
    def _hops(self) -> np.ndarray:
        hops = np.zeros((self.n, self.n), dtype=np.int64)
        for a in range(self.n):
            for b in range(self.n):
                hops[a, b] = len(self.board.path(a, b))
        return hops

    @cached_property
    def _next_table(self) -> tuple[np.ndarray, np.ndarray]:
        """(next chip, link id) for every (chip, destination) of an analytic board."""
        cur = np.repeat(np.arange(self.n), self.n)
        dst = np.tile(np.arange(self.n), self.n)
        d_now = self.distance(cur, dst)
        nb = self.nbr[cur]
        valid = nb >= 0
        d_nb = self.distance(np.where(valid, nb, 0), dst[:, None])
        good = valid & (d_nb == (d_now - 1)[:, None])
        slot = np.argmax(good, axis=1)
        nxt = np.where(d_now > 0, self.nbr[cur, slot], cur).reshape(self.n, self.n)
        lnk = np.where(d_now > 0, self.nbr_link[cur, slot], -1).reshape(self.n, self.n)
        return nxt, lnk

    def path_delay_ticks(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Total link delay (ticks) of the fixed paths a -> b."""
        if self.analytic:
            unit = int(self.link_delay_ticks[0]) if self.link_delay_ticks.size else 0
            return self.distance(a, b) * unit
        table = np.zeros((self.n, self.n), dtype=np.int64)
        for x in range(self.n):
            for y in range(self.n):
                table[x, y] = int(self.link_delay_ticks[list(self.board.path(x, y))].sum())
        return table[np.asarray(a), np.asarray(b)]

    def walk(self, src: np.ndarray, dst: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield, hop by hop, (indices of the pairs still travelling, link id taken).

        Every pair ``(src[i], dst[i])`` appears once per link of its fixed path.
        """
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        if not self.analytic:
            paths = {}
            for a, b in set(zip(src.tolist(), dst.tolist())):
                paths[(a, b)] = self.board.path(a, b)
            longest = max((len(p) for p in paths.values()), default=0)
            for step in range(longest):
                idx, lid = [], []
                for i, (a, b) in enumerate(zip(src.tolist(), dst.tolist())):
                    p = paths[(a, b)]
                    if step < len(p):
                        idx.append(i)
                        lid.append(p[step])
                yield np.array(idx, dtype=np.int64), np.array(lid, dtype=np.int64)
            return
        active = np.flatnonzero(src != dst)
        cur = src[active]
        if self.n <= TABLE_BOARD:
            nxt, lnk = self._next_table
            while active.size:
                t = dst[active]
                yield active, lnk[cur, t]
                cur = nxt[cur, t]
                moving = cur != t
                active, cur = active[moving], cur[moving]
            return
        while active.size:
            d_now = self.distance(cur, dst[active])
            nb = self.nbr[cur]  # (k, width), ascending ids
            valid = nb >= 0
            d_nb = self.distance(np.where(valid, nb, 0), dst[active][:, None])
            good = valid & (d_nb == (d_now - 1)[:, None])
            slot = np.argmax(good, axis=1)
            link = self.nbr_link[cur, slot]
            yield active, link
            cur = self.nbr[cur, slot]
            moving = cur != dst[active]
            active, cur = active[moving], cur[moving]
