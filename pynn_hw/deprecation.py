"""The DeprecationWarning of the 0.6/0.7 forms of the API."""

from __future__ import annotations

import warnings


def warn_deprecated(old: str, new: str) -> None:
    """Warn that ``old`` is deprecated, pointing at the line that called it.

    Meant to be called directly from the deprecated function or method.
    """
    warnings.warn(f"{old} is deprecated; use {new}", DeprecationWarning, stacklevel=3)
