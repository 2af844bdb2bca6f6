"""Projections as NetCons, built on the rank of each connection's target cell.

A connection is a NetCon from the source cell's gid (``ParallelContext.gid_connect``)
to the target cell's point process, with weight vector ``(weight, receptor index)``
in PyNN units. Each rank keeps the positions (in the projection's connection order)
of the connections it built, so values can be read back and written in that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pynn_hw.errors import NoModelAvailableError, NonExistentParameterError
from pynn_hw.network import ProjectionSpec
from pynn_hw.standardmodels import plasticity as stdp
from pynn_hw.standardmodels import synapses as std

from software_backends.neuron import bulk, parallel, plasticity
from software_backends.neuron.grid import Grid

#: Standard synapse types the backend builds.
SYNAPSE_TYPES: tuple[type, ...] = (std.StaticSynapse, std.TsodyksMarkramSynapse,
                                   stdp.STDPMechanism)


@dataclass
class BuiltProjection:
    """The NetCons of one projection on this rank.

    Attributes
    ----------
    local
        Positions (in the projection's connection order) of the connections built
        here, increasing.
    netcons
        hoc List of their NetCons, in the same order.
    size
        Number of connections of the whole projection (all ranks).
    """

    label: str
    local: np.ndarray
    netcons: Any
    size: int


def check_synapse_type(spec: ProjectionSpec) -> None:
    if not issubclass(spec.synapse_type, SYNAPSE_TYPES):
        raise NoModelAvailableError(
            f"projection {spec.label!r}: the NEURON backend has no model for "
            f"{spec.synapse_type.__name__}; available: "
            f"{', '.join(c.__name__ for c in SYNAPSE_TYPES)}")


def connect(spec: ProjectionSpec, targets: Any, slot_of_cell: np.ndarray, receptor: int,
            values: dict[str, np.ndarray], grid: Grid, rank: int, n_ranks: int
            ) -> BuiltProjection | plasticity.BuiltPlastic:
    """Create the connections of ``spec`` whose target cell lives on this rank.

    Parameters
    ----------
    targets
        hoc List of the point processes of the local cells.
    slot_of_cell
        Position in ``targets`` of every global cell index (-1 where not local).
    receptor
        The receptor index carried in the NetCons' second weight.
    values
        Current ``weight`` and ``delay`` of every connection (PyNN units); for
        plastic synapses every parameter.
    """
    check_synapse_type(spec)
    if spec.synapse_type.is_plastic:
        return plasticity.connect_plastic(spec, targets, slot_of_cell, receptor, values,
                                          grid, rank, n_ranks)
    post = spec.global_post()
    local = np.flatnonzero(post % n_ranks == rank)
    weight = np.broadcast_to(values["weight"], (spec.size,))[local]
    delay = np.broadcast_to(values["delay"], (spec.size,))[local]
    netcons = bulk.connect(spec.global_pre()[local], slot_of_cell[post[local]], weight,
                           grid.to_grid_ms(delay), receptor, targets)
    return BuiltProjection(spec.label, local, netcons, spec.size)


def _check_name(built: BuiltProjection, name: str) -> None:
    if name not in ("weight", "delay"):
        raise NonExistentParameterError(name, f"projection {built.label!r} (static synapse)",
                                        ["weight", "delay"])


def get_parameter(built: BuiltProjection, name: str) -> np.ndarray:
    """Current ``weight`` or ``delay`` of every connection, in projection order,
    gathered from all ranks."""
    if isinstance(built, plasticity.BuiltPlastic):
        return plasticity.get_plastic(built, name)
    _check_name(built, name)
    read = bulk.get_weights if name == "weight" else bulk.get_delays
    pieces = parallel.allgather((built.local, read(built.netcons)))
    out = np.full(built.size, np.nan)
    for positions, values in pieces:
        out[positions] = values
    return out


def set_parameter(built: BuiltProjection, name: str, values: np.ndarray, grid: Grid) -> None:
    """Write ``weight`` or ``delay`` (PyNN units, projection order, all connections)."""
    if isinstance(built, plasticity.BuiltPlastic):
        plasticity.set_plastic(built, name, values, grid)
        return
    _check_name(built, name)
    values = np.broadcast_to(np.asarray(values, dtype=float), (built.size,))[built.local]
    if name == "weight":
        bulk.set_weights(built.netcons, values)
    else:
        bulk.set_delays(built.netcons, grid.to_grid_ms(values, f"projection {built.label!r} "
                                                       "delays"))
