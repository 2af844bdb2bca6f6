"""The fixed time grid: times and delays rounded to whole time steps."""

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
        """Times in ms -> whole steps; with ``what``, warn (RoundingWarning) on change."""
        exact = np.asarray(times, dtype=float) / self.dt
        steps = np.rint(exact)
        if what and exact.size:
            off = np.abs(exact - steps) > _ON_GRID * np.maximum(1.0, np.abs(exact))
            if np.any(off):
                warnings.warn(f"{what}: {int(off.sum())} value(s) are not multiples of the "
                              f"time step {self.dt} ms and were rounded to it",
                              RoundingWarning, stacklevel=3)
        return steps.astype(np.int64)

    def to_grid_ms(self, times: np.ndarray | float, what: str = "") -> np.ndarray:
        """Times rounded to the grid, in ms."""
        return self.steps(times, what) * self.dt
