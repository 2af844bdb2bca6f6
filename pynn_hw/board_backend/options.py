"""The ``setup()`` options of the board backends and the choice of the board."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from firmware_io import BoardSpec, BoardSpecError
from pynn_hw.errors import InvalidParameterValueError

#: Board used when ``setup()`` names none: the shipped multi-chip board.
DEFAULT_BOARD = "board_4x4"
#: Environment variable that overrides :data:`DEFAULT_BOARD` (for unmodified scripts
#: whose network needs a larger board, e.g. the Vogels-Abbott benchmark).
BOARD_ENV = "PYNN_HW_BOARD"


@dataclass(frozen=True)
class BoardOptions:
    """What a script may choose about the board through ``setup(**options)``.

    Attributes
    ----------
    board
        A shipped board name, a board file path or a ``BoardSpec``; ``None``: the
        ``PYNN_HW_BOARD`` environment variable if set, else ``board_4x4``.
    allow_synapse_loss
        Largest fraction of synapses the mapping may drop (0: any loss is a
        ``MappingError`` carrying the report).
    mismatch
        Emulate each chip's fixed-pattern mismatch (default ``False``: nominal chips).
    calibration
        Calibration tables (``docs/calibration.md``): ``None`` (default) uses the
        tables of the default folder (``$PYNN_HW_CALIBRATION_DIR`` or
        ``~/.cache/pynn_hw/calibration``) whenever the chips deviate from nominal
        (the emulator with ``mismatch=True``, or a real board); ``False`` always
        loads nominal codes; ``True`` or a folder path uses that folder's tables.
    rng_seed
        Seed of the host-side random draws (Poisson spike trains).
    mapping_seed
        Seed of the mapping's tie-breaks.
    print_report
        Print the mapping report to stdout at every build (it is always logged
        at INFO level on the ``pynn_hw.board_backend`` logger).
    """

    board: Any = None
    allow_synapse_loss: float = 0.0
    mismatch: bool = False
    calibration: Any = None
    rng_seed: int | None = None
    mapping_seed: int = 0
    print_report: bool = False

    @classmethod
    def from_setup(cls, options: dict[str, Any]) -> "BoardOptions":
        """Pick the board options out of the ``setup()`` extras; warn about the others."""
        known = {name: options[name] for name in cls.__dataclass_fields__ if name in options}
        ignored = sorted(set(options) - set(known))
        if ignored:
            warnings.warn(f"setup(): options {ignored} have no meaning on the board backends and are "
                          f"ignored; board options are: {', '.join(cls.__dataclass_fields__)}", stacklevel=4)
        loss = float(known.get("allow_synapse_loss", 0.0))
        if not 0.0 <= loss <= 1.0:
            raise InvalidParameterValueError(
                f"setup(allow_synapse_loss={loss!r}) is invalid; valid: a fraction in [0, 1]")
        seed = known.get("rng_seed")
        if seed is not None and (int(seed) != seed or seed < 0):
            raise InvalidParameterValueError(f"setup(rng_seed={seed!r}) is invalid; valid: an integer >= 0 or None")
        known["allow_synapse_loss"] = loss
        known["mismatch"] = bool(known.get("mismatch", False))
        cal = known.get("calibration")
        if cal is not None and not isinstance(cal, (bool, str, Path)):
            raise InvalidParameterValueError(
                f"setup(calibration={cal!r}) is invalid; valid: None, True, False or a folder path")
        return cls(**known)

    def board_spec(self) -> BoardSpec:
        """The chosen board, loaded.

        Raises
        ------
        InvalidParameterValueError
            If the name is neither a shipped board nor a readable board file (the
            message lists the shipped boards).
        """
        return resolve_board(self.board)


def resolve_board(board: Any) -> BoardSpec:
    """A ``BoardSpec`` from a spec, a shipped name or a file path (``None``: the default)."""
    if isinstance(board, BoardSpec):
        return board
    if board is None:
        board = os.environ.get(BOARD_ENV) or DEFAULT_BOARD
    if not isinstance(board, (str, Path)):
        raise InvalidParameterValueError(
            f"setup(board={board!r}) is invalid; valid: a shipped board name "
            f"({', '.join(BoardSpec.shipped())}), a board file path or a BoardSpec")
    try:
        return BoardSpec.load(board)
    except BoardSpecError as err:
        raise InvalidParameterValueError(
            f"setup(board={str(board)!r}): {err}; shipped boards: {', '.join(BoardSpec.shipped())}") from err
