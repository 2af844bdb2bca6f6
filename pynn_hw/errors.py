"""Exceptions and warnings of the PyNN API.

Each error derives from the builtin that matches its meaning, so that callers may
catch either the PyNN class or the builtin (``except ValueError`` also catches
:class:`InvalidParameterValueError`).
"""

from __future__ import annotations

from collections.abc import Iterable


class InvalidParameterValueError(ValueError):
    """A parameter was given a value it cannot take."""


class NonExistentParameterError(KeyError):
    """A model was asked for a parameter it does not have.

    Parameters
    ----------
    parameter_name
        The name that was asked for.
    model_name
        The model (cell, synapse or current source type) that lacks it.
    valid_parameter_names
        The names the model does have.
    """

    def __init__(self, parameter_name: str, model_name: str,
                 valid_parameter_names: Iterable[str] = ()) -> None:
        self.parameter_name = parameter_name
        self.model_name = model_name
        self.valid_parameter_names = sorted(valid_parameter_names)
        super().__init__(parameter_name, model_name, self.valid_parameter_names)

    def __str__(self) -> str:
        return (f"{self.model_name} has no parameter {self.parameter_name!r}; "
                f"valid names are: {', '.join(self.valid_parameter_names) or '(none)'}")


class InvalidDimensionsError(ValueError):
    """Array or grid dimensions do not fit the object they describe."""


class ConnectionError(Exception):  # noqa: A001 - name fixed by the PyNN API
    """A connection could not be made, or a connector was misused."""


class InvalidModelError(Exception):
    """A model type is not valid where it was used."""


class NoModelAvailableError(Exception):
    """The backend has no implementation of the requested model."""


class InvalidWeightError(ValueError):
    """A synaptic weight has the wrong sign or an impossible value."""


class NothingToWriteError(IOError):
    """There is no recorded data to write."""


class NotLocalError(Exception):
    """A cell lives on another MPI process."""


class RecordingError(Exception):
    """A variable cannot be recorded from a cell type.

    Parameters
    ----------
    variable
        The requested variable.
    cell_type
        The cell type (or its name) that cannot record it.
    valid
        What can be recorded instead, when known.
    """

    def __init__(self, variable: str, cell_type: object, valid: Iterable[str] | None = None,
                 reason: str | None = None) -> None:
        self.variable = variable
        self.cell_type = cell_type
        self.valid = None if valid is None else list(valid)
        self.reason = reason
        super().__init__(variable, cell_type)

    def __str__(self) -> str:
        name = getattr(self.cell_type, "__name__", None) or type(self.cell_type).__name__
        if isinstance(self.cell_type, str):
            name = self.cell_type
        text = f"cannot record {self.variable!r} from {name}"
        if self.reason:
            text += f": {self.reason}"
        if self.valid is not None:
            text += f"; recordable: {', '.join(self.valid) or '(nothing)'}"
        return text


class MappingError(Exception):
    """A network cannot be placed on the hardware without breaking a constraint.

    Parameters
    ----------
    message
        What constraint was broken, for which population, with the numbers.
    report
        The mapping report as far as it got (``None`` if mapping stopped early).
    """

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class RoundingWarning(UserWarning):
    """A value was rounded to the resolution the backend supports."""
