"""What one population records, and the data of its finished segments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pynn_hw.errors import InvalidParameterValueError, RecordingError
from pynn_hw.network import RecordingSpec
from pynn_hw.recording import SegmentRecord

if TYPE_CHECKING:  # pragma: no cover
    from pynn_hw.populations.population import Population


class PopulationRecorder:
    """Recording requests of one population and the segments recorded so far.

    The data of the running segment stay in the backend until they are asked for
    or the segment ends (``reset``); finished segments are kept here as numpy
    arrays, so they survive a later failure of the backend.
    """

    def __init__(self, population: "Population") -> None:
        self.population = population
        self.masks: dict[str, np.ndarray] = {}
        self.sampling_interval: float | None = None
        self.segments: list[SegmentRecord] = []
        self.t_start = 0.0

    # -- requests -----------------------------------------------------------------------
    def record(self, variables: Any, cells: np.ndarray, sampling_interval: float | None
               ) -> None:
        pop = self.population
        recordable = list(pop.celltype.recordable)
        if variables is None:
            for mask in self.masks.values():
                mask[cells] = False
            self._push_all()
            return
        if isinstance(variables, str):
            variables = recordable if variables == "all" else [variables]
        for var in variables:
            if var not in recordable:
                raise RecordingError(var, type(pop.celltype), recordable)
        if sampling_interval is not None:
            self._set_sampling_interval(float(sampling_interval))
        before = {var: mask.copy() for var, mask in self.masks.items()}
        for var in variables:
            mask = self.masks.setdefault(var, np.zeros(pop.size, dtype=bool))
            mask[cells] = True
        try:
            self._push(variables)
        except Exception:
            # the backend refused: the request must not linger in the front-end
            self.masks = before
            self._restore(variables)
            raise

    def _restore(self, variables) -> None:
        """Give the backend back the requests it had before a refused change."""
        session = self.population._session
        for var in variables:
            cells = np.flatnonzero(self.masks[var]) if var in self.masks \
                else np.zeros(0, dtype=int)
            try:
                session.backend.set_recording(self.population._index, var, cells,
                                              self.interval)
            except Exception:  # noqa: BLE001 - the refusal being raised says what went wrong
                pass

    def _set_sampling_interval(self, interval: float) -> None:
        dt = self.population._session.dt
        steps = interval / dt
        if interval <= 0 or abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
            raise InvalidParameterValueError(
                f"{self.population.label}: sampling_interval {interval} ms must be a "
                f"positive multiple of the time step {dt} ms")
        if self.sampling_interval is not None and interval != self.sampling_interval \
                and self.population._session.built:
            raise InvalidParameterValueError(
                f"{self.population.label}: sampling_interval cannot change from "
                f"{self.sampling_interval} to {interval} ms after the network was built")
        self.sampling_interval = interval

    def _push(self, variables) -> None:
        session = self.population._session
        if session.backend is None or session.structure_changed:
            return
        for var in variables:
            session.backend.set_recording(self.population._index, var,
                                          np.flatnonzero(self.masks[var]), self.interval)

    def _push_all(self) -> None:
        self._push(list(self.masks))

    @property
    def interval(self) -> float:
        return self.sampling_interval or self.population._session.dt

    def spec(self) -> RecordingSpec:
        variables = {var: np.flatnonzero(mask) for var, mask in self.masks.items()
                     if mask.any()}
        return RecordingSpec(variables=variables, sampling_interval=self.interval)

    def recorded_cells(self, variable: str) -> np.ndarray:
        mask = self.masks.get(variable)
        return np.zeros(0, dtype=int) if mask is None else np.flatnonzero(mask)

    # -- data ---------------------------------------------------------------------------
    def _running_segment(self, clear: bool, t: float, annotations: dict) -> SegmentRecord | None:
        session = self.population._session
        backend = session.backend
        if backend is None or not self.masks:
            return None
        index = self.population._index
        spikes = None
        spike_cells = self.recorded_cells("spikes")
        if "spikes" in self.masks:
            spikes = backend.get_spikes(index, clear=clear)
        signals = {}
        for var in self.masks:
            if var != "spikes" and self.masks[var].any():
                signals[var] = backend.get_signal(index, var, clear=clear)
        record = SegmentRecord(spikes=spikes, spike_cells=spike_cells, signals=signals,
                               t_start=self.t_start, t_stop=t, annotations=dict(annotations),
                               index=session.segment_index)
        if clear:
            self.t_start = t
        return record

    def close_segment(self, t: float, annotations: dict) -> None:
        """Move the running segment's data out of the backend (at ``reset``)."""
        record = self._running_segment(True, t, annotations)
        if record is not None:
            self.segments.append(record)
        self.t_start = 0.0

    def all_segments(self, clear: bool) -> list[SegmentRecord]:
        """Finished segments plus the running one (if anything was recorded)."""
        session = self.population._session
        running = self._running_segment(clear, session.t, session.segment_annotations)
        segments = list(self.segments)
        if running is not None:
            segments.append(running)
        if clear:
            self.segments = []
        return segments
