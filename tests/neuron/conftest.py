"""Helpers that build :class:`pynn_hw.network.Network` descriptions by hand, so the
NEURON backend is tested without the front-end."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
pytest.importorskip("neuron")

from pynn_hw.network import (CurrentSourceSpec, Network, PopulationSpec,  # noqa: E402
                             ProjectionSpec, RecordingSpec)
from pynn_hw.parameters import Sequence  # noqa: E402
from pynn_hw.standardmodels.synapses import StaticSynapse  # noqa: E402

from software_backends.neuron import NeuronBackend  # noqa: E402


def _value(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    if np.isscalar(value):
        return np.asarray(value)
    holder = np.empty((), dtype=object)
    holder[()] = value
    return holder


class NetBuilder:
    """Accumulates populations, projections and current sources, then freezes them."""

    def __init__(self, dt: float = 0.1, min_delay: float = 0.1, max_delay: float = 10.0,
                 **options: Any) -> None:
        self.dt, self.min_delay, self.max_delay = dt, min_delay, max_delay
        self.options = options
        self.pops: list[PopulationSpec] = []
        self.projs: list[ProjectionSpec] = []
        self.sources: list[CurrentSourceSpec] = []
        self.offset = 0

    def population(self, celltype: type, size: int, record: dict | None = None,
                   interval: float | None = None, initial: dict | None = None,
                   **params: Any) -> int:
        """Add a population; ``record`` maps variable -> cells (or 'all')."""
        values = {**celltype.default_parameters, **params}
        initials = {**celltype.default_initial_values, **(initial or {})}
        variables = {var: np.arange(size) if cells == "all" else np.asarray(cells)
                     for var, cells in (record or {}).items()}
        spec = PopulationSpec(
            index=len(self.pops), label=f"pop{len(self.pops)}", size=size,
            offset=self.offset, celltype=celltype,
            parameters={k: _value(v) for k, v in values.items()},
            initial_values={k: _value(v) for k, v in initials.items()},
            positions=np.zeros((3, size)),
            recording=RecordingSpec(variables, interval or self.dt))
        self.pops.append(spec)
        self.offset += size
        return spec.index

    def projection(self, pre: int, post: int, i: Any, j: Any, weight: Any, delay: Any,
                   receptor: str = "excitatory") -> int:
        pre_spec, post_spec = self.pops[pre], self.pops[post]
        spec = ProjectionSpec(
            index=len(self.projs), label=f"prj{len(self.projs)}",
            pre_cells=pre_spec.global_indices, post_cells=post_spec.global_indices,
            pre=np.asarray(i, dtype=np.int64), post=np.asarray(j, dtype=np.int64),
            synapse_type=StaticSynapse,
            parameters={"weight": _value(np.asarray(weight, dtype=float)),
                        "delay": _value(np.asarray(delay, dtype=float))},
            receptor_type=receptor)
        self.projs.append(spec)
        return spec.index

    def current(self, cls: type, cells: Any, record: bool = False, **params: Any) -> int:
        values = {**cls.default_parameters, **params}
        values = {k: (np.asarray(v.value) if isinstance(v, Sequence) else v)
                  for k, v in values.items()}
        spec = CurrentSourceSpec(index=len(self.sources), source_type=cls, parameters=values,
                                 cells=np.asarray(cells, dtype=np.int64), record=record)
        self.sources.append(spec)
        return spec.index

    def network(self) -> Network:
        return Network(timestep=self.dt, min_delay=self.min_delay, max_delay=self.max_delay,
                       populations=tuple(self.pops), projections=tuple(self.projs),
                       current_sources=tuple(self.sources), options=dict(self.options))

    def build(self) -> NeuronBackend:
        backend = NeuronBackend(**self.options)
        backend.build(self.network())
        return backend


@pytest.fixture
def net():
    """A fresh :class:`NetBuilder` (dt = 0.1 ms, min_delay = 0.1 ms)."""
    backends: list[NeuronBackend] = []

    def make(**kwargs: Any) -> NetBuilder:
        builder = NetBuilder(**kwargs)
        original = builder.build

        def build() -> NeuronBackend:
            backend = original()
            backends.append(backend)
            return backend
        builder.build = build
        return builder

    yield make
    for backend in backends:
        backend.end()


@pytest.fixture
def sim():
    """The PyNN API on NEURON, freshly set up."""
    import pynn_hw.neuron as simulator
    simulator.setup(timestep=0.1)
    yield simulator
    simulator.end()
