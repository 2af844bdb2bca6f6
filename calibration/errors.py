"""Errors of the calibration package."""

from __future__ import annotations


class CalibrationError(Exception):
    """A calibration could not be measured, fitted or applied."""


class CalibrationFileError(CalibrationError, ValueError):
    """A calibration file is corrupted, truncated, of another version or of another chip.

    Nothing of such a file is ever used: the loader checks everything before it
    builds a table.
    """
