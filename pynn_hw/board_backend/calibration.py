"""The calibration step of the tool-chain: mapped codes -> codes for one particular board.

The mapping chooses *nominal* codes (``firmware_io.units``: what an ideal chip
would need). Here they are replaced, chip by chip, by the codes that make that
chip, with its fixed-pattern mismatch, realise the requested values: each
nominal code stands for a biological value, which goes through the chip's
calibration table (``calibration.calibrate_configs``, ``docs/calibration.md``).
A value outside a table's calibrated domain is an ``InvalidParameterValueError``
naming the parameter, the value and the allowed range. Chips without a table
keep their nominal codes (with one ``NominalCalibrationWarning``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from firmware_io import BoardSpec, ChipConfig


def board_tables(board: BoardSpec, choice: object, deviates: bool) -> list | None:
    """The calibration tables for ``board`` (one entry per chip, ``None`` = no table), or ``None`` for none at all.

    Parameters
    ----------
    choice
        The ``calibration`` setup option: ``None`` (the default folder's tables when
        the chips deviate from nominal), ``False`` (nominal codes), ``True`` (the
        default folder's tables) or a folder path.
    deviates
        Whether the chips deviate from nominal (emulated mismatch, or a real board).

    Raises
    ------
    calibration.CalibrationFileError
        If a chip's table file exists but is corrupted, truncated, of another
        version or of another chip.
    """
    if choice is False or (choice is None and not deviates):
        return None
    from calibration import load_board_tables
    folder = choice if isinstance(choice, (str, Path)) else None
    return load_board_tables(board.serials, folder)


def calibrated_configs(configs: Sequence[ChipConfig], tables: Sequence | None = None) -> list[ChipConfig]:
    """Per-chip codes to load: translated through ``tables`` (new objects), or the nominal codes unchanged.

    Without tables the given configurations are returned as they are (copy one
    before changing it).
    """
    if tables is None:
        return list(configs)
    from calibration import calibrate_configs
    return calibrate_configs(configs, tables)


def with_readout(configs: Sequence[ChipConfig], codes) -> list[ChipConfig]:
    """The configurations with the read-out selectors ``codes`` (chips, 4); only changed chips are copied."""
    out = list(configs)
    for chip, cfg in enumerate(out):
        if (cfg.readout != codes[chip]).any():
            cfg = cfg.copy()
            cfg.readout = codes[chip].astype(cfg.readout.dtype)
            out[chip] = cfg
    return out
