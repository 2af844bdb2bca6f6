"""The standard models of the PyNN API: cell types, synapse types and current sources."""

from __future__ import annotations

from pynn_hw.standardmodels.base import StandardCellType, StandardModelType
from pynn_hw.standardmodels.cells import *  # noqa: F403 - the cell classes are the API
from pynn_hw.standardmodels.cells import STANDARD_CELL_TYPES


def list_standard_models() -> list[type[StandardCellType]]:
    """The standard cell type classes."""
    return list(STANDARD_CELL_TYPES)
