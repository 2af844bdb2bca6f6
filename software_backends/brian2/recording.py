"""Spike and analog recordings: Brian 2 monitors drained into numpy buffers.

Timing. In a Brian step from ``t_n`` to ``t_n + dt`` the groups are integrated
first, then thresholds and synapses act on the state at ``t_n + dt``, but a spike
is stamped ``t_n``. Spike times are therefore reported as stamp + dt: the end of
the step in which the threshold was crossed (NEST's on-grid convention), and
delays count from there.

Monitors sample at the *start* of a step, i.e. the state at ``t_n``; the sample at
the time a run stops is read from the group itself when it is asked for (the next
run's first sample would be the same state).

Brian monitors cannot be cleared, so each buffer remembers how far it has read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pynn_hw.backend import SignalData, SpikeData

from software_backends.common.buffers import EPS, SampleStore, take_spikes


@dataclass
class SpikeBuffer:
    """Spikes of one population.

    Attributes
    ----------
    monitor
        The population's SpikeMonitor (all cells; ``recorded`` selects).
    recorded
        Mask of the cells whose spikes are kept.
    dt
        Time step (ms).
    """

    monitor: Any
    recorded: np.ndarray
    dt: float
    cursor: int = 0
    cells: list[np.ndarray] = field(default_factory=list)
    times: list[np.ndarray] = field(default_factory=list)

    def drain(self) -> None:
        """Move the monitor's new events into the buffer."""
        cells = np.asarray(self.monitor.variables["i"].get_value()[self.cursor:], np.int64)
        stamps = np.asarray(self.monitor.variables["t"].get_value()[self.cursor:], float)
        self.cursor += cells.size
        keep = self.recorded[cells]
        steps = np.rint(stamps[keep] * 1000.0 / self.dt).astype(np.int64) + 1
        self.cells.append(cells[keep])
        self.times.append(np.round(steps * self.dt, 9))

    def take(self, clear: bool) -> SpikeData:
        """All buffered spikes; with ``clear`` the buffer is emptied."""
        cells, times, self.cells, self.times = take_spikes(self.cells, self.times, None, clear)
        return SpikeData(cells=cells, times=times)


@dataclass
class _Meter:
    """One StateMonitor and the cells it records."""

    monitor: Any
    cells: np.ndarray
    cursor: int = 0


@dataclass
class SignalBuffer:
    """Samples of one analog variable of a population.

    Attributes
    ----------
    group
        The Brian group (for the sample at the current time).
    brian_name
        The Brian variable.
    factor
        SI value per PyNN value (PyNN = SI / factor).
    interval
        Sampling interval (ms).
    recorded
        Mask of the cells recorded from now on.
    """

    group: Any
    brian_name: str
    factor: float
    interval: float
    recorded: np.ndarray
    meters: list[_Meter] = field(default_factory=list)
    samples: SampleStore = field(default_factory=SampleStore)

    def add_meter(self, monitor: Any, cells: np.ndarray) -> None:
        self.meters.append(_Meter(monitor, np.asarray(cells, dtype=np.int64)))

    def drain(self) -> None:
        for meter in self.meters:
            stamps = np.asarray(meter.monitor.variables["t"].get_value()[meter.cursor:])
            if stamps.size == 0:
                continue
            block = np.asarray(meter.monitor.variables[self.brian_name].get_value()
                               [meter.cursor:meter.cursor + stamps.size], dtype=float)
            meter.cursor += stamps.size
            rows = np.rint(stamps * 1000.0 / self.interval).astype(np.int64)
            self.samples.add(np.repeat(rows, meter.cells.size), np.tile(meter.cells, rows.size),
                             block.reshape(-1) / self.factor)

    def take(self, t: float, clear: bool) -> SignalData:
        """Samples from the segment start (or just after the last clear) up to ``t``.

        Cells whose recording began later have NaN before their first sample.
        """
        def sample_now(table: np.ndarray, first: int, last: int, columns: np.ndarray,
                       column_of: np.ndarray) -> None:
            on_grid = abs(last * self.interval - t) < EPS * max(1.0, t)
            if on_grid and last >= first and self.recorded.any():
                # the state at t itself: not sampled until the next run starts
                live = np.flatnonzero(self.recorded)
                current = np.asarray(getattr(self.group, self.brian_name + "_")[:], float)
                missing = np.isnan(table[last - first, column_of[live]])
                table[last - first, column_of[live[missing]]] = \
                    current[live[missing]] / self.factor

        return self.samples.take(t, self.interval, self.recorded, clear, after=sample_now)
