"""A board in use by the calibration: loads only when it must, otherwise reconfigures."""

from __future__ import annotations

from typing import Any

import numpy as np

from firmware_io import ChipConfig

from .probes import BoardLike, run_probe

#: Fields a board can only change by a full load (``Board.reconfigure`` refuses them).
_STRUCTURAL = ("serial", "row_source", "row_sign", "row_stp", "row_stdp", "row_tau", "stp_u", "stp_tau_rec",
               "stp_tau_facil", "stdp_lut_causal", "stdp_lut_acausal", "stdp_threshold", "stdp_tau")


class Session:
    """Wraps a board; counts loads, reconfigurations, runs and cycles (for the report)."""

    def __init__(self, board: BoardLike) -> None:
        self.board = board
        self.loaded: list[ChipConfig] | None = None
        self.counts = {"loads": 0, "reconfigurations": 0, "runs": 0, "cycles": 0}

    def configure(self, configs: list[ChipConfig]) -> None:
        """Load ``configs``, or write only the chips that changed if the structure is the same."""
        if self.loaded is not None and hasattr(self.board, "reconfigure") and all(
                np.array_equal(np.asarray(getattr(a, f)), np.asarray(getattr(b, f)))
                for a, b in zip(self.loaded, configs) for f in _STRUCTURAL):
            for chip, (old, new) in enumerate(zip(self.loaded, configs)):
                if not _same(old, new):
                    self.board.reconfigure(chip, new)
                    self.counts["reconfigurations"] += 1
        else:
            self.board.load(configs)
            self.counts["loads"] += 1
        self.loaded = [c.copy() for c in configs]

    def run(self, n_cycles: int, events: np.ndarray | None = None, readout: np.ndarray | None = None) -> Any:
        """:func:`calibration.probes.run_probe` on the wrapped board."""
        self.counts["runs"] += 1
        self.counts["cycles"] += int(n_cycles)
        return run_probe(self.board, n_cycles, events, readout)

    def set_readout(self, readout: np.ndarray) -> None:
        self.board.set_readout(readout)

    def reset(self) -> None:
        self.board.reset()

    def write_input(self, events: np.ndarray) -> Any:
        return self.board.write_input(events)


def _same(a: ChipConfig, b: ChipConfig) -> bool:
    return all(np.array_equal(np.asarray(getattr(a, f)), np.asarray(getattr(b, f)))
               for f in ("g_leak", "tau_refrac", "v_rest", "v_reset", "v_thresh", "e_rev_I", "row_strength",
                         "weights"))
