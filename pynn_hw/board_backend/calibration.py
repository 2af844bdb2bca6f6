"""The calibration step of the tool-chain: mapped codes -> codes for one particular board.

The mapping chooses *nominal* codes (``firmware_io.units``: what an ideal chip
would need). A calibrated tool-chain replaces them here by codes that make each
real chip, with its fixed-pattern mismatch, realise the requested values. Until
the calibration package exists this step is the identity, so runs with
``mismatch=True`` show the uncorrected chip-to-chip spread.
"""

from __future__ import annotations

from collections.abc import Sequence

from firmware_io import ChipConfig


def calibrated_configs(configs: Sequence[ChipConfig]) -> list[ChipConfig]:
    """Per-chip codes to load: today the nominal codes, unchanged.

    The given configurations are not modified; a chip whose codes are unchanged
    keeps its configuration object (copy it before changing it).
    """
    return list(configs)


def with_readout(configs: Sequence[ChipConfig], codes) -> list[ChipConfig]:
    """The configurations with the read-out selectors ``codes`` (chips, 4); only changed chips are copied."""
    out = list(configs)
    for chip, cfg in enumerate(out):
        if (cfg.readout != codes[chip]).any():
            cfg = cfg.copy()
            cfg.readout = codes[chip].astype(cfg.readout.dtype)
            out[chip] = cfg
    return out
