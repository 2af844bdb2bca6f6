"""Spike and analog recordings of one rank: NEURON Vectors drained into numpy.

Spikes of all cells are recorded by the ParallelContext into two Vectors (times,
gids), which are moved into per-population buffers after every run.

Analog variables are recorded into one Vector per cell. With a fixed time step a
Vector takes a sample at every step; its last sample always belongs to the current
time, so the samples are placed by counting back from there (a cell without
samples yet has NaN) and then thinned to the sampling interval. NEURON attaches a
new Vector only when it initialises, so recordings added in the middle of a
segment start at the next reset. With CVODE the Vector samples every ``interval`` ms itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from software_backends.common.buffers import EPS, take_spikes


@dataclass
class SpikeRecorder:
    """Spikes of every recorded cell on this rank, by population.

    Attributes
    ----------
    offsets
        Global index of the first cell of each population.
    masks
        Per population: which cells are recorded (None: spikes not recorded).
    """

    offsets: np.ndarray
    masks: list[np.ndarray | None]
    times_vec: Any = None
    gids_vec: Any = None
    cells: list[list[np.ndarray]] = field(default_factory=list)
    times: list[list[np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        from neuron import h
        from software_backends.neuron import parallel
        self.times_vec, self.gids_vec = h.Vector(), h.Vector()
        parallel.context().spike_record(-1, self.times_vec, self.gids_vec)
        self.clear_all()

    def clear_all(self) -> None:
        self.cells = [[] for _ in self.masks]
        self.times = [[] for _ in self.masks]
        self.times_vec.resize(0)
        self.gids_vec.resize(0)

    def drain(self) -> None:
        """Move the spikes of the last run into the population buffers."""
        if self.times_vec.size() == 0:
            return
        times = self.times_vec.as_numpy().copy()
        gids = self.gids_vec.as_numpy().astype(np.int64)
        self.times_vec.resize(0)
        self.gids_vec.resize(0)
        population = np.searchsorted(self.offsets, gids, side="right") - 1
        for index, mask in enumerate(self.masks):
            if mask is None:
                continue
            mine = population == index
            cells = gids[mine] - self.offsets[index]
            keep = mask[cells]
            self.cells[index].append(cells[keep])
            self.times[index].append(times[mine][keep])

    def take(self, population: int, t: float, clear: bool) -> tuple[np.ndarray, np.ndarray]:
        """This rank's spikes of one population up to ``t``."""
        cells, times, self.cells[population], self.times[population] = take_spikes(
            self.cells[population], self.times[population], t, clear)
        return cells, times


@dataclass
class SignalRecorder:
    """One analog variable of the recorded cells of a population on this rank
    (or the current of one current source: one column).

    Attributes
    ----------
    interval
        Sampling interval (ms).
    dt
        Integration time step (ms).
    per_step
        Whether Vectors sample every step (fixed step) or every ``interval`` (CVODE).
    """

    interval: float
    dt: float
    per_step: bool
    vectors: dict[int, Any] = field(default_factory=dict)
    first_row: int = 0

    def start(self, cell: int, reference: Any) -> None:
        """Record ``reference`` as the column of ``cell`` (no-op if already)."""
        from neuron import h
        if cell in self.vectors:
            return
        vector = h.Vector()
        if self.per_step:
            vector.record(reference)
        else:
            vector.record(reference, self.interval)
        self.vectors[cell] = vector

    def stop(self, cell: int) -> None:
        vector = self.vectors.pop(cell, None)
        if vector is not None:
            vector.play_remove()

    def restart(self) -> None:
        """A new segment: every Vector is emptied by NEURON's initialisation."""
        self.first_row = 0

    def take(self, t: float, clear: bool) -> tuple[np.ndarray, np.ndarray, float]:
        """Columns (cells), rows since the segment start or last clear, and t_start."""
        stride = int(round(self.interval / self.dt))
        last_row = int(np.floor(t / self.interval + EPS))
        n_rows = max(last_row - self.first_row + 1, 0)
        cells = np.array(sorted(self.vectors), dtype=np.int64)
        table = np.full((n_rows, cells.size), np.nan)
        for column, cell in enumerate(cells.tolist()):
            samples = self.vectors[cell].as_numpy()
            if self.per_step:
                last_step = int(round(t / self.dt))
                steps = last_step - samples.size + 1 + np.arange(samples.size)
                on_row = steps % stride == 0
                rows = steps[on_row] // stride
                values = samples[on_row]
            else:
                rows = np.arange(samples.size)
                values = samples
            inside = (rows >= self.first_row) & (rows <= last_row)
            table[rows[inside] - self.first_row, column] = values[inside]
        t_start = self.first_row * self.interval
        if clear:
            self.first_row = last_row + 1
            if self.per_step:
                # samples are placed from the end, so the given-away ones can go
                for vector in self.vectors.values():
                    vector.resize(0)
        return cells, table, t_start
