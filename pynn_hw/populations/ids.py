"""Cell identifiers: integers that know their population."""

from __future__ import annotations

from typing import Any

import numpy as np

_OWN_ATTRIBUTES = frozenset({"parent"})


class ID(int):
    """The global identifier of one cell.

    An ``ID`` is an ``int`` (the cell's global index) that also gives access to the
    cell's parameters as attributes: ``pop[0].tau_m = 12.0``.
    """

    parent: Any

    def __new__(cls, value: int, parent: Any = None) -> "ID":
        obj = super().__new__(cls, value)
        object.__setattr__(obj, "parent", parent)
        return obj

    # -- parameters as attributes -------------------------------------------------------
    def _names(self) -> set[str]:
        celltype = self.parent.celltype
        return set(celltype.get_parameter_names())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or self.parent is None:
            raise AttributeError(name)
        if name in self._names():
            return self.parent._parameters[name].evaluate(mask=self.index)
        raise AttributeError(f"cell {int(self)} of {self.parent.label!r} has no attribute "
                             f"{name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _OWN_ATTRIBUTES:
            object.__setattr__(self, name, value)
        elif self.parent is not None and name in self._names():
            self.as_view().set(**{name: value})
        else:
            raise AttributeError(f"cannot set {name!r} on cell {int(self)}: not a "
                                 f"parameter of {type(self.parent.celltype).__name__}")

    # -- the rest of the PyNN ID interface -------------------------------------------------
    @property
    def index(self) -> int:
        """Index of the cell within its parent population."""
        return int(self) - self.parent._first

    def as_view(self):
        """A one-cell PopulationView of this cell."""
        return self.parent[self.index:self.index + 1]

    @property
    def celltype(self):
        return self.parent.celltype

    @property
    def local(self) -> bool:
        return True

    @property
    def position(self) -> np.ndarray:
        return self.parent.positions[:, self.index]

    @position.setter
    def position(self, value) -> None:
        positions = self.parent.positions.copy()
        positions[:, self.index] = value
        self.parent.positions = positions

    @property
    def _session(self):
        return self.parent._session

    @property
    def injectable(self) -> bool:
        return self.parent.injectable

    def _global_indices(self) -> np.ndarray:
        return np.array([int(self)])

    def get_parameters(self) -> dict[str, Any]:
        """All parameter values of this cell."""
        space = self.parent._parameters
        return {name: space[name].evaluate(mask=self.index) for name in space.keys()}

    def set_parameters(self, **parameters: Any) -> None:
        self.as_view().set(**parameters)

    def get_initial_value(self, variable: str) -> Any:
        return self.parent._initial_values[variable].evaluate(mask=self.index)

    def set_initial_value(self, variable: str, value: Any) -> None:
        self.as_view().initialize(**{variable: value})

    def inject(self, current_source: Any) -> None:
        current_source.inject_into(self)

    def __reduce__(self):
        return (int, (int(self),))
