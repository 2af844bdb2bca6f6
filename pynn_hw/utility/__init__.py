"""Helpers for simulation scripts (``pyNN.utility``).

Plotting lives in :mod:`pynn_hw.utility.plotting` (Figure, Panel, comparison_plot, connection_plot), which imports matplotlib.
"""

from pynn_hw.utility.progress_bar import ProgressBar, SimulationProgressBar
from pynn_hw.utility.script_tools import (
    SIMULATORS,
    get_script_args,
    get_simulator,
    init_logging,
    normalized_filename,
)
from pynn_hw.utility.timer import Timer

__all__ = [
    "SIMULATORS", "ProgressBar", "SimulationProgressBar", "Timer", "get_script_args",
    "get_simulator", "init_logging", "normalized_filename",
]
