"""Host input and the row events of each cycle, shared by :class:`emulator.Board` and
:class:`emulator.sparse_board.SparseBoard`.

Both boards queue host input the same way, gather the row events of a cycle in
the same order (host input and routed arrivals through the chip's input port,
then queued feedback rows) and place the events leaving a link the same way;
only what a row event does to the neurons differs. Keeping this in one place
keeps the two boards bit-identical in their event order.
"""

from __future__ import annotations

import numpy as np

from firmware_io.constants import ROW_SOURCE, ROWS_PER_CHIP, TICKS_PER_CYCLE
from firmware_io.packets import EVENT_DTYPE

from .results import BoardStatus, DropCounts

PENDING_DTYPE = np.dtype([("t", np.int64), ("chip", np.int64), ("row", np.int64)])


class InvalidEventError(ValueError):
    """A host input event addresses a chip or row that does not exist."""


class EventQueues:
    """Queues, counters and host input of a board (a mix-in).

    The board provides ``n_chips``, ``cycle``, ``_input_buckets``,
    ``_link_buckets``, ``_require_loaded()`` and ``_row_sources()`` (the
    ``ROW_SOURCE`` code of every global row).
    """

    def _reset_queues(self) -> None:
        """Empty the event queues and zero the counters; time back to 0."""
        c = self.n_chips
        self._input_buckets.reset()
        self._link_buckets.reset()
        self.cycle = 0
        self._row_queue: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._link_queue: dict[int, list[tuple[np.ndarray, ...]]] = {}
        # routed events waiting for the input port of their chip, by cycle
        self._port_queue: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._pending = np.zeros(0, dtype=PENDING_DTYPE)
        self._drop_not_external = np.zeros(c, dtype=np.int64)
        self._drop_late = np.zeros(c, dtype=np.int64)
        self._drops_at_last_run = self._drops()
        self._counters = {"input": 0, "routed": 0, "row": 0, "syn": 0, "output": 0}

    def write_input(self, events: np.ndarray) -> None:
        """Queue host input events (EVENT_DTYPE; ``addr`` = ``block * 256 + row``).

        Events are kept until the run that covers their time. Events earlier
        than the board's current time or addressed to a row that does not take
        external input are dropped and counted (``late``, ``not_external``).

        Raises
        ------
        InvalidEventError
            If an event names a chip or row address that does not exist.
        """
        self._require_loaded()
        ev = np.asarray(events)
        if ev.dtype != EVENT_DTYPE:
            raise InvalidEventError(f"input events have dtype {ev.dtype}; valid: EVENT_DTYPE {EVENT_DTYPE}")
        chip, addr = ev["chip"].astype(np.int64), ev["addr"].astype(np.int64)
        t = ev["t"].astype(np.int64)
        for name, arr, limit in (("chip", chip, self.n_chips), ("addr", addr, ROWS_PER_CHIP)):
            bad = arr >= limit
            if bad.any():
                i = int(np.argmax(bad))
                raise InvalidEventError(f"input event {i}: {name} {int(arr[i])} does not exist on this board; "
                                        f"valid: 0..{limit - 1}")
        row = chip * ROWS_PER_CHIP + addr
        late = t < self.cycle * TICKS_PER_CYCLE
        not_ext = ~late & (self._row_sources()[row] != ROW_SOURCE.EXTERNAL)
        self._drop_late += np.bincount(chip[late], minlength=self.n_chips)
        self._drop_not_external += np.bincount(chip[not_ext], minlength=self.n_chips)
        keep = ~(late | not_ext)
        new = np.empty(int(keep.sum()), dtype=self._pending.dtype)
        new["t"], new["chip"], new["row"] = t[keep], chip[keep], row[keep]
        merged = np.concatenate([self._pending, new])
        self._pending = merged[np.lexsort((merged["t"], merged["chip"], merged["t"] // TICKS_PER_CYCLE))]

    def _start_run(self, start: int, end: int) -> CycleEvents:
        """Take the host input due before cycle ``end`` off the pending queue for a run."""
        due = int(np.searchsorted(self._pending["t"] // TICKS_PER_CYCLE, end, side="left"))
        sched, self._pending = self._pending[:due], self._pending[due:]
        ext_cycle = sched["t"] // TICKS_PER_CYCLE
        # Host input is known in advance: without routed events competing for the
        # input ports, admit the whole run at once unless a bucket would overflow.
        per_cycle_input = self._input_limited and (
            self._has_routes or not self._input_buckets.admit_run_if_lossless(sched["chip"], ext_cycle, start, end))
        return CycleEvents(self, sched, ext_cycle, start, end, per_cycle_input)

    def status(self) -> BoardStatus:
        """Time, event counters and drop counters since the last reset."""
        self._require_loaded()
        c = self._counters
        in_flight = sum(int(part[0].size) for q in (self._link_queue, self._port_queue)
                        for parts in q.values() for part in parts)
        return BoardStatus(cycle=self.cycle, time_ticks=self.cycle * TICKS_PER_CYCLE,
                           pending_input=int(self._pending.size), in_flight=in_flight,
                           input_events=c["input"], routed_events=c["routed"],
                           row_events=c["row"], synaptic_events=c["syn"], output_events=c["output"],
                           dropped=self._drops())

    def _drops(self) -> DropCounts:
        return DropCounts(input_bandwidth=self._input_buckets.dropped.copy(),
                          not_external=self._drop_not_external.copy(), late=self._drop_late.copy(),
                          link_bandwidth=self._link_buckets.dropped.copy())


class CycleEvents:
    """The row events of each cycle of one run, gathered in the boards' order of work."""

    __slots__ = ("_board", "_row", "_tick", "_ptr", "_start", "_per_cycle_input", "_counters")

    def __init__(self, board: EventQueues, sched: np.ndarray, ext_cycle: np.ndarray,
                 start: int, end: int, per_cycle_input: bool) -> None:
        self._board = board
        self._row, self._tick = sched["row"], sched["t"]
        self._ptr = np.searchsorted(ext_cycle, np.arange(start, end + 1), side="left")
        self._start = start
        self._per_cycle_input = per_cycle_input
        self._counters = board._counters

    def rows(self, k: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Rows and ticks of the row events of cycle ``k`` (None if there are none).

        Advances the links due in ``k`` first; counts admitted host input and
        routed events (``input``, ``routed``) and the row events (``row``).
        """
        board = self._board
        link_q, port_q = board._link_queue, board._port_queue
        if link_q and k in link_q:
            board._advance_links(k)
        r_parts: list[np.ndarray] = []
        t_parts: list[np.ndarray] = []
        p0, p1 = self._ptr[k - self._start], self._ptr[k - self._start + 1]
        arrived = port_q.pop(k, None) if port_q else None
        counters = self._counters
        if p1 > p0 or arrived:
            # everything that reaches an EXTERNAL row passes the chip's input port
            er, et = self._row[p0:p1], self._tick[p0:p1]
            if arrived:
                er = np.concatenate([er] + [a[0] for a in arrived])
                et = np.concatenate([et] + [a[1] for a in arrived])
            n_host = p1 - p0
            if self._per_cycle_input:
                ok = board._input_buckets.admit(er // ROWS_PER_CHIP, k, et)
                if ok is not None:
                    n_host = int(ok[:p1 - p0].sum())
                    er, et = er[ok], et[ok]
            counters["input"] += n_host
            counters["routed"] += er.size - n_host
            r_parts.append(er)
            t_parts.append(et)
        queued = board._row_queue.pop(k, None)
        if queued:
            for qr, qt in queued:
                r_parts.append(qr)
                t_parts.append(qt)
        if not r_parts:
            return None
        ev_rows = r_parts[0] if len(r_parts) == 1 else np.concatenate(r_parts)
        if not ev_rows.size:
            return None
        ev_ticks = t_parts[0] if len(t_parts) == 1 else np.concatenate(t_parts)
        counters["row"] += ev_rows.size
        return ev_rows, ev_ticks


def queue_link_exits(board: EventQueues, cycle: int, row: np.ndarray, t: np.ndarray,
                     arrive: np.ndarray | None, done: np.ndarray, a: np.ndarray, b: np.ndarray,
                     parts: list) -> None:
    """Queue the events that crossed a link in ``cycle``.

    Events with ``done`` wait for their chip's input port; the others, with
    their path state ``(a, b)``, enter their next link, in this cycle (appended
    to ``parts``) or in their arrival cycle. ``arrive`` is the arrival cycle of
    each event, or None when every link delays by ``board._link_delay_cycles``.
    """
    n_done = int(np.count_nonzero(done))
    if n_done == done.size:
        groups = [(None, row, t, None, None)]
    elif n_done == 0:
        groups = [("link", row, t, a, b)]
    else:
        more = ~done
        groups = [(None, row[done], t[done], None, None), ("link", row[more], t[more], a[more], b[more])]
    for target, g_row, g_t, g_a, g_b in groups:
        g_arrive = (g_t // TICKS_PER_CYCLE) if arrive is not None else None
        cycles = [cycle + board._link_delay_cycles] if g_arrive is None else np.unique(g_arrive).tolist()
        for c in cycles:
            sel = slice(None) if g_arrive is None or len(cycles) == 1 else g_arrive == c
            if target is None:
                board._port_queue.setdefault(c, []).append((g_row[sel], g_t[sel]))
            elif c == cycle:
                parts.append((g_a[sel], g_b[sel], g_t[sel], g_row[sel]))
            else:
                board._link_queue.setdefault(c, []).append((g_a[sel], g_b[sel], g_t[sel], g_row[sel]))
