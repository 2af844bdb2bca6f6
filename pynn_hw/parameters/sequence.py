"""Array-valued parameter values: :class:`Sequence` and :class:`ArrayParameter`.

A parameter such as ``spike_times`` has, for *each cell*, a whole array as its value.
These classes wrap such an array so that it behaves as one value: a population of
``n`` cells holds ``n`` of them (an object array), and arithmetic with a scalar (unit
scaling) gives a new value of the same class.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np


class _ArrayValue:
    """An immutable 1-D float array that counts as a single parameter value."""

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        if isinstance(value, _ArrayValue):
            array = value.value
        else:
            try:
                array = np.array(value, dtype=float)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"{type(self).__name__} needs numbers, got {value!r}") from exc
        if array.ndim == 0:
            array = array.reshape(1)
        if array.ndim != 1:
            raise ValueError(
                f"{type(self).__name__} must be one-dimensional, got shape {array.shape}")
        array.flags.writeable = False
        object.__setattr__(self, "_value", array)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        # The default slot-state restore would go through the refused __setattr__.
        return (type(self), (np.array(self._value),))

    @property
    def value(self) -> np.ndarray:
        """The values as a read-only float array."""
        return self._value

    def __len__(self) -> int:
        return self._value.shape[0]

    def __getitem__(self, index: Any) -> Any:
        return self._value[index]

    def __iter__(self):
        return iter(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _ArrayValue):
            if type(other) is not type(self):
                return False
            other_value = other.value
        elif isinstance(other, (list, tuple, np.ndarray)):
            try:
                other_value = np.asarray(other, dtype=float)
            except (TypeError, ValueError):
                return False
        else:
            return NotImplemented
        return bool(self._value.shape == other_value.shape
                    and np.array_equal(self._value, other_value))

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._value.tobytes()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._value.tolist()!r})"

    def max(self) -> float:
        """Largest element (``nan`` when empty, so that empty sequences can be compared)."""
        return float(self._value.max()) if len(self) else float("nan")

    def min(self) -> float:
        """Smallest element (``nan`` when empty)."""
        return float(self._value.min()) if len(self) else float("nan")

    def _combine(self, other: Any, op) -> Any:
        if isinstance(other, numbers.Real):
            return type(self)(op(self._value, float(other)))
        if isinstance(other, np.ndarray) and other.ndim > 0:
            # One operand per cell: an object array of values, one per element.
            return object_array([type(self)(op(self._value, float(x))) for x in other.flat],
                                other.shape)
        if isinstance(other, np.number):
            return type(self)(op(self._value, float(other)))
        return NotImplemented

    def __add__(self, other: Any) -> Any:
        return self._combine(other, np.add)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return self._combine(other, np.subtract)

    def __rsub__(self, other: Any) -> Any:
        return self._combine(other, lambda a, b: b - a)

    def __mul__(self, other: Any) -> Any:
        return self._combine(other, np.multiply)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Any:
        return self._combine(other, np.true_divide)

    def __rtruediv__(self, other: Any) -> Any:
        return self._combine(other, lambda a, b: b / a)

    def __neg__(self) -> Any:
        return type(self)(-self._value)


class Sequence(_ArrayValue):
    """A sequence of numbers given to one cell as one parameter value (e.g. spike times).

    Parameters
    ----------
    value
        Anything convertible to a 1-D float array.

    Examples
    --------
    >>> Sequence([1.0, 2.5]) * 2
    Sequence([2.0, 5.0])
    """

    __slots__ = ()


class ArrayParameter(_ArrayValue):
    """An array of numbers given to one cell as one parameter value (e.g. ``tau_eta``).

    Unlike a :class:`Sequence` the elements are not ordered in time: they are the
    components of a vector-valued parameter.
    """

    __slots__ = ()


def object_array(items: Iterable[Any], shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Build an object array holding ``items`` as elements.

    ``np.array`` would unpack :class:`Sequence` objects into a 2-D float array;
    this helper keeps every item as one element.
    """
    items = list(items)
    result = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        result[i] = item
    return result.reshape(shape) if shape is not None else result


def filled_object_array(item: Any, shape: tuple[int, ...]) -> np.ndarray:
    """An object array of ``shape`` whose every element is ``item`` (shared, immutable)."""
    result = np.empty(shape, dtype=object)
    result.fill(item)
    return result
