"""``NeuronBackend``: the pynn_hw backend interface on the NEURON simulator.

Every neuron is a single section with one point process of the backend's own NMODL
mechanisms; spike sources are artificial cells. Under MPI the cells are dealt out
round-robin by global index (the gid), each connection is built on the rank of its
target cell, and recordings are gathered on rank 0; the other ranks see their own
cells' data. Integration uses a fixed step with Crank-Nicolson (``secondorder =
2``) or, with ``use_cvode=True``, NEURON's variable-step solver.

NEURON holds one model per process: building a backend releases whatever an
earlier backend built.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from pynn_hw.backend import SignalData, SpikeData
from pynn_hw.errors import NoModelAvailableError, RecordingError
from pynn_hw.network import Network

from software_backends.common.arrays import cell_mask, set_cell_values
from software_backends.common.buffers import recording_interval
from software_backends.common.recording import current_not_recorded_error, not_recorded_error
from software_backends.neuron import electrodes, mechanisms, parallel
from software_backends.neuron.grid import Grid
from software_backends.neuron.options import NeuronOptions
from software_backends.neuron.populations import BuiltPopulation, CellBuilder, builder_for
from software_backends.neuron.projections import (BuiltProjection, connect, get_parameter,
                                                  set_parameter)
from software_backends.neuron.recording import SignalRecorder, SpikeRecorder

_owner: list[Any] = [None]


class NeuronBackend:
    """Builds a :class:`~pynn_hw.network.Network` in NEURON and runs it.

    Parameters
    ----------
    **options
        The NEURON extras of ``setup()``: ``use_cvode``, ``rtol``, ``atol``,
        ``default_maxstep``, ``native_rng_baseseed`` (see
        :class:`~software_backends.neuron.options.NeuronOptions`).

    Raises
    ------
    TypeError
        For an unknown option (the message lists the valid ones).
    """

    name = "neuron"

    def __init__(self, **options: Any) -> None:
        self.options = NeuronOptions.from_kwargs(**options)
        self.network: Network | None = None

    # -- building --------------------------------------------------------------------
    def build(self, network: Network) -> None:
        """Create this rank's part of ``network``; the time is 0 afterwards."""
        from neuron import h
        mechanisms.load()
        if _owner[0] is not None and _owner[0] is not self:
            _owner[0].end()
        _owner[0] = self
        self.network = network
        self.pc = parallel.context()
        self.rank, self.n_ranks = int(self.pc.id()), int(self.pc.nhost())
        self.pc.gid_clear()
        self.grid = Grid(network.timestep)
        h.dt = network.timestep
        h.secondorder = 2
        cvode = h.CVode()
        cvode.active(1 if self.options.use_cvode else 0)
        # CVODE: threshold crossings by interpolation within a step; fixed step: at
        # the end of the step in which they happen (spikes on the time grid)
        cvode.condition_order(2 if self.options.use_cvode else 1)
        if self.options.use_cvode:
            cvode.rtol(self.options.rtol)
            cvode.atol(self.options.atol)
        # mutable copies: the network itself is frozen
        self._params = [{k: np.array(v) for k, v in p.parameters.items()}
                        for p in network.populations]
        self._electrode_params = [dict(c.parameters) for c in network.current_sources]
        self.populations = [self._build_population(p) for p in network.populations]
        for built in self.populations:
            if isinstance(built.builder, CellBuilder):
                built.builder.set_method(built, not self.options.use_cvode)
        self._register_gids()
        self.projections = self._build_projections()
        self.electrodes = [self._build_electrode(i) for i in range(len(network.current_sources))]
        self._build_recorders()
        self._voltage_handler = h.FInitializeHandler(0, self._set_voltages)
        self._segment = 0
        self._initialize()

    def _build_population(self, spec) -> BuiltPopulation:
        builder = builder_for(spec.celltype)
        local = np.flatnonzero(parallel.local_mask(spec.global_indices, self.n_ranks,
                                                   self.rank))
        return builder.create(spec, self._params[spec.index], spec.initial_values, local)

    def _register_gids(self) -> None:
        self._outputs = []
        for built in self.populations:
            gids = (built.spec.offset + built.local).tolist()
            for slot, gid in enumerate(gids):
                self.pc.set_gid2node(gid, self.rank)
                output = built.builder.output(built, slot)
                self.pc.cell(gid, output)
                self._outputs.append(output)

    def _build_projections(self) -> list[BuiltProjection]:
        from neuron import h
        network = self.network
        self._targets = h.List()
        slot_of_cell = np.full(network.n_cells, -1, dtype=np.int64)
        for built in self.populations:
            if isinstance(built.builder, CellBuilder):
                cells = built.spec.offset + built.local
                slot_of_cell[cells] = self._targets.count() + np.arange(cells.size)
                for point in built.points:
                    self._targets.append(point)
        return [connect(spec, self._targets, slot_of_cell, self._receptor_index(spec),
                        dict(spec.parameters),
                        self.grid, self.rank, self.n_ranks)
                for spec in network.projections]

    def _receptor_index(self, spec) -> int:
        """Index of the projection's receptor type, after checking that every target
        population offers it on NEURON."""
        index = None
        for population in np.unique(self.network.population_of(spec.post_cells)):
            builder = self.populations[population].builder
            receptors = builder.table.receptors if isinstance(builder, CellBuilder) else ()
            if spec.receptor_type not in receptors:
                raise NoModelAvailableError(
                    f"projection {spec.label!r}: receptor type {spec.receptor_type!r} is not "
                    f"available on NEURON for "
                    f"{self.network.populations[population].celltype.__name__}; available: "
                    f"{', '.join(receptors) or '(none)'}")
            index = receptors.index(spec.receptor_type)
        return 0 if index is None else index

    def _build_electrode(self, index: int) -> electrodes.BuiltElectrode:
        spec = self.network.current_sources[index]
        cells = np.unique(np.asarray(spec.cells, dtype=np.int64))
        sections = []
        for population in np.unique(self.network.population_of(cells)):
            built = self.populations[population]
            if not isinstance(built.builder, CellBuilder):
                raise TypeError(f"{spec.source_type.__name__} #{index}: cannot inject current "
                                f"into {built.spec.label!r} ({built.spec.celltype.__name__}): "
                                "spike sources take no current")
            mine = cells[self.network.population_of(cells) == population] - built.spec.offset
            is_local, slots = built.slots(mine)
            sections.extend(built.sections[s] for s in slots.tolist())
        made = electrodes.create(spec, sections, self._electrode_params[index], self.grid,
                                 not self.options.use_cvode)
        if spec.record and made.points:
            made.recorder = self._signal_recorder(self.grid.dt)
            made.recorder.start(0, made.points[0]._ref_reported)
        return made

    def _signal_recorder(self, interval: float) -> SignalRecorder:
        return SignalRecorder(float(interval), self.grid.dt, not self.options.use_cvode)

    def _build_recorders(self) -> None:
        network = self.network
        self._intervals = [float(p.recording.sampling_interval) for p in network.populations]
        masks = []
        self.signals: list[dict[str, SignalRecorder]] = []
        for p in network.populations:
            variables = p.recording.variables
            masks.append(cell_mask(variables["spikes"], p.size) if "spikes" in variables else None)
            self.signals.append({})
            for variable, cells in variables.items():
                if variable != "spikes":
                    self._record_signal(p.index, variable, np.asarray(cells, dtype=np.int64))
        offsets = np.array([p.offset for p in network.populations], dtype=np.int64)
        self.spikes = SpikeRecorder(offsets, masks)

    def _record_signal(self, population: int, variable: str, cells: np.ndarray) -> None:
        built = self.populations[population]
        spec = built.spec
        if not isinstance(built.builder, CellBuilder):
            raise RecordingError(variable, spec.celltype, ["spikes"])
        if variable not in built.builder.table.state:
            raise RecordingError(variable, spec.celltype,
                                 ["spikes", *built.builder.table.state])
        recorder = self.signals[population].get(variable)
        if recorder is None:
            recorder = self._signal_recorder(self._intervals[population])
            self.signals[population][variable] = recorder
        wanted = set(np.asarray(cells, dtype=np.int64).tolist())
        for cell in [c for c in recorder.vectors if c not in wanted]:
            recorder.stop(cell)
        is_local, slots = built.slots(np.array(sorted(wanted), dtype=np.int64))
        for cell, slot in zip(np.array(sorted(wanted))[is_local].tolist(), slots.tolist()):
            recorder.start(cell, built.builder.reference(built, variable, slot))

    def _initialize(self) -> None:
        """t = 0 with the initial values; random streams of the current segment."""
        from neuron import h
        seed = self.options.native_rng_baseseed
        for built in self.populations:
            built.builder.reseed(built, seed, self._segment)
        for electrode in self.electrodes:
            electrodes.reseed(electrode, seed, self._segment)
        self.pc.set_maxstep(self.options.default_maxstep)
        h.finitialize()
        self.spikes.clear_all()
        for signals in self.signals:
            for recorder in signals.values():
                recorder.restart()
        for electrode in self.electrodes:
            if electrode.recorder is not None:
                electrode.recorder.restart()
        for built in self.populations:
            built.builder.after_initialize(built, 0.0)
        for electrode in self.electrodes:
            electrodes.after_initialize(electrode)
        self._steps = 0

    def _set_voltages(self) -> None:
        for built in self.populations:
            built.builder.set_voltages(built)

    # -- running ---------------------------------------------------------------------
    def run_until(self, t: float) -> float:
        """Advance to ``t`` (rounded to the grid); return the time reached."""
        self._check_owner()
        target = int(self.grid.steps(t))
        if target > self._steps:
            self.pc.psolve(target * self.grid.dt)
            self._steps = target
            self.spikes.drain()
        return self.t

    @property
    def t(self) -> float:
        return self._steps * self.grid.dt

    def reset(self) -> None:
        """Back to t = 0 with the initial values; recorded data are discarded."""
        self._check_owner()
        self._segment += 1
        self._initialize()

    # -- recordings ------------------------------------------------------------------
    def get_spikes(self, population: int, clear: bool) -> SpikeData:
        """Spikes of the population: all ranks' on rank 0, this rank's elsewhere."""
        cells, times = self.spikes.take(population, self.t, clear)
        gathered = parallel.gather_to_root((cells, times))
        if gathered is not None and len(gathered) > 1:
            cells = np.concatenate([c for c, _ in gathered])
            times = np.concatenate([t for _, t in gathered])
        return SpikeData(cells=cells, times=times)

    def get_signal(self, population: int, variable: str, clear: bool) -> SignalData:
        recorder = self.signals[population].get(variable)
        if recorder is None:
            raise not_recorded_error(self.network, population, variable)
        cells, values, t_start = recorder.take(self.t, clear)
        gathered = parallel.gather_to_root((cells, values))
        if gathered is not None and len(gathered) > 1:
            cells = np.concatenate([c for c, _ in gathered])
            values = np.concatenate([v for _, v in gathered], axis=1)
            order = np.argsort(cells, kind="stable")
            cells, values = cells[order], values[:, order]
        return SignalData(cells=cells, values=values, t_start=t_start,
                          sampling_interval=recorder.interval)

    def get_current(self, source: int, clear: bool) -> SignalData:
        spec = self.network.current_sources[source]
        if not spec.record:
            raise current_not_recorded_error(self.network, source)
        local = electrodes.recorded_current(self.electrodes[source], self.t, clear)
        pieces = [p for p in (parallel.allgather(local) if self.n_ranks > 1 else [local])
                  if p is not None]
        if not pieces:
            raise RecordingError("i", spec.source_type, reason="it is injected into no cell")
        values, t_start = pieces[0]
        return SignalData(cells=np.zeros(1, np.int64), values=values[:, None],
                          t_start=t_start, sampling_interval=self.grid.dt)

    def set_recording(self, population: int, variable: str, cells: np.ndarray,
                      sampling_interval: float) -> None:
        """Record ``variable`` from exactly ``cells`` from now on (empty: stop)."""
        self._check_owner()
        spec = self.network.populations[population]
        self.spikes.drain()
        cells = np.asarray(cells, dtype=np.int64)
        if variable == "spikes":
            self.spikes.masks[population] = cell_mask(cells, spec.size)
            return
        self._intervals[population] = recording_interval(
            self.signals[population], variable, sampling_interval, spec.celltype,
            self._intervals[population])
        before = {cell for recorder in self.signals[population].values()
                  for cell in recorder.vectors}
        self._record_signal(population, variable, cells)
        added = {cell for recorder in self.signals[population].values()
                 for cell in recorder.vectors} - before
        if not added:
            return
        if self._steps == 0:
            self._initialize()      # NEURON attaches new recorders when it initialises
        else:
            warnings.warn(
                f"{spec.label}: NEURON starts recording {variable!r} from {len(added)} more "
                f"cell(s) at the next reset(); until then their values are NaN",
                RuntimeWarning, stacklevel=3)

    # -- parameters and state --------------------------------------------------------
    def set_parameters(self, population: int, cells: np.ndarray, name: str,
                       values: np.ndarray) -> None:
        self._check_owner()
        spec = self.network.populations[population]
        current = self._params[population]
        set_cell_values(current, name, spec.celltype, spec.size, cells, values)
        built = self.populations[population]
        built.builder.set_parameters(built, cells, name, current, t=self.t)
        self._state_changed()

    def set_state(self, population: int, cells: np.ndarray, name: str,
                  values: np.ndarray) -> None:
        """Set a state variable now; it is also the value restored by ``reset``."""
        self._check_owner()
        built = self.populations[population]
        built.builder.set_state(built, cells, name, values)
        self._state_changed()

    def _state_changed(self) -> None:
        from neuron import h
        if self.options.use_cvode:
            h.CVode().re_init()

    # -- synapses --------------------------------------------------------------------
    def get_synapse_parameter(self, projection: int, name: str) -> np.ndarray:
        self._check_owner()
        return get_parameter(self.projections[projection], name)

    def set_synapse_parameter(self, projection: int, name: str, values: np.ndarray) -> None:
        self._check_owner()
        set_parameter(self.projections[projection], name, values, self.grid)

    # -- current sources -------------------------------------------------------------
    def set_current_source(self, source: int, parameters: dict[str, Any]) -> None:
        self._check_owner()
        self._electrode_params[source] = dict(parameters)
        electrodes.apply(self.electrodes[source], self._electrode_params[source], self.grid,
                         self.t)

    def end(self) -> None:
        """Drop every NEURON object this backend made."""
        if _owner[0] is not self:
            return
        _owner[0] = None
        for name in ("_voltage_handler", "populations", "projections", "electrodes",
                     "signals", "spikes", "_outputs", "_targets"):
            if hasattr(self, name):
                delattr(self, name)
        parallel.context().gid_clear()

    def _check_owner(self) -> None:
        if self.network is None:
            raise RuntimeError("NeuronBackend: build() a network first")
        if _owner[0] is not self:
            raise RuntimeError("NeuronBackend: NEURON was taken over by another simulation "
                               "(or end() was called); this backend can no longer run")
