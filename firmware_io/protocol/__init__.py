"""The host-link protocol (``docs/protocol.md``).

* :mod:`.framing` -- frames: COBS stuffing, CRC-32, a bounded stream decoder;
* :mod:`.messages` -- message kinds and payload layouts;
* :mod:`.link` -- stop-and-wait requests with retransmission and adaptive frame size;
* :mod:`.client` -- :class:`BoardClient`, a session with a board (the board
  backend's driver seam).
"""

from .client import BoardClient, LinkBoardStatus, LinkRunResult
from .errors import (BoardCommandError, BoardRefusedError, BoardResetError, BoardTimeoutError,
                     BoardVanishedError, LinkError, PartialTransfer, TransportClosedError, TransportError)
from .framing import Frame, FrameDecoder, FrameFormatError, cobs_decode, cobs_encode, decode_frame, encode_frame
from .link import Link
from .messages import PROTOCOL_VERSIONS, Identity, Kind, LinkDropCounts

__all__ = ["BoardClient", "LinkRunResult", "LinkBoardStatus", "Link", "Identity", "Kind", "LinkDropCounts",
           "PROTOCOL_VERSIONS", "Frame", "FrameDecoder", "FrameFormatError", "encode_frame", "decode_frame",
           "cobs_encode", "cobs_decode", "LinkError", "BoardTimeoutError", "BoardVanishedError",
           "BoardResetError", "BoardRefusedError", "BoardCommandError", "PartialTransfer", "TransportError",
           "TransportClosedError"]
