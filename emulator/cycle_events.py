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

from firmware_io.constants import READOUT_CHANNELS_PER_CHIP, ROW_SOURCE, ROWS_PER_CHIP, TICKS_PER_CYCLE
from firmware_io.packets import EVENT_DTYPE

from .network_fabric import OUTPUT_LATENCY_TICKS
from .results import BoardStatus, DropCounts, RunResult

PENDING_DTYPE = np.dtype([("t", np.int64), ("chip", np.int64), ("row", np.int64)])


class InvalidEventError(ValueError):
    """A host input event addresses a chip or row that does not exist."""


class EventQueues:
    """Queues, counters and host input of a board (a mix-in).

    The board provides ``n_chips``, ``cycle``, ``_readout``, ``_has_routes``,
    ``_input_limited``, ``_input_buckets``, ``_link_buckets``,
    ``_link_delay_cycles``, ``_advance_links(cycle)``, ``_require_loaded()``
    and ``_row_sources()`` (the ``ROW_SOURCE`` code of every global row).
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

    def _begin_run(self, name: str, n_cycles: int, input_events: np.ndarray | None) -> tuple[int, CycleEvents]:
        """Check ``n_cycles`` (``name``: the method, for the message), queue ``input_events``
        and return the number of cycles and the row events of the run's cycles."""
        self._require_loaded()
        if int(n_cycles) != n_cycles or n_cycles < 0:
            raise ValueError(f"{name}: n_cycles {n_cycles!r} is invalid; valid: an integer >= 0")
        n_cycles = int(n_cycles)
        if input_events is not None:
            self.write_input(input_events)
        return n_cycles, self._start_run(self.cycle, self.cycle + n_cycles)

    def _finish_run(self, start: int, n_cycles: int, events: np.ndarray, traces: np.ndarray,
                    g_traces: np.ndarray, rows_before: int, syn_before: int) -> RunResult:
        """The result of the run from ``start``: its output ``events``, read-out traces
        (cycles x all channels) and the counts since the counters were ``rows_before``
        and ``syn_before``."""
        counters = self._counters
        counters["output"] += events.size
        drops = self._drops()
        result = RunResult(
            output_events=events,
            traces=traces.reshape(n_cycles, self.n_chips, READOUT_CHANNELS_PER_CHIP),
            trace_neurons=self._readout.copy(), start_cycle=start, n_cycles=n_cycles,
            dropped=drops - self._drops_at_last_run,
            synaptic_events=counters["syn"] - syn_before, row_events=counters["row"] - rows_before,
            conductance_traces=g_traces.reshape(n_cycles, 2, self.n_chips, READOUT_CHANNELS_PER_CHIP))
        self._drops_at_last_run = drops
        return result

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

    def _queue_spikes(self, target_rows: np.ndarray, target_kinds: np.ndarray, fired: np.ndarray,
                      ticks: np.ndarray, cycle: int) -> tuple[np.ndarray, ...] | None:
        """Queue the events of this cycle's spikes that stay on their chip (all leave 32 ticks later).

        ``target_rows[fired]`` are the rows each spike reaches (-1: none) and
        ``target_kinds[fired]`` how: -2 feedback (straight to the row), -1 through
        the chip's own input port, >= 0 over links (left to the caller). Returns
        ``(mask, far, kind, rows, t)`` when there are events for links: ``mask``
        picks the targets, ``far`` the link events among them.
        """
        targets = target_rows[fired]                        # (F, W), -1 = no target
        width = targets.shape[1]
        mask = (targets >= 0).ravel()
        rows = targets.ravel()[mask]
        if rows.size == 0:
            return None
        t = np.repeat(ticks + OUTPUT_LATENCY_TICKS, width)[mask]
        if not self._has_routes:
            self._row_queue.setdefault(cycle + 1, []).append((rows, t))
            return None
        kind = target_kinds[fired].ravel()[mask]
        feedback = kind == -2
        if feedback.any():
            self._row_queue.setdefault(cycle + 1, []).append((rows[feedback], t[feedback]))
        local = kind == -1
        if local.any():
            self._port_queue.setdefault(cycle + 1, []).append((rows[local], t[local]))
        far = kind >= 0
        if not far.any():
            return None
        return mask, far, kind, rows, t

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


def joined(parts: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    """The queued event batches ``parts`` as one batch (field by field)."""
    return parts[0] if len(parts) == 1 else tuple(np.concatenate(x) for x in zip(*parts))


def queue_link_exits(board: EventQueues, cycle: int, row: np.ndarray, t: np.ndarray,
                     link_delays: np.ndarray, link: np.ndarray, done: np.ndarray, a: np.ndarray,
                     b: np.ndarray, parts: list) -> None:
    """Queue the events that entered ``link`` in ``cycle`` at tick ``t`` (``link_delays``: ticks, by link).

    Events with ``done`` then wait for their chip's input port; the others, with
    their path state ``(a, b)``, enter their next link, in this cycle (appended
    to ``parts``) or in their arrival cycle.
    """
    if board._link_delay_cycles is not None:
        # every link delays by the same whole number of cycles: one arrival cycle
        t = t + board._link_delay_cycles * TICKS_PER_CYCLE
        arrive = None
    else:
        t = t + link_delays[link]
        arrive = t // TICKS_PER_CYCLE
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
