"""Registries keyed by model class, looked up along the class hierarchy."""

from __future__ import annotations

from typing import Any

from pynn_hw.errors import NoModelAvailableError


def lookup(registry: dict[type, Any], cls: type, refusal: str,
           available: str = "available") -> Any:
    """The entry of ``cls`` or of its nearest registered base class.

    Parameters
    ----------
    registry
        Model class -> entry.
    cls
        The class to look up.
    refusal
        Start of the error message when nothing matches; the registered classes
        are appended after ``available``.
    """
    for base in cls.__mro__:
        if base in registry:
            return registry[base]
    raise NoModelAvailableError(
        f"{refusal}; {available}: {', '.join(c.__name__ for c in registry)}")
