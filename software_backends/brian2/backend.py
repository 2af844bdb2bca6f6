"""``Brian2Backend``: the pynn_hw backend interface on Brian 2 (runtime mode).

One Brian ``Network`` per backend holds everything (no magic network, no global
scope): one NeuronGroup or SpikeGeneratorGroup per population, one Synapses object
per projection (per population pair), a NetworkOperation that drives the current
sources, and monitors. Objects get their code target explicitly
(``codeobj_class``), so Brian's global preferences are left alone.

``reset()`` restores the state stored right after building (time 0, initial
values, empty spike queues) and then writes back every change made since
(parameters, initial values, weights, delays, current sources); monitors are made
anew because the data of the finished segment have been handed over already.
"""

from __future__ import annotations

from typing import Any

import brian2
import numpy as np

from pynn_hw.backend import SignalData, SpikeData
from pynn_hw.errors import NoModelAvailableError, NonExistentParameterError, RecordingError
from pynn_hw.network import Network

from software_backends.brian2 import electrodes as el
from software_backends.brian2.options import Brian2Options
from software_backends.brian2.populations import (BuildContext, BuiltPopulation, NeuronBuilder,
                                                  builder_for)
from software_backends.brian2.projections import (BuiltProjection, connect, get_parameter,
                                                  set_parameter, write_all)
from software_backends.brian2.projections import check as check_projection
from software_backends.brian2.recording import SignalBuffer, SpikeBuffer
from software_backends.common.arrays import cell_mask
from software_backends.common.recording import BufferedRecording, current_not_recorded_error

_CODE_OBJECTS = {
    "numpy": "brian2.codegen.runtime.numpy_rt:NumpyCodeObject",
    "cython": "brian2.codegen.runtime.cython_rt:CythonCodeObject",
}


def _code_object_class(target: str) -> type:
    module, name = _CODE_OBJECTS[target].split(":")
    return getattr(__import__(module, fromlist=[name]), name)


class Brian2Backend(BufferedRecording):
    """Builds a :class:`~pynn_hw.network.Network` in Brian 2 and runs it.

    Parameters
    ----------
    **options
        The Brian 2 extras of ``setup()``: ``codegen_target`` (``'numpy'`` or
        ``'cython'``) and ``rng_seed`` (see
        :class:`~software_backends.brian2.options.Brian2Options`).

    Raises
    ------
    TypeError
        For an unknown option (the message lists the valid ones).
    """

    name = "brian2"

    def __init__(self, **options: Any) -> None:
        self.options = Brian2Options.from_kwargs(**options)
        self.network: Network | None = None
        self.net: Any = None

    # -- building --------------------------------------------------------------------
    def build(self, network: Network) -> None:
        """Create all Brian objects for ``network``; the time is 0 afterwards."""
        self.network = network
        self.dt = float(network.timestep)
        self._params = [{k: np.array(v) for k, v in p.parameters.items()}
                        for p in network.populations]
        self._initial = [{k: np.array(v) for k, v in p.initial_values.items()}
                         for p in network.populations]
        self._recording = [{var: cell_mask(cells, p.size) for var, cells in
                            p.recording.variables.items()} for p in network.populations]
        self._intervals = [float(p.recording.sampling_interval) for p in network.populations]
        # every synapse parameter (plastic types have more than weight and delay)
        self._synapses = [{k: np.array(v, dtype=float) for k, v in p.parameters.items()}
                          for p in network.projections]
        self._electrode_params = [dict(c.parameters) for c in network.current_sources]
        self._segment = 0
        self.clock = brian2.Clock(dt=self.dt * brian2.ms, name="pynn_hw_clock*")
        self.codeobj_class = _code_object_class(self.options.codegen_target)
        ctx = self._context()
        builders = [builder_for(p.celltype) for p in network.populations]
        # refuse what cannot be built before creating any Brian object
        for builder, spec in zip(builders, network.populations):
            builder.validate(spec, self._params[spec.index])
            for variable in self._recording[spec.index]:
                _recordable(builder, spec, variable)
        for spec in network.projections:
            check_projection(spec, network, builders)
        for index in range(len(network.current_sources)):
            self._check_electrode(index, builders)
        self.populations: list[BuiltPopulation] = [
            b.create(p, self._params[p.index], self._initial[p.index], ctx) if p.size
            else BuiltPopulation(p, b, None)
            for b, p in zip(builders, network.populations)]
        self.projections: list[BuiltProjection] = [
            connect(spec, network, self.populations, self._synapses[i], ctx)
            for i, spec in enumerate(network.projections)]
        self.driver = el.CurrentDriver(self.dt)
        for index in range(len(network.current_sources)):
            self.driver.add(self._build_electrode(index, ctx))
        objects = [b.group for b in self.populations if b.group is not None]
        objects += [part.synapses for prj in self.projections for part in prj.parts]
        if self.driver.electrodes:
            objects.append(brian2.NetworkOperation(
                self.driver.step_function(self.clock), clock=self.clock, when="start",
                name="pynn_hw_currents*"))
        self.net = brian2.Network(*objects, name="pynn_hw_network*")
        # the state restored by reset(): everything but the monitors
        self.net.store("initial")
        self._steps = 0
        self._make_recorders()

    def _context(self) -> BuildContext:
        seed = self.options.rng_seed
        if seed is not None:
            brian2.seed(seed + self._segment)
        rng = np.random.default_rng(None if seed is None else [seed, self._segment])
        return BuildContext(brian2, self.clock, self.codeobj_class, self.dt, rng)

    def _check_electrode(self, index: int, builders: list[Any]) -> None:
        spec = self.network.current_sources[index]
        if not any(issubclass(spec.source_type, kind) for kind in el.SOURCE_KINDS):
            raise NoModelAvailableError(
                f"the Brian 2 backend has no current source {spec.source_type.__name__}; "
                f"available: {', '.join(k.__name__ for k in el.SOURCE_KINDS)}")
        owners = np.unique(self.network.population_of(np.asarray(spec.cells, dtype=np.int64)))
        for population in owners:
            target = self.network.populations[population]
            if not isinstance(builders[population], NeuronBuilder):
                raise TypeError(f"{spec.source_type.__name__} #{index}: cannot inject current "
                                f"into {target.label!r} ({target.celltype.__name__}): spike "
                                "sources take no current")

    def _build_electrode(self, index: int, ctx: BuildContext) -> el.Electrode:
        spec = self.network.current_sources[index]
        label = f"{spec.source_type.__name__} #{index}"
        cells = np.unique(np.asarray(spec.cells, dtype=np.int64))
        owner = self.network.population_of(cells)
        targets = []
        for population in np.unique(owner):
            built = self.populations[population]
            columns = np.flatnonzero(owner == population)
            targets.append(el._Target(built.group.variables["i_inj"].get_value(),
                                      cells[columns] - built.spec.offset, columns))
        waveform = el.Waveform(label, spec.source_type, self._electrode_params[index], self.dt,
                               cells.size, np.random.default_rng(self._noise_seed(index)))
        return el.Electrode(waveform, targets, bool(spec.record))

    def _noise_seed(self, index: int) -> Any:
        seed = self.options.rng_seed
        return None if seed is None else [seed, self._segment, index + 1]

    # -- recorders -------------------------------------------------------------------
    def _make_recorders(self) -> None:
        self.spikes: list[SpikeBuffer | None] = [None] * len(self.populations)
        self.signals: list[dict[str, SignalBuffer]] = [{} for _ in self.populations]
        self._monitors: list[Any] = []
        for built in self.populations:
            for variable in self._recording[built.spec.index]:
                self._attach_recorder(built.spec.index, variable)

    def _attach_recorder(self, population: int, variable: str) -> None:
        built = self.populations[population]
        mask = self._recording[population][variable]
        if variable == "spikes":
            if self.spikes[population] is None and built.group is not None:
                monitor = brian2.SpikeMonitor(built.group, codeobj_class=self.codeobj_class,
                                              name=f"pynn_hw_spikes{population}*")
                self._add_monitor(monitor)
                self.spikes[population] = SpikeBuffer(monitor, mask.copy(), self.dt)
            elif self.spikes[population] is not None:
                self.spikes[population].recorded = mask.copy()
            return
        brian_var = _recordable(built.builder, built.spec, variable)
        buffer = self.signals[population].get(variable)
        interval = self._intervals[population]
        if buffer is None:
            buffer = SignalBuffer(built.group, brian_var.name, brian_var.factor, interval,
                                  mask.copy())
            self.signals[population][variable] = buffer
        for meter in buffer.meters:
            meter.monitor.active = False
        buffer.recorded = mask.copy()
        cells = np.flatnonzero(mask)
        if cells.size and built.group is not None:
            if abs(interval / self.dt - round(interval / self.dt)) > 1e-9:
                raise RecordingError(variable, built.spec.celltype,
                                     reason=f"the sampling interval {interval} ms is not a "
                                            f"multiple of the time step {self.dt} ms")
            monitor = brian2.StateMonitor(
                built.group, brian_var.name, record=cells, when="start",
                clock=brian2.Clock(dt=interval * brian2.ms, name="pynn_hw_clock*"),
                codeobj_class=self.codeobj_class, name=f"pynn_hw_{variable}{population}*")
            self._add_monitor(monitor)
            buffer.add_meter(monitor, cells)

    def _add_monitor(self, monitor: Any) -> None:
        self._monitors.append(monitor)
        self.net.add(monitor)

    # -- running ---------------------------------------------------------------------
    def run_until(self, t: float) -> float:
        """Advance to ``t`` (rounded to the time step); return the time reached."""
        self._check_built()
        target = int(round(float(t) / self.dt))
        while target > self._steps:
            self.net.run((target - self._steps) * self.dt * brian2.ms, namespace={},
                         level=0)
            self._steps = int(round(float(self.net.t_) * 1000.0 / self.dt))
            self._drain()
        return self.t

    @property
    def t(self) -> float:
        return round(self._steps * self.dt, 9)

    def reset(self) -> None:
        """Back to t = 0: restore the stored state, then write back every change."""
        self._check_built()
        self._segment += 1
        for monitor in self._monitors:
            self.net.remove(monitor)
        self.net.restore("initial")
        ctx = self._context()
        for built in self.populations:
            if built.group is not None:
                built.builder.apply_all(built, self._params[built.spec.index],
                                        self._initial[built.spec.index], ctx)
        for built in self.projections:
            write_all(built, self.dt)
        for index, electrode in enumerate(self.driver.electrodes):
            electrode.waveform.configure(self._electrode_params[index])
        self.driver.restart(lambda index: np.random.default_rng(self._noise_seed(index)))
        self._steps = 0
        self._make_recorders()

    # -- recordings ------------------------------------------------------------------
    def get_spikes(self, population: int, clear: bool) -> SpikeData:
        buffer = self.spikes[population]
        if buffer is None:
            return SpikeData(cells=np.zeros(0, np.int64), times=np.zeros(0))
        return buffer.take(clear)

    def get_current(self, source: int, clear: bool) -> SignalData:
        electrode = self.driver.electrodes[source]
        if not electrode.record:
            raise current_not_recorded_error(self.network, source)
        return electrode.take(self._steps, clear)

    # -- parameters and state --------------------------------------------------------
    def set_parameters(self, population: int, cells: np.ndarray, name: str,
                       values: np.ndarray) -> None:
        current, previous = self._write_parameter(population, cells, name, values)
        built = self.populations[population]
        if built.group is None:
            return
        try:
            built.builder.set_parameters(built, cells, name, current, self._steps)
        except Exception:
            current[name] = previous
            raise

    def set_state(self, population: int, cells: np.ndarray, name: str,
                  values: np.ndarray) -> None:
        """Set a state variable now; it is also the value restored by ``reset``."""
        self._check_built()
        built = self.populations[population]
        cells = np.asarray(cells, dtype=np.int64)
        if built.group is not None:
            built.builder.set_state(built, cells, name, values)
        self._store_initial(population, cells, name, values)

    # -- synapses --------------------------------------------------------------------
    def get_synapse_parameter(self, projection: int, name: str) -> np.ndarray:
        self._check_built()
        return get_parameter(self.projections[projection], name)

    def set_synapse_parameter(self, projection: int, name: str, values: np.ndarray) -> None:
        self._check_built()
        built = self.projections[projection]
        set_parameter(built, name, values, self.dt)
        self._synapses[projection] = built.values

    # -- current sources -------------------------------------------------------------
    def set_current_source(self, source: int, parameters: dict[str, Any]) -> None:
        self._check_built()
        self._electrode_params[source] = dict(parameters)
        self.driver.electrodes[source].waveform.configure(self._electrode_params[source])

    def end(self) -> None:
        """Drop the Brian objects."""
        self.net = None

    def _check_usable(self) -> None:
        self._check_built()

    def _check_built(self) -> None:
        if self.network is None:
            raise RuntimeError("Brian2Backend: build() a network first")
        if self.net is None:
            raise RuntimeError("Brian2Backend: end() was called; this backend can no "
                               "longer run")


def _recordable(builder: Any, spec: Any, variable: str) -> Any:
    """The Brian variable recorded for ``variable`` (None for spikes)."""
    if variable == "spikes":
        return None
    if not isinstance(builder, NeuronBuilder):
        raise RecordingError(variable, spec.celltype, ["spikes"])
    try:
        return builder.variable(spec, variable)
    except NonExistentParameterError:
        raise RecordingError(variable, spec.celltype, ["spikes", *builder.table.state],
                             reason="Brian 2 has no such variable in this model") from None
