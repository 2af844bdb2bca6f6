"""Calibration tables that turn biological parameter values into per-circuit codes.

Public API
----------
:func:`calibrate_board`
    Measure every circuit of every chip of a board (emulated with mismatch, or
    real through ``firmware_io``) and fit one :class:`CalibrationTable` per chip.
:func:`measure_spreads`
    Spread of every parameter across circuits, measured on the board, with
    nominal codes (``tables=None``) or through tables.
:class:`CalibrationTable`
    Transforms of one chip, ``to_codes(name, values, circuits)``, ``write`` (atomic)
    and ``read`` (checked: format, version, checksum, serial).
:func:`load_board_tables`, :func:`load_table`, :func:`save_table`, :func:`calibration_dir`
    The table files of a board (``$PYNN_HW_CALIBRATION_DIR`` or
    ``~/.cache/pynn_hw/calibration/<SERIAL>.json``).
:func:`calibrate_config`, :func:`calibrate_configs`
    Nominal chip codes -> calibrated codes (the board backend's calibration step).

See ``docs/calibration.md``.
"""

from .errors import CalibrationError, CalibrationFileError
from .evaluate import TARGETS, measure_spreads
from .parameters import PARAMETERS, VOLTAGES
from .procedure import BoardCalibration, calibrate_board
from .store import (CALIBRATION_DIR_ENV, NominalCalibrationWarning, calibration_dir, load_board_tables, load_table,
                    save_table, table_path)
from .table import FORMAT, VERSION, CalibrationTable
from .transforms import KINDS, Transform
from .translate import calibrate_config, calibrate_configs

__all__ = ["CalibrationError", "CalibrationFileError", "TARGETS", "measure_spreads", "PARAMETERS", "VOLTAGES",
           "BoardCalibration", "calibrate_board", "CALIBRATION_DIR_ENV", "NominalCalibrationWarning",
           "calibration_dir", "load_board_tables", "load_table", "save_table", "table_path", "FORMAT", "VERSION",
           "CalibrationTable", "KINDS", "Transform", "calibrate_config", "calibrate_configs"]
