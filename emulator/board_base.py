"""What :class:`emulator.Board` and :class:`emulator.sparse_board.SparseBoard` share
outside their cycle loops: construction, argument checks and the in-run
reconfiguration rule."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from firmware_io.chip_config import ChipConfig
from firmware_io.constants import NEURONS_PER_CHIP, NO_READOUT, READOUT_CHANNELS_PER_CHIP
from firmware_io.errors import ConfigError

from .cycle_events import EventQueues

#: ChipConfig fields that :meth:`Board.reconfigure` may not change (they shape the
#: conductance classes, routes and plasticity of the loaded board).
STRUCTURAL_FIELDS = ("serial", "row_source", "row_sign", "row_stp", "row_stdp", "row_tau", "stp_u",
                     "stp_tau_rec", "stp_tau_facil", "stdp_lut_causal", "stdp_lut_acausal", "stdp_threshold",
                     "stdp_tau")


class BoardBase(EventQueues):
    """Base of the bit-accurate boards (see :class:`emulator.Board` for the parameters)."""

    #: Tag: this model is bit-accurate (as opposed to the float64 reference).
    bit_accurate: ClassVar[bool] = True

    def __init__(self, fabric: object | None = None, *, ideal: bool = False, strict: bool = False) -> None:
        self._fabric_arg = fabric
        self.ideal = bool(ideal)
        self.strict = bool(strict)
        self.n_chips = 0
        self._loaded = False

    def _require_loaded(self) -> None:
        if not self._loaded:
            raise RuntimeError(f"the board has no configuration; call {type(self).__name__}.load(configs) first")

    def _check_chip(self, chip: int) -> None:
        self._require_loaded()
        if not 0 <= int(chip) < self.n_chips:
            raise ValueError(f"chip {chip} does not exist on this board; valid: 0..{self.n_chips - 1}")

    def _readout_codes(self, readout: np.ndarray) -> np.ndarray:
        """``readout`` as checked (chips, 4) int64 codes for :meth:`set_readout`."""
        self._require_loaded()
        codes = np.asarray(readout, dtype=np.int64)
        shape = (self.n_chips, READOUT_CHANNELS_PER_CHIP)
        if codes.shape != shape:
            raise ValueError(f"set_readout: shape {codes.shape} is invalid; valid: {shape}")
        bad = ((codes < 0) | (codes >= NEURONS_PER_CHIP)) & (codes != NO_READOUT)
        if bad.any():
            chip, ch = (int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"set_readout: chip {chip} channel {ch}: value {int(codes[chip, ch])} is invalid; "
                             f"valid: 0..{NEURONS_PER_CHIP - 1} or NO_READOUT ({NO_READOUT})")
        return codes

    def _reconfigured(self, chip: int, config: ChipConfig, load_name: str) -> ChipConfig:
        """A checked copy of ``config`` for :meth:`reconfigure` of ``chip``.

        Raises ConfigError naming ``load_name`` if a structural field differs.
        """
        self._check_chip(chip)
        new = config.copy()
        new.validate()
        old = self.configs[chip]
        for name in STRUCTURAL_FIELDS:
            if not np.array_equal(np.asarray(getattr(old, name)), np.asarray(getattr(new, name))):
                raise ConfigError(f"{type(self).__name__}.reconfigure(chip {chip}): field {name} differs from the "
                                  "loaded configuration; only neuron codes, row_strength, weights and readout may "
                                  f"change in a run (use {load_name} for the rest)")
        return new
