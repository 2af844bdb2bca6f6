"""Recorded data waiting to be read: spikes as (cell, time) pairs, analog samples as
(row, cell, value) triples, with PyNN's ``clear`` semantics (what was read with
``clear=True`` is not returned again)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pynn_hw.backend import SignalData
from pynn_hw.errors import RecordingError

EPS = 1e-9

#: ``hook(table, first, last, columns, column_of)`` may fill rows of a table whose
#: row 0 is sample ``first`` and whose columns are the cells ``columns``.
TableHook = Callable[[np.ndarray, int, int, np.ndarray, np.ndarray], None]


def take_spikes(cells: list[np.ndarray], times: list[np.ndarray], t: float | None,
                clear: bool) -> tuple[np.ndarray, np.ndarray, list[np.ndarray],
                                      list[np.ndarray]]:
    """Buffered spikes up to ``t`` (all of them if ``t`` is None).

    Returns the spikes' cells and times, then the cell and time parts that stay
    buffered: spikes after ``t``, and with ``clear=False`` the returned ones too.
    """
    cells_all = np.concatenate(cells or [np.zeros(0, np.int64)])
    times_all = np.concatenate(times or [np.zeros(0)])
    if t is None:
        upto = np.ones(times_all.size, dtype=bool)
    else:
        upto = times_all <= t + EPS
    if clear:
        kept_cells, kept_times = [cells_all[~upto]], [times_all[~upto]]
    else:
        kept_cells, kept_times = [cells_all], [times_all]
    return cells_all[upto], times_all[upto], kept_cells, kept_times


@dataclass
class SampleStore:
    """Analog samples of one variable of a population, as (row, cell, value) triples;
    row ``k`` is the sample at ``k`` sampling intervals into the segment."""

    rows: list[np.ndarray] = field(default_factory=list)
    cells: list[np.ndarray] = field(default_factory=list)
    values: list[np.ndarray] = field(default_factory=list)
    cleared_at: float | None = None

    def add(self, rows: np.ndarray, cells: np.ndarray, values: np.ndarray) -> None:
        self.rows.append(rows)
        self.cells.append(cells)
        self.values.append(values)

    def take(self, t: float, interval: float, recorded: np.ndarray, clear: bool, *,
             before: TableHook | None = None, after: TableHook | None = None) -> SignalData:
        """Samples from the segment start (or just after the last clear) up to ``t``.

        Columns are the cells recorded now and every cell with a sample; cells
        without a sample in a row have NaN there. ``before`` may fill the table
        before the samples are written into it, ``after`` once they are.
        """
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        cells = np.concatenate(self.cells) if self.cells else np.zeros(0, np.int64)
        values = np.concatenate(self.values) if self.values else np.zeros(0)
        last = int(np.floor(t / interval + EPS))
        first = 0 if self.cleared_at is None else \
            int(np.floor(self.cleared_at / interval + EPS)) + 1
        columns = np.union1d(np.flatnonzero(recorded), np.unique(cells))
        column_of = np.full(recorded.size, -1, dtype=np.int64)
        column_of[columns] = np.arange(columns.size)
        table = np.full((max(last - first + 1, 0), columns.size), np.nan)
        if before is not None:
            before(table, first, last, columns, column_of)
        inside = (rows >= first) & (rows <= last)
        table[rows[inside] - first, column_of[cells[inside]]] = values[inside]
        if after is not None:
            after(table, first, last, columns, column_of)
        if clear:
            later = rows > last
            self.rows, self.cells, self.values = [rows[later]], [cells[later]], [values[later]]
            self.cleared_at = t
        else:
            self.rows, self.cells, self.values = [rows], [cells], [values]
        return SignalData(cells=columns, values=table, t_start=first * interval,
                          sampling_interval=interval)


def recording_interval(signals: dict[str, Any], variable: str, sampling_interval: float,
                       celltype: type, current: float) -> float:
    """The sampling interval of a population once ``variable`` (not spikes) is recorded
    at ``sampling_interval``: the requested one while nothing is sampled yet, else
    ``current``.

    Raises
    ------
    RecordingError
        If ``variable`` is already sampled at another interval.
    """
    interval = float(sampling_interval)
    existing = signals.get(variable)
    if existing is not None and interval != existing.interval:
        raise RecordingError(variable, celltype,
                             reason="the sampling interval cannot change after build")
    return interval if not signals else current
