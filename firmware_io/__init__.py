"""The hardware contract of pynn-hw: chip constants, chip configuration,
code <-> unit transfer functions, board description, configuration image and
event packet formats (see ``docs/hardware.md``), and the wire protocol and
transports that reach a board (``firmware_io.protocol``, ``firmware_io.transports``,
see ``docs/protocol.md``).

Depends on numpy, networkx and the standard library; the transports also use
pyserial and pyusb, imported only when a transport is opened. No other package of
the project is imported.
"""

from . import constants, units
from .board import BoardSpec, ChipSpec, HostLink
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
from .image import ROUTE_DTYPE, BoardImage, build_image, parse_board_image, parse_image
from .mismatch import ChipMismatch, ChipPhysics, chip_physics
from .packets import (
    EVENT_DTYPE,
    LOST_DTYPE,
    DecodedStream,
    decode_events,
    decode_stream,
    encode_events,
    make_events,
)

__all__ = [
    "constants",
    "units",
    "ChipConfig",
    "BoardSpec",
    "ChipSpec",
    "HostLink",
    "build_image",
    "parse_image",
    "parse_board_image",
    "BoardImage",
    "ROUTE_DTYPE",
    "ChipMismatch",
    "ChipPhysics",
    "chip_physics",
    "EVENT_DTYPE",
    "LOST_DTYPE",
    "DecodedStream",
    "encode_events",
    "decode_events",
    "decode_stream",
    "make_events",
    "ARRAY_FIELDS",
    "SCALAR_FIELDS",
    "FirmwareIOError",
    "ConfigError",
    "CodeRangeError",
    "ImageError",
    "PacketError",
    "BoardSpecError",
]
