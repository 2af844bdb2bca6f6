"""Behaviour shared by Population and PopulationView.

Both are a set of cells of one root :class:`Population`, given by ``_indices``
(indices into the root). Parameter values live in the root; a view reads and
writes its part of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from pynn_hw.errors import InvalidParameterValueError, NonExistentParameterError
from pynn_hw.populations.ids import ID
from pynn_hw.populations.deprecated import DeprecatedPopulationMethods


class BasePopulation(DeprecatedPopulationMethods):
    """Methods common to :class:`Population` and :class:`PopulationView`."""

    _root: Any
    _indices: np.ndarray
    label: str

    # -- size, ids, indexing ------------------------------------------------------------
    @property
    def size(self) -> int:
        return int(self._indices.shape[0])

    def __len__(self) -> int:
        return self.size

    @property
    def local_size(self) -> int:
        return self.size

    @property
    def _session(self):
        return self._root._session

    @property
    def celltype(self):
        return self._root._celltype

    @property
    def conductance_based(self) -> bool:
        return bool(self.celltype.conductance_based)

    @property
    def receptor_types(self) -> tuple[str, ...]:
        return tuple(self.celltype.receptor_types)

    @property
    def injectable(self) -> bool:
        return bool(self.celltype.injectable)

    def _global_indices(self) -> np.ndarray:
        return self._root._first + self._indices

    @property
    def all_cells(self) -> np.ndarray:
        """The IDs of all cells, as an object array."""
        ids = np.empty(self.size, dtype=object)
        ids[:] = [ID(int(g), self._root) for g in self._global_indices()]
        return ids

    local_cells = all_cells

    def all(self) -> Iterator[ID]:
        """Iterate over all cells."""
        return iter(self)

    def __iter__(self) -> Iterator[ID]:
        root = self._root
        for g in self._global_indices():
            yield ID(int(g), root)

    def __getitem__(self, index: Any):
        if isinstance(index, (int, np.integer)):
            n = self.size
            if not -n <= index < n:
                raise IndexError(f"index {index} is out of range for {self.label!r} of "
                                 f"size {n}")
            return ID(int(self._root._first + self._indices[index]), self._root)
        from pynn_hw.populations.view import PopulationView
        return PopulationView(self, index)

    def __add__(self, other):
        from pynn_hw.populations.assembly import Assembly
        return Assembly(self, other)

    def id_to_index(self, id: Any) -> Any:
        """Index (within this object) of one ID or an array of IDs."""
        ids = np.asarray(id, dtype=np.int64)
        globals_ = self._global_indices()
        order = np.argsort(globals_)
        pos = np.searchsorted(globals_, ids, sorter=order)
        pos = np.clip(pos, 0, len(globals_) - 1)
        found = order[pos]
        if len(globals_) == 0 or np.any(globals_[found] != ids):
            raise IndexError(f"ID(s) {id!r} not in {self.label!r}")
        return int(found) if np.ndim(id) == 0 else found

    id_to_local_index = id_to_index

    def is_local(self, id: Any) -> bool:
        return True

    @property
    def first_id(self) -> ID:
        return self[0]

    @property
    def last_id(self) -> ID:
        return self[self.size - 1]

    # -- space ------------------------------------------------------------------------------
    @property
    def positions(self) -> np.ndarray:
        """Cell positions, shape (3, size)."""
        return self._root._all_positions()[:, self._indices]

    def nearest(self, position: Any) -> ID:
        """The cell closest to ``position``."""
        d = np.sum((self.positions - np.asarray(position, float).reshape(3, 1)) ** 2, axis=0)
        return self[int(np.argmin(d))]

    def sample(self, n: int, rng: Any = None):
        """A view of ``n`` cells picked at random without replacement."""
        from pynn_hw.random import NumpyRNG
        if not 0 <= n <= self.size:
            raise InvalidParameterValueError(
                f"sample(): cannot pick {n} cells from {self.label!r} of size {self.size}")
        rng = rng or NumpyRNG()
        picked = np.sort(rng.generator.permutation(self.size)[:n])
        from pynn_hw.populations.view import PopulationView
        return PopulationView(self, picked)

    def save_positions(self, file: Any) -> None:
        """Write ``id x y z`` rows to ``file`` (a filename or an open file)."""
        table = np.column_stack([self._global_indices(), self.positions.T])
        np.savetxt(file, table, fmt=["%d", "%g", "%g", "%g"])

    # -- parameters -----------------------------------------------------------------------
    def _check_names(self, names, valid, kind: str) -> None:
        for name in names:
            if name not in valid:
                raise NonExistentParameterError(name, type(self.celltype).__name__, valid)

    def get(self, parameter_names: Any, gather: bool = False, simplify: bool = True) -> Any:
        """Values of one or more parameters for the cells of this object."""
        single = isinstance(parameter_names, str)
        names = [parameter_names] if single else list(parameter_names)
        valid = list(self.celltype.get_parameter_names())
        self._check_names(names, valid, "parameter")
        space = self._root._parameters
        values = [space[name].evaluate(mask=self._mask(), simplify=simplify)
                  for name in names]
        return values[0] if single else values

    def _mask(self):
        return None if self._root is self else self._indices

    def set(self, **parameters: Any) -> None:
        """Set parameters: scalars, arrays, RandomDistributions, f(i), Sequences."""
        valid = list(self.celltype.get_parameter_names())
        self._check_names(parameters, valid, "parameter")
        root = self._root
        for name, value in parameters.items():
            root._parameters[name] = self._merged(root._parameters, name, value)
        backend = self._session.backend
        if backend is not None and not self._session.structure_changed:
            for name in parameters:
                values = root._parameters[name].evaluate(mask=self._indices, simplify=False)
                backend.set_parameters(root._index, self._indices, name, values)

    def _merged(self, space: Any, name: str, value: Any) -> Any:
        """The root's new value of ``name`` after assigning ``value`` to this object's cells."""
        if self._root is self:
            return value
        full = np.array(space[name].evaluate(simplify=False), copy=True)
        full[self._indices] = space.convert(name, value, shape=(self.size,)).evaluate()
        return full

    def initialize(self, **initial_values: Any) -> None:
        """Set initial values of state variables (used now and after every reset)."""
        valid = list(self.celltype.default_initial_values)
        for name in initial_values:
            if name not in valid:
                raise NonExistentParameterError(name, type(self.celltype).__name__ +
                                                " (state variables)", valid)
        root = self._root
        for name, value in initial_values.items():
            root._initial_values[name] = self._merged(root._initial_values, name, value)
        backend = self._session.backend
        if backend is not None and not self._session.structure_changed:
            for name in initial_values:
                values = root._initial_values[name].evaluate(mask=self._indices,
                                                             simplify=False)
                backend.set_state(root._index, self._indices, name, values)

    def find_units(self, variable: str) -> str:
        return self.celltype.units[variable]

    # -- recording ------------------------------------------------------------------------
    def can_record(self, variable: str) -> bool:
        return variable in self.celltype.recordable

    def record(self, variables: Any, to_file: Any = None, sampling_interval: float | None = None,
               locations: Any = None) -> None:
        """Record ``variables`` ('spikes', 'v', ..., 'all' or None to stop)."""
        self._root._recorder.record(variables, self._indices, sampling_interval)
        if to_file is not None:
            self._session.pending_files.append((self, to_file, variables))

    def get_data(self, variables: Any = "all", gather: bool = True, clear: bool = False,
                 locations: Any = None):
        """The recorded data as a ``neo.Block``, one segment per run between resets."""
        from pynn_hw.recording import build_block
        root = self._root
        segments = root._recorder.all_segments(clear)
        if isinstance(variables, str) and variables != "all":
            variables = [variables]
        return build_block(label=self.label, segments=segments, variables=variables,
                           cells=self._indices, ids=self._global_indices(),
                           units=dict(self.celltype.units), population_label=root.label,
                           block_annotations=self._block_annotations())

    def _block_annotations(self) -> dict[str, Any]:
        session = self._session
        annotations = {"size": self.size, "first_index": int(self._indices[0]) if self.size else 0,
                       "last_index": int(self._indices[-1]) + 1 if self.size else 0,
                       "first_id": int(self._global_indices()[0]) if self.size else None,
                       "last_id": int(self._global_indices()[-1]) if self.size else None,
                       "label": self.label, "simulator": session.name, "dt": session.dt,
                       "mpi_processes": 1}
        annotations.update(self._root.annotations)
        return annotations

    def write_data(self, io: Any, variables: Any = "all", gather: bool = True,
                   clear: bool = False, annotations: dict | None = None) -> None:
        """Write the recorded data to a Neo IO or a file chosen by its extension."""
        from pynn_hw.recording import write_block
        block = self.get_data(variables, gather, clear)
        if annotations:
            block.annotations.update(annotations)
        write_block(block, io)

    def get_spike_counts(self, gather: bool = True) -> dict[int, int]:
        """Number of spikes of each spike-recording cell, by ID."""
        block = self.get_data("spikes")
        counts: dict[int, int] = {}
        for segment in block.segments:
            for train in segment.spiketrains:
                key = ID(int(train.annotations["source_id"]), self._root)
                counts[key] = counts.get(key, 0) + len(train)
        return counts

    def mean_spike_count(self, gather: bool = True) -> float:
        counts = self.get_spike_counts()
        return float(np.mean(list(counts.values()))) if counts else float("nan")

    # -- other ----------------------------------------------------------------------------
    def inject(self, current_source: Any) -> None:
        """Inject a current source into every cell."""
        if not self.injectable:
            raise TypeError(f"{self.label!r} is a population of "
                            f"{type(self.celltype).__name__}: spike sources take no current")
        current_source.inject_into(self)

    @property
    def annotations(self) -> dict[str, Any]:
        return self._root._annotations

    def annotate(self, **annotations: Any) -> None:
        self._root._annotations.update(annotations)

    def describe(self, template: Any = None, engine: Any = None) -> str:
        """A human-readable description."""
        lines = [f"{type(self).__name__} {self.label!r} of {self.size} "
                 f"{type(self.celltype).__name__} cells"]
        if self._root is not self:
            lines.append(f"  view of {self._root.label!r}")
        lines.append(f"  structure: {self._root.structure!r}")
        for name in self.celltype.get_parameter_names():
            lines.append(f"  {name}: {self.get(name)!r}")
        return "\n".join(lines)
