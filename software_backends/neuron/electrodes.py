"""Current sources as PynnHwCurrentSource point processes, one per target cell.

The point process (``mod/current_source.mod``) computes DC, AC and noise currents
itself; the amplitudes of step currents reach it as events queued from Python. A noisy
current draws from one Random123 stream per source, so every target cell (on
every rank) receives the same noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pynn_hw.network import CurrentSourceSpec
from pynn_hw.standardmodels import electrodes as std

from software_backends.common.registry import lookup
from software_backends.neuron.grid import Grid
from software_backends.neuron.recording import SignalRecorder

#: Current source type -> ``kind`` of the point process.
KINDS: dict[type, int] = {std.DCSource: 0, std.ACSource: 1, std.StepCurrentSource: 2,
                          std.NoisyCurrentSource: 3}

#: First Random123 identifier of noise streams (spike sources use the cell index).
NOISE_STREAM = 2**31


@dataclass
class BuiltElectrode:
    """The point processes of one current source on this rank."""

    spec: CurrentSourceSpec
    points: list[Any]
    feeds: list[Any] = field(default_factory=list)
    retired: list[Any] = field(default_factory=list)
    recorder: SignalRecorder | None = None
    steps: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))


def kind_of(source_type: type) -> int:
    return lookup(KINDS, source_type,
                  f"the NEURON backend has no current source {source_type.__name__}")


def create(spec: CurrentSourceSpec, sections: list[Any], params: dict[str, Any],
           grid: Grid, fixed_step: bool) -> BuiltElectrode:
    """Point processes in ``sections`` (the local target cells), set to ``params``."""
    from neuron import h
    kind = kind_of(spec.source_type)
    points = [h.PynnHwCurrentSource(section(0.5)) for section in sections]
    for point in points:
        point.kind = kind
        point.fixed_step = float(fixed_step)
    built = BuiltElectrode(spec, points)
    apply(built, params, grid)
    return built


def apply(built: BuiltElectrode, params: dict[str, Any], grid: Grid,
          t: float | None = None) -> None:
    """Set the parameters of a source: before the initialisation (``t`` None) or,
    for a running simulation, from time ``t`` on."""
    kind = kind_of(built.spec.source_type)
    label = f"{built.spec.source_type.__name__} #{built.spec.index}"
    if kind == 2:
        _play_steps(built, params, grid, label, t)
        return
    values = {"start": float(params["start"]), "stop": float(params["stop"])}
    if kind == 0:
        values["amplitude"] = float(params["amplitude"])
    elif kind == 1:
        values.update(amplitude=float(params["amplitude"]), offset=float(params["offset"]),
                      frequency=float(params["frequency"]), phase=float(params["phase"]))
    else:
        values.update(mean=float(params["mean"]), stdev=float(params["stdev"]),
                      noise_dt=float(grid.to_grid_ms(float(params["dt"]), f"{label}.dt")))
    for point in built.points:
        for name, value in values.items():
            setattr(point, name, value)


def _play_steps(built: BuiltElectrode, params: dict[str, Any], grid: Grid,
                label: str, t: float | None) -> None:
    given = np.asarray(params["times"], dtype=float).reshape(-1)
    grid.steps(given, f"{label}.times")          # warns about off-grid times
    times, amplitudes = std.StepCurrentSource(
        times=given, amplitudes=np.asarray(params["amplitudes"], dtype=float).reshape(-1)
    ).resolved(grid.dt)
    built.steps = (times, amplitudes)
    # events queued for the old list are ignored from now on, but their NetCons must
    # live as long as the queue does
    built.retired.extend(built.feeds)
    built.feeds = []
    for point in built.points:
        point.generation = point.generation + 1
    if t is not None:
        schedule_steps(built, t)


def schedule_steps(built: BuiltElectrode, t: float) -> None:
    """Queue the amplitude switches at or after ``t`` (one NetCon per switch and cell)."""
    from neuron import h
    if kind_of(built.spec.source_type) != 2:
        return
    times, amplitudes = built.steps
    if t > 0:
        # the amplitude in force at t starts at t
        index = np.searchsorted(times, t + 1e-9, side="right") - 1
        later = times > t + 1e-9
        times = np.r_[t, times[later]]
        amplitudes = np.r_[amplitudes[index] if index >= 0 else 0.0, amplitudes[later]]
    for point in built.points:
        for when, amplitude in zip(times.tolist(), amplitudes.tolist()):
            feed = h.NetCon(None, point)
            feed.weight[0] = amplitude
            feed.weight[1] = point.generation
            feed.event(when)
            built.feeds.append(feed)


def after_initialize(built: BuiltElectrode) -> None:
    """Queue the step switches again (initialisation empties the event queue)."""
    built.retired = []
    built.feeds = []
    schedule_steps(built, 0.0)


def value_now(built: BuiltElectrode, t: float) -> float:
    """The current (nA) the source gives from time ``t`` on."""
    if kind_of(built.spec.source_type) == 2:
        times, amplitudes = built.steps
        index = np.searchsorted(times, t + 1e-9, side="right") - 1
        return float(amplitudes[index]) if index >= 0 else 0.0
    return float(built.points[0].value_at(t))


def recorded_current(built: BuiltElectrode, t: float, clear: bool
                     ) -> tuple[np.ndarray, float] | None:
    """This rank's recording of the current, one row per time step, and its t_start.

    With a fixed step the sample a Vector takes at the end of a step holds the
    current from the start of that step on (see ``mod/current_source.mod``), so the
    rows move up by one and the last row, the current from ``t`` on, is computed.
    """
    recorder = built.recorder
    if recorder is None:
        return None
    _, table, t_start = recorder.take(t, clear)
    values = table[:, 0]
    if recorder.per_step:
        values = np.append(values[1:], value_now(built, t))
        if values.size and np.isnan(values[0]) and t_start == 0.0:
            values[0] = value_now(built, 0.0)
    return values, t_start


def reseed(built: BuiltElectrode, baseseed: int, segment: int) -> None:
    """Noise stream (baseseed, NOISE_STREAM + source index, segment) for every point."""
    if kind_of(built.spec.source_type) != 3:
        return
    for point in built.points:
        point.stream.set_ids(baseseed, NOISE_STREAM + built.spec.index, segment)
