"""Checks of the simulator-specific keyword arguments of ``setup()``."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, ClassVar, Self

from pynn_hw.errors import InvalidParameterValueError


def check_option_names(options_class: type, options: dict[str, Any], simulator: str) -> None:
    """Refuse option names that are not fields of the dataclass ``options_class``.

    Raises
    ------
    TypeError
        Naming the unknown options and listing the valid ones.
    """
    valid = [f.name for f in fields(options_class)]
    unknown = sorted(set(options) - set(valid))
    if unknown:
        raise TypeError(f"setup(): unknown option(s) for the {simulator} backend: "
                        f"{', '.join(unknown)}; valid {simulator} options are: "
                        f"{', '.join(valid)}")


class SetupOptions:
    """Base of a backend's frozen dataclass of ``setup()`` extras.

    Subclasses name their simulator in ``SIMULATOR`` and check their values in
    ``_check``.
    """

    SIMULATOR: ClassVar[str] = ""

    @classmethod
    def from_kwargs(cls, **options: Any) -> Self:
        """Check the names and values of the options.

        Raises
        ------
        TypeError
            For an option the backend does not know (the message lists the valid
            ones).
        InvalidParameterValueError
            For a value out of range.
        """
        check_option_names(cls, options, cls.SIMULATOR)
        made = cls(**options)
        made._check()
        return made

    def _check(self) -> None:
        """Raise InvalidParameterValueError for a value out of range."""


def check_whole_number(name: str, value: Any, low: int, high: int, high_text: str, *,
                       refuse_bool: bool = False) -> None:
    """Refuse ``value`` unless it is an int in ``[low, high)`` (``high_text``: how the
    message writes ``high``, e.g. ``'2**31'``)."""
    if (refuse_bool and isinstance(value, bool)) or not isinstance(value, int) \
            or not low <= value < high:
        raise InvalidParameterValueError(
            f"setup(): {name} must be a whole number in [{low}, {high_text}), got {value!r}")
