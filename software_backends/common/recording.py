"""Reading and choosing recordings for backends whose recorded data wait in buffers
(NEST, Brian 2)."""

from __future__ import annotations

from typing import Any

import numpy as np

from pynn_hw.backend import SignalData
from pynn_hw.errors import RecordingError
from pynn_hw.network import expand

from software_backends.common.arrays import cell_mask, set_cell_values
from software_backends.common.buffers import recording_interval


def not_recorded_error(network: Any, population: int, variable: str) -> RecordingError:
    """The error for reading ``variable`` of a population that does not record it."""
    spec = network.populations[population]
    return RecordingError(variable, spec.celltype, reason=f"it is not recorded from {spec.label!r}")


def current_not_recorded_error(network: Any, source: int) -> RecordingError:
    """The error for reading the current of a source whose recording was not asked for in time."""
    return RecordingError("i", network.current_sources[source].source_type,
                          reason="record() was not called before the network was built")


class BufferedRecording:
    """``get_signal`` and ``set_recording`` of a backend, and the values its
    ``set_parameters`` and ``set_state`` store (a mix-in).

    The backend provides ``network``, ``t``, ``spikes`` (per population: a buffer
    with ``drain()``, or None), ``signals`` (per population: buffers by variable,
    each with ``drain()`` and ``take(t, clear)``), ``_recording`` (per population: cell
    masks by variable), ``_intervals`` (per population: sampling interval),
    ``_params`` and ``_initial`` (per population: parameter and initial values by
    name), ``_check_usable()`` and ``_attach_recorder(population, variable)``.
    """

    def _drain(self) -> None:
        """Move what the simulator recorded so far into the buffers."""
        for buffer in self.spikes:
            if buffer is not None:
                buffer.drain()
        for signals in self.signals:
            for buffer in signals.values():
                buffer.drain()

    def get_signal(self, population: int, variable: str, clear: bool) -> SignalData:
        buffer = self.signals[population].get(variable)
        if buffer is None:
            raise not_recorded_error(self.network, population, variable)
        return buffer.take(self.t, clear)

    def set_recording(self, population: int, variable: str, cells: np.ndarray,
                      sampling_interval: float) -> None:
        """Record ``variable`` from exactly ``cells`` from now on (empty: stop)."""
        self._check_usable()
        spec = self.network.populations[population]
        self._drain()
        if variable != "spikes":
            self._intervals[population] = recording_interval(
                self.signals[population], variable, sampling_interval, spec.celltype,
                self._intervals[population])
        self._recording[population][variable] = cell_mask(cells, spec.size)
        self._attach_recorder(population, variable)

    def _write_parameter(self, population: int, cells: np.ndarray, name: str, values: np.ndarray, *,
                         whole_as_float: bool = False) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Write parameter ``name`` of ``cells`` into the population's stored values (see
        :func:`~software_backends.common.arrays.set_cell_values`); return those values
        by name and the array the new one replaced."""
        self._check_usable()
        spec = self.network.populations[population]
        current = self._params[population]
        previous = set_cell_values(current, name, spec.celltype, spec.size, cells, values,
                                   whole_as_float=whole_as_float)
        return current, previous

    def _store_initial(self, population: int, cells: np.ndarray, name: str,
                       values: np.ndarray) -> np.ndarray:
        """Make ``values`` of ``cells`` the initial value of ``name`` that ``reset``
        restores; return the population's full-length array of it."""
        spec = self.network.populations[population]
        default = spec.celltype.default_initial_values.get(name, 0.0)
        full = expand(np.asarray(self._initial[population].get(name, default), float),
                      spec.size).copy()
        full[np.asarray(cells, dtype=np.int64)] = values
        self._initial[population][name] = full
        return full
