"""Where calibration tables live and how the tables of a board are found.

Folder: the ``directory`` argument, else ``$PYNN_HW_CALIBRATION_DIR``, else
``$XDG_CACHE_HOME/pynn_hw/calibration``, else ``~/.cache/pynn_hw/calibration``.
File: ``<serial as 8 upper-case hex digits>.json`` (e.g. ``51C40000.json``).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

from .errors import CalibrationFileError
from .table import CalibrationTable

#: Environment variable naming the folder of the calibration tables.
CALIBRATION_DIR_ENV = "PYNN_HW_CALIBRATION_DIR"


class NominalCalibrationWarning(UserWarning):
    """A chip has no calibration table: its nominal codes are used."""


def calibration_dir(directory: str | os.PathLike | None = None) -> Path:
    """The folder holding the tables (see the module docstring for the order of choice)."""
    if directory is not None:
        return Path(directory)
    env = os.environ.get(CALIBRATION_DIR_ENV)
    if env:
        return Path(env)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "pynn_hw" / "calibration"


def table_path(serial: int, directory: str | os.PathLike | None = None) -> Path:
    """Path of the table file of chip ``serial``."""
    return calibration_dir(directory) / f"{int(serial):08X}.json"


def save_table(table: CalibrationTable, directory: str | os.PathLike | None = None) -> Path:
    """Write ``table`` atomically to its place in the folder; return the path."""
    return table.write(table_path(table.serial, directory))


def load_table(serial: int, directory: str | os.PathLike | None = None) -> CalibrationTable | None:
    """The checked table of chip ``serial``, or ``None`` if there is no file for it.

    Raises
    ------
    CalibrationFileError
        If a file exists but is corrupted, truncated, of another version or of
        another chip: a broken table is never half-used nor silently skipped.
    """
    path = table_path(serial, directory)
    if not path.exists():
        return None
    return CalibrationTable.read(path, expect_serial=int(serial))


def load_board_tables(serials: Iterable[int], directory: str | os.PathLike | None = None,
                      warn: bool = True) -> list[CalibrationTable | None]:
    """One table (or ``None``) per chip serial, in order; warn once about chips without a table.

    Raises
    ------
    CalibrationFileError
        If any existing file fails its checks.
    """
    serials = [int(s) for s in serials]
    tables = [load_table(s, directory) for s in serials]
    missing = [s for s, t in zip(serials, tables) if t is None]
    if missing and warn:
        names = ", ".join(f"0x{s:08X}" for s in missing[:8]) + (" ..." if len(missing) > 8 else "")
        warnings.warn(f"no calibration table for {len(missing)} of {len(serials)} chips ({names}) in "
                      f"{calibration_dir(directory)}: their nominal codes are used, so their fixed-pattern "
                      f"mismatch is not corrected; run `pynn-hw calibrate --board ...`",
                      NominalCalibrationWarning, stacklevel=2)
    return tables


__all__ = ["CALIBRATION_DIR_ENV", "NominalCalibrationWarning", "calibration_dir", "table_path", "save_table",
           "load_table", "load_board_tables", "CalibrationFileError"]
