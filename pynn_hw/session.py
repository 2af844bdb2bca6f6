"""The state of one simulation, owned by one backend module.

``pynn_hw.nest``, ``pynn_hw.emulator`` and the other backend modules each own one
:class:`Session`. Front-end objects keep a reference to the session that created
them instead of reaching for a global, so two backends can be used side by side in
one process (for instance to compare them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from pynn_hw.backend import Backend
from pynn_hw.network import Network
from pynn_hw.timing import DEFAULT_MAX_DELAY, Timing

if TYPE_CHECKING:  # pragma: no cover
    from pynn_hw.populations.population import Population
    from pynn_hw.projections import Projection


class Session:
    """Simulation control, object registry and backend life cycle.

    Parameters
    ----------
    name
        Simulator name as reported in Neo annotations (``'nest'``, ...).
    backend_factory
        Called with the ``setup`` extras to make a fresh backend.
    """

    def __init__(self, name: str, backend_factory: Callable[..., Backend]) -> None:
        self.name = name
        self._backend_factory = backend_factory
        self.setup()

    # -- set-up -------------------------------------------------------------------
    def setup(self, timestep: float = 0.1, min_delay: float | str = "auto",
              max_delay: float | str = "auto", **extra: Any) -> int:
        """Start a new simulation; drop every object of the previous one."""
        backend = getattr(self, "backend", None)
        if backend is not None:
            backend.end()
        self.timing = Timing.from_setup(timestep, min_delay, max_delay, extra)
        self.options = extra
        self.populations: list[Population] = []
        self.projections: list[Projection] = []
        self.current_sources: list[Any] = []
        # (population, view or assembly, filename, variables) written by end()
        self.pending_files: list[tuple[Any, Any, Any]] = []
        self.next_id = 0
        self.t = 0.0
        self.segment_index = 0
        self.segment_annotations: dict[str, Any] = {}
        self.backend: Backend | None = None
        # set whenever the structure changes, so the next run rebuilds the backend
        self.structure_changed = True
        return 0

    @property
    def dt(self) -> float:
        """The integration time step in ms."""
        return self.timing.timestep

    def allocate_ids(self, n: int) -> int:
        """Reserve ``n`` consecutive cell IDs; return the first."""
        first = self.next_id
        self.next_id += n
        return first

    def register_population(self, population: "Population") -> int:
        self.populations.append(population)
        self.structure_changed = True
        return len(self.populations) - 1

    def register_projection(self, projection: "Projection") -> int:
        self.projections.append(projection)
        self.structure_changed = True
        return len(self.projections) - 1

    # -- the network description ------------------------------------------------------
    def min_delay(self) -> float:
        """``get_min_delay()``: the smallest delay once known with ``'auto'``."""
        if self.timing.min_delay != "auto":
            return float(self.timing.min_delay)
        if self.backend is not None and self.projections:
            smallest = [p.min_delay_value() for p in self.projections if p.size() > 0]
            if smallest:
                return float(min(smallest))
        return self.dt

    def max_delay(self) -> float:
        """``get_max_delay()``."""
        if self.timing.max_delay != "auto":
            return float(self.timing.max_delay)
        largest = [p.max_delay_value() for p in self.projections if p.size() > 0]
        return float(max(largest + [DEFAULT_MAX_DELAY]))

    def network(self) -> Network:
        """Freeze the current front-end objects into a backend-neutral description."""
        if self.timing.min_delay != "auto":
            min_delay = float(self.timing.min_delay)
        else:
            min_delay = min([p.min_delay_value() for p in self.projections if p.size() > 0]
                            or [self.dt])
        return Network(
            timestep=self.dt,
            min_delay=float(min_delay),
            max_delay=self.max_delay(),
            populations=tuple(p._spec() for p in self.populations),
            projections=tuple(p._spec() for p in self.projections),
            current_sources=tuple(self._current_source_spec(i, s, c)
                                  for i, (s, c) in enumerate(self.current_sources)),
            options=dict(self.options),
        )

    def ensure_built(self) -> Backend:
        """Build the backend if needed; refuse structural changes mid-simulation."""
        if self.backend is not None and not self.structure_changed:
            return self.backend
        if self.backend is not None and self.t > 0:
            raise RuntimeError(
                "the network changed (new populations, projections or current sources) "
                f"after the simulation ran to t={self.t} ms; call reset() before "
                "adding to it, or create everything before the first run()")
        if self.backend is not None:
            self.backend.end()
        backend = self._backend_factory(**self.options)
        backend.build(self.network())
        self.backend = backend
        self.structure_changed = False
        return backend

    @property
    def built(self) -> bool:
        return self.backend is not None

    # -- running ----------------------------------------------------------------------
    def run_until(self, t_stop: float, callbacks: Sequence[Callable[[float], float]] | None = None
                  ) -> float:
        """Advance to ``t_stop`` ms, calling ``callbacks`` on their schedule."""
        t_stop = float(t_stop)
        if t_stop < self.t - 1e-9:
            raise ValueError(f"run_until({t_stop}): the simulation is already at "
                             f"t={self.t} ms; times in the past are not allowed")
        backend = self.ensure_built()
        pending = [(float(cb(self.t)), i) for i, cb in enumerate(callbacks or ())]
        while pending:
            pending.sort()
            when, i = pending.pop(0)
            if when >= t_stop - 1e-9:
                break
            if when > self.t:
                self.t = backend.run_until(when)
            pending.append((float(callbacks[i](self.t)), i))
        if t_stop > self.t:
            self.t = backend.run_until(t_stop)
        return self.t

    def run_for(self, duration: float, callbacks=None) -> float:
        if duration < 0:
            raise ValueError(f"run({duration}): the duration must be >= 0 ms")
        return self.run_until(self.t + duration, callbacks)

    def reset(self, annotations: dict | None = None) -> None:
        """Close the current segment and go back to t = 0."""
        if self.backend is not None:
            for population in self.populations:
                population._recorder.close_segment(self.t, self.segment_annotations)
            self.backend.reset()
        self.t = 0.0
        self.segment_index += 1
        self.segment_annotations = dict(annotations or {})

    def end(self, write_files: bool = True) -> None:
        """Keep the recorded data, write ``to_file`` recordings, release the backend.

        The running segment is copied out of the backend first, so ``get_data``
        still works after ``end()``.
        """
        if self.backend is not None and not self.structure_changed:
            for population in self.populations:
                population._recorder.close_segment(self.t, self.segment_annotations)
        if write_files:
            for cells, filename, variables in self.pending_files:
                cells.write_data(filename, "all" if variables is None else variables)
        self.pending_files = []
        if self.backend is not None:
            self.backend.end()
            self.backend = None

    # -- current sources ----------------------------------------------------------------
    def inject_current(self, source: Any, cells: Any) -> None:
        """Attach ``source`` to ``cells`` (a population, view, assembly or ID)."""
        if not getattr(cells, "injectable", True):
            raise TypeError(f"cannot inject {type(source).__name__} into "
                            f"{cells!r}: spike sources take no current")
        if getattr(source, "_session", None) is not None and source._session is not self:
            raise ValueError(f"{type(source).__name__} is already used by another simulation")
        source._session = self
        source._index = len(self.current_sources)
        self.current_sources.append((source, np.asarray(_global_indices(cells))))
        self.structure_changed = True

    def _current_source_spec(self, index, source, cells):
        from pynn_hw.network import CurrentSourceSpec
        params = _plain_parameters(source)
        return CurrentSourceSpec(index=index, source_type=type(source), parameters=params,
                                 cells=cells, record=bool(getattr(source, "_recording", False)))

    def update_current_source(self, source: Any) -> None:
        if self.backend is not None:
            self.backend.set_current_source(source._index, _plain_parameters(source))

    def record_current(self, source: Any) -> None:
        # backends set up current recorders at build time
        self.structure_changed = True

    def get_current_data(self, source: Any):
        """The recorded current of ``source`` as a neo AnalogSignal in nA."""
        import neo
        import quantities as pq
        if self.backend is None:
            raise RuntimeError(f"{type(source).__name__}: nothing recorded yet; call run() first")
        if not getattr(source, "_recording", False):
            raise RuntimeError(f"{type(source).__name__}: call record() before run() to "
                               "record the injected current")
        data = self.backend.get_current(source._index, clear=False)
        values = np.asarray(data.values)
        if values.ndim == 1:
            values = values[:, None]
        return neo.AnalogSignal(values, units=pq.nA, t_start=data.t_start * pq.ms,
                                sampling_period=data.sampling_interval * pq.ms,
                                name="i_inj")


def _plain_parameters(source: Any) -> dict[str, Any]:
    """The parameters of a current source as plain numbers and arrays."""
    params = dict(source.get_parameters())
    for key, value in list(params.items()):
        if hasattr(value, "value") and not np.isscalar(value):
            params[key] = np.asarray(value.value, dtype=float)
    return params


def _global_indices(cells: Any) -> np.ndarray:
    if hasattr(cells, "_global_indices"):
        return cells._global_indices()
    return np.array([int(cells)])
