"""Build :class:`pynn_hw.network.Network` descriptions by hand, so a software backend
is tested without the front-end.

The backend folders' conftests and ``tests/backends`` make their ``net`` fixtures
from :func:`net_factory`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from pynn_hw.network import (CurrentSourceSpec, Network, PopulationSpec, ProjectionSpec,
                             RecordingSpec)
from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels import electrodes as el
from pynn_hw.standardmodels.synapses import StaticSynapse


def _value(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    if np.isscalar(value):
        return np.asarray(value)
    holder = np.empty((), dtype=object)
    holder[()] = value
    return holder


class NetBuilder:
    """Accumulates populations, projections and current sources, then freezes them
    into a Network and builds it on ``backend_class``."""

    def __init__(self, backend_class: type, dt: float = 0.1, min_delay: float = 0.1,
                 max_delay: float = 10.0, **options: Any) -> None:
        self.backend_class = backend_class
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
        """Add a static projection with connections ``i[k] -> j[k]``."""
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
        """Add a current source of type ``cls`` injecting into the global ``cells``."""
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

    def build(self) -> Any:
        backend = self.backend_class(**self.options)
        backend.build(self.network())
        return backend


def net_factory(backend_class: type, *, end: bool = True,
                **defaults: Any) -> Iterator[Callable[..., NetBuilder]]:
    """Yield a function that makes :class:`NetBuilder` s for ``backend_class``.

    ``defaults`` are options every builder starts with (a test's own win). With
    ``end``, every backend built through these builders is ended afterwards (use
    as the body of a fixture: ``yield from net_factory(...)``).
    """
    built: list[Any] = []

    def make(**kwargs: Any) -> NetBuilder:
        builder = NetBuilder(backend_class, **{**defaults, **kwargs})
        if end:
            original = builder.build

            def build() -> Any:
                backend = original()
                built.append(backend)
                return backend
            builder.build = build
        return builder

    yield make
    for backend in built:
        backend.end()


def ignore_brian2_deprecations(items: list[Any], folder: str) -> None:
    """Mark the tests under ``folder``: Brian 2.9 calls pyparsing's camelCase names,
    deprecated in pyparsing 3.3."""
    for item in items:
        if str(item.fspath).startswith(folder):
            item.add_marker(pytest.mark.filterwarnings(
                "ignore::DeprecationWarning:pyparsing"))
            item.add_marker(pytest.mark.filterwarnings(
                "ignore:.*deprecated.*:DeprecationWarning"))


def small_network(builder: NetBuilder, n: int = 20, seed: int = 3) -> int:
    """Deterministic recurrent network: DC-driven cells, a spike array, random wiring.

    Returns the index of the cells' population (spikes of all, v of cells 0 and 5
    recorded).
    """
    rng = np.random.default_rng(seed)
    src = builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                             spike_times=Sequence([5.0, 12.0, 30.0]))
    cells = builder.population(std.IF_cond_exp, n, record={"spikes": "all", "v": [0, 5]},
                               i_offset=rng.uniform(0.5, 1.5, n), tau_refrac=2.0, cm=0.25)
    i, j = rng.integers(0, n, 200), rng.integers(0, n, 200)
    builder.projection(cells, cells, i[:150], j[:150], rng.uniform(0.001, 0.01, 150),
                       rng.choice([0.5, 1.0, 2.0], 150))
    builder.projection(cells, cells, i[150:], j[150:], 0.02, 1.0, receptor="inhibitory")
    builder.projection(src, cells, np.zeros(n, int), np.arange(n), 0.05, 1.5)
    builder.current(el.StepCurrentSource, [1, 2, 3], times=[10.0, 20.0], amplitudes=[0.4, 0.0])
    return cells


def sorted_spikes(data: Any) -> tuple[np.ndarray, np.ndarray]:
    """Cells and times of SpikeData ordered by cell, then time."""
    order = np.lexsort((data.times, data.cells))
    return data.cells[order], data.times[order]
