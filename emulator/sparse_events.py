"""How :class:`emulator.sparse_board.SparseBoard` moves events: spikes to feedback rows,
routes over links and input ports, with the rules and the order of work of
:class:`emulator.Board` (``Board._emit`` and ``Board._advance_links``)."""

from __future__ import annotations

import numpy as np

from firmware_io.constants import NEURONS_PER_CHIP, TICKS_PER_CYCLE

from .cycle_events import joined, queue_link_exits


class SparseEventNetwork:
    """Event movement of SparseBoard (a mix-in: the board holds the queues, tables and buckets)."""

    def _emit(self, fired: np.ndarray, ticks: np.ndarray, cycle: int) -> None:
        """Feedback and routed events of this cycle's spikes (``fired``: live indices)."""
        live = self._live
        # out_kind: -2 feedback, -1 route inside a chip, >= 0 destination chip
        far_events = self._queue_spikes(live.out_rows, live.out_kind, fired, ticks, cycle)
        if far_events is None:
            return
        mask, far, kind, rows, t = far_events
        width = live.out_rows.shape[1]
        src_chip = np.repeat(live.global_ids[fired] // NEURONS_PER_CHIP, width)[mask][far]
        entry = (src_chip, kind[far], t[far], rows[far])
        if self._paths is not None:     # instant links: the path of each event (found at load)
            entry += (live.out_path[fired].ravel()[mask][far],)
        self._link_queue.setdefault(cycle + 1, []).append(entry)

    def _advance_links(self, cycle: int) -> None:
        """Events entering a link in ``cycle`` compete for it and move on (as :meth:`Board._advance_links`)."""
        parts = self._link_queue.pop(cycle)
        if self._link_delay_cycles:
            self._advance_uniform(cycle, parts)
            return
        if self._paths is not None:
            if self._advance_instant(cycle, parts):
                return
            parts = [p[:4] for p in parts]
        delays = self._fab.link_delay_ticks
        link_to = self._fab.link_ends[:, 1]
        while parts:
            cur, dst, t, row = joined(parts)
            parts = []
            link = self._next_link[cur, dst].astype(np.int64)
            ok = self._link_buckets.admit(link, cycle, t)
            if ok is not None:
                cur, dst, t, row, link = cur[ok], dst[ok], t[ok], row[ok], link[ok]
            cur = link_to[link]
            queue_link_exits(self, cycle, row, t, delays, link, cur == dst, cur, dst, parts)

    def _advance_instant(self, cycle: int, parts: list) -> bool:
        """Boards whose links have no delay: if no link can run out of tokens in this cycle,
        every event crosses its whole path now (as hop-by-hop admission would let it);
        return False, changing nothing, otherwise."""
        _, _, t, row, pos = joined(parts)
        _, ptr, links = self._paths
        start = ptr[pos]
        count = ptr[pos + 1] - start
        first = np.repeat(start - np.cumsum(count) + count, count)
        if not self._link_buckets.try_steady(links[first + np.arange(first.size)], cycle):
            return False
        order = np.argsort(count, kind="stable")           # arrivals in the order of their hop counts
        self._port_queue.setdefault(cycle, []).append((row[order], t[order]))
        return True

    def _advance_uniform(self, cycle: int, parts: list) -> None:
        """:meth:`_advance_links` for boards whose links all delay by the same whole cycles (>= 1):
        every event of the batch moves one hop and waits for the same later cycle."""
        cur, dst, t, row = joined(parts)
        link = self._next_flat[cur * self.n_chips + dst]
        ok = self._link_buckets.admit(link, cycle, t)
        if ok is not None:
            dst, t, row, link = dst[ok], t[ok], row[ok], link[ok]
        cur = self._link_to[link]
        t = t + self._link_delay_cycles * TICKS_PER_CYCLE
        later = cycle + self._link_delay_cycles
        done = cur == dst
        n_done = int(np.count_nonzero(done))
        if n_done == done.size:
            self._port_queue.setdefault(later, []).append((row, t))
        elif n_done == 0:
            self._link_queue.setdefault(later, []).append((cur, dst, t, row))
        else:
            more = ~done
            self._port_queue.setdefault(later, []).append((row[done], t[done]))
            self._link_queue.setdefault(later, []).append((cur[more], dst[more], t[more], row[more]))

