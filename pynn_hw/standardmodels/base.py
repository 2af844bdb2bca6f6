"""Base classes of the standard models: cells, synapses and current sources.

A model class declares its parameters in one table (``parameter_table``, and for
cells ``state_table``); :meth:`StandardModelType.__init_subclass__` derives the
PyNN class attributes (``default_parameters``, ``units``, ``default_initial_values``,
``recordable``) from those tables. Instances hold their values in a
:class:`~pynn_hw.parameters.ParameterSpace` that knows its model, so every value is
checked against the model's constraints when it is set or, for random values and
functions of the index, when it is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from pynn_hw.errors import InvalidParameterValueError, NonExistentParameterError
from pynn_hw.parameters import ArrayParameter, LazyArray, ParameterSpace, Sequence
from pynn_hw.standardmodels.spec import Bound, NonDecreasing, NotNaN, Param, State


class StandardModelType:
    """A model with a fixed set of named, typed, unit-bearing parameters.

    Parameters
    ----------
    **parameters
        Values for some of the parameters; the others take their defaults. A value may
        be a number, an array with one element per cell, a ``RandomDistribution``, a
        function of the cell index, a :class:`~pynn_hw.parameters.Sequence` or a list
        of them, depending on the parameter's type.

    Raises
    ------
    NonExistentParameterError
        For a name that is not a parameter of the model.
    InvalidParameterValueError
        For a value of the wrong type or outside the valid range.
    """

    #: The one table that defines the parameters: name -> Param.
    parameter_table: ClassVar[dict[str, Param]] = {}
    #: Derived: name -> default value.
    default_parameters: ClassVar[dict[str, Any]] = {}
    #: Derived: name -> PyNN unit string (parameters, and for cells state variables).
    units: ClassVar[dict[str, str | None]] = {}

    #: Groups of array-valued parameters that must have the same length in every cell.
    same_length: ClassVar[tuple[tuple[str, ...], ...]] = ()

    #: Whether values may be strings evaluated later by the user of the values
    #: (synapse parameters as expressions of the distance ``d``).
    accepts_expressions: ClassVar[bool] = False

    parameter_space: ParameterSpace

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._derive_class_attributes()

    @classmethod
    def _derive_class_attributes(cls) -> None:
        table = cls.parameter_table
        cls.default_parameters = {name: spec.default for name, spec in table.items()}
        cls.units = {name: spec.unit for name, spec in table.items()}

    def __init__(self, **parameters: Any) -> None:
        cls = type(self)
        for name in parameters:
            cls._check_name(name)
        values = {**cls.default_parameters, **parameters}
        # A None default (e.g. a synapse's delay) means "chosen by the simulation";
        # such a parameter stays out of the space until the caller resolves it.
        values = {name: value for name, value in values.items()
                  if not (value is None and cls.default_parameters[name] is None)}
        object.__setattr__(self, "parameter_space",
                           ParameterSpace(values, schema=cls.get_schema(), component=cls))

    # -- class-level description -------------------------------------------------
    @classmethod
    def get_parameter_names(cls) -> list[str]:
        """Names of the model's parameters, in table order."""
        return list(cls.parameter_table)

    @classmethod
    def has_parameter(cls, name: str) -> bool:
        """Whether ``name`` is a parameter of the model."""
        return name in cls.parameter_table

    @classmethod
    def get_schema(cls) -> dict[str, type]:
        """Parameter name -> value type (``float``, ``int``, ``Sequence``, ``ArrayParameter``)."""
        return {name: spec.kind for name, spec in cls.parameter_table.items()}

    @classmethod
    def _check_name(cls, name: str) -> None:
        if name not in cls.parameter_table:
            raise NonExistentParameterError(name, cls.__name__, cls.parameter_table)

    @classmethod
    def check_parameter_values(cls, name: str, values: Any) -> None:
        """Raise :class:`InvalidParameterValueError` if a value breaks a constraint.

        Parameters
        ----------
        name
            Parameter name.
        values
            An evaluated value: a scalar, a Sequence/ArrayParameter, or an array of
            them (one per cell).
        """
        spec = cls.parameter_table[name]
        if spec.kind in (Sequence, ArrayParameter):
            cls._check_array_values(name, spec, values)
        else:
            cls._check_numbers(name, spec, values)

    @classmethod
    def _check_numbers(cls, name: str, spec: Param, values: Any) -> None:
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise InvalidParameterValueError(
                f"{cls.__name__}.{name} must be a number, got {values!r}") from None
        for check in spec.checks:
            bad = check.violated(array)
            if np.any(bad):
                raise InvalidParameterValueError(
                    cls._range_message(name, spec, check, array, bad))

    @classmethod
    def _check_array_values(cls, name: str, spec: Param, values: Any) -> None:
        if isinstance(values, (Sequence, ArrayParameter)):
            items, single = [values], True
        else:
            items, single = list(np.asarray(values, dtype=object).flat), False
        for index, item in enumerate(items):
            if not isinstance(item, (Sequence, ArrayParameter)):
                raise InvalidParameterValueError(
                    f"{cls.__name__}.{name} must be a {spec.kind.__name__}, got {item!r}")
            where = "" if single else f" for element {index}"
            for check in spec.checks:
                if isinstance(check, NonDecreasing):
                    if check.violated_sequence(item.value):
                        raise InvalidParameterValueError(
                            f"{cls.__name__}.{name} must be {check.describe()} "
                            f"(got {item!r}{where})")
                elif np.any(check.violated(item.value)):
                    raise InvalidParameterValueError(
                        f"{cls.__name__}.{name}: every element must be {check.describe()}"
                        f"{_unit_suffix(spec.unit)} (got {item!r}{where})")

    @classmethod
    def _range_message(cls, name: str, spec: Param, check: Bound | NotNaN,
                       array: np.ndarray, bad: np.ndarray) -> str:
        bad_indices = np.flatnonzero(bad)
        first = array.flat[bad_indices[0]]
        if array.ndim == 0:
            where = ""
        else:
            where = f" at index {bad_indices[0]}"
            if bad_indices.size > 1:
                where += f" and {bad_indices.size - 1} other(s)"
        return (f"{cls.__name__}.{name} must be {check.describe()}{_unit_suffix(spec.unit)} "
                f"(got {float(first)!r}{where})")

    @classmethod
    def check_consistency(cls, values: Mapping[str, LazyArray]) -> None:
        """Checks across parameters, on the values that can be known without drawing.

        Called by the ParameterSpace before it stores new values.

        Raises
        ------
        InvalidParameterValueError
            If parameters of a :attr:`same_length` group differ in length.
        """
        for group in cls.same_length:
            lazies = [values[name] for name in group if name in values]
            if len(lazies) < 2 or not all(lazy.is_homogeneous or lazy.shape is not None
                                          for lazy in lazies):
                continue
            lengths = np.broadcast_arrays(*[_lengths(lazy) for lazy in lazies])
            differ = np.flatnonzero(np.any([n != lengths[0] for n in lengths[1:]], axis=0)
                                    .reshape(-1))
            if differ.size:
                k = differ[0]
                got = " and ".join(str(int(n.reshape(-1)[k])) for n in lengths)
                where = f" for element {k}" if lengths[0].ndim else ""
                raise InvalidParameterValueError(
                    f"{cls.__name__}: {' and '.join(group)} must have the same length "
                    f"(got {got}{where})")

    # -- instance behaviour ----------------------------------------------------------
    def _homogeneous_values(self) -> dict[str, Any]:
        values = {}
        for name, lazy in self.parameter_space.items():
            values[name] = lazy.evaluate(simplify=True) if lazy.is_homogeneous else lazy
        return values

    def describe(self, template: str | None = None, engine: str | None = None) -> str:
        """A readable description of the model and its current parameter values.

        ``template`` and ``engine`` are accepted for PyNN compatibility and ignored.
        """
        cls = type(self)
        summary = (cls.__doc__ or "").strip().splitlines()
        lines = [f"{cls.__name__}: {summary[0] if summary else ''}".rstrip(), "  parameters:"]
        for name, value in self._homogeneous_values().items():
            unit = _unit_suffix(cls.units.get(name))
            lines.append(f"    {name} = {value!r}{unit}")
        lines.extend(self._describe_extra())
        return "\n".join(lines)

    def _describe_extra(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        changed = []
        for name, value in self._homogeneous_values().items():
            default = type(self).default_parameters[name]
            if isinstance(value, LazyArray) or not _equal(value, default):
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"


class StandardCellType(StandardModelType):
    """A standard neuron or spike-source model.

    Class attributes (derived from ``parameter_table`` and ``state_table``):
    ``default_parameters``, ``default_initial_values``, ``recordable`` (always starting
    with ``'spikes'``), ``units`` (parameters and state variables). Declared per class:
    ``receptor_types``, ``conductance_based``, ``injectable``, ``weight_units`` (unit of
    synaptic weights onto this cell type), ``is_source``/``always_local`` (spike sources).
    """

    #: The one table of state variables: name -> State.
    state_table: ClassVar[dict[str, State]] = {}
    default_initial_values: ClassVar[dict[str, float]] = {}
    recordable: ClassVar[list[str]] = ["spikes"]
    receptor_types: ClassVar[tuple[str, ...]] = ("excitatory", "inhibitory")
    conductance_based: ClassVar[bool] = True
    injectable: ClassVar[bool] = True
    #: Unit of the weights of synapses onto this cell type.
    weight_units: ClassVar[str | None] = "uS"
    #: True for spike sources (they have no membrane and take no input).
    is_source: ClassVar[bool] = False
    always_local: ClassVar[bool] = False

    @classmethod
    def _derive_class_attributes(cls) -> None:
        super()._derive_class_attributes()
        states = cls.state_table
        cls.default_initial_values = {name: s.initial for name, s in states.items()
                                      if s.initial is not None}
        cls.recordable = ["spikes"] + [name for name, s in states.items() if s.recordable]
        cls.units = {**cls.units, **{name: s.unit for name, s in states.items()}}

    @classmethod
    def can_record(cls, variable: str) -> bool:
        """Whether ``variable`` can be recorded from this cell type."""
        return variable in cls.recordable

    @classmethod
    def get_initial_value_names(cls) -> list[str]:
        """Names of the state variables that take initial values."""
        return list(cls.default_initial_values)

    @classmethod
    def check_initial_value_name(cls, name: str) -> None:
        """Raise :class:`NonExistentParameterError` unless ``name`` takes an initial value."""
        if name not in cls.default_initial_values:
            raise NonExistentParameterError(name, f"{cls.__name__} (initial values)",
                                            cls.default_initial_values)

    @classmethod
    def initial_value_space(cls, shape: Any = None) -> ParameterSpace:
        """A ParameterSpace of the default initial values, checking names and types.

        Values of the state variables are floats; NaN is refused.

        Parameters
        ----------
        shape
            Shape of the cell array (may be set later).
        """
        return ParameterSpace(dict(cls.default_initial_values),
                              schema={name: float for name in cls.default_initial_values},
                              shape=shape, component=_InitialValues(cls))

    def _describe_extra(self) -> list[str]:
        cls = type(self)
        lines = []
        if cls.default_initial_values:
            lines.append("  initial values:")
            lines += [f"    {name} = {value!r}{_unit_suffix(cls.units[name])}"
                      for name, value in cls.default_initial_values.items()]
        lines.append(f"  recordable: {', '.join(cls.recordable)}")
        lines.append(f"  receptor types: {', '.join(cls.receptor_types) or '(none)'}")
        return lines


class _InitialValues:
    """The component of an initial-value space: names the cell type, refuses NaN."""

    def __init__(self, celltype: type[StandardCellType]) -> None:
        self.celltype = celltype
        self.__name__ = f"{celltype.__name__} (initial values)"

    def check_parameter_values(self, name: str, values: Any) -> None:
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise InvalidParameterValueError(
                f"{self.__name__}.{name} must be a number, got {values!r}") from None
        if np.any(np.isnan(array)):
            raise InvalidParameterValueError(
                f"{self.__name__}.{name} must be a number (not NaN), got {values!r}")


def _lengths(lazy: LazyArray) -> np.ndarray:
    """Length of the array value of every element (0-d when homogeneous)."""
    if lazy.is_homogeneous:
        return np.asarray(len(lazy.evaluate(simplify=True)))
    values = np.asarray(lazy.evaluate(), dtype=object)
    return np.array([len(item) for item in values.reshape(-1)]).reshape(values.shape)


def _unit_suffix(unit: str | None) -> str:
    return "" if unit in (None, "dimensionless") else f" {unit}"


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, (Sequence, ArrayParameter)) or isinstance(b, (Sequence, ArrayParameter)):
        return type(a) is type(b) and a == b
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
