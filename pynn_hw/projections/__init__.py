"""Projections: connections between populations."""

from pynn_hw.projections.connection import Connection
from pynn_hw.projections.projection import Projection

__all__ = ["Connection", "Projection"]
