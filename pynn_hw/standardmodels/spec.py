"""The declarative tables that define a standard model: parameters, state, constraints.

Each model class states one table of :class:`Param` (and, for cells, one of
:class:`State`); everything PyNN exposes as separate attributes
(``default_parameters``, ``units``, ``default_initial_values``, ``recordable``, the
schema) is derived from these tables, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pynn_hw.parameters.sequence import ArrayParameter, Sequence

#: Unit strings used by the standard models (PyNN's conventions).
UNITS = frozenset({"mV", "nF", "ms", "nA", "uS", "Hz", "nS", "/ms", "mV/ms",
                   "dimensionless", "s", "deg"})


@dataclass(frozen=True)
class Bound:
    """A lower bound on a value (applied to every element of array-valued values)."""

    low: float
    strict: bool

    def violated(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of the elements that break the bound (NaN always does)."""
        with np.errstate(invalid="ignore"):
            ok = values > self.low if self.strict else values >= self.low
        return ~ok

    def describe(self) -> str:
        return f"{'>' if self.strict else '>='} {self.low:g}"


@dataclass(frozen=True)
class NonDecreasing:
    """The elements of each array value must not decrease."""

    def violated_sequence(self, values: np.ndarray) -> bool:
        return bool(np.any(np.diff(values) < 0))

    def describe(self) -> str:
        return "in increasing order"


@dataclass(frozen=True)
class NotNaN:
    """Every element must be a number; infinity is allowed (e.g. to disable firing)."""

    def violated(self, values: np.ndarray) -> np.ndarray:
        return np.isnan(values)

    def describe(self) -> str:
        return "a number (not NaN)"


POSITIVE = Bound(0.0, strict=True)
NON_NEGATIVE = Bound(0.0, strict=False)
NON_DECREASING = NonDecreasing()
NOT_NAN = NotNaN()


@dataclass(frozen=True)
class Param:
    """One parameter of a model.

    Attributes
    ----------
    default
        Default value (a float, or a Sequence/ArrayParameter for array values).
    unit
        PyNN unit string; ``None`` when it depends on context (synaptic weights).
    checks
        Constraints every value must satisfy.
    kind
        Value type: ``float``, ``int``, ``Sequence`` or ``ArrayParameter``.
    doc
        One-line meaning, used by ``describe()``.
    """

    default: Any
    unit: str | None
    checks: tuple[Any, ...] = ()
    kind: type = float
    doc: str = ""


@dataclass(frozen=True)
class State:
    """One state variable of a cell model.

    Attributes
    ----------
    initial
        Default initial value; ``None`` for a variable that can be recorded but not
        initialised.
    unit
        PyNN unit string.
    recordable
        Whether ``Population.record`` accepts it.
    """

    initial: float | None
    unit: str
    recordable: bool = True


def p(default: Any, unit: str | None, *checks: Any, doc: str = "") -> Param:
    """Shorthand for a :class:`Param` whose kind follows from its default value."""
    if isinstance(default, Sequence):
        kind: type = Sequence
    elif isinstance(default, ArrayParameter):
        kind = ArrayParameter
    else:
        kind = float
    if kind is float and NOT_NAN not in checks and not any(isinstance(c, Bound) for c in checks):
        checks = (*checks, NOT_NAN)
    return Param(default, unit, tuple(checks), kind, doc)
