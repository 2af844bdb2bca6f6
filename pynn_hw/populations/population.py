"""Population: a group of cells of one type."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from pynn_hw.errors import InvalidDimensionsError, InvalidModelError
from pynn_hw.network import PopulationSpec
from pynn_hw.parameters import ParameterSpace
from pynn_hw.populations.base import BasePopulation
from pynn_hw.populations.recorder import PopulationRecorder


def _structure_for_size(size: Any):
    """Turn a size (int or 1-3-D tuple) into (n_cells, default structure)."""
    from pynn_hw import space
    if isinstance(size, (int, np.integer)):
        return int(size), space.Line()
    dims = tuple(int(d) for d in size)
    if not 1 <= len(dims) <= 3 or any(d < 0 for d in dims):
        raise InvalidDimensionsError(
            f"Population size {size!r}: give an int or a tuple of 1 to 3 non-negative ints")
    n = int(np.prod(dims))
    if len(dims) == 1:
        return n, space.Line()
    if len(dims) == 2:
        return n, space.Grid2D(aspect_ratio=dims[0] / dims[1])
    return n, space.Grid3D(aspect_ratioXY=dims[0] / dims[1], aspect_ratioXZ=dims[0] / dims[2])


class Population(BasePopulation):
    """A group of cells of the same type.

    Parameters
    ----------
    size
        Number of cells, or a tuple of 1-3 dimensions (implying a Line, Grid2D or
        Grid3D structure).
    cellclass
        A standard cell type instance, e.g. ``IF_cond_exp(tau_m=10.0)``. The 0.7 form
        (a cell type class plus ``cellparams``) is accepted with a DeprecationWarning.
    cellparams
        Parameters for the deprecated class form.
    structure
        A spatial structure (``Line``, ``Grid2D``, ``Grid3D``, ``RandomStructure``).
    initial_values
        State variable name -> initial value(s).
    label
        A name; defaults to ``population<N>``.
    """

    _default_session: Any = None

    def __init__(self, size: Any, cellclass: Any, cellparams: dict | None = None,
                 structure: Any = None, initial_values: dict | None = None,
                 label: str | None = None) -> None:
        session = self._default_session
        if session is None:
            raise RuntimeError("Population must be created through a backend module, "
                               "e.g. `import pynn_hw.nest as sim; sim.Population(...)`")
        n, default_structure = _structure_for_size(size)
        self._celltype = _as_celltype(cellclass, cellparams)
        self._session_ref = session
        self._root = self
        self._indices = np.arange(n)
        self.structure = structure if structure is not None else default_structure
        self._positions: np.ndarray | None = None
        self._index = session.register_population(self)
        self.label = label if label is not None else f"population{self._index}"
        self._first = session.allocate_ids(n)
        self._parameters: ParameterSpace = self._celltype.parameter_space.copy()
        self._parameters.shape = (n,)
        self._initial_values = self._celltype.initial_value_space((n,))
        self._annotations: dict[str, Any] = {}
        self._recorder = PopulationRecorder(self)
        if initial_values:
            self.initialize(**initial_values)

    @property
    def _session(self):
        return self._session_ref

    @property
    def first_id(self):
        return self[0] if self.size else None

    @property
    def last_id(self):
        return self[self.size - 1] if self.size else None

    def _global_indices(self) -> np.ndarray:
        return self._first + self._indices

    def id_to_index(self, id: Any) -> Any:
        ids = np.asarray(id, dtype=np.int64)
        index = ids - self._first
        if np.any((index < 0) | (index >= self.size)):
            raise IndexError(f"ID(s) {id!r} not in population {self.label!r} "
                             f"(IDs {self._first}..{self._first + self.size - 1})")
        return int(index) if np.ndim(id) == 0 else index

    id_to_local_index = id_to_index

    @property
    def initial_values(self) -> ParameterSpace:
        return self._initial_values

    @property
    def recorder(self) -> PopulationRecorder:
        return self._recorder

    @property
    def position_generator(self):
        return self.structure.generate_positions

    def _all_positions(self) -> np.ndarray:
        if self._positions is None:
            self._positions = np.asarray(self.structure.generate_positions(self.size), float)
        return self._positions

    @property
    def positions(self) -> np.ndarray:
        return self._all_positions()

    @positions.setter
    def positions(self, value: Any) -> None:
        value = np.asarray(value, dtype=float)
        if value.shape != (3, self.size):
            raise InvalidDimensionsError(f"{self.label}: positions must have shape "
                                         f"(3, {self.size}), got {value.shape}")
        self._positions = value

    def __repr__(self) -> str:
        return f"Population({self.size}, {type(self._celltype).__name__}, label={self.label!r})"

    def _spec(self) -> PopulationSpec:
        return PopulationSpec(
            index=self._index, label=self.label, size=self.size, offset=self._first,
            celltype=type(self._celltype),
            parameters=_as_arrays(self._parameters.evaluate(simplify=True)),
            initial_values=_as_arrays(self._initial_values.evaluate(simplify=True)),
            positions=self._all_positions(), recording=self._recorder.spec(),
            annotations=dict(self._annotations))


def _as_celltype(cellclass: Any, cellparams: dict | None):
    from pynn_hw.standardmodels.base import StandardCellType
    if isinstance(cellclass, StandardCellType):
        if cellparams:
            raise InvalidModelError("give parameters to the cell type, not as cellparams, "
                                    "when passing a cell type instance")
        return cellclass
    if isinstance(cellclass, type) and issubclass(cellclass, StandardCellType):
        warnings.warn("Population(size, CellClass, cellparams) is deprecated; use "
                      "Population(size, CellClass(**cellparams))", DeprecationWarning,
                      stacklevel=3)
        return cellclass(**(cellparams or {}))
    raise InvalidModelError(f"{cellclass!r} is not a cell type: use one of the standard "
                            "cell types, e.g. IF_cond_exp()")


def _as_arrays(values: dict[str, Any]) -> dict[str, np.ndarray]:
    out = {}
    for name, value in values.items():
        if isinstance(value, np.ndarray):
            out[name] = value
        elif np.isscalar(value):
            out[name] = np.asarray(value)
        else:  # Sequence, ArrayParameter and other objects: keep them whole
            holder = np.empty((), dtype=object)
            holder[()] = value
            out[name] = holder
    return out
