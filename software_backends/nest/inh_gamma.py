"""Inhomogeneous gamma spike trains, drawn in numpy and played by spike generators.

NEST 3 has no ``inh_gamma_generator``, so the backend draws the trains itself, one
run at a time, and hands the spikes to the population's spike generators before
NEST simulates the corresponding interval.

The process: shape ``a`` and scale ``b`` (s) are piecewise constant, ``a[i]`` and
``b[i]`` holding from ``tbins[i]`` (ms) on; there are no spikes before ``tbins[0]``,
nor outside (start, start + duration]. It is a renewal process whose hazard is the
gamma hazard of the current parameters at the current age (time since the last
spike, or since the process began): in the step (t, t + dt] a cell of age ``tau``
fires with probability ``1 - S(tau + dt) / S(tau)``, ``S`` being the gamma survival
function. With constant parameters this is a gamma renewal process of rate
``1 / (a b)``, sampled on the time grid.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaincc

from pynn_hw.errors import InvalidParameterValueError

from software_backends.nest.grid import Grid


class InhGammaTrains:
    """The state of the trains of one population between runs.

    Parameters
    ----------
    size
        Number of cells.
    grid
        The time grid (spikes fall on step ends).
    seed
        Seed of the numpy generator (one stream per population and segment).
    first_step
        No spike falls before ``first_step * dt`` (NEST plays a drawn spike through a
        generator and a parrot, which takes two steps).
    """

    def __init__(self, size: int, grid: Grid, seed: list[int], first_step: int = 1) -> None:
        self.grid = grid
        self.rng = np.random.default_rng(seed)
        self.last = np.full(size, np.nan)     # last spike (ms); NaN: none yet
        self.drawn_steps = first_step - 1     # spikes are drawn up to this step

    def draw(self, params: dict[str, Any], until_steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Spikes in the steps ``(drawn_steps, until_steps]``: (cells, times)."""
        size = self.last.size
        first = self.drawn_steps
        self.drawn_steps = max(until_steps, first)
        if until_steps <= first or size == 0:
            return np.zeros(0, np.int64), np.zeros(0)
        shape, scale, bins = _bin_table(params, size)
        start = np.broadcast_to(np.asarray(params["start"], dtype=float), (size,))
        stop = start + np.broadcast_to(np.asarray(params["duration"], dtype=float), (size,))
        origin = np.maximum(start, bins[:, 0])
        rows = np.arange(size)
        dt = self.grid.dt
        fired: list[np.ndarray] = []
        steps: list[int] = []
        for step in range(first, until_steps):     # sequential in time, vectorised in cells
            t0, t1 = step * dt, (step + 1) * dt
            active = (t1 > origin + 1e-9) & (t1 <= stop + 1e-9)
            if not np.any(active):
                continue
            k = np.maximum((bins <= t0 + 1e-9).sum(axis=1) - 1, 0)
            a, b = shape[rows, k], scale[rows, k] * 1000.0
            age = t0 - np.where(np.isnan(self.last), origin, self.last)
            p = _fire_probability(np.maximum(age, 0.0), dt, a, b)
            cells = np.flatnonzero(active & (self.rng.random(size) < p))
            if cells.size:
                self.last[cells] = t1
                fired.append(cells)
                steps.append(step + 1)
        if not fired:
            return np.zeros(0, np.int64), np.zeros(0)
        counts = [c.size for c in fired]
        return np.concatenate(fired), np.repeat(np.array(steps) * dt, counts)


def _bin_table(params: dict[str, Any], size: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shape, scale and bin starts as (cells x bins) arrays; missing bins start at +inf."""
    def column(name: str) -> list[np.ndarray]:
        values = np.asarray(params[name], dtype=object)
        items = [values[()]] if values.ndim == 0 else list(values)
        return [np.asarray(getattr(v, "value", v), dtype=float).reshape(-1) for v in items]

    a, b, t = column("a"), column("b"), column("tbins")
    for i, (ai, bi, ti) in enumerate(zip(a, b, t)):
        if not ai.size == bi.size == ti.size or ai.size == 0:
            raise InvalidParameterValueError(
                f"SpikeSourceInhGamma (cell {i}): a, b and tbins need the same, non-zero "
                f"length; got {ai.size}, {bi.size} and {ti.size}")
    width = max(x.size for x in a)

    def table(items: list[np.ndarray], fill: float) -> np.ndarray:
        out = np.full((len(items), width), fill)
        for i, x in enumerate(items):      # one row per distinct value list (few)
            out[i, :x.size] = x
        return np.broadcast_to(out, (size, width)) if len(items) == 1 else out

    return table(a, 1.0), table(b, 1.0), table(t, np.inf)


def _fire_probability(age: np.ndarray, dt: float, shape: np.ndarray, scale: np.ndarray
                      ) -> np.ndarray:
    """``1 - S(age + dt) / S(age)`` for a gamma(shape, scale) interval distribution."""
    with np.errstate(invalid="ignore", divide="ignore"):
        before = gammaincc(shape, age / scale)
        after = gammaincc(shape, (age + dt) / scale)
        p = 1.0 - after / before
    # far in the tail the hazard of a gamma distribution tends to 1 / scale
    tail = ~(before > 1e-300)
    p[tail] = 1.0 - np.exp(-dt / scale[tail])
    return np.clip(np.nan_to_num(p), 0.0, 1.0)
