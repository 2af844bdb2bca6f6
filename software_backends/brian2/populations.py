"""Build functions of populations, looked up by the standard cell class.

``builder_for(celltype)`` returns the one builder of a cell type: neurons
(:class:`NeuronBuilder`, driven by a :class:`CellModel` table), random spike
sources (:class:`RandomSourceBuilder`) and spike arrays (:class:`ArraySourceBuilder`).
Each population becomes one Brian group; parameters and state are written as
whole arrays (SI units), one assignment per Brian variable.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from pynn_hw.errors import (InvalidParameterValueError, NoModelAvailableError,
                            NonExistentParameterError, RoundingWarning)
from pynn_hw.network import PopulationSpec
from pynn_hw.standardmodels import cells as std

from software_backends.brian2.cells import CELL_MODELS, UNSUPPORTED_CELLS
from software_backends.brian2.sources import SOURCE_MODELS, UNSUPPORTED_SOURCES, SourceModel
from software_backends.brian2.translation import CellModel, Rule, Variable, evaluate

#: Brian (SI) unit of a variable given in a PyNN unit.
SI_UNIT = {"mV": "volt", "ms": "second", "nF": "farad", "nA": "amp", "uS": "siemens",
           "nS": "siemens", "Hz": "hertz", "/ms": "hertz", "mV/ms": "volt/second", "1": "1"}


@dataclass(frozen=True)
class BuildContext:
    """What every build function needs: Brian itself, the clock and code target."""

    brian: Any
    clock: Any
    codeobj_class: type
    dt: float
    rng: np.random.Generator

    def name(self, stem: str) -> str:
        # '*' lets Brian append a number while an object of that name is alive
        return f"pynn_hw_{stem}*"


@dataclass
class BuiltPopulation:
    """The Brian group of one population (None for an empty population)."""

    spec: PopulationSpec
    builder: "NeuronBuilder | RandomSourceBuilder | ArraySourceBuilder"
    group: Any


def _declarations(rules: tuple[Rule, ...]) -> str:
    return "".join(f"{rule.name} : {SI_UNIT[rule.unit]} (constant)\n" for rule in rules)


def _write(group: Any, name: str, cells: np.ndarray | None, values: np.ndarray) -> None:
    view = getattr(group, name + "_")
    values = np.asarray(values, dtype=float)
    if cells is None:
        view[:] = values
    elif cells.size:
        view[cells] = values if values.ndim == 0 else values.reshape(-1)


def _subset(params: dict[str, np.ndarray], cells: np.ndarray | None) -> dict[str, np.ndarray]:
    if cells is None:
        return params
    return {k: (v if np.ndim(v) == 0 else np.asarray(v)[cells]) for k, v in params.items()}


def _evaluate(rules: tuple[Rule, ...], checks: tuple, label: str,
              params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Brian values (SI) of ``rules``, after the model's value checks."""
    for name, test, message in checks:
        if any(name in rule.inputs for rule in rules):
            values = np.asarray(params[name], dtype=float)
            if not np.all(test(values)):
                bad = values[~test(values)] if values.ndim else values
                raise InvalidParameterValueError(
                    f"{label}.{name} {message}; got {float(np.asarray(bad).flat[0])!r}")
    return evaluate(rules, params)


def _apply_rules(group: Any, rules: tuple[Rule, ...], checks: tuple, label: str,
                 params: dict[str, np.ndarray], cells: np.ndarray | None) -> None:
    for name, values in _evaluate(rules, checks, label, _subset(params, cells)).items():
        _write(group, name, cells, values)


class NeuronBuilder:
    """Creates and updates a NeuronGroup from a :class:`CellModel` table."""

    def __init__(self, cls: type, table: CellModel) -> None:
        self.cls = cls
        self.table = table

    def create(self, spec: PopulationSpec, params: dict[str, np.ndarray],
               initial: dict[str, np.ndarray], ctx: BuildContext) -> BuiltPopulation:
        t = self.table
        group = ctx.brian.NeuronGroup(
            spec.size, t.equations + _declarations(t.rules), threshold=t.threshold,
            reset=t.reset, refractory=t.refractory if t.refractory else False,
            method=t.method, clock=ctx.clock, codeobj_class=ctx.codeobj_class,
            namespace={}, name=ctx.name(f"pop{spec.index}"))
        for code, when in t.regular:
            group.run_regularly(code, when=when, codeobj_class=ctx.codeobj_class)
        built = BuiltPopulation(spec, self, group)
        self.apply_all(built, params, initial, ctx)
        return built

    def validate(self, spec: PopulationSpec, params: dict[str, np.ndarray]) -> None:
        """Raise for parameter values the model cannot take (before anything is built)."""
        _evaluate(self.table.rules, self.table.checks, spec.label, params)

    def apply_all(self, built: BuiltPopulation, params: dict[str, np.ndarray],
                  initial: dict[str, np.ndarray], ctx: BuildContext) -> None:
        """Write every parameter and initial value (at build and after a reset)."""
        _apply_rules(built.group, self.table.rules, self.table.checks, built.spec.label,
                     params, None)
        for name, value in initial.items():
            self.set_state(built, None, name, value)
        if "v_before" in built.group.variables:
            built.group.v_before_[:] = built.group.v_[:]

    def set_parameters(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                       params: dict[str, np.ndarray], now_step: int = 0) -> None:
        rules = self.table.rules_using(name)
        if not rules:
            raise NonExistentParameterError(name, built.spec.celltype.__name__,
                                            self.table.parameter_names())
        _apply_rules(built.group, rules, self.table.checks, built.spec.label, params,
                     np.asarray(cells, dtype=np.int64))

    def variable(self, spec: PopulationSpec, name: str) -> Variable:
        """The Brian variable of a PyNN state variable."""
        variable = self.table.state.get(name)
        if variable is None:
            raise NonExistentParameterError(name, f"{spec.celltype.__name__} (state on Brian 2)",
                                            self.table.state)
        return variable

    def set_state(self, built: BuiltPopulation, cells: np.ndarray | None, name: str,
                  values: np.ndarray) -> None:
        values = np.asarray(values)
        if values.dtype == object:   # a state without a settable initial value
            if all(v is None for v in values.reshape(-1)):
                return
            values = values.astype(float)
        variable = self.variable(built.spec, name)
        _write(built.group, variable.name, cells, values.astype(float) * variable.factor)


class RandomSourceBuilder:
    """Creates random spike sources as NeuronGroups drawing spikes in their threshold."""

    def __init__(self, cls: type, model: SourceModel) -> None:
        self.cls = cls
        self.model = model

    def create(self, spec: PopulationSpec, params: dict[str, np.ndarray],
               initial: dict[str, np.ndarray], ctx: BuildContext) -> BuiltPopulation:
        m = self.model
        group = ctx.brian.NeuronGroup(
            spec.size, m.equations + _declarations(m.rules), threshold=m.threshold,
            reset=m.reset or "", refractory=m.refractory if m.refractory else False,
            clock=ctx.clock, codeobj_class=ctx.codeobj_class, namespace={},
            name=ctx.name(f"pop{spec.index}"))
        if m.counting:
            group.run_regularly(m.counting, when="before_thresholds",
                                codeobj_class=ctx.codeobj_class)
        built = BuiltPopulation(spec, self, group)
        self.apply_all(built, params, initial, ctx)
        return built

    def validate(self, spec: PopulationSpec, params: dict[str, np.ndarray]) -> None:
        _evaluate(self.model.rules, (), spec.label, params)

    def apply_all(self, built: BuiltPopulation, params: dict[str, np.ndarray],
                  initial: dict[str, np.ndarray], ctx: BuildContext) -> None:
        _apply_rules(built.group, self.model.rules, (), built.spec.label, params, None)
        if "events" in built.group.variables:
            alpha = np.broadcast_to(np.asarray(built.group.alpha_[:]), (built.spec.size,))
            built.group.events_[:] = np.floor(ctx.rng.random(built.spec.size) * alpha)

    def set_parameters(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                       params: dict[str, np.ndarray], now_step: int = 0) -> None:
        rules = tuple(r for r in self.model.rules if name in r.inputs)
        if not rules:
            raise NonExistentParameterError(name, built.spec.celltype.__name__,
                                            built.spec.parameters)
        _apply_rules(built.group, rules, (), built.spec.label, params,
                     np.asarray(cells, dtype=np.int64))

    def variable(self, spec: PopulationSpec, name: str) -> Variable:
        raise NonExistentParameterError(name, f"{spec.celltype.__name__} (state)", ())

    def set_state(self, built: BuiltPopulation, cells: np.ndarray | None, name: str,
                  values: np.ndarray) -> None:
        raise NonExistentParameterError(name, f"{built.spec.celltype.__name__} (state)", ())


class ArraySourceBuilder:
    """Creates spike arrays as SpikeGeneratorGroups.

    A spike requested at ``T`` is generated in the step that ends at ``T`` (stamped
    ``T - dt``); times are rounded to the grid, spikes before ``dt`` move to ``dt``.
    """

    cls = std.SpikeSourceArray

    def create(self, spec: PopulationSpec, params: dict[str, np.ndarray],
               initial: dict[str, np.ndarray], ctx: BuildContext) -> BuiltPopulation:
        self.second = ctx.brian.second
        group = ctx.brian.SpikeGeneratorGroup(
            spec.size, np.zeros(0, np.int64), np.zeros(0) * ctx.brian.second,
            clock=ctx.clock, codeobj_class=ctx.codeobj_class,
            name=ctx.name(f"pop{spec.index}"))
        built = BuiltPopulation(spec, self, group)
        self.apply_all(built, params, initial, ctx)
        return built

    def validate(self, spec: PopulationSpec, params: dict[str, np.ndarray]) -> None:
        """Spike times are checked by the front-end; nothing to refuse here."""

    def apply_all(self, built: BuiltPopulation, params: dict[str, np.ndarray],
                  initial: dict[str, np.ndarray], ctx: BuildContext) -> None:
        self._schedule(built, params, 0)

    def _schedule(self, built: BuiltPopulation, params: dict[str, np.ndarray],
                  now_step: int, changed: np.ndarray | None = None) -> None:
        """Give the generator every future spike of every cell; ``changed`` are the
        cells whose times were just set (only their lost spikes are reported)."""
        spec = built.spec
        dt = float(np.asarray(built.group.dt_)) * 1000.0
        per_cell = np.broadcast_to(np.asarray(params["spike_times"], dtype=object),
                                   (spec.size,))
        arrays = [np.asarray(getattr(s, "value", s), dtype=float).reshape(-1) for s in per_cell]
        lengths = np.array([a.size for a in arrays], dtype=np.int64)
        times = np.concatenate(arrays) if arrays else np.zeros(0)
        cells = np.repeat(np.arange(spec.size), lengths)
        steps = _grid_steps(times, dt, f"{spec.label}.spike_times")
        early = steps < 1
        if np.any(early):
            warnings.warn(f"{spec.label}.spike_times: Brian 2 emits a spike at the end of a "
                          f"time step, so the earliest spike time is dt = {dt:g} ms; "
                          f"{int(early.sum())} spike(s) moved there", RoundingWarning,
                          stacklevel=5)
            steps = np.maximum(steps, 1)
        past = steps <= now_step
        lost = past & np.isin(cells, changed) if changed is not None else past
        if now_step > 0 and np.any(lost):
            warnings.warn(f"{spec.label}.spike_times: {int(lost.sum())} spike(s) at or before "
                          f"the simulated time {now_step * dt:g} ms are dropped",
                          RuntimeWarning, stacklevel=5)
        steps, cells = steps[~past], cells[~past]
        pairs = np.unique(np.stack([cells, steps]), axis=1) if cells.size else \
            np.zeros((2, 0), np.int64)
        if pairs.shape[1] < cells.size:
            warnings.warn(f"{spec.label}.spike_times: {cells.size - pairs.shape[1]} spike(s) "
                          "fall into the same time step as another spike of the same cell "
                          "and are merged", RoundingWarning, stacklevel=5)
        # stamped one step before the end of the step they belong to
        built.group.set_spikes(pairs[0], (pairs[1] - 1) * dt * self.second / 1000.0)

    def set_parameters(self, built: BuiltPopulation, cells: np.ndarray, name: str,
                       params: dict[str, np.ndarray], now_step: int = 0) -> None:
        if name != "spike_times":
            raise NonExistentParameterError(name, "SpikeSourceArray", ["spike_times"])
        self._schedule(built, params, now_step, np.asarray(cells, dtype=np.int64))

    def variable(self, spec: PopulationSpec, name: str) -> Variable:
        raise NonExistentParameterError(name, "SpikeSourceArray (state)", ())

    def set_state(self, built: BuiltPopulation, cells: np.ndarray | None, name: str,
                  values: np.ndarray) -> None:
        raise NonExistentParameterError(name, "SpikeSourceArray (state)", ())


def _grid_steps(times: np.ndarray, dt: float, what: str) -> np.ndarray:
    exact = times / dt
    steps = np.rint(exact)
    off = np.abs(exact - steps) > 1e-9 * np.maximum(1.0, np.abs(exact))
    if np.any(off):
        first = float(times[off][0])
        warnings.warn(f"{what}: {int(off.sum())} value(s) not multiples of the time step "
                      f"{dt} ms were rounded to the grid (e.g. {first!r} -> "
                      f"{float(np.rint(first / dt) * dt)!r} ms)", RoundingWarning, stacklevel=6)
    return steps.astype(np.int64)


def builder_for(celltype: type) -> NeuronBuilder | RandomSourceBuilder | ArraySourceBuilder:
    """The builder of a standard cell class (looked up along its class hierarchy)."""
    for cls in celltype.__mro__:
        if cls in CELL_MODELS:
            return NeuronBuilder(cls, CELL_MODELS[cls])
        if cls in SOURCE_MODELS:
            return RandomSourceBuilder(cls, SOURCE_MODELS[cls])
        if cls is std.SpikeSourceArray:
            return ArraySourceBuilder()
        reason = UNSUPPORTED_CELLS.get(cls) or UNSUPPORTED_SOURCES.get(cls)
        if reason:
            raise NoModelAvailableError(
                f"{celltype.__name__} is not available on Brian 2: {reason}. Supported: "
                f"{', '.join(supported_names())}")
    raise NoModelAvailableError(
        f"the Brian 2 backend has no model for {celltype.__name__}; supported: "
        f"{', '.join(supported_names())}")


def supported_names() -> list[str]:
    """Names of the cell types this backend builds."""
    return [c.__name__ for c in (*CELL_MODELS, *SOURCE_MODELS, std.SpikeSourceArray)]
