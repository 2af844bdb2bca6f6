"""The board backends: a PyNN network on a board of chips, emulated or real.

:class:`BoardBackend` implements :class:`pynn_hw.backend.Backend`: Network ->
``mapping.map_network`` -> calibration (:mod:`.calibration`) -> chip
configurations and routes -> a board driver (:mod:`.drivers`) -> recordings.
``pynn_hw.emulator`` binds it with the emulator driver; ``pynn_hw.hardware``
with :class:`.link_driver.LinkDriver`, a session over the board's host link.
"""

from .backend import BoardBackend
from .drivers import BoardDriver, EmulatorDriver
from .link_driver import LinkDriver, open_board
from .options import BOARD_ENV, DEFAULT_BOARD, BoardOptions, resolve_board

__all__ = ["BoardBackend", "BoardDriver", "EmulatorDriver", "LinkDriver", "open_board", "BoardOptions",
           "resolve_board", "DEFAULT_BOARD", "BOARD_ENV"]
