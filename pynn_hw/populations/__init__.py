"""Populations, views of them, assemblies of them, and cell IDs."""

from pynn_hw.populations.assembly import Assembly
from pynn_hw.populations.ids import ID
from pynn_hw.populations.population import Population
from pynn_hw.populations.view import PopulationView

__all__ = ["Assembly", "ID", "Population", "PopulationView"]
