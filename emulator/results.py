"""Records the board hands back: drop counters, run results, status."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_io import units
from firmware_io.constants import NO_READOUT

from .arithmetic import V_FRAC_BITS


@dataclass(frozen=True, eq=False)
class DropCounts:
    """Events the board dropped, by cause. Nothing is dropped without being counted here.

    Attributes
    ----------
    input_bandwidth : ndarray (chips,)
        Host input events over the chip's input bandwidth.
    not_external : ndarray (chips,)
        Host input events addressed to a row whose source is not ``EXTERNAL``.
    late : ndarray (chips,)
        Host input events whose time stamp lay before the board's time when written.
    link_bandwidth : ndarray (links,)
        Inter-chip events over a link's bandwidth.
    """

    input_bandwidth: np.ndarray
    not_external: np.ndarray
    late: np.ndarray
    link_bandwidth: np.ndarray

    @classmethod
    def zeros(cls, n_chips: int, n_links: int) -> "DropCounts":
        z = lambda n: np.zeros(n, dtype=np.int64)  # noqa: E731
        return cls(z(n_chips), z(n_chips), z(n_chips), z(n_links))

    def lost_input(self) -> np.ndarray:
        """Input events each chip lost (port overflow, late, not EXTERNAL): the LOST report."""
        return self.input_bandwidth + self.not_external + self.late

    def total(self) -> int:
        """All dropped events."""
        return int(self.input_bandwidth.sum() + self.not_external.sum() + self.late.sum()
                   + self.link_bandwidth.sum())

    def copy(self) -> "DropCounts":
        return DropCounts(*(a.copy() for a in self._arrays()))

    def __sub__(self, other: "DropCounts") -> "DropCounts":
        return DropCounts(*(a - b for a, b in zip(self._arrays(), other._arrays())))

    def _arrays(self) -> tuple[np.ndarray, ...]:
        return (self.input_bandwidth, self.not_external, self.late, self.link_bandwidth)


@dataclass(frozen=True, eq=False)
class RunResult:
    """What one :meth:`Board.run` produced.

    Attributes
    ----------
    output_events : ndarray of EVENT_DTYPE
        Every spike of every neuron, sorted by (t, chip, addr); addr is the neuron 0..383.
    traces : ndarray of int64, shape (n_cycles, chips, channels)
        Membrane register (22 bits, 12 fraction bits below the voltage code) of
        each read-out channel at the end of every cycle; -1 where a channel is
        not connected.
    trace_neurons : ndarray (chips, channels)
        Neuron shown by each channel, or ``NO_READOUT``.
    start_cycle, n_cycles : int
        The cycles this run covered (``start_cycle`` counts from the last reset).
    dropped : DropCounts
        Events dropped since the previous run returned (including drops found
        when the input was written).
    synaptic_events : int
        Row events delivered times the non-zero synapses of their rows.
    row_events : int
        Row events delivered (host, feedback and inter-chip).
    conductance_traces : ndarray of int64, shape (n_cycles, 2, chips, channels), optional
        Total excitatory (index 0) and inhibitory (1) conductance register (Q30
        ``g dt / C``) of the neuron each read-out channel shows, at the end of
        every cycle; -1 where a channel is not connected. An emulator extra: the
        real board reads out membranes only.
    """

    output_events: np.ndarray
    traces: np.ndarray
    trace_neurons: np.ndarray
    start_cycle: int
    n_cycles: int
    dropped: DropCounts
    synaptic_events: int
    row_events: int
    conductance_traces: np.ndarray | None = None

    def traces_mv(self) -> np.ndarray:
        """Traces in nominal millivolts (NaN for unconnected channels)."""
        mv = units.VOLTAGE.zero + units.VOLTAGE.lsb * (self.traces / float(1 << V_FRAC_BITS))
        connected = (self.trace_neurons != NO_READOUT)[None, :, :]
        return np.where(connected, mv, np.nan)


@dataclass(frozen=True, eq=False)
class BoardStatus:
    """Counters since the last reset.

    Attributes
    ----------
    cycle, time_ticks : int
        Board time.
    pending_input : int
        Host events written but not yet due.
    in_flight : int
        Routed events on links or waiting for an input port.
    input_events, routed_events : int
        Host and routed events that passed an input port.
    row_events, synaptic_events, output_events : int
        Row events delivered (host, routed, feedback); times the non-zero
        synapses of their rows; neuron spikes.
    dropped : DropCounts
    """

    cycle: int
    time_ticks: int
    pending_input: int
    in_flight: int
    input_events: int
    routed_events: int
    row_events: int
    synaptic_events: int
    output_events: int
    dropped: DropCounts
