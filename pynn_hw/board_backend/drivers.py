"""Board drivers: the one place where the backend talks to a board.

A driver takes chip configurations and routes, input events and run lengths in
cycles, and hands back :class:`emulator.RunResult` records. The emulator driver
calls :class:`emulator.Board` in-process; a driver for a real board implements
the same methods over the board's transport.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from firmware_io import BoardSpec, ChipConfig


class BoardDriver(Protocol):
    """What :class:`~pynn_hw.board_backend.BoardBackend` needs from a board."""

    #: Name used in Neo annotations.
    name: str

    def load(self, configs: Sequence[ChipConfig], routes: np.ndarray) -> None:
        """Configure every chip and the routes; time back to 0."""

    def reconfigure(self, chip: int, config: ChipConfig) -> None:
        """New neuron codes, row strengths, weights or read-out of one chip, keeping state."""

    def set_readout(self, readout: np.ndarray) -> None:
        """Select the neurons of the read-out channels, shape (chips, 4)."""

    def write_input(self, events: np.ndarray) -> None:
        """Queue host input events (``EVENT_DTYPE``)."""

    def run(self, n_cycles: int):
        """Run ``n_cycles`` cycles; return the run's ``RunResult``."""

    def reset(self) -> None:
        """Time back to 0, dynamic state cleared, configuration kept."""

    def close(self) -> None:
        """Release the board."""


#: Boards with more chips than this run on :class:`emulator.SparseBoard` (the wire
#: formats, and with them :class:`emulator.Board`, carry 6-bit chip ids).
DENSE_BOARD_MAX_CHIPS = 64


class EmulatorDriver:
    """The bit-accurate emulator in this process.

    Boards of up to 64 chips run on :class:`emulator.Board`; larger ones on
    :class:`emulator.SparseBoard`, the same integer model computed only on live
    neurons and used rows (tested to give the same bits). ``engine`` forces one.

    Parameters
    ----------
    board
        The board description (links, delays, bandwidths, serials).
    mismatch
        Emulate the chips' fixed-pattern mismatch (``False``: nominal chips).
    engine
        ``"auto"``, ``"dense"`` or ``"sparse"``.
    """

    name = "emulator"

    def __init__(self, board: BoardSpec, *, mismatch: bool = False, engine: str = "auto") -> None:
        from emulator import Board, SparseBoard
        if engine not in ("auto", "dense", "sparse"):
            raise ValueError(f"engine {engine!r} is invalid; valid: 'auto', 'dense', 'sparse'")
        sparse = engine == "sparse" or (engine == "auto" and board.n_chips > DENSE_BOARD_MAX_CHIPS)
        self.spec = board
        self.board = (SparseBoard if sparse else Board)(board, ideal=not mismatch)

    def load(self, configs: Sequence[ChipConfig], routes: np.ndarray) -> None:
        self.board.load(list(configs), routes)

    def reconfigure(self, chip: int, config: ChipConfig) -> None:
        self.board.reconfigure(chip, config)

    def set_readout(self, readout: np.ndarray) -> None:
        self.board.set_readout(readout)

    def write_input(self, events: np.ndarray) -> None:
        if events.size:
            self.board.write_input(events)

    def run(self, n_cycles: int):
        return self.board.run(n_cycles)

    def reset(self) -> None:
        self.board.reset()

    def read_weights(self, chip: int) -> np.ndarray:
        """Current 4-bit weights of ``chip`` (STDP changes included), shape (2, 256, 192)."""
        return self.board.read_weights(chip)

    def close(self) -> None:
        self.board = None
