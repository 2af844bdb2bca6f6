"""The small interface every backend implements.

A backend turns a :class:`~pynn_hw.network.Network` into something that runs
(simulator objects, or a configured board) and hands back recordings as numpy
arrays. It never sees front-end objects; the front-end never sees simulator
objects. ``pynn_hw.nest``, ``pynn_hw.emulator`` and the others are thin modules that
bind the one front-end to one backend class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from pynn_hw.network import Network


@dataclass(frozen=True, eq=False)
class SpikeData:
    """Spikes of the recorded cells of one population since the last clear.

    Attributes
    ----------
    cells
        Local indices (into the population) of the cells that produced ``times``.
    times
        Spike times in ms, same length as ``cells``; not necessarily sorted.
    """

    cells: np.ndarray
    times: np.ndarray


@dataclass(frozen=True, eq=False)
class SignalData:
    """Samples of one analog variable for the recorded cells of one population.

    Attributes
    ----------
    cells
        Local indices of the recorded cells, one per column of ``values``.
    values
        Shape (n_samples, n_cells), in PyNN units (mV, uS, nA, ...).
    t_start
        Time of the first sample in ms.
    sampling_interval
        Time between samples in ms.
    """

    cells: np.ndarray
    values: np.ndarray
    t_start: float
    sampling_interval: float


@runtime_checkable
class Backend(Protocol):
    """What the front-end asks of a backend.

    Times are in ms, parameters in PyNN units. ``population`` and ``projection``
    arguments are indices into the Network's tuples; ``cells`` are local indices.
    """

    #: Short name used in Neo annotations (``'nest'``, ``'emulator'``, ...).
    name: str

    def build(self, network: Network) -> None:
        """Create everything for ``network``; the time is 0 afterwards."""

    def run_until(self, t: float) -> float:
        """Advance to time ``t``; return the time actually reached."""

    def reset(self) -> None:
        """Go back to t = 0 and restore the initial values; keep structure."""

    def get_spikes(self, population: int, clear: bool) -> SpikeData:
        """Spikes recorded since the last clear."""

    def get_signal(self, population: int, variable: str, clear: bool) -> SignalData:
        """Samples of ``variable`` recorded since the last clear."""

    def get_current(self, source: int, clear: bool) -> SignalData:
        """The recorded current (nA) of one current source."""

    def set_parameters(self, population: int, cells: np.ndarray, name: str,
                       values: np.ndarray) -> None:
        """Change a neuron parameter of already-built cells."""

    def set_state(self, population: int, cells: np.ndarray, name: str,
                  values: np.ndarray) -> None:
        """Set a state variable of already-built cells now."""

    def set_recording(self, population: int, variable: str, cells: np.ndarray,
                      sampling_interval: float) -> None:
        """Start (or, with an empty ``cells``, stop) recording after build."""

    def get_synapse_parameter(self, projection: int, name: str) -> np.ndarray:
        """Current per-connection values, in the projection's connection order."""

    def set_synapse_parameter(self, projection: int, name: str,
                              values: np.ndarray) -> None:
        """Overwrite per-connection values, in the projection's connection order."""

    def set_current_source(self, source: int, parameters: dict[str, Any]) -> None:
        """Change the parameters of a built current source."""

    def end(self) -> None:
        """Release the simulator or the board."""
