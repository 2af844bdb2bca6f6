"""Spike and analog recordings: NEST recorders drained into numpy buffers.

NEST hands multimeter samples over one communication interval (one step) late, so
the backend always simulates ``lookahead`` ms past the time the user asked for
and these buffers hold back whatever lies beyond that time until it is reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nest
import numpy as np

from pynn_hw.backend import SignalData, SpikeData

from software_backends.common.buffers import EPS, SampleStore, take_spikes


def _events(device: nest.NodeCollection, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Read and clear the events of a recorder."""
    events = device.get("events")
    device.set(n_events=0)
    return {key: np.asarray(events[key]) for key in keys}


@dataclass
class SpikeBuffer:
    """Spikes of one population.

    Attributes
    ----------
    first_id
        NEST id of the population's first cell node (ids are consecutive).
    recorded
        Mask of the cells whose spikes are kept.
    """

    first_id: int
    recorded: np.ndarray
    decimals: int
    recorder: nest.NodeCollection | None = None
    connected: np.ndarray | None = None
    cells: list[np.ndarray] = field(default_factory=list)
    times: list[np.ndarray] = field(default_factory=list)

    def connect(self, nodes: nest.NodeCollection) -> None:
        """Connect the recorded, not yet connected cells to the spike recorder."""
        if self.connected is None:
            self.connected = np.zeros(self.recorded.size, dtype=bool)
        new = np.flatnonzero(self.recorded & ~self.connected)
        if new.size == 0:
            return
        if self.recorder is None:
            self.recorder = nest.Create("spike_recorder")
        nest.Connect(nodes[new] if new.size < self.recorded.size else nodes,
                     self.recorder)
        self.connected[new] = True

    def drain(self) -> None:
        """Move the recorder's events into the buffer."""
        if self.recorder is None:
            return
        ev = _events(self.recorder, ("senders", "times"))
        cells = ev["senders"].astype(np.int64) - self.first_id
        keep = self.recorded[cells]
        self.cells.append(cells[keep])
        self.times.append(np.round(ev["times"][keep].astype(float), self.decimals))

    def take(self, t: float, clear: bool) -> SpikeData:
        """Spikes up to ``t``; with ``clear`` they are removed from the buffer."""
        cells, times, self.cells, self.times = take_spikes(self.cells, self.times, t, clear)
        return SpikeData(cells=cells, times=times)


@dataclass
class SignalBuffer:
    """Samples of one analog variable of a population (or of one current source).

    Attributes
    ----------
    nest_name, factor
        The NEST recordable and the factor that converts it to PyNN units
        (PyNN = NEST * factor).
    interval
        Sampling interval (ms).
    first_id
        NEST id of the node of cell 0.
    initial
        Values at t = 0 (PyNN units), one per cell.
    time_shift
        Added to NEST times (ms): current generators run one step ahead of
        the cells they feed.
    """

    nest_name: str
    factor: float
    interval: float
    first_id: int
    initial: np.ndarray
    recorded: np.ndarray
    time_shift: float = 0.0
    meters: list[tuple[nest.NodeCollection, np.ndarray]] = field(default_factory=list)
    connected: np.ndarray | None = None
    samples: SampleStore = field(default_factory=SampleStore)

    def connect(self, nodes: nest.NodeCollection) -> None:
        """Attach a multimeter to the recorded cells that have none yet."""
        if self.connected is None:
            self.connected = np.zeros(self.recorded.size, dtype=bool)
        new = np.flatnonzero(self.recorded & ~self.connected)
        if new.size == 0:
            return
        meter = nest.Create("multimeter", params={"record_from": [self.nest_name],
                                                  "interval": self.interval})
        nest.Connect(meter, nodes[new] if new.size < self.recorded.size else nodes)
        self.meters.append((meter, new))
        self.connected[new] = True

    def drain(self) -> None:
        for meter, _ in self.meters:
            ev = _events(meter, ("senders", "times", self.nest_name))
            cells = ev["senders"].astype(np.int64) - self.first_id
            keep = self.recorded[cells]
            times = ev["times"][keep].astype(float) + self.time_shift
            self.samples.add(np.rint(times / self.interval).astype(np.int64), cells[keep],
                             ev[self.nest_name][keep].astype(float) * self.factor)

    def take(self, t: float, clear: bool) -> SignalData:
        """Samples from the segment start (or the last clear) up to ``t``.

        Row 0 of a segment is the initial state at t = 0. Cells whose recording
        began later have NaN before their first sample.
        """
        return self.samples.take(t, self.interval, self.recorded, clear,
                                 before=self._fill_known_rows)

    def _fill_known_rows(self, table: np.ndarray, first: int, last: int,
                         columns: np.ndarray, column_of: np.ndarray) -> None:
        # rows before NEST's first sample (t = 0, and for current generators the
        # first step) hold the state known without NEST: the initial values
        n_known = int(np.ceil((self.time_shift + self.interval) / self.interval - EPS))
        known = np.arange(first, min(n_known, last + 1)) - first
        table[known] = self.initial[columns]
