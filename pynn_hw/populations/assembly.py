"""Assembly: several populations (or views) treated as one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from pynn_hw.errors import InvalidParameterValueError
from pynn_hw.populations.ids import ID


class Assembly:
    """A group of populations and views that behaves like one population.

    Parameters
    ----------
    *populations
        Populations, PopulationViews (or Assemblies, which are flattened).
    label
        A name; defaults to one built from the members' labels.
    """

    def __init__(self, *populations: Any, label: str | None = None) -> None:
        self.populations: list[Any] = []
        for p in populations:
            self._add(p)
        self.label = label if label is not None else \
            "Assembly of " + ", ".join(p.label for p in self.populations)
        self._annotations: dict[str, Any] = {}

    def _add(self, item: Any) -> None:
        from pynn_hw.populations.base import BasePopulation
        if isinstance(item, Assembly):
            self.populations.extend(item.populations)
        elif isinstance(item, BasePopulation):
            if self.populations and item._session is not self.populations[0]._session:
                raise TypeError("an Assembly cannot mix populations of different "
                                "simulations")
            self.populations.append(item)
        else:
            raise TypeError(f"an Assembly holds Populations, PopulationViews and "
                            f"Assemblies, not {type(item).__name__}")

    # -- size and cells ----------------------------------------------------------------
    @property
    def _session(self):
        return self.populations[0]._session

    @property
    def size(self) -> int:
        return sum(p.size for p in self.populations)

    def __len__(self) -> int:
        return self.size

    local_size = size

    def _global_indices(self) -> np.ndarray:
        if not self.populations:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([p._global_indices() for p in self.populations])

    def _offsets(self) -> np.ndarray:
        return np.cumsum([0] + [p.size for p in self.populations])

    @property
    def all_cells(self) -> np.ndarray:
        return np.concatenate([p.all_cells for p in self.populations]) if self.populations \
            else np.zeros(0, dtype=object)

    local_cells = all_cells

    def __iter__(self) -> Iterator[ID]:
        for p in self.populations:
            yield from p

    def all(self) -> Iterator[ID]:
        return iter(self)

    @property
    def first_id(self):
        return self.populations[0].first_id

    @property
    def last_id(self):
        return self.populations[-1].last_id

    @property
    def positions(self) -> np.ndarray:
        return np.hstack([p.positions for p in self.populations])

    @property
    def conductance_based(self) -> bool:
        return all(p.conductance_based for p in self.populations)

    @property
    def injectable(self) -> bool:
        return all(p.injectable for p in self.populations)

    @property
    def receptor_types(self) -> tuple[str, ...]:
        common = set(self.populations[0].receptor_types)
        for p in self.populations[1:]:
            common &= set(p.receptor_types)
        return tuple(r for r in self.populations[0].receptor_types if r in common)

    def __getitem__(self, index: Any):
        if isinstance(index, (int, np.integer)):
            if not -self.size <= index < self.size:
                raise IndexError(f"index {index} out of range for {self.label!r} "
                                 f"of size {self.size}")
            index = index % self.size
            offsets = self._offsets()
            k = int(np.searchsorted(offsets, index, side="right") - 1)
            return self.populations[k][int(index - offsets[k])]
        indices = np.arange(self.size)[index] if isinstance(index, slice) \
            else np.asarray(index)
        if indices.dtype == bool:
            indices = np.flatnonzero(indices)
        offsets = self._offsets()
        parts = []
        for k, p in enumerate(self.populations):
            mine = indices[(indices >= offsets[k]) & (indices < offsets[k + 1])] - offsets[k]
            if mine.size:
                parts.append(p[mine])
        return Assembly(*parts)

    def __add__(self, other: Any) -> "Assembly":
        return Assembly(*self.populations, other)

    def __iadd__(self, other: Any) -> "Assembly":
        self._add(other)
        return self

    def get_population(self, label: str):
        """The member population (or view) with this label."""
        for p in self.populations:
            if p.label == label:
                return p
        raise KeyError(f"{self.label!r} has no population labelled {label!r}; members: "
                       f"{[p.label for p in self.populations]}")

    def id_to_index(self, id: Any) -> Any:
        ids = np.atleast_1d(np.asarray(id, dtype=np.int64))
        globals_ = self._global_indices()
        lookup = {int(g): i for i, g in enumerate(globals_)}
        try:
            found = np.array([lookup[int(i)] for i in ids])
        except KeyError as missing:
            raise IndexError(f"ID {missing} not in {self.label!r}") from None
        return int(found[0]) if np.ndim(id) == 0 else found

    # -- delegated to the members ---------------------------------------------------------
    def _split(self, value: Any) -> list[Any]:
        """Cut a per-cell array into the members' parts; other values go whole."""
        if isinstance(value, (np.ndarray, list)) and np.ndim(value) == 1 \
                and len(value) == self.size:
            offsets = self._offsets()
            return [np.asarray(value)[offsets[k]:offsets[k + 1]]
                    for k in range(len(self.populations))]
        return [value] * len(self.populations)

    def set(self, **parameters: Any) -> None:
        for k, p in enumerate(self.populations):
            p.set(**{name: self._split(v)[k] for name, v in parameters.items()})

    def rset(self, parametername: str, rand_distr: Any) -> None:
        import warnings
        warnings.warn("rset() is deprecated; use set()", DeprecationWarning, stacklevel=2)
        self.set(**{parametername: rand_distr})

    def initialize(self, **initial_values: Any) -> None:
        for k, p in enumerate(self.populations):
            p.initialize(**{name: self._split(v)[k] for name, v in initial_values.items()})

    def get(self, parameter_names: Any, gather: bool = False, simplify: bool = True) -> Any:
        single = isinstance(parameter_names, str)
        names = [parameter_names] if single else list(parameter_names)
        result = []
        for name in names:
            parts = [np.atleast_1d(np.asarray(p.get(name, simplify=False)))
                     for p in self.populations]
            values = np.concatenate(parts)
            if simplify and values.size and values.dtype != object and \
                    np.all(values == values[0]):
                values = values[0]
            result.append(values)
        return result[0] if single else result

    def record(self, variables: Any, to_file: Any = None, sampling_interval: float | None = None,
               locations: Any = None) -> None:
        for p in self.populations:
            p.record(variables, sampling_interval=sampling_interval)
        if to_file is not None:
            self._session.pending_files.append((self, to_file, variables))

    def sample(self, n: int, rng: Any = None) -> "Assembly":
        from pynn_hw.random import NumpyRNG
        if not 0 <= n <= self.size:
            raise InvalidParameterValueError(f"sample(): cannot pick {n} cells from "
                                             f"{self.label!r} of size {self.size}")
        rng = rng or NumpyRNG()
        return self[np.sort(rng.generator.permutation(self.size)[:n])]

    def get_data(self, variables: Any = "all", gather: bool = True, clear: bool = False,
                 annotations: dict | None = None):
        """Data of all members merged into one ``neo.Block``."""
        from pynn_hw.recording import merge_blocks
        blocks = [p.get_data(variables, gather, clear) for p in self.populations]
        block = merge_blocks(blocks, self.label)
        if annotations:
            block.annotations.update(annotations)
        return block

    def write_data(self, io: Any, variables: Any = "all", gather: bool = True,
                   clear: bool = False, annotations: dict | None = None) -> None:
        from pynn_hw.recording import write_block
        write_block(self.get_data(variables, gather, clear, annotations), io)

    def get_spike_counts(self, gather: bool = True) -> dict[int, int]:
        counts: dict[int, int] = {}
        for p in self.populations:
            counts.update(p.get_spike_counts())
        return counts

    def mean_spike_count(self, gather: bool = True) -> float:
        counts = self.get_spike_counts()
        return float(np.mean(list(counts.values()))) if counts else float("nan")

    def inject(self, current_source: Any) -> None:
        if not self.injectable:
            raise TypeError(f"{self.label!r} contains spike sources, which take no current")
        current_source.inject_into(self)

    def save_positions(self, file: Any) -> None:
        table = np.column_stack([self._global_indices(), self.positions.T])
        np.savetxt(file, table, fmt=["%d", "%g", "%g", "%g"])

    def annotate(self, **annotations: Any) -> None:
        self._annotations.update(annotations)

    def get_annotations(self, annotation_keys: Any, simplify: bool = True) -> dict[str, Any]:
        keys = [annotation_keys] if isinstance(annotation_keys, str) else annotation_keys
        return {k: self._annotations.get(k) for k in keys}

    def describe(self, template: Any = None, engine: Any = None) -> str:
        lines = [f"Assembly {self.label!r} of {self.size} cells in "
                 f"{len(self.populations)} members:"]
        lines += ["  " + p.describe().replace("\n", "\n  ") for p in self.populations]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Assembly({', '.join(repr(p) for p in self.populations)})"
