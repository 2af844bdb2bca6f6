"""Plastic synapses on NEURON: one weight-adjusting point process per connection.

A plastic connection is a point process of the backend's own mechanisms
(``mod/tsodyks_markram.mod``: ``PynnHwTsodyksMarkram``; ``mod/stdp.mod``:
``PynnHwStdp``) placed on the target cell's section, between the source and the
target: the source's spikes reach it after the connection's delay, it updates its
state and passes each spike on at once through a NetCon to the cell's point process,
whose weight it sets through a pointer first. STDP also receives the target cell's
own spikes (after twice the dendritic part of the delay, see ``stdp.mod``).
``finitialize`` (build and reset) restores every state variable and, for STDP,
the weight ``w_init`` (the initial or last set weight).

Built by a Python loop over the connections of this rank (once per build: a few
objects and attributes per connection).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pynn_hw.errors import NoModelAvailableError, NonExistentParameterError
from pynn_hw.network import ProjectionSpec, expand
from pynn_hw.standardmodels.plasticity import SpikePairRule, STDPMechanism, check_stdp_weights
from pynn_hw.standardmodels.synapses import TsodyksMarkramSynapse

from software_backends.neuron import parallel
from software_backends.neuron.grid import Grid

#: PyNN parameter -> attributes of the point process that take its value.
_TM_NAMES = {"weight": ("w",), "U": ("U",), "tau_rec": ("tau_rec",),
             "tau_facil": ("tau_facil",), "u": ("u0", "u")}
_STDP_NAMES = {"weight": ("w_init", "w"), "w_min": ("w_min",), "w_max": ("w_max",),
               "A_plus": ("A_plus",), "A_minus": ("A_minus",), "tau_plus": ("tau_plus",),
               "tau_minus": ("tau_minus",)}


@dataclass
class BuiltPlastic:
    """The adjusting point processes of one projection on this rank.

    Attributes
    ----------
    local
        Positions (projection order) of the connections built here.
    points
        Their point processes, in the same order.
    inputs, feedback
        The NetCons bringing pre- and (STDP) post-synaptic spikes to them.
    """

    label: str
    spec: ProjectionSpec
    local: np.ndarray
    size: int
    values: dict[str, np.ndarray]
    points: list[Any] = field(default_factory=list)
    inputs: list[Any] = field(default_factory=list)
    feedback: list[Any] = field(default_factory=list)
    outputs: list[Any] = field(default_factory=list)

    @property
    def names(self) -> dict[str, tuple[str, ...]]:
        return _TM_NAMES if issubclass(self.spec.synapse_type, TsodyksMarkramSynapse) \
            else _STDP_NAMES


def _mechanism(spec: ProjectionSpec) -> str:
    cls = spec.synapse_type
    if issubclass(cls, TsodyksMarkramSynapse):
        return "PynnHwTsodyksMarkram"
    if issubclass(cls, STDPMechanism) and cls.timing_dependence_type is SpikePairRule:
        return "PynnHwStdp"
    raise NoModelAvailableError(
        f"projection {spec.label!r}: the NEURON backend has no model for {cls.__name__}; "
        "plastic types available: TsodyksMarkramSynapse, STDPMechanism with SpikePairRule")


def connect_plastic(spec: ProjectionSpec, targets: Any, slot_of_cell: np.ndarray,
                    receptor: int, values: dict[str, np.ndarray], grid: Grid, rank: int,
                    n_ranks: int) -> BuiltPlastic:
    """Create this rank's plastic connections of ``spec`` (see the module docstring)."""
    from neuron import h
    mechanism = _mechanism(spec)
    if mechanism == "PynnHwStdp":
        check_stdp_weights(spec.label, values["weight"])
    pc = h.ParallelContext()
    post = spec.global_post()
    local = np.flatnonzero(post % n_ranks == rank)
    full = {k: expand(np.asarray(v, dtype=float), spec.size) for k, v in values.items()}
    built = BuiltPlastic(spec.label, spec, local, spec.size, full)
    pre_gids = spec.global_pre()[local].tolist()
    post_gids = post[local].tolist()
    slots = slot_of_cell[post[local]].tolist()
    for k, (pre_gid, post_gid, slot) in enumerate(zip(pre_gids, post_gids, slots)):
        target = targets.o(slot)
        point = getattr(h, mechanism)(target.get_segment())
        out = h.NetCon(point, target)
        out.delay = 0
        out.weight[1] = receptor
        h.setpointer(out._ref_weight[0], "wout", point)
        incoming = pc.gid_connect(pre_gid, point)
        built.points.append(point)
        built.outputs.append(out)
        built.inputs.append(incoming)
        if mechanism == "PynnHwStdp":
            incoming.weight[1] = 0
            back = pc.gid_connect(post_gid, point)
            back.weight[1] = 1
            built.feedback.append(back)
    for name in built.values:
        _write(built, name, grid)
    return built


def _write(built: BuiltPlastic, name: str, grid: Grid) -> None:
    values = built.values[name][built.local]
    if name in ("delay", "dendritic_delay_fraction"):
        delays = grid.to_grid_ms(built.values["delay"][built.local],
                                 f"projection {built.label!r} delays")
        built.values["delay"][built.local] = delays
        for netcon, d in zip(built.inputs, delays.tolist()):
            netcon.delay = d
        if built.feedback:
            fraction = built.values["dendritic_delay_fraction"][built.local]
            back = grid.to_grid_ms(2.0 * fraction * delays)
            for netcon, d in zip(built.feedback, back.tolist()):
                netcon.delay = d
        return
    if name in ("mu_plus", "mu_minus") or (name == "w_min" and built.feedback):
        _write_exponents(built)
    for attribute in built.names.get(name, ()):
        for point, value in zip(built.points, values.tolist()):
            setattr(point, attribute, value)


def _write_exponents(built: BuiltPlastic) -> None:
    mu_plus, mu_minus = built.spec.synapse_type.weight_dependence_type.exponents(built.values)
    mu_plus = expand(mu_plus, built.size)[built.local].tolist()
    mu_minus = expand(mu_minus, built.size)[built.local].tolist()
    for point, plus, minus in zip(built.points, mu_plus, mu_minus):
        point.mu_plus, point.mu_minus = plus, minus


def get_plastic(built: BuiltPlastic, name: str) -> np.ndarray:
    """Current values in projection order, gathered from all ranks (weights from the
    point processes, everything else as last written)."""
    _check(built, name)
    if name == "weight":
        mine = np.array([point.w for point in built.points], dtype=float)
    else:
        mine = built.values[name][built.local]
    out = np.full(built.size, np.nan)
    for positions, values in parallel.allgather((built.local, mine)):
        out[positions] = values
    return out


def set_plastic(built: BuiltPlastic, name: str, values: np.ndarray, grid: Grid) -> None:
    """Write one parameter (PyNN units, projection order, all connections)."""
    _check(built, name)
    built.values[name] = np.broadcast_to(np.asarray(values, dtype=float),
                                         (built.size,)).copy()
    _write(built, name, grid)


def _check(built: BuiltPlastic, name: str) -> None:
    if name not in built.values:
        raise NonExistentParameterError(name, f"projection {built.label!r}", built.values)
