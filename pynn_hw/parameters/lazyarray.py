"""LazyArray: a parameter value that becomes an array of a given shape on demand.

A population's parameter may be given as one number, an array, a random distribution,
a function of the cell index or a :class:`~pynn_hw.parameters.Sequence`. The front-end
keeps it in this form until the values are needed (and then only for the cells that
are asked for), so that a population of a million cells with ``tau_m=20.0`` stores one
number.

Random values are always drawn for the *whole* shape, once, and cached: a view
(``mask``) sees the very values the whole population sees, whatever the order in
which views and the population are evaluated.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from pynn_hw.errors import InvalidDimensionsError
from pynn_hw.parameters.sequence import (ArrayParameter, Sequence, _ArrayValue,
                                         filled_object_array, object_array)

Mask = None | slice | int | np.integer | np.ndarray | list | tuple

_ARRAY_VALUE_KINDS = (Sequence, ArrayParameter)


def is_random_distribution(value: Any) -> bool:
    """Whether ``value`` behaves as a ``RandomDistribution`` (has a ``next`` method)."""
    return callable(getattr(value, "next", None)) and not isinstance(value, type)


def _as_shape(shape: Any) -> tuple[int, ...] | None:
    if shape is None:
        return None
    if isinstance(shape, (numbers.Integral, np.integer)):
        return (int(shape),)
    return tuple(int(n) for n in shape)


class _Draws:
    """Holder of the values drawn for one random LazyArray (and those derived from it)."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: np.ndarray | None = None


class LazyArray:
    """A value that is expanded to an array of ``shape`` only when evaluated.

    Parameters
    ----------
    value
        A scalar, a numeric array (its shape must match ``shape``), a
        ``RandomDistribution`` (anything with ``next(n, mask=None)``), a function of the
        index (called with an int array of indices; for 2-D shapes with two arrays), a
        :class:`Sequence`/:class:`ArrayParameter` (every element the same value), a
        list/array of them (one per element), or another LazyArray.
    shape
        Shape of the full array; may be set later through :attr:`shape`.
    dtype
        ``float``, ``int``, ``bool``, :class:`Sequence` or :class:`ArrayParameter`. For
        the latter two, functions are called once per index.

    Raises
    ------
    InvalidDimensionsError
        If an array value does not fit ``shape``.
    """

    # Make numpy hand ``array * lazy`` and ``np.float64(2) * lazy`` to our reflected
    # operators instead of treating the LazyArray as an opaque object element.
    __array_ufunc__ = None

    def __init__(self, value: Any, shape: Any = None, dtype: type | None = None) -> None:
        self._operations: list[tuple[Callable[[Any, Any], Any], Any, bool]] = []
        # Shared with LazyArrays derived from this one (e.g. by unit scaling), so that
        # they all see the same draws; replaced, not cleared, when the shape changes.
        self._draws = _Draws()
        self.dtype = dtype
        if isinstance(value, LazyArray):
            self.base_value = value.base_value
            self._operations = list(value._operations)
            self._draws = value._draws
            self.dtype = dtype if dtype is not None else value.dtype
            self._shape = value._shape
            if shape is not None:
                self.shape = _as_shape(shape)
            return
        self.base_value = self._normalise(value)
        self._shape: tuple[int, ...] | None = None
        if isinstance(self.base_value, np.ndarray) and shape is None:
            self._shape = self.base_value.shape
        else:
            self.shape = _as_shape(shape)

    @staticmethod
    def _normalise(value: Any) -> Any:
        if isinstance(value, (_ArrayValue, numbers.Number, np.generic, str)) or value is None:
            return value
        if is_random_distribution(value) or callable(value):
            return value
        if isinstance(value, (list, tuple)):
            if value and all(isinstance(v, _ArrayValue) for v in value):
                return object_array(value)
            return np.asarray(value)
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return value.item() if value.dtype != object else value[()]
        if isinstance(value, np.ndarray):
            return value.copy()  # later changes to the caller's array must not leak in
        raise TypeError(f"cannot make a LazyArray from {value!r} ({type(value).__name__})")

    # -- shape ---------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...] | None:
        """Shape of the full array (``None`` until known)."""
        return self._shape

    @shape.setter
    def shape(self, shape: Any) -> None:
        shape = _as_shape(shape)
        if isinstance(self.base_value, np.ndarray) and shape is None:
            shape = self.base_value.shape  # an array knows its own shape
        if isinstance(self.base_value, np.ndarray) and self.base_value.shape != shape:
            raise InvalidDimensionsError(
                f"an array of shape {self.base_value.shape} (size {self.base_value.size}) "
                f"was given where shape {shape} (size {int(np.prod(shape))}) is needed")
        if shape != self._shape:
            self._draws = _Draws()
        self._shape = shape

    @property
    def size(self) -> int:
        """Number of elements of the full array."""
        return int(np.prod(self._require_shape()))

    def _require_shape(self) -> tuple[int, ...]:
        if self._shape is None:
            raise ValueError(
                f"the shape of this LazyArray ({self._describe_base()}) is not set; "
                "set .shape before evaluating it")
        return self._shape

    # -- properties ----------------------------------------------------------------
    @property
    def is_homogeneous(self) -> bool:
        """True when every element has the same value (scalar or single Sequence)."""
        base_homogeneous = (isinstance(self.base_value, (numbers.Number, np.generic, _ArrayValue))
                            or self.base_value is None)
        return base_homogeneous and all(
            not isinstance(operand, (np.ndarray, LazyArray)) for _, operand, _ in self._operations)

    @property
    def is_random(self) -> bool:
        """True when the values come from a random distribution."""
        return is_random_distribution(self.base_value)

    # -- evaluation ----------------------------------------------------------------
    def evaluate(self, mask: Mask = None, simplify: bool = False) -> Any:
        """The values of the elements selected by ``mask``.

        Parameters
        ----------
        mask
            ``None`` (all), a slice, an int, an int array or a boolean array.
        simplify
            If True and the value is homogeneous, return the single value (a scalar or a
            Sequence) instead of an array.

        Returns
        -------
        numpy.ndarray or scalar or Sequence
        """
        if simplify and self.is_homogeneous:
            return self._apply_operations(self._cast_scalar(self.base_value), None)
        mask = self._normalise_mask(mask)
        values = self._apply_operations(self._evaluate_base(mask), mask)
        if isinstance(values, np.ndarray) and values.ndim == 0:
            return values[()]
        return values

    def __getitem__(self, mask: Mask) -> Any:
        return self.evaluate(mask)

    def _normalise_mask(self, mask: Mask) -> Any:
        if isinstance(mask, list):
            mask = np.asarray(mask)
            if mask.size == 0:
                mask = mask.astype(int)
        return mask

    def _masked_shape(self, mask: Any) -> tuple[int, ...]:
        shape = self._require_shape()
        if mask is None:
            return shape
        # A zero-stride view costs no memory; indexing it validates the mask too.
        return np.broadcast_to(np.int8(0), shape)[mask].shape

    def _evaluate_base(self, mask: Any) -> Any:
        base = self.base_value
        if isinstance(base, np.ndarray) or is_random_distribution(base):
            stored = base if isinstance(base, np.ndarray) else self._random_values()
            self._require_shape()
            values = stored if mask is None else stored[mask]
            # Callers get their own array: changing it must not change the stored values.
            if isinstance(values, np.ndarray) and np.shares_memory(values, stored):
                values = values.copy()
            return self._cast_array(values)
        if isinstance(base, _ArrayValue) or base is None:
            shape = self._masked_shape(mask)
            return base if shape == () else filled_object_array(base, shape)
        if callable(base):
            return self._call(base, mask)
        shape = self._masked_shape(mask)
        value = self._cast_scalar(base)
        return value if shape == () else np.full(shape, value)

    def _random_values(self) -> np.ndarray:
        if self._draws.values is None:
            shape = self._require_shape()
            drawn = np.asarray(self.base_value.next(int(np.prod(shape)), mask=None))
            values = self._cast_array(drawn.reshape(shape))
            values.flags.writeable = False
            self._draws.values = values
        return self._draws.values

    def _call(self, function: Callable, mask: Any) -> Any:
        shape = self._require_shape()
        if len(shape) == 1:
            indices: tuple[np.ndarray, ...] = (np.arange(shape[0]) if mask is None
                                               else np.arange(shape[0])[mask],)
        else:
            grids = np.indices(shape)
            indices = tuple(g if mask is None else g[mask] for g in grids)
        if self.dtype in _ARRAY_VALUE_KINDS:
            flat = [np.ravel(ix) for ix in indices]
            items = [self._as_array_value(function(*(int(ix[k]) for ix in flat)))
                     for k in range(flat[0].size)]
            result = object_array(items, np.shape(indices[0]))
            return result if result.ndim else result[()]
        values = np.asarray(function(*indices))
        return self._cast_array(np.broadcast_to(values, np.shape(indices[0])).copy())

    def _as_array_value(self, item: Any) -> Any:
        return item if isinstance(item, _ArrayValue) else self.dtype(item)

    def _cast_scalar(self, value: Any) -> Any:
        if self.dtype in (float, int, bool) and isinstance(value, (numbers.Number, np.generic)):
            return self.dtype(value)
        return value

    def _cast_array(self, values: np.ndarray) -> np.ndarray:
        if self.dtype in (float, int, bool) and values.dtype != object:
            return values.astype(self.dtype, copy=False)
        return values

    def _apply_operations(self, values: Any, mask: Any) -> Any:
        for op, operand, reflected in self._operations:
            if isinstance(operand, LazyArray):
                operand = operand.evaluate(mask)
            elif isinstance(operand, np.ndarray) and mask is not None:
                operand = operand[mask]
            values = op(operand, values) if reflected else op(values, operand)
        return values

    # -- lazy arithmetic -----------------------------------------------------------
    def _with_operation(self, op: Callable, operand: Any, reflected: bool = False) -> LazyArray:
        if not isinstance(operand, (numbers.Number, np.generic, np.ndarray, LazyArray)):
            return NotImplemented
        if isinstance(operand, np.ndarray) and self._shape is not None \
                and operand.ndim and operand.shape != self._shape:
            raise InvalidDimensionsError(
                f"cannot combine a LazyArray of shape {self._shape} with an array of "
                f"shape {operand.shape}")
        result = LazyArray(self)
        result._operations.append((op, operand, reflected))
        return result

    def __add__(self, other: Any) -> LazyArray:
        return self._with_operation(operator.add, other)

    def __radd__(self, other: Any) -> LazyArray:
        return self._with_operation(operator.add, other, reflected=True)

    def __sub__(self, other: Any) -> LazyArray:
        return self._with_operation(operator.sub, other)

    def __rsub__(self, other: Any) -> LazyArray:
        return self._with_operation(operator.sub, other, reflected=True)

    def __mul__(self, other: Any) -> LazyArray:
        return self._with_operation(operator.mul, other)

    def __rmul__(self, other: Any) -> LazyArray:
        return self._with_operation(operator.mul, other, reflected=True)

    def __truediv__(self, other: Any) -> LazyArray:
        return self._with_operation(operator.truediv, other)

    def __rtruediv__(self, other: Any) -> LazyArray:
        return self._with_operation(operator.truediv, other, reflected=True)

    def __neg__(self) -> LazyArray:
        return self._with_operation(operator.mul, -1)

    # -- display -------------------------------------------------------------------
    def _describe_base(self) -> str:
        base = self.base_value
        if isinstance(base, np.ndarray):
            return f"array of shape {base.shape}"
        if is_random_distribution(base) or callable(base):
            return repr(base)
        return repr(base)

    def __repr__(self) -> str:
        ops = "".join(f" {op.__name__} {operand!r}" for op, operand, _ in self._operations)
        return f"LazyArray({self._describe_base()}{ops}, shape={self._shape})"
