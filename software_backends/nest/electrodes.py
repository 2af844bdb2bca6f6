"""Current sources as NEST current generators (nA -> pA).

A generator reaches its cells through a one-step connection, so it runs one step
ahead: its times are moved one step earlier (and the phase of a sine forward). Its
window cannot open before its own first step, so no current reaches a cell before
2 dt; an earlier start is moved there with a warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from pynn_hw.errors import RoundingWarning
from pynn_hw.standardmodels import electrodes as std

from software_backends.nest.grid import Grid


@dataclass(frozen=True)
class ElectrodeContext:
    grid: Grid
    delay: float
    label: str


def _window(params: dict[str, Any], ctx: ElectrodeContext) -> dict[str, float]:
    earliest = ctx.grid.dt
    start = float(params["start"]) - ctx.delay
    stop = float(params["stop"]) - ctx.delay
    if start < earliest - 1e-9 and stop > start:
        _warn_early(ctx, float(params["start"]))
    return {"start": float(ctx.grid.to_grid_ms(max(start, earliest), f"{ctx.label}.start")),
            "stop": float(ctx.grid.to_grid_ms(max(stop, earliest), f"{ctx.label}.stop"))}


def _warn_early(ctx: ElectrodeContext, when: float) -> None:
    warnings.warn(
        f"{ctx.label}: NEST cannot inject current before t = 2 dt = "
        f"{ctx.delay + ctx.grid.dt:g} ms; the current given from {when:g} ms starts there",
        RoundingWarning, stacklevel=4)


def _dc(params: dict[str, Any], ctx: ElectrodeContext) -> dict[str, Any]:
    return {"amplitude": float(params["amplitude"]) * 1000.0, **_window(params, ctx)}


def _ac(params: dict[str, Any], ctx: ElectrodeContext) -> dict[str, Any]:
    # I(t) = offset + amplitude sin(2 pi f t / 1000 + phase) at the cell, at time
    # t = generator time + delay: advance the generator's phase by 2 pi f delay.
    frequency = float(params["frequency"])
    phase = float(params["phase"]) + 360.0 * frequency * ctx.delay / 1000.0
    return {"amplitude": float(params["amplitude"]) * 1000.0,
            "offset": float(params["offset"]) * 1000.0, "frequency": frequency,
            "phase": phase % 360.0, **_window(params, ctx)}


def _step(params: dict[str, Any], ctx: ElectrodeContext) -> dict[str, Any]:
    given = np.asarray(params["times"], dtype=float)
    ctx.grid.steps(given, f"{ctx.label}.times")     # warns about off-grid times
    times, amplitudes = std.StepCurrentSource(
        times=given, amplitudes=np.asarray(params["amplitudes"], dtype=float)
    ).resolved(ctx.grid.dt)
    steps = ctx.grid.steps(times - ctx.delay)
    early = steps < 1
    if np.any(early):
        # every switch before the first step collapses onto it; the last one wins
        if np.any(early & (amplitudes != 0.0)):
            _warn_early(ctx, float(times[early][0]))
        steps = np.maximum(steps, 1)
        keep = np.ones(steps.size, dtype=bool)
        keep[:-1] = steps[1:] != steps[:-1]
        steps, amplitudes = steps[keep], amplitudes[keep]
    return {"amplitude_times": ctx.grid.ms(steps).tolist(),
            "amplitude_values": (amplitudes * 1000.0).tolist()}


def _noise(params: dict[str, Any], ctx: ElectrodeContext) -> dict[str, Any]:
    return {"mean": float(params["mean"]) * 1000.0, "std": float(params["stdev"]) * 1000.0,
            "dt": float(ctx.grid.to_grid_ms(float(params["dt"]), f"{ctx.label}.dt")),
            **_window(params, ctx)}


@dataclass(frozen=True)
class ElectrodeModel:
    """A current source type: its NEST generator and its parameter translation."""

    generator: str
    translate: Callable[[dict[str, Any], ElectrodeContext], dict[str, Any]]


ELECTRODE_MODELS: dict[type, ElectrodeModel] = {
    std.DCSource: ElectrodeModel("dc_generator", _dc),
    std.ACSource: ElectrodeModel("ac_generator", _ac),
    std.StepCurrentSource: ElectrodeModel("step_current_generator", _step),
    # NEST draws an independent noise current for every target cell
    std.NoisyCurrentSource: ElectrodeModel("noise_generator", _noise),
}
