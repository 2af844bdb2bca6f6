"""Builders of populations, looked up by the standard cell class.

:func:`builder_for` finds a cell class in the registries ``CELL_MODELS`` (neurons,
built by :class:`NeuronBuilder` from their translation table) and ``SOURCE_MODELS``
(spike sources, built by :class:`SourceBuilder` as generator + parrot). A builder
creates the NEST nodes of a population and later changes their parameters and
state, with one vectorised NEST call per parameter group.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import nest
import numpy as np

from pynn_hw.errors import (InvalidParameterValueError, NoModelAvailableError,
                            NonExistentParameterError, RoundingWarning)
from pynn_hw.network import PopulationSpec

from software_backends.nest.cells import CELL_MODELS, READ_ONLY_STATE
from software_backends.nest.inh_gamma import InhGammaTrains
from software_backends.nest.sources import SOURCE_MODELS, Playback, BuildContext
from software_backends.nest.translation import CellModel, Translated, translate


@dataclass
class BuiltPopulation:
    """The NEST nodes of one population.

    ``nodes`` are the cells (neurons, or the parrots of spike sources): they are
    connected and recorded. ``generators`` feed the parrots; ``trains`` draws the
    spikes of sources NEST has no generator for. Ids of ``nodes`` are consecutive,
    starting at ``first_id``.
    """

    spec: PopulationSpec
    builder: "NeuronBuilder | SourceBuilder"
    model: str
    nodes: nest.NodeCollection
    generators: nest.NodeCollection | None = None
    trains: InhGammaTrains | None = None
    first_id: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        # NodeCollection attribute access queries the kernel; ask once
        self.first_id = int(self.nodes.tolist()[0]) if len(self.nodes) else 0


def _create(model: str, n: int, params: dict[str, Any] | None = None) -> nest.NodeCollection:
    """``nest.Create`` that also allows empty populations."""
    if n == 0:
        return nest.NodeCollection([])
    return nest.Create(model, n, params=params or {})


def _subset(values: dict[str, np.ndarray], cells: np.ndarray) -> dict[str, np.ndarray]:
    return {name: (v if np.ndim(v) == 0 else np.asarray(v)[cells]) for name, v in values.items()}


def _apply(nodes: nest.NodeCollection, translated: Translated) -> None:
    """Set translated values on ``nodes`` with one call per kind."""
    if len(nodes) == 0:
        return
    if translated.scalars:
        nodes.set(translated.scalars)
    if translated.arrays:
        nodes.set({name: array.tolist() for name, array in translated.arrays.items()})
    if translated.per_cell:
        nodes.set(translated.per_cell)


def _node_subset(nodes: nest.NodeCollection, cells: np.ndarray) -> nest.NodeCollection:
    if cells.size == len(nodes) and np.array_equal(cells, np.arange(len(nodes))):
        return nodes
    return nodes[cells]


def _sorted(cells: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells in increasing order (NEST node subsets are ordered), values alike."""
    cells = np.asarray(cells, dtype=np.int64)
    values = np.asarray(values)
    order = np.argsort(cells, kind="stable")
    if values.ndim:
        values = values[order]
    return cells[order], values


class NeuronBuilder:
    """Creates and updates neurons from a :class:`CellModel` table."""

    def __init__(self, table: CellModel, read_only: frozenset[str] = frozenset()) -> None:
        self.table = table
        self.read_only = read_only

    def before_run(self, built: BuiltPopulation, params: dict[str, np.ndarray],
                   until_steps: int, context: BuildContext) -> None:
        """Nothing to prepare: neurons need no input drawn ahead."""

    def create(self, spec: PopulationSpec, params: dict[str, np.ndarray],
               initial: dict[str, np.ndarray], context: BuildContext) -> BuiltPopulation:
        model = self.table.model_name(context.precise)
        values = translate(self.table.rules, params, spec.size)
        state = self._translate_state(spec, model, initial)
        nodes = _create(model, spec.size, {**values.scalars, **state.scalars})
        values.scalars, state.scalars = {}, {}
        _apply(nodes, values)
        _apply(nodes, state)
        return BuiltPopulation(spec, self, model, nodes)

    def _translate_state(self, spec: PopulationSpec, model: str,
                         initial: dict[str, np.ndarray]) -> Translated:
        settable = nest.GetDefaults(model)
        out = Translated()
        for name, value in initial.items():
            value = np.asarray(value, dtype=float)
            nest_name, factor = self._state_name(spec, name)
            if nest_name is None:
                continue
            if nest_name not in settable:
                if np.any(value != 0.0):
                    raise InvalidParameterValueError(
                        f"{spec.label}: NEST's {model} cannot start with {name} != 0 "
                        f"(got {value.flat[0]!r}); its state {nest_name} is not settable")
                continue
            if value.ndim == 0 or np.all(value == value.flat[0]):
                out.scalars[nest_name] = float(value.flat[0]) * factor
            else:
                out.arrays[nest_name] = value * factor
        return out

    def _state_name(self, spec: PopulationSpec, name: str) -> tuple[str | None, float]:
        if name in self.read_only:
            return None, 1.0
        variable = self.table.state.get(name)
        if variable is None:
            raise NonExistentParameterError(name, f"{spec.celltype.__name__} (state on NEST)",
                                            self.table.state)
        return variable.nest_name, variable.factor

    def set_parameters(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                       params: dict[str, np.ndarray], context: BuildContext,
                       kernel_time: float) -> None:
        rules = self.table.rules_using(name)
        if not rules:
            raise NonExistentParameterError(name, built.spec.celltype.__name__,
                                            self.table.parameter_names())
        cells = np.sort(np.asarray(cells, dtype=np.int64))
        _apply(_node_subset(built.nodes, cells), translate(rules, _subset(params, cells),
                                                           cells.size))

    def set_state(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                  values: np.ndarray) -> None:
        spec = built.spec
        if name in self.read_only:
            raise InvalidParameterValueError(
                f"{spec.label}: {name} of {spec.celltype.__name__} is computed by NEST "
                "and cannot be set")
        cells, values = _sorted(cells, values)
        state = self._translate_state(spec, built.model, {name: values})
        _apply(_node_subset(built.nodes, cells), state)

    def signal(self, spec: PopulationSpec, variable: str) -> tuple[str, float]:
        """NEST recordable and the factor NEST -> PyNN of a recordable variable."""
        state = self.table.state.get(variable)
        if state is None:
            raise NonExistentParameterError(variable, f"{spec.celltype.__name__} (recordable "
                                            "on NEST)", self.table.state)
        return state.nest_name, 1.0 / state.factor


class SourceBuilder:
    """Creates spike sources: one generator per cell, each followed by its parrot."""

    def __init__(self, cls: type) -> None:
        self.model = SOURCE_MODELS[cls]

    def create(self, spec: PopulationSpec, params: dict[str, np.ndarray],
               initial: dict[str, np.ndarray], context: BuildContext) -> BuiltPopulation:
        generator = self.model.model_name(context.precise)
        playback = self.model.playback
        if playback is Playback.GENERATOR:
            values = translate(self.model.all_rules(context), params, spec.size)
        else:
            values = Translated(scalars={"precise_times": context.precise})
        generators = _create(generator, spec.size, values.scalars)
        values.scalars = {}
        _apply(generators, values)
        parrot = "parrot_neuron_ps" if context.precise else "parrot_neuron"
        parrots = _create(parrot, spec.size)
        if spec.size:
            nest.Connect(generators, parrots, "one_to_one",
                         {"synapse_model": "static_synapse", "delay": context.parrot_delay})
        built = BuiltPopulation(spec, self, generator, parrots, generators)
        if playback is Playback.ARRAY:
            self.set_parameters(built, np.arange(spec.size), "spike_times", params, context, 0.0)
        elif playback is Playback.DRAWN:
            delay_steps = int(context.grid.steps(context.parrot_delay))
            built.trains = InhGammaTrains(spec.size, context.grid,
                                          [int(nest.rng_seed), spec.index], delay_steps + 1,
                                          precise=context.precise)
        return built

    def set_parameters(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                       params: dict[str, np.ndarray], context: BuildContext,
                       kernel_time: float) -> None:
        cells = np.sort(np.asarray(cells, dtype=np.int64))
        if name not in params:
            raise NonExistentParameterError(name, built.spec.celltype.__name__, params)
        playback = self.model.playback
        if playback is Playback.ARRAY:
            times = np.broadcast_to(np.asarray(params["spike_times"], dtype=object),
                                    (built.spec.size,))[cells]
            _apply(_node_subset(built.generators, cells),
                   _spike_times(built.spec.label, times, context, kernel_time))
        elif playback is Playback.GENERATOR:
            rules = tuple(r for r in self.model.all_rules(context) if name in r.inputs)
            _apply(_node_subset(built.generators, cells),
                   translate(rules, _subset(params, cells), cells.size))
        # drawn trains read the parameters when the next spikes are drawn

    def before_run(self, built: BuiltPopulation, params: dict[str, np.ndarray],
                   until_steps: int, context: BuildContext) -> None:
        """Hand the generators the drawn spikes that NEST will emit up to ``until_steps``
        (user time one step later, after the generator -> parrot delay)."""
        if built.trains is None:
            return
        delay_steps = int(context.grid.steps(context.parrot_delay))
        cells, times = built.trains.draw(params, until_steps + delay_steps)
        times = times - context.parrot_delay
        if cells.size == 0:
            return
        order = np.lexsort((times, cells))
        cells, times = cells[order], times[order]
        targets, starts = np.unique(cells, return_index=True)
        per_cell = np.split(times, starts[1:])
        _apply(_node_subset(built.generators, targets),
               Translated(per_cell=[{"spike_times": chunk.tolist()} for chunk in per_cell]))

    def set_state(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                  values: np.ndarray) -> None:
        raise NonExistentParameterError(name, f"{built.spec.celltype.__name__} (state)", ())

    def signal(self, spec: PopulationSpec, variable: str) -> tuple[str, float]:
        raise NonExistentParameterError(variable, f"{spec.celltype.__name__} (recordable)",
                                        ["spikes"])


def _spike_times(label: str, per_cell: np.ndarray, context: BuildContext,
                 kernel_time: float) -> Translated:
    """``spike_times`` of the spike generators that drive the parrots of a spike
    array: ``parrot_delay`` earlier, on the grid (unless precise), after the first
    step and in the future of the kernel; one list per cell."""
    arrays = [np.asarray(getattr(s, "value", s), dtype=float).reshape(-1) for s in per_cell]
    lengths = np.array([a.size for a in arrays], dtype=np.int64)
    times = np.concatenate(arrays) if arrays else np.zeros(0)
    grid = context.grid
    if not context.precise:
        times = grid.to_grid_ms(times, f"{label}.spike_times")
    times = times - context.parrot_delay
    early = times < grid.dt - 1e-12
    if np.any(early):
        first = grid.dt + context.parrot_delay
        warnings.warn(f"{label}.spike_times: NEST cannot emit spikes of a source before "
                      f"2 dt = {first:g} ms; {int(early.sum())} spike(s) moved there",
                      RoundingWarning, stacklevel=4)
        times = np.where(early, grid.dt, times)
    if not context.precise:
        times = grid.to_grid_ms(times)
    past = times <= kernel_time + 1e-12
    if kernel_time > 0 and np.any(past):
        warnings.warn(f"{label}.spike_times: {int(past.sum())} spike(s) at or before the "
                      f"simulated time {kernel_time} ms are dropped", RuntimeWarning,
                      stacklevel=4)
    cell_of = np.repeat(np.arange(lengths.size), lengths)
    keep = ~past if kernel_time > 0 else np.ones(times.size, dtype=bool)
    times, cell_of = times[keep], cell_of[keep]
    bounds = np.cumsum(np.bincount(cell_of, minlength=lengths.size))[:-1]
    return Translated(per_cell=[{"spike_times": chunk.tolist()}
                                for chunk in np.split(times, bounds)])


def builder_for(celltype: type) -> NeuronBuilder | SourceBuilder:
    """The builder of a standard cell class (looked up along its class hierarchy)."""
    for cls in celltype.__mro__:
        if cls in CELL_MODELS:
            return NeuronBuilder(CELL_MODELS[cls], READ_ONLY_STATE.get(cls, frozenset()))
        if cls in SOURCE_MODELS:
            return SourceBuilder(cls)
    raise NoModelAvailableError(
        f"the NEST backend has no model for {celltype.__name__}; available: "
        f"{', '.join(c.__name__ for c in [*CELL_MODELS, *SOURCE_MODELS])}")
