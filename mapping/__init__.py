"""Mapping of a backend-neutral network onto the board: partitioning, placement,
routing, driver-row allocation and quantisation.

Entry point: :func:`map_network` (``Network`` + ``BoardSpec`` -> :class:`MappedNetwork`).
"""

from .api import DEFAULT_NEURON_RATE_HZ, map_network
from .chip_data import ChipData
from .mapped_network import (
    LOSS_CAUSES,
    CellPlacement,
    InputAddresses,
    LossCause,
    MappedNetwork,
    PopulationTranslation,
    ProjectionMapping,
    ReadoutAssignment,
)
from .progress import progress_bar
from .report import MappingReport

__all__ = [
    "map_network",
    "progress_bar",
    "DEFAULT_NEURON_RATE_HZ",
    "MappedNetwork",
    "ChipData",
    "MappingReport",
    "CellPlacement",
    "InputAddresses",
    "ReadoutAssignment",
    "PopulationTranslation",
    "ProjectionMapping",
    "LossCause",
    "LOSS_CAUSES",
]
