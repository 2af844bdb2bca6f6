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
    """Per-chip codes to load: today the nominal codes, unchanged (copied)."""
    return [cfg.copy() for cfg in configs]
