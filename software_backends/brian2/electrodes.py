"""Current sources: one vectorised update of the injected currents per time step.

Every neuron model has a variable ``i_inj`` (the sum of the currents injected into
the cell). At the start of each step a NetworkOperation sets it, for every cell
that receives current, from the waveforms of all sources; the value holds during
the step (``t_n`` to ``t_n + dt``), so a source switched on at ``start`` charges the
membrane from ``start`` on, without the delay NEST's generators have.

Waveforms are pure functions of the step number (noise is drawn once per noise
interval and kept), so the recorded current also has its sample at the time a run
stops.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pynn_hw.backend import SignalData
from pynn_hw.errors import RoundingWarning
from pynn_hw.standardmodels import electrodes as std

_NA = 1e-9


def _steps(value: float, dt: float, what: str) -> int:
    exact = float(value) / dt
    step = int(np.floor(exact + 0.5 + 1e-9))
    if abs(exact - step) > 1e-9 * max(1.0, abs(exact)):
        warnings.warn(f"{what}: {value!r} ms is not a multiple of the time step {dt} ms; "
                      f"rounded to {step * dt!r} ms", RoundingWarning, stacklevel=5)
    return step


@dataclass
class Waveform:
    """The current of one source, as a function of the step number.

    ``value(steps)`` returns the current (nA) of the source for each step; noise
    sources return one column per target cell.
    """

    label: str
    kind: type
    params: dict[str, Any]
    dt: float
    n_targets: int
    rng: np.random.Generator
    _noise_block: int = -1
    _noise_values: np.ndarray | None = None
    _window: tuple[int, int] = (0, 0)
    _step_table: tuple[np.ndarray, np.ndarray] | None = None

    def __post_init__(self) -> None:
        self.configure(self.params)

    def configure(self, params: dict[str, Any]) -> None:
        """Take new parameter values (effective from the next step)."""
        self.params = dict(params)
        if self.kind is std.StepCurrentSource or issubclass(self.kind, std.StepCurrentSource):
            given = np.asarray(params["times"], dtype=float)
            for time in given:
                _steps(time, self.dt, f"{self.label}.times")
            times, amplitudes = std.StepCurrentSource(
                times=given, amplitudes=np.asarray(params["amplitudes"], dtype=float)
            ).resolved(self.dt)
            self._step_table = (np.rint(times / self.dt).astype(np.int64), amplitudes)
            return
        self._window = (_steps(params["start"], self.dt, f"{self.label}.start"),
                        _steps(params["stop"], self.dt, f"{self.label}.stop"))
        if issubclass(self.kind, std.NoisyCurrentSource):
            self._noise_steps = max(_steps(params["dt"], self.dt, f"{self.label}.dt"), 1)

    def value(self, step: int) -> np.ndarray | float:
        """Current (nA) during the step starting at ``step * dt``."""
        if self._step_table is not None:
            switch, amplitudes = self._step_table
            k = int(np.searchsorted(switch, step, side="right")) - 1
            return float(amplitudes[k]) if k >= 0 else 0.0
        start, stop = self._window
        if not start <= step < stop:
            return 0.0
        p = self.params
        if issubclass(self.kind, std.DCSource):
            return float(p["amplitude"])
        if issubclass(self.kind, std.ACSource):
            t = step * self.dt
            return float(p["offset"]) + float(p["amplitude"]) * np.sin(
                2.0 * np.pi * float(p["frequency"]) * t / 1000.0 + np.deg2rad(float(p["phase"])))
        block = (step - start) // self._noise_steps
        if block != self._noise_block:
            self._noise_block = block
            self._noise_values = float(p["mean"]) + float(p["stdev"]) * self.rng.standard_normal(
                self.n_targets)
        return self._noise_values

    def restart(self, rng: np.random.Generator) -> None:
        """Forget drawn noise (after a reset)."""
        self.rng = rng
        self._noise_block = -1


SOURCE_KINDS: tuple[type, ...] = (std.DCSource, std.ACSource, std.StepCurrentSource,
                                  std.NoisyCurrentSource)


@dataclass
class _Target:
    """The cells of one population that one source feeds."""

    current: np.ndarray      # the population's i_inj array (SI), updated in place
    cells: np.ndarray        # local indices
    columns: np.ndarray      # positions of these cells among the source's targets


@dataclass
class Electrode:
    """A built current source: its waveform, its targets, its recording."""

    waveform: Waveform
    targets: list[_Target]
    record: bool
    steps: list[int] = field(default_factory=list)
    samples: list[float] = field(default_factory=list)
    cleared_at: int | None = None

    def take(self, step_now: int, clear: bool) -> SignalData:
        """The recorded current (nA) from 0 (or after the last clear) to now."""
        steps = np.asarray(self.steps, dtype=np.int64)
        values = np.asarray(self.samples, dtype=float)
        first = 0 if self.cleared_at is None else self.cleared_at + 1
        table = np.full(max(step_now - first + 1, 0), np.nan)
        inside = (steps >= first) & (steps <= step_now)
        table[steps[inside] - first] = values[inside]
        if step_now >= first:
            table[step_now - first] = _first(self.waveform.value(step_now))
        if clear:
            self.steps, self.samples = [], []
            self.cleared_at = step_now
        return SignalData(cells=np.zeros(1, np.int64), values=table[:, None],
                          t_start=first * self.waveform.dt,
                          sampling_interval=self.waveform.dt)


def _first(value: np.ndarray | float) -> float:
    return float(np.asarray(value).reshape(-1)[0]) if np.size(value) else 0.0


class CurrentDriver:
    """Sets ``i_inj`` of all fed cells at the start of every step.

    Parameters
    ----------
    dt
        Time step (ms).
    """

    def __init__(self, dt: float) -> None:
        self.dt = dt
        self.electrodes: list[Electrode] = []
        self._arrays: list[np.ndarray] = []

    def add(self, electrode: Electrode) -> None:
        self.electrodes.append(electrode)
        for target in electrode.targets:
            if not any(target.current is a for a in self._arrays):
                self._arrays.append(target.current)

    def step_function(self, clock: Any) -> Callable[[], None]:
        """The function the NetworkOperation calls every step of ``clock``."""
        def update() -> None:
            self.apply(int(round(float(np.asarray(clock.t_)) * 1000.0 / self.dt)))
        return update

    def apply(self, step: int) -> None:
        """Set ``i_inj`` for the step starting at ``step * dt``."""
        for array in self._arrays:
            array[:] = 0.0
        for electrode in self.electrodes:
            value = electrode.waveform.value(step)
            if electrode.record:
                electrode.steps.append(step)
                electrode.samples.append(_first(value))
            for target in electrode.targets:
                # a source lists each cell once, so fancy-index addition is exact
                if np.ndim(value):
                    target.current[target.cells] += value[target.columns] * _NA
                else:
                    target.current[target.cells] += value * _NA

    def restart(self, rng_for: Callable[[int], np.random.Generator]) -> None:
        """After a reset: forget recordings and noise."""
        for index, electrode in enumerate(self.electrodes):
            electrode.steps, electrode.samples, electrode.cleared_at = [], [], None
            electrode.waveform.restart(rng_for(index))
