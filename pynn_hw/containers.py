"""PyNN's ``Network``: a named collection of populations, assemblies and projections.

Not to be confused with :class:`pynn_hw.network.Network`, the frozen description
that backends build from.
"""

from __future__ import annotations

from typing import Any

from pynn_hw.populations import Assembly
from pynn_hw.populations.base import BasePopulation
from pynn_hw.projections import Projection


class Network:
    """A container of the components of a model.

    Parameters
    ----------
    *components
        Populations, PopulationViews, Assemblies and Projections.
    """

    def __init__(self, *components: Any) -> None:
        self.populations: list[Any] = []
        self.views: list[Any] = []
        self.assemblies: list[Assembly] = []
        self.projections: list[Projection] = []
        self.add(*components)

    def add(self, *components: Any) -> None:
        """Add components; their kind decides where they go."""
        from pynn_hw.populations import PopulationView
        for component in components:
            if isinstance(component, PopulationView):
                self.views.append(component)
            elif isinstance(component, BasePopulation):
                self.populations.append(component)
            elif isinstance(component, Assembly):
                self.assemblies.append(component)
            elif isinstance(component, Projection):
                self.projections.append(component)
            else:
                raise TypeError(f"a Network holds populations, views, assemblies and "
                                f"projections, not {type(component).__name__}")

    def count_neurons(self) -> int:
        """Number of cells in the member populations."""
        return sum(p.size for p in self.populations)

    def count_connections(self) -> int:
        return sum(p.size() for p in self.projections)

    def get_component(self, label: str) -> Any:
        """The member with this label."""
        for component in self.populations + self.views + self.assemblies + self.projections:
            if component.label == label:
                return component
        raise KeyError(f"the network has no component labelled {label!r}")

    def filter(self, cell_types: Any = None) -> Assembly:
        """An Assembly of the member populations whose cell type is in ``cell_types``."""
        types = tuple(cell_types or ())
        chosen = [p for p in self.populations
                  if not types or isinstance(p.celltype, types) or type(p.celltype) in types]
        return Assembly(*chosen)

    def record(self, variables: Any, to_file: Any = None, sampling_interval: float | None = None
               ) -> None:
        for p in self.populations:
            recordable = [v for v in ([variables] if isinstance(variables, str) else variables)
                          if v == "all" or p.can_record(v)]
            if recordable:
                p.record(recordable, sampling_interval=sampling_interval)

    def get_data(self, variables: Any = "all", gather: bool = True, clear: bool = False
                 ) -> dict[str, Any]:
        """Label -> neo.Block for every member population."""
        return {p.label: p.get_data(variables, gather, clear) for p in self.populations}
