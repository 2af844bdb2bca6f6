"""Current sources as PynnHwCurrentSource point processes, one per target cell.

The point process (``mod/current_source.mod``) computes DC, AC and noise currents
itself; step currents play the amplitudes into it with ``Vector.play``. A noisy
current draws from one Random123 stream per source, so every target cell (on
every rank) receives the same noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pynn_hw.errors import NoModelAvailableError
from pynn_hw.network import CurrentSourceSpec
from pynn_hw.standardmodels import electrodes as std

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
    players: list[Any] = field(default_factory=list)
    recorder: SignalRecorder | None = None


def kind_of(source_type: type) -> int:
    for cls in source_type.__mro__:
        if cls in KINDS:
            return KINDS[cls]
    raise NoModelAvailableError(
        f"the NEURON backend has no current source {source_type.__name__}; available: "
        f"{', '.join(c.__name__ for c in KINDS)}")


def create(spec: CurrentSourceSpec, sections: list[Any], params: dict[str, Any],
           grid: Grid) -> BuiltElectrode:
    """Point processes in ``sections`` (the local target cells), set to ``params``."""
    from neuron import h
    kind = kind_of(spec.source_type)
    points = [h.PynnHwCurrentSource(section(0.5)) for section in sections]
    for point in points:
        point.kind = kind
    built = BuiltElectrode(spec, points)
    apply(built, params, grid)
    return built


def apply(built: BuiltElectrode, params: dict[str, Any], grid: Grid) -> None:
    """Set (or change) the parameters of a built source."""
    kind = kind_of(built.spec.source_type)
    label = f"{built.spec.source_type.__name__} #{built.spec.index}"
    if kind == 2:
        _play_steps(built, params, grid, label)
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
                label: str) -> None:
    from neuron import h
    given = np.asarray(params["times"], dtype=float).reshape(-1)
    grid.steps(given, f"{label}.times")          # warns about off-grid times
    times, amplitudes = std.StepCurrentSource(
        times=given, amplitudes=np.asarray(params["amplitudes"], dtype=float).reshape(-1)
    ).resolved(grid.dt)
    if times.size == 0 or times[0] > 0:
        # the current is zero until the first switching time
        times, amplitudes = np.r_[0.0, times], np.r_[0.0, amplitudes]
    for player in built.players:
        player[1].play_remove()
    built.players = []
    for point in built.points:
        tvec, avec = h.Vector(times), h.Vector(amplitudes)
        avec.play(point._ref_amplitude, tvec)
        built.players.append((tvec, avec))


def reseed(built: BuiltElectrode, baseseed: int, segment: int) -> None:
    """Noise stream (baseseed, NOISE_STREAM + source index, segment) for every point."""
    if kind_of(built.spec.source_type) != 3:
        return
    for point in built.points:
        point.stream.set_ids(baseseed, NOISE_STREAM + built.spec.index, segment)
