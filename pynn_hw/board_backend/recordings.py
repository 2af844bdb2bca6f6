"""Recorded spikes and read-out samples of one segment, kept as numpy chunks."""

from __future__ import annotations

import numpy as np

from pynn_hw.backend import SignalData, SpikeData

_EPS = 1e-9


class SpikeStore:
    """Spikes of one population (local cell indices, ms) since the last clear."""

    def __init__(self) -> None:
        self.cells: list[np.ndarray] = []
        self.times: list[np.ndarray] = []

    def add(self, cells: np.ndarray, times: np.ndarray) -> None:
        if cells.size:
            self.cells.append(cells)
            self.times.append(times)

    def take(self, t: float, clear: bool) -> SpikeData:
        cells = np.concatenate(self.cells) if self.cells else np.zeros(0, np.int64)
        times = np.concatenate(self.times) if self.times else np.zeros(0)
        upto = times <= t + _EPS
        later = ~upto
        self.cells, self.times = ([cells[later]], [times[later]]) if clear else ([cells], [times])
        return SpikeData(cells=cells[upto], times=times[upto])


class SignalStore:
    """Samples of one analog variable of one population, one per board cycle.

    Parameters
    ----------
    cycle_ms
        Duration of one board cycle (the read-out samples once per cycle).
    step
        Keep every ``step``-th cycle (the sampling interval in cycles).
    """

    def __init__(self, cycle_ms: float, step: int) -> None:
        self.cycle_ms = cycle_ms
        self.step = step
        self.chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []   # (sample index, cells, values)
        self.first = 0

    @property
    def interval(self) -> float:
        return self.cycle_ms * self.step

    def add(self, cycles: np.ndarray, cells: np.ndarray, values: np.ndarray) -> None:
        """Samples taken at the end of board cycles (sample time = ``cycles * cycle_ms``)."""
        keep = cycles % self.step == 0
        if keep.any() and cells.size:
            self.chunks.append((cycles[keep] // self.step, cells, values[keep]))

    def take(self, t: float, clear: bool) -> SignalData:
        last = int(np.floor(t / self.interval + _EPS))
        all_cells = [c for _, c, _ in self.chunks]
        columns = np.unique(np.concatenate(all_cells)) if all_cells else np.zeros(0, np.int64)
        table = np.full((max(last - self.first + 1, 0), columns.size), np.nan)
        for rows, cells, values in self.chunks:
            inside = (rows >= self.first) & (rows <= last)
            cols = np.searchsorted(columns, cells)
            table[np.ix_(rows[inside] - self.first, cols)] = values[inside]
        out = SignalData(cells=columns, values=table, t_start=self.first * self.interval,
                         sampling_interval=self.interval)
        if clear:
            self.chunks = [(r[r > last], c, v[r > last]) for r, c, v in self.chunks if (r > last).any()]
            self.first = last + 1
        return out
