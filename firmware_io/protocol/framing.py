"""Frames of the host link: byte stuffing, checksum and a bounded stream decoder.

A frame on the wire is ``COBS(whiten(header | payload | crc32)) + b"\\x00"``:

* ``header`` (4 bytes, little-endian): message type (u8), flags (u8),
  sequence number (u16);
* ``crc32``: CRC-32 (IEEE 802.3, ``zlib.crc32``) of header and payload;
* ``whiten`` XORs every byte with 0xFF before the stuffing. Event words and
  configuration images are full of 0x00 bytes but hold few 0xFF bytes, and
  COBS costs one code byte (and one step of its decoder) per stuffed value,
  so stuffing the rare value keeps frames short and the codec fast;
* COBS (consistent overhead byte stuffing) removes every 0x00 byte, so 0x00
  marks the end of a frame: after any corruption the receiver is back in
  step at the next 0x00, at most one frame later.

The decoder never holds more than :data:`MAX_ENCODED_BYTES` of an unfinished
frame: a longer run without a delimiter is dropped and counted as garbage.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import numpy as np

#: Bytes of the frame header: type (u8), flags (u8), sequence number (u16).
HEADER = struct.Struct("<BBH")
CRC_BYTES = 4
#: Largest payload a frame may carry.
MAX_PAYLOAD_BYTES = 1 << 20
#: Largest stuffed frame (payload, header, checksum and COBS overhead of one byte per 254).
MAX_ENCODED_BYTES = MAX_PAYLOAD_BYTES + HEADER.size + CRC_BYTES + (MAX_PAYLOAD_BYTES // 254) + 16
DELIMITER = b"\x00"
_WHITEN = np.uint8(0xFF)


class FrameFormatError(ValueError):
    """A frame could not be decoded (bad stuffing, length or checksum)."""


@dataclass(frozen=True)
class Frame:
    """One decoded frame: message type, flags, sequence number, payload."""

    kind: int
    flags: int
    seq: int
    payload: bytes


def _whiten(data: bytes) -> bytes:
    return (np.frombuffer(data, dtype=np.uint8) ^ _WHITEN).tobytes()


def cobs_encode(data: bytes) -> bytes:
    """COBS-stuff ``data``: the result holds no 0x00 byte.

    Each block is a code byte ``n + 1`` followed by ``n`` non-zero bytes and
    stands for those bytes plus one 0x00 (code 0xFF: 254 bytes, no 0x00).
    """
    out = bytearray()
    pos, n = 0, len(data)
    while True:
        zero = data.find(0, pos)
        end = n if zero < 0 else zero
        full = False
        while end - pos >= 254:  # full blocks carry no implied zero
            out.append(0xFF)
            out += data[pos:pos + 254]
            pos += 254
            full = True
        if zero < 0:
            if not (full and pos == end):  # data ending in a full block needs no empty block
                out.append(end - pos + 1)
                out += data[pos:end]
            return bytes(out)
        out.append(end - pos + 1)
        out += data[pos:end]
        pos = zero + 1


def cobs_decode(data: bytes) -> bytes:
    """Undo :func:`cobs_encode`.

    Raises
    ------
    FrameFormatError
        If a code byte is 0 or points past the end of ``data``.
    """
    out = bytearray()
    pos, n = 0, len(data)
    while pos < n:
        code = data[pos]
        end = pos + code
        if code == 0 or end > n:
            raise FrameFormatError(f"COBS code {code} at byte {pos} of a {n}-byte frame is invalid")
        out += data[pos + 1:end]
        pos = end
        if code != 0xFF and pos < n:
            out.append(0)
    return bytes(out)


def encode_frame(kind: int, seq: int, payload: bytes = b"", flags: int = 0) -> bytes:
    """The wire bytes of one frame, delimiter included.

    Raises
    ------
    ValueError
        If the payload is longer than :data:`MAX_PAYLOAD_BYTES` or a header field is out of range.
    """
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"frame payload of {len(payload)} bytes is too long; valid: <= {MAX_PAYLOAD_BYTES}")
    body = HEADER.pack(kind, flags, seq & 0xFFFF) + bytes(payload)
    body += struct.pack("<I", zlib.crc32(body))
    return cobs_encode(_whiten(body)) + DELIMITER


def decode_frame(stuffed: bytes) -> Frame:
    """Decode one frame without its delimiter.

    Raises
    ------
    FrameFormatError
        If the stuffing is invalid, the frame is shorter than header and
        checksum, or the checksum does not match.
    """
    if len(stuffed) > MAX_ENCODED_BYTES:
        raise FrameFormatError(f"frame of {len(stuffed)} bytes is longer than the limit {MAX_ENCODED_BYTES}")
    body = _whiten(cobs_decode(stuffed))
    if len(body) < HEADER.size + CRC_BYTES:
        raise FrameFormatError(f"frame of {len(body)} bytes is shorter than header and checksum "
                               f"({HEADER.size + CRC_BYTES} bytes)")
    (crc,) = struct.unpack_from("<I", body, len(body) - CRC_BYTES)
    if zlib.crc32(memoryview(body)[:-CRC_BYTES]) != crc:
        raise FrameFormatError("frame checksum mismatch")
    kind, flags, seq = HEADER.unpack_from(body)
    return Frame(kind, flags, seq, body[HEADER.size:-CRC_BYTES])


class FrameDecoder:
    """Splits a byte stream into frames; bad frames are counted, never raised.

    Attributes
    ----------
    bad_frames : int
        Delimited pieces that failed to decode (corruption, fragments).
    garbage_bytes : int
        Bytes thrown away: bad frames and overlong runs without a delimiter.
    """

    def __init__(self) -> None:
        self._pending = bytearray()
        self.bad_frames = 0
        self.garbage_bytes = 0
        self.good_frames = 0

    @property
    def pending_bytes(self) -> int:
        """Bytes of an unfinished frame held (at most :data:`MAX_ENCODED_BYTES`)."""
        return len(self._pending)

    def feed(self, data: bytes) -> tuple[list[Frame], int]:
        """Add received bytes; return the complete frames and the number of bad ones among them."""
        if not data:
            return [], 0
        self._pending += data
        if DELIMITER not in data:
            self._trim()
            return [], 0
        pieces = bytes(self._pending).split(DELIMITER)
        self._pending = bytearray(pieces.pop())
        self._trim()
        frames: list[Frame] = []
        bad = 0
        for piece in pieces:
            if not piece:
                continue  # a lone delimiter (used to flush the line) carries nothing
            try:
                frames.append(decode_frame(piece))
            except FrameFormatError:
                bad += 1
                self.garbage_bytes += len(piece) + 1
        self.bad_frames += bad
        self.good_frames += len(frames)
        return frames, bad

    def _trim(self) -> None:
        excess = len(self._pending) - MAX_ENCODED_BYTES
        if excess > 0:
            # no frame is this long: what came before cannot be part of a good one
            self.garbage_bytes += len(self._pending)
            self.bad_frames += 1
            self._pending = bytearray()

    def clear(self) -> None:
        """Forget any unfinished frame."""
        self._pending = bytearray()
