"""The hardware contract of pynn-hw: chip constants, chip configuration,
code <-> unit transfer functions, board description, configuration image and
event packet formats (see ``docs/hardware.md``).

Depends on numpy, networkx and the standard library only.
"""

from . import constants, units
from .chip_config import ARRAY_FIELDS, SCALAR_FIELDS, ChipConfig
from .constants import *  # noqa: F401,F403  (the constants are the contract)
from .errors import (
    BoardSpecError,
    CodeRangeError,
    ConfigError,
    FirmwareIOError,
    ImageError,
    PacketError,
)

__all__ = [
    "constants",
    "units",
    "ChipConfig",
    "ARRAY_FIELDS",
    "SCALAR_FIELDS",
    "FirmwareIOError",
    "ConfigError",
    "CodeRangeError",
    "ImageError",
    "PacketError",
    "BoardSpecError",
]
