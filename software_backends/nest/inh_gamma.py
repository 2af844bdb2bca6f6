"""Inhomogeneous gamma spike trains, drawn in numpy and played by spike generators.

NEST 3 has no ``inh_gamma_generator``, so the backend draws the trains itself, one
run at a time, and hands the spikes to the population's spike generators before
NEST simulates the corresponding interval.

The process: shape ``a`` and scale ``b`` (s) are piecewise constant, ``a[i]`` and
``b[i]`` holding from ``tbins[i]`` (ms) on; there are no spikes before ``tbins[0]``,
nor outside (start, start + duration]. It is a renewal process whose hazard is the
gamma hazard of the current parameters at the current age (time since the last
spike, or since the process began). With constant parameters it is a gamma renewal
process of rate ``1 / (a b)``. Spikes are drawn event by event: from age ``tau0``
the next spike comes at the age ``tau`` with ``S(tau) = U S(tau0)``, ``S`` being
the gamma survival function and ``U`` uniform, unless the parameters change first.
On the time grid a spike falls on the end of the step that holds it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaincc, gammainccinv

from pynn_hw.errors import InvalidParameterValueError

from software_backends.nest.grid import Grid

class InhGammaTrains:
    """The state of the trains of one population between runs.

    Parameters
    ----------
    size
        Number of cells.
    grid
        The time grid.
    seed
        Seed of the numpy generator (one stream per population and segment).
    first_step
        No spike falls before ``first_step * dt`` (NEST plays a drawn spike through a
        generator and a parrot, which takes two steps).
    precise
        Keep exact spike times instead of moving them to the grid.
    """

    def __init__(self, size: int, grid: Grid, seed: list[int], first_step: int = 1,
                 precise: bool = False) -> None:
        self.grid = grid
        self.precise = precise
        self.rng = np.random.default_rng(seed)
        self.last = np.full(size, np.nan)     # last spike (ms); NaN: none yet
        self.earliest = (first_step - 1) * grid.dt
        self.drawn_steps = first_step - 1     # spikes are drawn up to this step

    def draw(self, params: dict[str, Any], until_steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Spikes in ``(drawn_steps * dt, until_steps * dt]``: (cells, times)."""
        size = self.last.size
        t_from, t_to = self.drawn_steps * self.grid.dt, until_steps * self.grid.dt
        self.drawn_steps = max(until_steps, self.drawn_steps)
        if t_to <= t_from or size == 0:
            return np.zeros(0, np.int64), np.zeros(0)
        shape, scale, bins = _bin_table(params, size)
        start = np.broadcast_to(np.asarray(params["start"], dtype=float), (size,))
        stop = np.minimum(start + np.broadcast_to(np.asarray(params["duration"], dtype=float),
                                                  (size,)), t_to)
        origin = np.maximum(np.maximum(start, bins[:, 0]), self.earliest)
        now = np.maximum(origin, t_from)
        age = now - np.where(np.isnan(self.last), origin, self.last)
        rows = np.arange(size)
        cells_out: list[np.ndarray] = []
        times_out: list[np.ndarray] = []
        active = now < stop
        while np.any(active):       # one event (a spike or a bin edge) per cell and pass
            k = np.maximum((bins <= now[:, None] + 1e-12).sum(axis=1) - 1, 0)
            following = np.minimum(k + 1, bins.shape[1] - 1)     # padded bins start at inf
            edge = np.where(k + 1 < bins.shape[1], bins[rows, following], np.inf)
            end = np.minimum(edge, stop)
            spike = now + _next_interval(age, shape[rows, k], scale[rows, k] * 1000.0, self.rng)
            fire = active & (spike <= end)
            cells_out.append(np.flatnonzero(fire))
            times_out.append(spike[fire])
            self.last[fire] = spike[fire]
            moved = np.where(fire, spike, end)
            age = np.where(fire, 0.0, age + (end - now))
            now = np.where(active, moved, now)
            active &= now < stop
        cells = np.concatenate(cells_out)
        times = np.concatenate(times_out)
        if not self.precise:
            times = np.ceil(times / self.grid.dt - 1e-9) * self.grid.dt
        return cells, times


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


def _next_interval(age: np.ndarray, shape: np.ndarray, scale: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """Time from now to the next spike of cells of age ``age`` (ms), if the gamma
    parameters stay as they are."""
    u = rng.random(age.size)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        survival = gammaincc(shape, age / scale)
        target = gammainccinv(shape, u * survival) * scale
    # far in the tail the gamma hazard tends to 1 / scale: memoryless there
    tail = ~(survival > 1e-300) | ~np.isfinite(target)
    target[tail] = age[tail] + rng.exponential(scale[tail])
    return np.maximum(target - age, 0.0)
