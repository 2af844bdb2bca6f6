"""Capacity checks of a mapping: chip input ports, links and router tables."""

from __future__ import annotations

import numpy as np

from pynn_hw.errors import MappingError
from pynn_hw.network import Network

from .board_geometry import BoardGeometry
from .report import MappingReport
from .routing import Loads


def _populations_on(chip: int, cell_chip: np.ndarray, network: Network) -> str:
    cells = np.flatnonzero(cell_chip == chip)
    pops = np.unique(network.population_of(cells)) if cells.size else []
    return ", ".join(repr(network.populations[int(p)].label) for p in pops) or "none"


def check_loads(loads: Loads, geo: BoardGeometry, report: MappingReport, cell_chip: np.ndarray,
                network: Network) -> None:
    """Raise MappingError for the first over-subscribed input port, link or router table.

    Loads are expected rates (events/s, biological time); a port or link whose
    expected load exceeds its bandwidth would drop events on the board.
    """
    over = np.flatnonzero(loads.input_load > loads.input_capacity * (1 + 1e-9))
    if over.size:
        c = int(over[np.argmax(loads.input_load[over] / loads.input_capacity[over])])
        raise MappingError(
            f"input bandwidth of chip {c} exceeded: expected {loads.input_load[c]:.6g} events/s (biological) "
            f"from the host and other chips, bandwidth {loads.input_capacity[c]:.6g} events/s; populations on the "
            f"chip: {_populations_on(c, cell_chip, network)}", report)
    over = np.flatnonzero(loads.link_load > loads.link_capacity * (1 + 1e-9))
    if over.size:
        link = int(over[np.argmax(loads.link_load[over] / loads.link_capacity[over])])
        a, b = (int(x) for x in geo.ends[link])
        raise MappingError(
            f"link bandwidth exceeded on link {a} -> {b}: expected {loads.link_load[link]:.6g} events/s "
            f"(biological), bandwidth {loads.link_capacity[link]:.6g} events/s", report)
    over = np.flatnonzero(loads.router_entries > loads.router_capacity)
    if over.size:
        c = int(over[np.argmax(loads.router_entries[over] - loads.router_capacity[over])])
        raise MappingError(
            f"router table of chip {c} too small: {int(loads.router_entries[c])} source neurons pass or reach "
            f"it, the table holds {int(loads.router_capacity[c])} entries ({int(over.size)} chips over)", report)
