"""Standard current sources (electrodes).

A current source holds single values (one amplitude, one start time...), not one per
cell. Its parameters can be read and written as attributes. Once injected, the
source is bound to the session that runs it (``self._session``): parameter changes
are passed on at once, and the session provides the recorded current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np

from pynn_hw.errors import InvalidParameterValueError, RecordingError
from pynn_hw.parameters import LazyArray, ParameterSpace, Sequence
from pynn_hw.standardmodels.base import StandardModelType
from pynn_hw.standardmodels.spec import NON_DECREASING, NON_NEGATIVE, POSITIVE, p


class StandardCurrentSource(StandardModelType):
    """Base of the current sources: attribute access, injection, recording.

    Parameters
    ----------
    **parameters
        Single values (numbers, or Sequences for step sources).

    Raises
    ------
    NonExistentParameterError
        For an unknown name.
    InvalidParameterValueError
        For a value that is not single, of the wrong type, out of range, or
        inconsistent with the others (e.g. ``stop < start``).
    """

    #: Unit of the injected current.
    current_units: ClassVar[str] = "nA"

    def __init__(self, **parameters: Any) -> None:
        object.__setattr__(self, "_session", None)
        object.__setattr__(self, "_recording", False)
        super().__init__(**parameters)
        self._check_single_values(self.parameter_space)

    # -- checks --------------------------------------------------------------------
    @classmethod
    def _check_single_values(cls, space: ParameterSpace) -> None:
        for name, lazy in space.items():
            if not lazy.is_homogeneous:
                raise InvalidParameterValueError(
                    f"{cls.__name__}.{name} must be a single value "
                    f"({cls.get_schema()[name].__name__}), got {lazy!r}")

    @classmethod
    def check_consistency(cls, values: Mapping[str, LazyArray]) -> None:
        """As the base class, and ``stop`` must not come before ``start``."""
        super().check_consistency(values)
        start, stop = values.get("start"), values.get("stop")
        if start is None or stop is None or not (start.is_homogeneous and stop.is_homogeneous):
            return
        start_value, stop_value = start.evaluate(simplify=True), stop.evaluate(simplify=True)
        if stop_value < start_value:
            raise InvalidParameterValueError(
                f"{cls.__name__}.stop must be >= start ({start_value!r} ms), "
                f"got {stop_value!r} ms")

    # -- parameters ----------------------------------------------------------------
    def set_parameters(self, **parameters: Any) -> None:
        """Change parameters; checked first, then passed on to the running session."""
        cls = type(self)
        for name in parameters:
            cls._check_name(name)
        candidate = self.parameter_space.copy()
        candidate.update(**parameters)
        self._check_single_values(candidate)
        object.__setattr__(self, "parameter_space", candidate)
        if self._session is not None:
            self._session.update_current_source(self)

    def get_parameters(self) -> dict[str, Any]:
        """Name -> value (numbers, or Sequences for step sources)."""
        return self.parameter_space.evaluate(simplify=True)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, i.e. for parameter names.
        table = type(self).parameter_table
        if name in table and "parameter_space" in self.__dict__:
            return self.parameter_space[name].evaluate(simplify=True)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            # Unknown names raise NonExistentParameterError instead of silently
            # creating an attribute (a typo would otherwise change nothing).
            self.set_parameters(**{name: value})

    # -- injection and recording ---------------------------------------------------
    def inject_into(self, cells: Any) -> None:
        """Inject this current into ``cells``.

        Parameters
        ----------
        cells
            A Population, PopulationView, Assembly, ID, or a list of IDs.

        Raises
        ------
        TypeError
            If any target is a spike source, or ``cells`` is not a set of cells.
        """
        for celltype in _celltypes_of(cells):
            if not getattr(celltype, "injectable", True):
                name = getattr(celltype, "__name__", type(celltype).__name__)
                raise TypeError(f"cannot inject {type(self).__name__} into {name} cells: "
                                "spike sources take no current")
        session = _session_of(cells)
        session.inject_current(self, cells)
        if self._session is None:
            self._session = session

    def record(self) -> None:
        """Record the injected current (available through :meth:`get_data`)."""
        self._recording = True
        if self._session is not None:
            self._session.record_current(self)

    def get_data(self) -> Any:
        """The recorded current as a ``neo.AnalogSignal`` in nA.

        Raises
        ------
        RecordingError
            If the source was not injected or :meth:`record` was not called.
        """
        if self._session is None:
            raise RecordingError("i", type(self).__name__,
                                 reason="it has not been injected into any cells "
                                        "(call inject_into first)")
        if not self._recording:
            raise RecordingError("i", type(self).__name__,
                                 reason="record() was not called on it")
        return self._session.get_current_data(self)


def _celltypes_of(cells: Any) -> list[Any]:
    if hasattr(cells, "populations"):
        return [pop.celltype for pop in cells.populations]
    if hasattr(cells, "celltype"):
        return [cells.celltype]
    if isinstance(cells, Iterable):
        return [getattr(cell, "celltype", None) for cell in cells]
    return []


def _session_of(cells: Any) -> Any:
    session = getattr(cells, "_session", None)
    if session is None and isinstance(cells, (list, tuple, np.ndarray)) and len(cells):
        session = getattr(cells[0], "_session", None)
    if session is None:
        raise TypeError(f"cannot inject current into {cells!r}: expected a Population, "
                        "PopulationView, Assembly, ID or a list of IDs")
    return session


_WINDOW = {"start": p(0.0, "ms", NON_NEGATIVE, doc="switch-on time"),
           "stop": p(1e12, "ms", NON_NEGATIVE, doc="switch-off time")}


class DCSource(StandardCurrentSource):
    """A constant current between ``start`` and ``stop``."""

    parameter_table = {"amplitude": p(1.0, "nA", doc="current"), **_WINDOW}


class ACSource(StandardCurrentSource):
    """A sinusoidal current ``offset + amplitude * sin(2 pi frequency t + phase)``."""

    parameter_table = {
        "amplitude": p(1.0, "nA", doc="amplitude of the sine"),
        **_WINDOW,
        "frequency": p(10.0, "Hz", NON_NEGATIVE, doc="frequency"),
        "offset": p(0.0, "nA", doc="constant added to the sine"),
        "phase": p(0.0, "deg", doc="phase at t = 0"),
    }


class StepCurrentSource(StandardCurrentSource):
    """A piecewise-constant current: ``amplitudes[k]`` from ``times[k]`` on.

    ``times`` (ms) must be non-negative and in increasing order and have as many
    elements as ``amplitudes`` (nA).
    """

    parameter_table = {
        "amplitudes": p(Sequence([]), "nA", doc="current from each time on"),
        "times": p(Sequence([]), "ms", NON_NEGATIVE, NON_DECREASING, doc="switching times"),
    }

    same_length = (("amplitudes", "times"),)

    def resolved(self, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """Switching times rounded to the time grid, without duplicates.

        Parameters
        ----------
        dt
            Grid spacing (the simulation time step) in ms.

        Returns
        -------
        times, amplitudes
            Float arrays; each time is rounded to the nearest multiple of ``dt`` (halves
            round up), and where several times round to the same grid point the last
            amplitude given for it is kept.
        """
        if not dt > 0:
            raise ValueError(f"dt must be > 0 ms, got {dt!r}")
        values = self.get_parameters()
        # Halves round up; the 1e-9 keeps e.g. 0.35 / 0.1 = 3.4999999999999996 a half.
        steps = np.floor(values["times"].value / dt + 0.5 + 1e-9).astype(np.int64)
        amplitudes = values["amplitudes"].value
        keep = np.ones(steps.shape, dtype=bool)
        keep[:-1] = steps[1:] != steps[:-1]
        return steps[keep] * dt, amplitudes[keep].copy()


class NoisyCurrentSource(StandardCurrentSource):
    """Gaussian white-noise current, a new value every ``dt`` between start and stop."""

    parameter_table = {
        "mean": p(0.0, "nA", doc="mean current"),
        "stdev": p(1.0, "nA", NON_NEGATIVE, doc="standard deviation"),
        **_WINDOW,
        "dt": p(0.1, "ms", POSITIVE, doc="interval between new values"),
    }


STANDARD_CURRENT_SOURCES: tuple[type[StandardCurrentSource], ...] = (
    DCSource, ACSource, StepCurrentSource, NoisyCurrentSource)

__all__ = ["StandardCurrentSource", "STANDARD_CURRENT_SOURCES"] + [
    cls.__name__ for cls in STANDARD_CURRENT_SOURCES]
