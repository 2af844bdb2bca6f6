"""Build functions of populations, looked up by the standard cell class.

``builder_for`` maps every standard cell type the backend supports to one builder:
neurons (:class:`CellBuilder`, driven by a :class:`CellModel` table), random spike
sources (:class:`RandomSourceBuilder`, artificial cells with Random123 streams) and
spike arrays (:class:`ArraySourceBuilder`). A builder creates the NEURON objects of
the cells of a population that live on this MPI rank and later changes their
parameters and state.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pynn_hw.errors import NoModelAvailableError, NonExistentParameterError
from pynn_hw.network import PopulationSpec
from pynn_hw.standardmodels import cells as std

from software_backends.neuron import bulk
from software_backends.neuron.cells import CELL_MODELS, UNSUPPORTED_CELLS
from software_backends.neuron.translation import (SECTION_AREA, SECTION_CM, CellModel,
                                                  Rule, evaluate, fixed, scaled, translate)

#: Length and diameter (um) of a cell's cylinder of area SECTION_AREA (ends excluded).
_SIDE = float(np.sqrt(SECTION_AREA / np.pi))


@dataclass
class BuiltPopulation:
    """The NEURON objects of the cells of one population that live on this rank.

    Attributes
    ----------
    local
        Indices (into the population) of the cells on this rank, increasing.
    points
        One point process or artificial cell per local cell: the spike source of the
        cell and the target of its connections.
    sections
        One section per local cell (neurons only).
    """

    spec: PopulationSpec
    builder: "CellBuilder | RandomSourceBuilder | ArraySourceBuilder"
    local: np.ndarray
    points: list[Any]
    sections: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def slots(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For population indices ``cells``: which of them are local, and the
        positions of those in :attr:`points`."""
        cells = np.asarray(cells, dtype=np.int64)
        if self.local.size == 0:
            return np.zeros(cells.shape, dtype=bool), np.zeros(0, dtype=np.int64)
        position = np.minimum(np.searchsorted(self.local, cells), self.local.size - 1)
        is_local = self.local[position] == cells
        return is_local, position[is_local]


def _subset(values: dict[str, np.ndarray], cells: np.ndarray) -> dict[str, np.ndarray]:
    return {name: (v if np.ndim(v) == 0 else np.asarray(v)[cells]) for name, v in values.items()}


def _assign(objects: list[Any], name: str, values: np.ndarray, slots: np.ndarray) -> None:
    """``objects[slot].name = value`` for every slot (one value or one per slot)."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 0:
        value = float(values)
        for slot in slots.tolist():
            setattr(objects[slot], name, value)
    else:
        for slot, value in zip(slots.tolist(), values.tolist()):
            setattr(objects[slot], name, value)


class CellBuilder:
    """Creates and updates neurons from a :class:`CellModel` table."""

    def __init__(self, table: CellModel) -> None:
        self.table = table

    def create(self, spec: PopulationSpec, params: dict[str, np.ndarray],
               initial: dict[str, np.ndarray], local: np.ndarray) -> BuiltPopulation:
        from neuron import h
        mechanism = getattr(h, self.table.mechanism)
        sections, points = [], []
        for index in local.tolist():
            section = h.Section(name=f"{spec.label}[{index}]")
            section.L = section.diam = _SIDE
            sections.append(section)
            points.append(mechanism(section(0.5)))
        built = BuiltPopulation(spec, self, local, points, sections)
        slots = np.arange(local.size)
        self._apply(built, translate(self.table.rules, _subset(params, local)), slots)
        for name, value in initial.items():
            self._set_initial(built, name, _subset({name: value}, local)[name], slots)
        self._watch_spikes(built, params)
        return built

    def _watch_spikes(self, built: BuiltPopulation, params: dict[str, np.ndarray]) -> None:
        """A NetCon per cell watching v for threshold crossings: the cell's output,
        and (for models with a reset) a second one back into the point process."""
        from neuron import h
        thresholds = np.broadcast_to(
            evaluate(self.table.threshold, _subset(params, built.local)), built.local.shape)
        outputs, resets = [], []
        for section, point, threshold in zip(built.sections, built.points,
                                             thresholds.tolist()):
            outputs.append(h.NetCon(section(0.5)._ref_v, None, threshold, 0.0, 0.0,
                                    sec=section))
            if self.table.resets:
                reset = h.NetCon(section(0.5)._ref_v, point, threshold, 0.0, 0.0, sec=section)
                reset.weight[1] = -1.0       # receptor index -1: the cell's own spike
                resets.append(reset)
        built.extra["outputs"], built.extra["resets"] = outputs, resets

    def output(self, built: BuiltPopulation, slot: int) -> Any:
        """The NetCon that carries the spikes of one local cell (for its gid)."""
        return built.extra["outputs"][slot]

    def _apply(self, built: BuiltPopulation, values: dict[str, np.ndarray],
               slots: np.ndarray) -> None:
        for target, value in values.items():
            if target == SECTION_CM:
                _assign(built.sections, "cm", value, slots)
            else:
                _assign(built.points, target, value, slots)

    def _state(self, spec: PopulationSpec, name: str):
        variable = self.table.state.get(name)
        if variable is None:
            raise NonExistentParameterError(name, f"{spec.celltype.__name__} (state on "
                                            "NEURON)", self.table.state)
        return variable

    def _set_initial(self, built: BuiltPopulation, name: str, values: np.ndarray,
                     slots: np.ndarray) -> None:
        values = np.asarray(values)
        if values.dtype == object or (values.ndim == 0 and values.item() is None):
            return          # a state without a settable initial value
        _assign(built.points, self._state(built.spec, name).initial, values, slots)

    def set_parameters(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                       params: dict[str, np.ndarray], t: float = 0.0) -> None:
        rules = self.table.rules_using(name)
        if not rules:
            raise NonExistentParameterError(name, built.spec.celltype.__name__,
                                            self.table.parameter_names())
        is_local, slots = built.slots(cells)
        cells = np.asarray(cells, dtype=np.int64)[is_local]
        self._apply(built, translate(rules, _subset(params, cells)), slots)
        for slot in slots.tolist():
            built.points[slot].refresh()     # constants derived from the parameters
        if name in self.table.threshold.inputs:
            # the watching NetCons of a cell share one detector, and so its threshold
            thresholds = np.broadcast_to(evaluate(self.table.threshold, _subset(params, cells)),
                                         slots.shape)
            for slot, value in zip(slots.tolist(), thresholds.tolist()):
                built.extra["outputs"][slot].threshold = value

    def set_method(self, built: BuiltPopulation, fixed_step: bool) -> None:
        """Tell the mechanisms whether a fixed step or CVODE integrates them."""
        _assign(built.points, "fixed_step", np.asarray(float(fixed_step)),
                np.arange(len(built.points)))

    def set_state(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                  values: np.ndarray) -> None:
        """Set the state now and as the value restored at t = 0."""
        variable = self._state(built.spec, name)
        is_local, slots = built.slots(cells)
        values = np.asarray(values, dtype=float)
        if values.ndim:
            values = values[is_local]
        _assign(built.points, variable.initial, values, slots)
        if variable.live == "v":
            for slot, value in zip(slots.tolist(), np.broadcast_to(values, slots.shape).tolist()):
                built.sections[slot].v = value
        else:
            _assign(built.points, variable.live, values, slots)

    def reference(self, built: BuiltPopulation, variable: str, slot: int) -> Any:
        """A NEURON reference to the live value of ``variable`` of one local cell."""
        live = self._state(built.spec, variable).live
        if live == "v":
            return built.sections[slot](0.5)._ref_v
        return getattr(built.points[slot], f"_ref_{live}")

    def reseed(self, built: BuiltPopulation, baseseed: int, segment: int) -> None:
        """Neurons draw no random numbers."""

    def set_voltages(self, built: BuiltPopulation) -> None:
        """Membrane potentials to their initial values (during NEURON's initialisation,
        before the mechanisms initialise: only NEURON itself assigns ``v`` then)."""
        for section, point in zip(built.sections, built.points):
            section.v = point.v_init

    def after_initialize(self, built: BuiltPopulation, t: float) -> None:
        """Nothing to schedule for neurons."""


_WINDOW = (scaled("start"), scaled("duration"))

#: Random spike source -> rules of the artificial cell PynnHwRandomSource.
RANDOM_SOURCES: dict[type, tuple[Rule, ...]] = {
    std.SpikeSourcePoisson: (fixed("kind", 0.0), scaled("rate"), fixed("tau_refrac", 0.0))
    + _WINDOW,
    std.SpikeSourcePoissonRefractory: (fixed("kind", 0.0), scaled("rate"),
                                       scaled("tau_refrac")) + _WINDOW,
    std.SpikeSourceGamma: (fixed("kind", 1.0), scaled("alpha"), scaled("beta")) + _WINDOW,
}


class _SourceBase:
    def output(self, built: BuiltPopulation, slot: int) -> Any:
        """The NetCon that carries the spikes of one local source (for its gid)."""
        from neuron import h
        return h.NetCon(built.points[slot], None)

    def set_state(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                  values: np.ndarray) -> None:
        raise NonExistentParameterError(name, f"{built.spec.celltype.__name__} (state)", ())

    def reference(self, built: BuiltPopulation, variable: str, slot: int) -> Any:
        raise NonExistentParameterError(variable, f"{built.spec.celltype.__name__} "
                                        "(recordable)", ["spikes"])


class RandomSourceBuilder(_SourceBase):
    """Random spike sources: one PynnHwRandomSource artificial cell per cell."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules

    def create(self, spec: PopulationSpec, params: dict[str, np.ndarray],
               initial: dict[str, np.ndarray], local: np.ndarray) -> BuiltPopulation:
        from neuron import h
        points = [h.PynnHwRandomSource() for _ in range(local.size)]
        built = BuiltPopulation(spec, self, local, points)
        for target, value in translate(self.rules, _subset(params, local)).items():
            _assign(points, target, value, np.arange(local.size))
        return built

    def set_parameters(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                       params: dict[str, np.ndarray], t: float = 0.0) -> None:
        rules = tuple(rule for rule in self.rules if name in rule.inputs)
        if not rules:
            raise NonExistentParameterError(name, built.spec.celltype.__name__,
                                            built.spec.parameters)
        is_local, slots = built.slots(cells)
        cells = np.asarray(cells, dtype=np.int64)[is_local]
        for target, value in translate(rules, _subset(params, cells)).items():
            _assign(built.points, target, value, slots)

    def set_voltages(self, built: BuiltPopulation) -> None:
        """Sources have no membrane."""

    def reseed(self, built: BuiltPopulation, baseseed: int, segment: int) -> None:
        """Random123 stream (baseseed, global index, segment) for every cell."""
        gids = (built.spec.offset + built.local).tolist()
        for point, gid in zip(built.points, gids):
            point.stream.set_ids(baseseed, gid, segment)

    def after_initialize(self, built: BuiltPopulation, t: float) -> None:
        """Random sources schedule themselves in their INITIAL block."""


class ArraySourceBuilder(_SourceBase):
    """Spike arrays: a PynnHwSpikePlayer per cell, fed with events from Python.

    ``extra['times']`` holds the current spike times of every local cell,
    ``extra['feeds']`` the NetCon that carries the events of the current generation
    and ``extra['retired']`` the NetCons of older generations whose events may still
    be queued (until the next initialisation).
    """

    def create(self, spec: PopulationSpec, params: dict[str, np.ndarray],
               initial: dict[str, np.ndarray], local: np.ndarray) -> BuiltPopulation:
        from neuron import h
        points = [h.PynnHwSpikePlayer() for _ in range(local.size)]
        built = BuiltPopulation(spec, self, local, points)
        built.extra["times"] = _spike_times(params["spike_times"], spec.size, local)
        built.extra["feeds"] = [self._feed(point) for point in points]
        built.extra["retired"] = []
        return built

    @staticmethod
    def _feed(point: Any) -> Any:
        from neuron import h
        feed = h.NetCon(None, point)
        feed.weight[0] = point.generation
        return feed

    def set_parameters(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                       params: dict[str, np.ndarray], t: float = 0.0) -> None:
        if name != "spike_times":
            raise NonExistentParameterError(name, built.spec.celltype.__name__,
                                            ["spike_times"])
        is_local, slots = built.slots(cells)
        cells = np.asarray(cells, dtype=np.int64)[is_local]
        new_times = _spike_times(params["spike_times"], built.spec.size, cells)
        dropped = 0
        for slot, times in zip(slots.tolist(), new_times):
            built.extra["times"][slot] = times
            point = built.points[slot]
            point.generation = point.generation + 1     # events already queued: ignored
            # a queued event refers to its NetCon: the old one must outlive the queue
            built.extra["retired"].append(built.extra["feeds"][slot])
            feed = self._feed(point)
            built.extra["feeds"][slot] = feed
            future = times[times >= t]
            dropped += times.size - future.size
            bulk.schedule(feed, future)
        if dropped and t > 0:
            warnings.warn(f"{built.spec.label}.spike_times: {dropped} spike(s) before the "
                          f"current time {t} ms are dropped", RuntimeWarning, stacklevel=4)

    def set_voltages(self, built: BuiltPopulation) -> None:
        """Sources have no membrane."""

    def reseed(self, built: BuiltPopulation, baseseed: int, segment: int) -> None:
        """Spike arrays draw no random numbers."""

    def after_initialize(self, built: BuiltPopulation, t: float) -> None:
        """Queue every spike (the event queue is empty after an initialisation)."""
        built.extra["retired"] = []
        for feed, times in zip(built.extra["feeds"], built.extra["times"]):
            bulk.schedule(feed, times)


def _spike_times(values: np.ndarray, size: int, cells: np.ndarray) -> list[np.ndarray]:
    per_cell = np.broadcast_to(np.asarray(values, dtype=object), (size,))
    return [np.asarray(getattr(per_cell[c], "value", per_cell[c]), dtype=float).reshape(-1)
            for c in np.asarray(cells, dtype=np.int64).tolist()]


def builder_for(celltype: type) -> CellBuilder | RandomSourceBuilder | ArraySourceBuilder:
    """The builder of a standard cell class (looked up along its class hierarchy)."""
    for cls in celltype.__mro__:
        if cls in CELL_MODELS:
            return CellBuilder(CELL_MODELS[cls])
        if cls in RANDOM_SOURCES:
            return RandomSourceBuilder(RANDOM_SOURCES[cls])
        if cls is std.SpikeSourceArray:
            return ArraySourceBuilder()
        if cls in UNSUPPORTED_CELLS:
            raise NoModelAvailableError(
                f"{celltype.__name__} is not available on NEURON ({UNSUPPORTED_CELLS[cls]}); "
                f"supported cell types: {', '.join(supported_names())}")
    raise NoModelAvailableError(
        f"the NEURON backend has no model for {celltype.__name__}; supported cell types: "
        f"{', '.join(supported_names())}")


def supported_names() -> list[str]:
    """Names of the standard cell types the backend runs."""
    return [c.__name__ for c in [*CELL_MODELS, *RANDOM_SOURCES, std.SpikeSourceArray]]


def describe_support() -> dict[str, str | None]:
    """Cell type name -> NEURON mechanism (None: not available), for documentation."""
    out: dict[str, str | None] = {cls.__name__: m.mechanism for cls, m in CELL_MODELS.items()}
    out.update({cls.__name__: "PynnHwRandomSource" for cls in RANDOM_SOURCES})
    out[std.SpikeSourceArray.__name__] = "PynnHwSpikePlayer"
    out.update({cls.__name__: None for cls in UNSUPPORTED_CELLS})
    return out
