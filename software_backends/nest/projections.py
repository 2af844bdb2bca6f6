"""Projections as NEST connections: one vectorised ``nest.Connect`` per projection.

Each projection's connections carry its own ``synapse_label`` (NEST's labelled
synapse models), so that ``GetConnections(synapse_label=...)`` returns exactly its
connections, without one synapse model per projection. NEST stores
connections in its own order (by thread and source, sorted before the first run);
the projection's order is recovered by matching (source, target, weight, delay)
against the backend's copy of the current values, which is exact because a static
synapse changes only when the backend changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import nest
import numpy as np

from pynn_hw.errors import NonExistentParameterError
from pynn_hw.network import ProjectionSpec
from pynn_hw.standardmodels import synapses as std

from software_backends.common.registry import lookup
from software_backends.nest import plasticity
from software_backends.nest.grid import Grid

#: Standard synapse type -> NEST synapse model (a labelled one).
SYNAPSE_MODELS: dict[type, str] = {std.StaticSynapse: "static_synapse_lbl"}


@dataclass
class BuiltProjection:
    """A projection in the kernel, with its current values in PyNN units.

    Attributes
    ----------
    model, label
        The NEST synapse model and the label that marks the projection's connections.
    sources, targets
        NEST ids per connection, in the projection's order.
    scale
        NEST weight = PyNN weight * scale, per connection (unit factor and sign).
    values
        ``weight`` and ``delay`` per connection, in PyNN units (delays on the grid);
        for plastic synapses every parameter of the synapse type.
    spec
        The projection (plastic synapses: to translate changed parameters).
    tau_minus
        The kernel's tau_minus per post-synaptic node (shared by STDP projections).
    """

    name: str
    model: str
    label: int
    sources: np.ndarray
    targets: np.ndarray
    scale: np.ndarray
    values: dict[str, np.ndarray]
    spec: Any = None
    tau_minus: dict[int, float] = field(default_factory=dict)

    @property
    def plastic(self) -> bool:
        return self.spec is not None and plasticity.is_plastic(self.spec)

    def connections(self) -> nest.SynapseCollection:
        """The projection's connections, in NEST's order."""
        return nest.GetConnections(synapse_model=self.model, synapse_label=self.label)


def nest_synapse_model(spec: ProjectionSpec) -> str:
    return lookup(SYNAPSE_MODELS, spec.synapse_type,
                  f"projection {spec.label!r}: the NEST backend has no model for "
                  f"{spec.synapse_type.__name__}")


def connect(spec: ProjectionSpec, node_ids: np.ndarray, scale_of_cell: np.ndarray,
            values: dict[str, np.ndarray], grid: Grid,
            tau_minus: dict[int, float] | None = None) -> BuiltProjection:
    """Create the connections of one projection.

    Parameters
    ----------
    spec
        The projection.
    node_ids
        NEST id of every global cell index.
    scale_of_cell
        NEST weight per PyNN weight for connections onto each global cell index
        (unit factor times the receptor's sign).
    values
        Current ``weight`` and ``delay`` of every connection (PyNN units).
    grid
        The time grid (delays are rounded to it).
    tau_minus
        tau_minus already given to post-synaptic nodes by STDP projections (updated).
    """
    tau_minus = {} if tau_minus is None else tau_minus
    model = "" if plasticity.is_plastic(spec) else nest_synapse_model(spec)
    label = spec.index + 1        # label 0 would mean "unlabelled" to NEST
    sources = node_ids[spec.global_pre()]
    targets = node_ids[spec.global_post()]
    scale = scale_of_cell[spec.global_post()]
    weight = np.broadcast_to(values["weight"], (spec.size,)).astype(float)
    delay = grid.to_grid_ms(np.broadcast_to(values["delay"], (spec.size,)).astype(float),
                            f"projection {spec.label!r} delays")
    if plasticity.is_plastic(spec):
        model = plasticity.connect_plastic(spec, sources, targets, scale, values, delay,
                                           label, tau_minus)
        kept = {k: np.array(v, dtype=float) for k, v in values.items()}
        kept.update(weight=weight, delay=delay)
        return BuiltProjection(spec.label, model, label, sources, targets, scale, kept,
                               spec, tau_minus)
    built = BuiltProjection(spec.label, model, label, sources, targets, scale,
                            {"weight": weight, "delay": delay})
    if spec.size:
        nest.Connect(sources, targets, "one_to_one",
                     {"synapse_model": model, "synapse_label": label,
                      "weight": weight * scale, "delay": delay})
    return built


def _connection_table(conns: nest.SynapseCollection) -> dict[str, np.ndarray]:
    """source, target, weight and delay of every connection, in NEST's order."""
    if len(conns) == 0:
        return {key: np.zeros(0) for key in ("source", "target", "weight", "delay")}
    table = conns.get(["source", "target", "weight", "delay"])
    # a single connection comes back as scalars
    return {key: np.atleast_1d(np.asarray(value)) for key, value in table.items()}


def _order(built: BuiltProjection, grid: Grid) -> tuple[nest.SynapseCollection, np.ndarray,
                                                         dict[str, np.ndarray]]:
    """NEST's connections, their table, and for each connection of the projection
    (in its order) the position of that connection in NEST's order."""
    conns = built.connections()
    table = _connection_table(conns)
    if table["source"].size != built.sources.size:
        raise RuntimeError(f"projection {built.name!r}: NEST holds {table['source'].size} "
                           f"connections, the projection {built.sources.size}")
    ours = np.lexsort((grid.steps(built.values["delay"]), built.values["weight"] * built.scale,
                       built.targets, built.sources))
    theirs = np.lexsort((grid.steps(table["delay"]), table["weight"],
                         table["target"], table["source"]))
    if not (np.array_equal(built.sources[ours], table["source"][theirs])
            and np.array_equal(built.targets[ours], table["target"][theirs])):
        raise RuntimeError(f"projection {built.name!r}: the connections in NEST differ "
                           "from those the projection created")
    position = np.empty(built.sources.size, dtype=np.int64)
    position[ours] = theirs
    return conns, position, table


def get_parameter(built: BuiltProjection, name: str, grid: Grid) -> np.ndarray:
    """Current values of ``weight`` or ``delay`` read from NEST, in projection order."""
    if built.plastic:
        return plasticity.get_plastic(built, name, grid)
    _check_name(built, name)
    _, position, table = _order(built, grid)
    values = table[name][position].astype(float)
    if name == "weight":
        return values / built.scale
    return values


def set_parameter(built: BuiltProjection, name: str, values: np.ndarray, grid: Grid) -> None:
    """Write ``weight`` or ``delay`` (PyNN units, projection order) into NEST."""
    if built.plastic:
        plasticity.set_plastic(built, built.spec, name, values, grid, built.tau_minus)
        return
    _check_name(built, name)
    values = np.broadcast_to(np.asarray(values, dtype=float), built.sources.shape).copy()
    if name == "delay":
        values = grid.to_grid_ms(values, f"projection {built.name!r} delays")
    conns, position, _ = _order(built, grid)
    nest_values = np.empty_like(values)
    nest_values[position] = values * built.scale if name == "weight" else values
    if values.size:
        conns.set({name: nest_values})
    built.values[name] = values


def _check_name(built: BuiltProjection, name: str) -> None:
    if name not in built.values:
        raise NonExistentParameterError(name, f"projection {built.name!r} (static synapse)",
                                        built.values)
