"""``NestBackend``: the pynn_hw backend interface on the NEST simulator.

NEST's own minimum delay (its communication interval) is one time step, whatever
the network's ``min_delay``: devices reach their targets through one-step
connections, so spike sources and current sources are exact from 2 dt on, and
measurements showed no cost in speed on one process. Delays of the network's
synapses are as given.

Times: the user's clock (``t``) and NEST's differ by a lookahead of one step,
because NEST delivers multimeter samples one communication interval late:
``run_until(t)`` simulates to ``t + dt`` and keeps later data back until the user's
clock reaches it. A parameter or state change made between runs therefore takes
effect one step after the time the user sees.

``reset()`` rebuilds the kernel from the network description plus every change
made since (parameters, initial values, synaptic values, recording requests,
current source parameters); NEST 3 cannot rewind its clock without losing
multimeter data and keeping spikes in flight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import nest
import numpy as np

from pynn_hw.backend import SignalData, SpikeData
from pynn_hw.errors import InvalidParameterValueError, NoModelAvailableError, RecordingError
from pynn_hw.network import Network, expand

from software_backends.common.arrays import cell_mask
from software_backends.common.registry import lookup
from software_backends.common.recording import BufferedRecording, current_not_recorded_error
from software_backends.nest import kernel
from software_backends.nest.electrodes import ELECTRODE_MODELS, ElectrodeContext
from software_backends.nest.grid import Grid
from software_backends.nest.options import NestOptions
from software_backends.nest.populations import BuiltPopulation, NeuronBuilder, builder_for
from software_backends.nest.projections import (BuiltProjection, connect, get_parameter,
                                                set_parameter)
from software_backends.nest.recording import SignalBuffer, SpikeBuffer
from software_backends.nest.sources import BuildContext


@dataclass
class _Electrode:
    """A built current source."""

    generator: nest.NodeCollection
    recording: SignalBuffer | None


class NestBackend(BufferedRecording):
    """Builds a :class:`~pynn_hw.network.Network` in NEST and runs it.

    Parameters
    ----------
    **options
        The NEST extras of ``setup()``: ``threads``, ``rng_seed``, ``rng_type``,
        ``verbosity``, ``spike_precision``, ``recording_precision``, ``t_flush``
        (see :class:`~software_backends.nest.options.NestOptions`).

    Raises
    ------
    TypeError
        For an unknown option.
    """

    name = "nest"

    def __init__(self, **options: Any) -> None:
        self.options = NestOptions.from_kwargs(**options)
        self.network: Network | None = None

    # -- building --------------------------------------------------------------------
    def build(self, network: Network) -> None:
        """Create everything for ``network`` in a fresh kernel; the time is 0 after."""
        self.network = network
        self.grid = Grid(network.timestep)
        # the mutable state that survives a reset (the network itself is frozen)
        self._params = [{k: np.array(v) for k, v in p.parameters.items()}
                        for p in network.populations]
        self._initial = [{k: np.array(v, dtype=float) for k, v in p.initial_values.items()}
                         for p in network.populations]
        self._recording = [{var: cell_mask(cells, p.size) for var, cells in
                            p.recording.variables.items()} for p in network.populations]
        self._intervals = [p.recording.sampling_interval for p in network.populations]
        # every synapse parameter (plastic types have more than weight and delay)
        self._synapses = [{k: np.array(v, dtype=float) for k, v in p.parameters.items()}
                          for p in network.projections]
        self._electrodes_params = [dict(c.parameters) for c in network.current_sources]
        self._segment = 0
        self._build_kernel()

    def _build_kernel(self) -> None:
        network = self.network
        grid = self.grid
        # the delay of device connections (generator -> parrot, current generator ->
        # cell) and NEST's min_delay
        self.device_delay = grid.dt
        max_delay = max([float(network.min_delay), float(network.max_delay)]
                        + [float(np.max(grid.to_grid_ms(s["delay"]))) for s in self._synapses
                           if np.size(s["delay"])])
        kernel.claim(self, self.options, grid, self.device_delay,
                     float(grid.to_grid_ms(max_delay)), self._segment)
        self.context = BuildContext(grid, self.device_delay, self.options.precise)
        builders = [builder_for(p.celltype) for p in network.populations]
        self.populations: list[BuiltPopulation] = [
            b.create(p, self._params[p.index], self._initial[p.index], self.context)
            for b, p in zip(builders, network.populations)]
        self._node_ids = np.concatenate(
            [np.arange(b.first_id, b.first_id + b.spec.size) for b in self.populations]
            or [np.zeros(0, np.int64)]).astype(np.int64)
        self._weight_scales()
        tau_minus: dict[int, float] = {}     # set on post-synaptic nodes by STDP
        self.projections: list[BuiltProjection] = [
            connect(spec, self._node_ids, self._scale_for(spec), self._synapses[i], grid,
                    tau_minus)
            for i, spec in enumerate(network.projections)]
        self.electrodes = [self._build_electrode(i) for i in range(len(network.current_sources))]
        self.spikes: list[SpikeBuffer | None] = []
        self.signals: list[dict[str, SignalBuffer]] = []
        for p in network.populations:
            self.spikes.append(None)
            self.signals.append({})
            for var in self._recording[p.index]:
                self._attach_recorder(p.index, var)
        self._kernel_steps = 0
        self._user_steps = 0
        self._lookahead = int(grid.steps(self.device_delay))

    def _weight_scales(self) -> None:
        """NEST weight per PyNN weight onto each cell, per receptor, and the receptors
        each population offers."""
        n = self.network.n_cells
        self._scale = {"excitatory": np.ones(n), "inhibitory": np.ones(n)}
        self._receptors: list[tuple[str, ...]] = []
        for built in self.populations:
            table = getattr(built.builder, "table", None)
            self._receptors.append(table.receptors if table is not None else ())
            if table is not None:
                cells = built.spec.global_indices
                self._scale["excitatory"][cells] = table.weight_factor
                self._scale["inhibitory"][cells] = table.weight_factor * (
                    -1.0 if table.signed_inhibition else 1.0)

    def _scale_for(self, spec) -> np.ndarray:
        """The weight scales of one projection's receptor, after checking that every
        target population offers that receptor on NEST."""
        for index in np.unique(self.network.population_of(spec.post_cells)):
            if spec.receptor_type not in self._receptors[index]:
                raise NoModelAvailableError(
                    f"projection {spec.label!r}: receptor type {spec.receptor_type!r} is not "
                    f"available on NEST for "
                    f"{self.network.populations[index].celltype.__name__}; available: "
                    f"{', '.join(self._receptors[index]) or '(none)'}")
        return self._scale[spec.receptor_type]

    def _build_electrode(self, index: int) -> _Electrode:
        spec = self.network.current_sources[index]
        model = _lookup(ELECTRODE_MODELS, spec.source_type, "current source")
        ctx = self._electrode_context(index)
        cells = np.asarray(spec.cells, dtype=np.int64)
        for population in np.unique(self.network.population_of(cells)):
            built = self.populations[population]
            if not isinstance(built.builder, NeuronBuilder):
                raise TypeError(f"{ctx.label}: cannot inject current into "
                                f"{built.spec.label!r} ({built.spec.celltype.__name__}): "
                                "spike sources take no current")
        targets = self._node_ids[cells]
        generator = nest.Create(model.generator,
                                params=model.translate(self._electrodes_params[index], ctx))
        nest.Connect(generator, nest.NodeCollection(np.unique(targets).tolist()),
                     "all_to_all", {"delay": self.device_delay})
        recording = None
        if spec.record:
            recording = SignalBuffer("I", 1e-3, self.grid.dt, int(generator.global_id),
                                     np.zeros(1), np.ones(1, dtype=bool),
                                     time_shift=self.device_delay)
            recording.connect(generator)
        return _Electrode(generator, recording)

    def _electrode_context(self, index: int) -> ElectrodeContext:
        spec = self.network.current_sources[index]
        return ElectrodeContext(self.grid, self.device_delay,
                                f"{spec.source_type.__name__} #{index}")

    def _attach_recorder(self, population: int, variable: str) -> None:
        built = self.populations[population]
        mask = self._recording[population][variable]
        if variable == "spikes":
            if self.spikes[population] is None:
                self.spikes[population] = SpikeBuffer(built.first_id, mask.copy(),
                                                      self.options.decimals)
            buffer = self.spikes[population]
        else:
            buffer = self.signals[population].get(variable)
            if buffer is None:
                buffer = self._signal_buffer(built, variable, mask)
                self.signals[population][variable] = buffer
        buffer.recorded = mask.copy()
        if built.spec.size:
            buffer.connect(built.nodes)

    def _signal_buffer(self, built: BuiltPopulation, variable: str,
                       mask: np.ndarray) -> SignalBuffer:
        spec = built.spec
        if not isinstance(built.builder, NeuronBuilder):
            raise RecordingError(variable, spec.celltype, ["spikes"])
        nest_name, factor = built.builder.signal(spec, variable)
        if nest_name not in nest.GetDefaults(built.model, "recordables"):
            raise RecordingError(variable, spec.celltype,
                                 reason=f"NEST's {built.model} does not record {nest_name}")
        initial = self._initial[spec.index].get(variable, np.zeros(()))
        return SignalBuffer(nest_name, factor, float(self._intervals[spec.index]),
                            built.first_id, expand(np.asarray(initial, float), spec.size),
                            mask.copy())

    # -- running ---------------------------------------------------------------------
    def run_until(self, t: float) -> float:
        """Advance the user's clock to ``t`` (rounded to the grid); return it."""
        self._check_owner()
        target = int(self.grid.steps(t))
        if target > self._user_steps:
            kernel_target = target + self._lookahead
            for built in self.populations:
                built.builder.before_run(built, self._params[built.spec.index], kernel_target,
                                         self.context)
            nest.Simulate(float(self.grid.ms(kernel_target - self._kernel_steps)))
            self._kernel_steps = kernel_target
            self._user_steps = target
            self._drain()
        return float(self.grid.ms(self._user_steps))

    def _drain(self) -> None:
        super()._drain()
        for electrode in self.electrodes:
            if electrode.recording is not None:
                electrode.recording.drain()

    @property
    def t(self) -> float:
        return float(self.grid.ms(self._user_steps))

    def reset(self) -> None:
        """Back to t = 0 with the initial values: rebuild the kernel from the network
        and every change made since; recorded data are discarded."""
        self._check_owner()
        self._segment += 1
        self._build_kernel()

    # -- recordings ------------------------------------------------------------------
    def get_spikes(self, population: int, clear: bool) -> SpikeData:
        buffer = self.spikes[population]
        if buffer is None:
            return SpikeData(cells=np.zeros(0, np.int64), times=np.zeros(0))
        return buffer.take(self.t, clear)

    def get_current(self, source: int, clear: bool) -> SignalData:
        recording = self.electrodes[source].recording
        if recording is None:
            raise current_not_recorded_error(self.network, source)
        return recording.take(self.t, clear)

    # -- parameters and state --------------------------------------------------------
    def set_parameters(self, population: int, cells: np.ndarray, name: str,
                       values: np.ndarray) -> None:
        current, _ = self._write_parameter(population, cells, name, values, whole_as_float=True)
        built = self.populations[population]
        built.builder.set_parameters(built, cells, name, current, self.context,
                                     float(self.grid.ms(self._kernel_steps)))

    def set_state(self, population: int, cells: np.ndarray, name: str,
                  values: np.ndarray) -> None:
        """Set a state variable now; it is also the value restored by ``reset``."""
        self._check_owner()
        built = self.populations[population]
        built.builder.set_state(built, cells, name, values)
        full = self._store_initial(population, cells, name, values)
        buffer = self.signals[population].get(name)
        if buffer is not None and self._user_steps == 0:
            # before the first run the new value is also this segment's first sample
            buffer.initial = full.copy()

    # -- synapses --------------------------------------------------------------------
    def get_synapse_parameter(self, projection: int, name: str) -> np.ndarray:
        self._check_owner()
        return get_parameter(self.projections[projection], name, self.grid)

    def set_synapse_parameter(self, projection: int, name: str, values: np.ndarray) -> None:
        self._check_owner()
        built = self.projections[projection]
        if name == "delay":
            low, high = nest.GetKernelStatus(["min_delay", "max_delay"])
            given = np.asarray(values, dtype=float)
            if given.size and (given.min() < low - 1e-9 or given.max() > high + 1e-9):
                raise InvalidParameterValueError(
                    f"projection {built.name!r}: delays must lie in [{low}, {high}] ms once "
                    f"the network is built (got {given.min()} .. {given.max()} ms); set a "
                    "larger max_delay in setup()")
        set_parameter(built, name, values, self.grid)
        self._synapses[projection] = built.values

    # -- current sources -------------------------------------------------------------
    def set_current_source(self, source: int, parameters: dict[str, Any]) -> None:
        self._check_owner()
        self._electrodes_params[source] = dict(parameters)
        spec = self.network.current_sources[source]
        model = _lookup(ELECTRODE_MODELS, spec.source_type, "current source")
        self.electrodes[source].generator.set(
            model.translate(self._electrodes_params[source], self._electrode_context(source)))

    def end(self) -> None:
        """Release the NEST kernel (if this backend still holds it)."""
        kernel.release(self)

    def _check_usable(self) -> None:
        self._check_owner()

    def _check_owner(self) -> None:
        if self.network is None:
            raise RuntimeError("NestBackend: build() a network first")
        if not kernel.owns(self):
            raise RuntimeError("NestBackend: the NEST kernel was reset or taken over by "
                               "another simulation; this backend can no longer run")


def _lookup(registry: dict[type, Any], cls: type, what: str) -> Any:
    return lookup(registry, cls, f"the NEST backend has no {what} {cls.__name__}")
