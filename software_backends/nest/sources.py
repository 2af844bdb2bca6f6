"""Translation tables of the spike sources.

Random sources are NEST generators that send an independent train to every target,
so each source cell is a generator followed by its own parrot neuron: the parrot is
the cell (it is recorded and connected), and it repeats one train to all targets.
A generator's spike reaches its parrot ``delay`` ms later, and grid-based
generators stamp their first spike one step after ``start``; the generator window is
moved earlier by that amount so that the parrots fire in (start, start + duration].
A window that would have to begin before t = 0 begins at 0 instead: spikes can then
only occur after ``shift`` ms (2 dt for grid-based generators).

Spike arrays use parrots too (NEST wants one synapse model for all connections
leaving a device, and each projection has its own model): the generator fires
``delay`` ms before each spike time, so spikes before ``delay + dt`` are moved there.
Inhomogeneous gamma trains, which NEST lacks, are drawn by the backend
(:mod:`software_backends.nest.inh_gamma`) and played like spike arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from pynn_hw.errors import InvalidParameterValueError
from pynn_hw.standardmodels import cells as std

from software_backends.nest.grid import Grid
from software_backends.nest.translation import Rule, computed, scaled


@dataclass(frozen=True)
class BuildContext:
    """Settings every builder needs: the grid, the delay of device connections
    (generator -> parrot), and whether precise spike timing is used."""

    grid: Grid
    parrot_delay: float
    precise: bool


class Playback(Enum):
    """Where a source's spikes come from."""

    GENERATOR = "a NEST generator with its own parameters"
    ARRAY = "given spike times"
    DRAWN = "spike times drawn by the backend before each run"


@dataclass(frozen=True)
class SourceModel:
    """A spike source as a NEST generator (plus parrot neurons when random).

    Attributes
    ----------
    generator, precise_generator
        NEST models for on-grid and off-grid spike precision.
    grid_stamped
        Whether the generator stamps its first spike one step after ``start`` (the
        grid-based generators do, the precise Poisson generator does not).
    rules
        Rules of the generator parameters other than the time window.
    playback
        Where the spikes come from; only generators take ``rules`` and a window.
    """

    generator: str
    precise_generator: str
    grid_stamped: bool
    rules: tuple[Rule, ...]
    playback: Playback = Playback.GENERATOR

    def model_name(self, precise: bool) -> str:
        return self.precise_generator if precise else self.generator

    def shift(self, context: BuildContext) -> float:
        """How much earlier than the PyNN window the generator window opens (ms)."""
        stamped = self.grid_stamped or not context.precise
        return context.parrot_delay + (context.grid.dt if stamped else 0.0)

    def all_rules(self, context: BuildContext) -> tuple[Rule, ...]:
        if self.playback is not Playback.GENERATOR:
            return self.rules
        shift = self.shift(context)
        grid = context.grid

        def start(start):
            return grid.to_grid_ms(np.maximum(start - shift, 0.0))

        def stop(start, duration):
            return grid.to_grid_ms(np.maximum(start + duration - shift, 0.0))

        return self.rules + (computed("start", ("start",), start),
                             computed("stop", ("start", "duration"), stop))


def _gamma_shape(alpha):
    alpha = np.asarray(alpha, dtype=float)
    if np.any(alpha != np.round(alpha)) or np.any(alpha < 1):
        bad = alpha[(alpha != np.round(alpha)) | (alpha < 1)].flat[0]
        raise InvalidParameterValueError(
            f"SpikeSourceGamma.alpha must be a whole number >= 1 on NEST "
            f"(gamma_sup_generator takes an integer shape), got {bad!r}")
    return alpha.astype(np.int64)


SOURCE_MODELS: dict[type, SourceModel] = {
    std.SpikeSourcePoisson: SourceModel(
        "poisson_generator", "poisson_generator_ps", False, (scaled("rate", "rate"),)),
    std.SpikeSourcePoissonRefractory: SourceModel(
        "ppd_sup_generator", "ppd_sup_generator", True,
        (scaled("rate", "rate"), scaled("tau_refrac", "dead_time"))),
    # NEST's rate is the rate of spikes (beta / alpha); PyNN's beta is the rate
    # parameter of the gamma distribution of the intervals.
    std.SpikeSourceGamma: SourceModel(
        "gamma_sup_generator", "gamma_sup_generator", True,
        (computed("gamma_shape", ("alpha",), _gamma_shape),
         computed("rate", ("alpha", "beta"), lambda alpha, beta: beta / alpha))),
    std.SpikeSourceArray: SourceModel(
        "spike_generator", "spike_generator", True, (), Playback.ARRAY),
    std.SpikeSourceInhGamma: SourceModel(
        "spike_generator", "spike_generator", True, (), Playback.DRAWN),
}
