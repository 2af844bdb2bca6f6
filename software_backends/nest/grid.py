"""The simulation time grid: rounding times and delays to whole time steps."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from pynn_hw.errors import RoundingWarning

#: Relative slack under which a value counts as already on the grid.
_ON_GRID = 1e-9


@dataclass(frozen=True)
class Grid:
    """Time step ``dt`` (ms) and conversions between ms and steps."""

    dt: float

    def steps(self, times: np.ndarray | float, what: str = "") -> np.ndarray:
        """Times in ms -> whole steps; warn with :class:`RoundingWarning` on change."""
        times = np.asarray(times, dtype=float)
        exact = times / self.dt
        steps = np.rint(exact)
        if what and times.size:
            off = np.abs(exact - steps) > _ON_GRID * np.maximum(1.0, np.abs(exact))
            if np.any(off):
                first = float(times[off].flat[0])
                warnings.warn(
                    f"{what}: {int(off.sum())} value(s) not multiples of the time step "
                    f"{self.dt} ms were rounded to the grid (e.g. {first!r} -> "
                    f"{float(np.rint(first / self.dt) * self.dt)!r} ms)",
                    RoundingWarning, stacklevel=3)
        return steps.astype(np.int64)

    def to_grid_ms(self, times: np.ndarray | float, what: str = "") -> np.ndarray:
        """Times rounded to the grid, in ms."""
        return self.steps(times, what) * self.dt

    def ms(self, steps: np.ndarray | int) -> np.ndarray:
        """Steps -> ms."""
        return np.asarray(steps) * self.dt
