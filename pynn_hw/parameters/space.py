"""ParameterSpace: the named, lazily evaluated parameter values of a set of cells.

A ParameterSpace maps parameter names to :class:`LazyArray` values that share one
shape (the population's size). With a ``schema`` it checks names and value types
when values are set; with a ``component`` (a model class that has
``check_parameter_values``) it also checks value ranges: at once for numbers, arrays
and Sequences, and at evaluation for random values and functions of the index.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np

from pynn_hw.errors import (InvalidDimensionsError, InvalidParameterValueError,
                            NonExistentParameterError)
from pynn_hw.parameters.lazyarray import LazyArray, Mask, _as_shape, is_random_distribution
from pynn_hw.parameters.sequence import ArrayParameter, Sequence, _ArrayValue, object_array

_NUMERIC_KINDS = (float, int, bool)
_EXPECTED = {
    float: "a number, an array of numbers, a RandomDistribution or a function of the index",
    int: "an integer, an array of integers, a RandomDistribution or a function of the index",
    bool: "a boolean or an array of booleans",
    Sequence: "a Sequence, a list of numbers, a list of Sequences (one per cell) "
              "or a function of the index returning a Sequence",
    ArrayParameter: "an ArrayParameter, a list of numbers, a list of ArrayParameters "
                    "(one per cell) or a function of the index",
}


class ParameterSpace:
    """Named parameter values, each a :class:`LazyArray` of a common shape.

    Parameters
    ----------
    parameters
        Name -> value (anything :class:`LazyArray` accepts).
    schema
        Name -> expected type (``float``, ``int``, ``Sequence``, ``ArrayParameter``);
        when given, unknown names and values of the wrong type are rejected.
    shape
        Shape of the cell array; may be set later through :attr:`shape`.
    component
        The model class the values belong to; used in error messages and, if it has a
        ``check_parameter_values(name, values)`` class method, to check value ranges.

    Raises
    ------
    NonExistentParameterError
        For a name not in ``schema``.
    InvalidParameterValueError
        For a value of the wrong type or out of range.
    InvalidDimensionsError
        For an array whose size does not match ``shape``.
    """

    def __init__(self, parameters: dict[str, Any], schema: dict[str, type] | None = None,
                 shape: Any = None, component: type | None = None) -> None:
        self.schema = dict(schema) if schema is not None else None
        self.component = component
        self._shape = _as_shape(shape)
        self._parameters: dict[str, LazyArray] = {}
        self._checked: set[str] = set()
        self.update(**parameters)

    # -- naming --------------------------------------------------------------------
    @property
    def _model_name(self) -> str:
        return getattr(self.component, "__name__", None) or "ParameterSpace"

    def _check_name(self, name: str) -> None:
        if self.schema is not None and name not in self.schema:
            raise NonExistentParameterError(name, self._model_name, self.schema)

    # -- shape ---------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...] | None:
        """Shape of every value (``None`` until known); setting it propagates."""
        return self._shape

    @shape.setter
    def shape(self, shape: Any) -> None:
        shape = _as_shape(shape)
        for name, lazy in self._parameters.items():
            self._set_lazy_shape(name, lazy, shape)
        self._shape = shape
        if shape is not None:
            self._checked |= {name for name, lazy in self._parameters.items()
                              if name not in self._checked and self._check_now(name, lazy)}

    def _set_lazy_shape(self, name: str, lazy: LazyArray, shape: Any) -> None:
        try:
            lazy.shape = shape
        except InvalidDimensionsError as exc:
            raise InvalidDimensionsError(f"{self._model_name}.{name}: {exc}") from None

    # -- mapping interface -----------------------------------------------------------
    def keys(self):
        """Parameter names."""
        return self._parameters.keys()

    def items(self):
        """(name, LazyArray) pairs."""
        return self._parameters.items()

    def values(self):
        """The LazyArrays."""
        return self._parameters.values()

    def __getitem__(self, name: str) -> LazyArray:
        try:
            return self._parameters[name]
        except KeyError:
            raise NonExistentParameterError(name, self._model_name,
                                            self.schema or self._parameters) from None

    def __setitem__(self, name: str, value: Any) -> None:
        self.update(**{name: value})

    def __contains__(self, name: object) -> bool:
        return name in self._parameters

    def __len__(self) -> int:
        return len(self._parameters)

    def update(self, **parameters: Any) -> None:
        """Set several values; all are checked before any is stored."""
        converted: dict[str, LazyArray] = {}
        for name, value in parameters.items():
            self._check_name(name)
            lazy = self._to_lazy(name, value)
            if self._shape is not None:
                self._set_lazy_shape(name, lazy, self._shape)
            converted[name] = lazy
        checked = {name for name, lazy in converted.items() if self._check_now(name, lazy)}
        consistency = getattr(self.component, "check_consistency", None)
        if consistency is not None:
            consistency({**self._parameters, **converted})
        self._parameters.update(converted)
        self._checked = (self._checked - set(converted)) | checked

    # -- conversion and checks -----------------------------------------------------
    def _type_error(self, name: str, value: Any, kind: type) -> InvalidParameterValueError:
        return InvalidParameterValueError(
            f"{self._model_name}.{name}: expected a value of type {kind.__name__} "
            f"({_EXPECTED[kind]}), got {value!r} ({type(value).__name__})")

    def convert(self, name: str, value: Any, shape: Any = None) -> LazyArray:
        """Check a value for ``name`` as :meth:`update` would and return it as a LazyArray.

        Useful to evaluate a value given for part of the cells (a view) with that part's
        shape before merging it into the whole, e.g. a list of numbers for a Sequence
        parameter becomes one Sequence, not an array.

        Parameters
        ----------
        name
            Parameter name (checked against the schema).
        value
            The value, in any form :meth:`update` accepts.
        shape
            Shape of the returned LazyArray (default: this space's shape).
        """
        self._check_name(name)
        lazy = self._to_lazy(name, value)
        self._set_lazy_shape(name, lazy, _as_shape(shape) if shape is not None else self._shape)
        if lazy.shape is not None or lazy.is_homogeneous:
            self._check_now(name, lazy)
        return lazy

    def _to_lazy(self, name: str, value: Any) -> LazyArray:
        kind = self.schema.get(name) if self.schema is not None else None
        if isinstance(value, LazyArray):
            return LazyArray(value, dtype=kind or value.dtype)
        if kind is None:
            return LazyArray(value)
        if kind in _NUMERIC_KINDS:
            return LazyArray(self._numeric_value(name, value, kind), dtype=kind)
        return LazyArray(self._array_value(name, value, kind), dtype=kind)

    def _numeric_value(self, name: str, value: Any, kind: type) -> Any:
        if isinstance(value, (bool, np.bool_)) and kind is not bool:
            raise self._type_error(name, value, kind)
        if isinstance(value, (numbers.Real, np.integer, np.floating, np.bool_)):
            if kind is int and not float(value).is_integer():
                raise self._type_error(name, value, kind)
            return value
        if is_random_distribution(value) or (callable(value) and not isinstance(value, type)):
            return value
        if isinstance(value, str) and getattr(self.component, "accepts_expressions", False):
            return value  # e.g. a synaptic delay "0.2 + 0.3*d", evaluated per connection
        if isinstance(value, (list, tuple, np.ndarray)):
            array = np.asarray(value) if not isinstance(value, np.ndarray) else value
            if array.dtype.kind in "biuf" and (kind is not bool or array.dtype.kind == "b"):
                if kind is int and array.dtype.kind == "f" and np.any(array != np.round(array)):
                    raise self._type_error(name, value, kind)
                return array
        raise self._type_error(name, value, kind)

    def _array_value(self, name: str, value: Any, kind: type) -> Any:
        if isinstance(value, _ArrayValue):
            return value if type(value) is kind else kind(value.value)
        if callable(value) and not is_random_distribution(value) \
                and not isinstance(value, type):
            return value
        if isinstance(value, (list, tuple, np.ndarray)):
            items = list(value)
            if items and all(isinstance(v, (_ArrayValue, list, tuple, np.ndarray))
                             for v in items):
                try:
                    return object_array([kind(v.value if isinstance(v, _ArrayValue) else v)
                                         for v in items])
                except (TypeError, ValueError):
                    raise self._type_error(name, value, kind) from None
            try:
                return kind(items)
            except (TypeError, ValueError):
                raise self._type_error(name, value, kind) from None
        raise self._type_error(name, value, kind)

    def _checker(self):
        return getattr(self.component, "check_parameter_values", None)

    def _check_now(self, name: str, lazy: LazyArray) -> bool:
        """Check a value as soon as it can be known; return whether it was checked.

        Random values are drawn here as soon as the shape is known (and cached by
        their LazyArray), so that draws happen in the order the user wrote the
        script, as PyNN does, rather than in the order of later evaluations.
        """
        check = self._checker()
        if lazy.is_homogeneous:
            if check is not None:
                check(name, lazy.evaluate(simplify=True))
            return True
        if lazy.shape is None:
            return False
        values = lazy.evaluate()
        if check is not None:
            check(name, values)
        return True

    # -- evaluation ----------------------------------------------------------------
    @property
    def is_homogeneous(self) -> bool:
        """True when every parameter has one value for all cells."""
        return all(lazy.is_homogeneous for lazy in self._parameters.values())

    def evaluate(self, mask: Mask = None, simplify: bool = True) -> dict[str, Any]:
        """The values of the cells selected by ``mask``, without changing the space.

        Parameters
        ----------
        mask
            ``None`` (all cells), a slice, an int, an int array or a boolean array.
        simplify
            Return one value (scalar or Sequence) for a homogeneous parameter.

        Returns
        -------
        dict
            Name -> array (or single value).
        """
        check = self._checker()
        result = {}
        for name, lazy in self._parameters.items():
            values = lazy.evaluate(mask, simplify=simplify)
            if check is not None and name not in self._checked:
                check(name, values)
            result[name] = values
        return result

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the evaluated values (simplified where homogeneous)."""
        return self.evaluate(simplify=True)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """One dict of values per cell (the shape must be one-dimensional)."""
        shape = self._shape
        if shape is None or len(shape) != 1:
            raise ValueError(f"iterating over a ParameterSpace needs a 1-D shape, not {shape}")
        values = self.evaluate(simplify=False)
        for i in range(shape[0]):
            yield {name: _plain(array[i]) for name, array in values.items()}

    def copy(self) -> ParameterSpace:
        """A new space with the same values (random values drawn after this are not shared)."""
        new = ParameterSpace({}, self.schema, self._shape, self.component)
        new._parameters = {name: LazyArray(lazy) for name, lazy in self._parameters.items()}
        new._checked = set(self._checked)
        return new

    def __repr__(self) -> str:
        inner = ", ".join(f"{name!r}: {lazy!r}" for name, lazy in self._parameters.items())
        return f"ParameterSpace({{{inner}}}, shape={self._shape})"


def _plain(value: Any) -> Any:
    """A numpy scalar as the matching Python number; anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value
