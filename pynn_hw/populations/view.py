"""PopulationView: a subset of the cells of a population."""

from __future__ import annotations

from typing import Any

import numpy as np

from pynn_hw.populations.base import BasePopulation


def _selector_to_indices(selector: Any, size: int) -> np.ndarray:
    if isinstance(selector, slice):
        return np.arange(size)[selector]
    if isinstance(selector, (int, np.integer)):
        return np.arange(size)[[selector]]
    array = np.asarray(selector)
    if array.dtype == bool:
        if array.shape != (size,):
            raise IndexError(f"boolean mask of shape {array.shape} does not fit an object "
                             f"of size {size}")
        return np.flatnonzero(array)
    if array.size == 0:
        return np.zeros(0, dtype=int)
    if not np.issubdtype(array.dtype, np.integer):
        raise IndexError(f"cannot select cells with {selector!r}: use an int, slice, "
                         "index array or boolean mask")
    array = array.astype(np.int64)
    if array.min() < -size or array.max() >= size:
        raise IndexError(f"index array {selector!r} is out of range for size {size}")
    return np.where(array < 0, array + size, array)


class PopulationView(BasePopulation):
    """A view of some cells of a Population (or of another view).

    Parameters
    ----------
    parent
        The Population or PopulationView to select from.
    selector
        A slice, an index array, a boolean mask or a list of indices.
    label
        A name; defaults to one derived from the parent's label.
    """

    def __init__(self, parent: Any, selector: Any, label: str | None = None) -> None:
        self.parent = parent
        self.mask = _selector_to_indices(selector, parent.size)
        self._root = parent._root
        self._indices = parent._indices[self.mask]
        self.label = label if label is not None else f"view of {parent.label}"

    @property
    def grandparent(self):
        """The Population at the root of this view."""
        return self._root

    @property
    def structure(self):
        return self._root.structure

    @property
    def initial_values(self):
        raise NotImplementedError("initial_values of a PopulationView: ask its "
                                  "grandparent Population")

    def index_in_grandparent(self, indices: Any) -> np.ndarray:
        """Indices in the root Population of the given indices of this view."""
        return self._indices[np.asarray(indices)]

    def index_from_parent_index(self, indices: Any) -> np.ndarray:
        """Indices in this view of the given indices of the parent."""
        lookup = {int(p): i for i, p in enumerate(self.mask)}
        return np.array([lookup[int(i)] for i in np.atleast_1d(indices)])

    def id_to_index(self, id: Any) -> Any:
        ids = np.asarray(id, dtype=np.int64)
        root_index = np.atleast_1d(ids - self._root._first)
        order = np.argsort(self._indices, kind="stable")
        pos = np.searchsorted(self._indices, root_index, sorter=order)
        pos = np.clip(pos, 0, max(self.size - 1, 0))
        found = order[pos] if self.size else pos
        if self.size == 0 or np.any(self._indices[found] != root_index):
            raise IndexError(f"ID(s) {id!r} not in {self.label!r}")
        return int(found[0]) if np.ndim(id) == 0 else found

    id_to_local_index = id_to_index

    def __eq__(self, other: Any) -> bool:
        return (isinstance(other, PopulationView) and other._root is self._root
                and np.array_equal(other._indices, self._indices))

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"PopulationView({self._root.label!r}, {self.size} cells, label={self.label!r})"
