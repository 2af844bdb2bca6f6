"""Projections as Brian 2 Synapses: one object per (pre, post) population pair.

A projection between two populations is one ``Synapses`` object connected with
``connect(i=..., j=...)`` from the projection's index arrays, so Brian keeps the
projection's connection order; weights and delays are set as whole arrays. A
projection from or onto an Assembly is split into one object per pair of
populations, and remembers which connections each part holds.

Delays are rounded to the time step. Onto delta-synapse models (IF_curr_delta,
Izhikevich) a spike must move the membrane before the threshold test of the step
it arrives in; their synapses act before the thresholds, where Brian sees the
spikes of the previous step, so they are queued one step shorter.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from pynn_hw.errors import NoModelAvailableError, NonExistentParameterError, RoundingWarning
from pynn_hw.network import Network, ProjectionSpec
from pynn_hw.standardmodels import plasticity as stdp
from pynn_hw.standardmodels import synapses as std

from software_backends.brian2 import plasticity
from software_backends.brian2.populations import BuildContext, BuiltPopulation, NeuronBuilder
from software_backends.brian2.translation import SI

#: Standard synapse types this backend builds.
SYNAPSE_TYPES: tuple[type, ...] = (std.StaticSynapse, std.TsodyksMarkramSynapse,
                                   stdp.STDPMechanism)


@dataclass
class _Part:
    """The connections of a projection between one pair of populations."""

    synapses: Any
    members: np.ndarray          # positions of its connections in the projection
    weight_factor: float         # SI per PyNN weight unit
    delay_shift: int             # steps the queue is shorter than the delay
    plastic: plasticity.PlasticModel | None = None


@dataclass
class BuiltProjection:
    """A projection in Brian, with its current values in PyNN units."""

    label: str
    parts: list[_Part]
    size: int
    values: dict[str, np.ndarray]
    spec: ProjectionSpec | None = None


def check_synapse_type(spec: ProjectionSpec) -> None:
    if not any(cls in SYNAPSE_TYPES for cls in spec.synapse_type.__mro__):
        raise NoModelAvailableError(
            f"projection {spec.label!r}: the Brian 2 backend has no model for "
            f"{spec.synapse_type.__name__}; available: "
            f"{', '.join(c.__name__ for c in SYNAPSE_TYPES)}")


def to_steps(values: np.ndarray, dt: float, what: str) -> np.ndarray:
    """Delays in ms -> whole steps, warning with RoundingWarning when off the grid."""
    exact = np.asarray(values, dtype=float) / dt
    steps = np.rint(exact)
    off = np.abs(exact - steps) > 1e-9 * np.maximum(1.0, np.abs(exact))
    if np.any(off):
        warnings.warn(f"{what}: {int(off.sum())} delay(s) not multiples of the time step "
                      f"{dt} ms were rounded to the grid", RoundingWarning, stacklevel=4)
    return steps.astype(np.int64)


def check(spec: ProjectionSpec, network: Network, builders: list[Any]) -> None:
    """Raise if Brian 2 cannot make this projection (before anything is built)."""
    check_synapse_type(spec)
    for index in np.unique(network.population_of(spec.post_cells)) if spec.size else []:
        target, builder = network.populations[index], builders[index]
        if not isinstance(builder, NeuronBuilder):
            raise NoModelAvailableError(
                f"projection {spec.label!r}: {target.label!r} is a spike source "
                f"({target.celltype.__name__}) and has no receptors")
        if spec.receptor_type not in builder.table.receptors:
            raise NoModelAvailableError(
                f"projection {spec.label!r}: receptor type {spec.receptor_type!r} is not "
                f"available on Brian 2 for {target.celltype.__name__}; available: "
                f"{', '.join(builder.table.receptors)}")


def connect(spec: ProjectionSpec, network: Network, populations: list[BuiltPopulation],
            values: dict[str, np.ndarray], ctx: BuildContext) -> BuiltProjection:
    """Create the Synapses of one projection (current ``values`` in PyNN units)."""
    pre_global, post_global = spec.global_pre(), spec.global_post()
    pre_pop = network.population_of(pre_global)
    post_pop = network.population_of(post_global)
    pair = pre_pop * max(len(populations), 1) + post_pop
    parts: list[_Part] = []
    order = np.argsort(pair, kind="stable")
    bounds = np.flatnonzero(np.diff(pair[order])) + 1
    for members in np.split(order, bounds) if order.size else []:
        source = populations[int(pre_pop[members[0]])]
        target = populations[int(post_pop[members[0]])]
        parts.append(_make_part(spec, source, target, members,
                                pre_global[members] - source.spec.offset,
                                post_global[members] - target.spec.offset, ctx))
    kept = {name: np.broadcast_to(values[name], (spec.size,)).astype(float)
            for name in (values if spec.synapse_type.is_plastic else ("weight", "delay"))}
    built = BuiltProjection(spec.label, parts, spec.size, kept, spec)
    write_all(built, ctx.dt)
    return built


def _make_part(spec: ProjectionSpec, source: BuiltPopulation, target: BuiltPopulation,
               members: np.ndarray, i: np.ndarray, j: np.ndarray, ctx: BuildContext) -> _Part:
    table = target.builder.table          # checked by check() before building
    on_pre = table.receptors[spec.receptor_type]
    unit = {"uS": "siemens", "nA": "amp", "mV": "volt"}[table.weight_unit]
    plastic = plasticity.plastic_model(spec, on_pre, unit) if spec.synapse_type.is_plastic \
        else None
    model = f"w_syn : {unit}" if plastic is None else plastic.model
    pre_code = on_pre if plastic is None else plastic.on_pre
    post_code = None if plastic is None else plastic.on_post
    synapses = ctx.brian.Synapses(
        source.group, target.group, model=model, on_pre=pre_code, on_post=post_code,
        clock=ctx.clock, codeobj_class=ctx.codeobj_class, namespace={},
        name=ctx.name(f"prj{spec.index}"))
    if table.delta_synapses:
        synapses.pre.when = "before_thresholds"
    if plastic is not None and "pre_plastic" in plastic.on_pre:
        synapses.pre_plastic.order = -1     # update the weight before it is sent
    synapses.connect(i=np.asarray(i, dtype=np.int32), j=np.asarray(j, dtype=np.int32))
    return _Part(synapses, members, SI[table.weight_unit], 1 if table.delta_synapses else 0,
                 plastic)


def write_all(built: BuiltProjection, dt: float) -> None:
    """Write the current weights and delays into Brian."""
    for name in ("weight", "delay"):
        set_parameter(built, name, built.values[name], dt)
    for part in built.parts:
        if part.plastic is not None:
            plasticity.write(part.synapses, built.spec, part.plastic, built.values,
                             part.members, part.weight_factor)


def get_parameter(built: BuiltProjection, name: str) -> np.ndarray:
    """Current values of ``weight`` or ``delay`` read from Brian, in projection order
    (other parameters of plastic synapses: as last written)."""
    _check_name(built, name)
    if name not in ("weight", "delay"):
        return built.values[name].copy()
    out = np.empty(built.size)
    for part in built.parts:
        if name == "weight":
            out[part.members] = np.asarray(part.synapses.w_syn_[:]) / part.weight_factor
        else:
            steps = np.rint(np.asarray(part.synapses.delay_[:]) * 1000.0 / _dt(part))
            out[part.members] = (steps + part.delay_shift) * _dt(part)
    return out


def set_parameter(built: BuiltProjection, name: str, values: np.ndarray, dt: float) -> None:
    """Write ``weight`` or ``delay`` (PyNN units, projection order) into Brian."""
    _check_name(built, name)
    values = np.broadcast_to(np.asarray(values, dtype=float), (built.size,)).copy()
    if name not in ("weight", "delay"):
        built.values[name] = values
        for part in built.parts:
            plasticity.write(part.synapses, built.spec, part.plastic, built.values,
                             part.members, part.weight_factor, names=[name])
        if name == "dendritic_delay_fraction":
            set_parameter(built, "delay", built.values["delay"], dt)
        return
    if name == "delay":
        steps = to_steps(values, dt, f"projection {built.label!r}")
        values = steps * dt
    for part in built.parts:
        if name == "weight":
            part.synapses.w_syn_[:] = values[part.members] * part.weight_factor
        else:
            queued = np.maximum(steps[part.members] - part.delay_shift, 0)
            part.synapses.delay_[:] = queued * dt / 1000.0
            plasticity.plastic_delays(part.synapses, built.spec, built.values, part.members,
                                      steps[part.members], dt)
    built.values[name] = values


def _dt(part: _Part) -> float:
    return float(np.asarray(part.synapses.clock.dt_)) * 1000.0


def _check_name(built: BuiltProjection, name: str) -> None:
    if name not in built.values:
        raise NonExistentParameterError(name, f"projection {built.label!r}", built.values)
