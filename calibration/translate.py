"""Nominal chip codes -> calibrated codes of one particular chip.

The mapping chooses codes for an ideal chip (``firmware_io.units``). Each
nominal code stands for a biological value (``nominal(code)``); here that value
goes through the chip's :class:`~calibration.table.CalibrationTable` to the
code that makes this chip's circuit realise it. Circuits the mapping left
unused keep their codes: neurons with ``g_leak`` code 0, parameter groups none
of whose neurons is used, rows that are ``OFF`` or have strength code 0. A
refractory period of exactly 0 stays code 0 on every chip.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from firmware_io import ChipConfig
from firmware_io.constants import (NEURONS_PER_CHIP, PARAM_GROUPS_PER_CHIP, ROW_SOURCE, SIGN, WEIGHT_MAX)
from firmware_io.units import code_to_strength, code_to_tau_m, code_to_tau_refrac, code_to_voltage

from .errors import CalibrationFileError
from .parameters import VOLTAGES
from .store import NominalCalibrationWarning
from .table import CalibrationTable

_GROUP_OF_NEURON = ChipConfig.neuron_group(np.arange(NEURONS_PER_CHIP))


def calibrate_config(config: ChipConfig, table: CalibrationTable | None, *,
                     neuron_weights: bool = False) -> ChipConfig:
    """A copy of ``config`` with every used circuit's codes translated through ``table``.

    Parameters
    ----------
    config
        Nominal codes of one chip.
    table
        That chip's table; ``None`` keeps the nominal codes (with a
        :class:`~calibration.store.NominalCalibrationWarning`).
    neuron_weights
        Also divide each synapse's 4-bit weight by its neuron's measured
        efficacy (``table.neuron_weight_gain``), rounding to the nearest weight
        in 1..15: the chip has no per-neuron weight scale, so this is the only
        place the per-neuron spread can be reduced (coarsely).

    Raises
    ------
    InvalidParameterValueError
        If a value is outside the table's calibrated domain.
    CalibrationFileError
        If ``table`` belongs to another chip.
    """
    out = config.copy()
    if table is None:
        warnings.warn(f"chip 0x{config.serial:08X} has no calibration table: nominal codes are used",
                      NominalCalibrationWarning, stacklevel=2)
        return out
    if table.serial != config.serial:
        raise CalibrationFileError(f"calibration table of chip 0x{table.serial:08X} cannot translate the codes "
                                   f"of chip 0x{config.serial:08X}")
    used = np.flatnonzero(config.g_leak > 0)
    if used.size:
        out.g_leak[used] = table.to_codes("tau_m", code_to_tau_m(config.g_leak[used]), used)
        refr = used[config.tau_refrac[used] > 0]
        out.tau_refrac[refr] = table.to_codes("tau_refrac", code_to_tau_refrac(config.tau_refrac[refr]), refr)
    groups = np.flatnonzero(np.bincount(_GROUP_OF_NEURON[used], minlength=PARAM_GROUPS_PER_CHIP) > 0)
    for name in VOLTAGES:
        if groups.size:
            codes = getattr(config, name)
            getattr(out, name)[groups] = table.to_codes(name, code_to_voltage(codes[groups]), groups)
    src, sign, strength = config.row_source.ravel(), config.row_sign.ravel(), config.row_strength.ravel()
    live = (src != ROW_SOURCE.OFF) & (strength > 0)
    for name, s in (("w_exc", SIGN.EXCITATORY), ("w_inh", SIGN.INHIBITORY)):
        rows = np.flatnonzero(live & (sign == s))
        if rows.size:
            value = code_to_strength(strength[rows], sign[rows])
            out.row_strength.reshape(-1)[rows] = table.to_codes(name, value, rows)
    if neuron_weights:
        out.weights = _scaled_weights(config, table)
    out.validate()
    return out


def _scaled_weights(config: ChipConfig, table: CalibrationTable) -> np.ndarray:
    w = config.weights.astype(np.float64)                        # (2, 256, 192)
    inh = (config.row_sign == SIGN.INHIBITORY)[:, :, None]
    gain_e = table.neuron_weight_gain["exc"].reshape(2, 1, -1)
    gain_i = table.neuron_weight_gain["inh"].reshape(2, 1, -1)
    scaled = np.clip(np.rint(w / np.where(inh, gain_i, gain_e)), 1, WEIGHT_MAX)
    return np.where(config.weights > 0, scaled, 0).astype(np.uint8)


def calibrate_configs(configs: Sequence[ChipConfig], tables: Sequence[CalibrationTable | None], *,
                      neuron_weights: bool = False) -> list[ChipConfig]:
    """:func:`calibrate_config` for every chip of a board (tables in chip order).

    A ``None`` table keeps that chip's nominal codes without a further warning:
    :func:`~calibration.store.load_board_tables` warned once when it found no
    table for the chip.
    """
    if len(configs) != len(tables):
        raise ValueError(f"{len(configs)} configurations but {len(tables)} calibration tables")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NominalCalibrationWarning)
        return [calibrate_config(c, t, neuron_weights=neuron_weights) for c, t in zip(configs, tables)]
