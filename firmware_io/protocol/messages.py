"""Message types of the host link and the layout of their payloads.

Every request (host -> board) is answered by one reply frame with the same
sequence number: its kind is the request's kind | :data:`REPLY`, or
:data:`Kind.ERROR`. The board may also send :data:`Kind.NAK` (it received a
frame it could not decode) and :data:`Kind.BUSY` (a long command is still
running). All integers are little-endian. Variable-size data (configuration
images, input events, output events, traces, drop counters) move through
numbered buffers with offset-addressed ``WRITE`` and ``READ`` requests, which
are idempotent: a request may be repeated, and a transfer cut into pieces of
any size, without changing the result.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

#: Protocol versions this host speaks (lowest, highest).
PROTOCOL_VERSIONS = (1, 1)
#: Added to a request's kind in its reply.
REPLY = 0x80


class Kind(IntEnum):
    """Message kinds (the frame header's type byte)."""

    HELLO = 0x01
    WRITE = 0x02
    READ = 0x03
    LOAD = 0x04
    RECONFIGURE = 0x05
    SET_READOUT = 0x06
    COMMIT_INPUT = 0x07
    RUN = 0x08
    RESET = 0x09
    STATUS = 0x0A
    SNAPSHOT_CONFIG = 0x0B
    BUSY = 0x7D
    NAK = 0x7E
    ERROR = 0x7F


class Buffer(IntEnum):
    """Board buffers reached by WRITE (host -> board) and READ (board -> host)."""

    CONFIG_IN = 1   #: configuration image being uploaded (LOAD, RECONFIGURE)
    INPUT_IN = 2    #: input event words being uploaded (COMMIT_INPUT)
    OUTPUT = 3      #: output event words and LOST reports of the last run
    TRACES = 4      #: membrane samples of the last run
    RUN_INFO = 5    #: read-out selection and drop counters of the last run
    STATUS_INFO = 6  #: drop counters of the last STATUS
    CONFIG_OUT = 7  #: configuration image taken by SNAPSHOT_CONFIG


class ErrorCode(IntEnum):
    """Codes of the board's ERROR reply."""

    BAD_REQUEST = 1   #: unknown kind or malformed payload
    NO_SESSION = 2    #: the board was (re)started and needs a HELLO first
    VERSION = 3       #: no common protocol version
    REFUSED = 4       #: the board refused a configuration or input
    CHECKSUM = 5      #: an uploaded buffer does not match its length or checksum
    NOT_LOADED = 6    #: the command needs a configuration first
    INTERNAL = 7      #: the board failed


HELLO_REQUEST = struct.Struct("<HH")          # lowest, highest version the host speaks
HELLO_REPLY = struct.Struct("<HHHHI")          # version, lowest, highest, n_chips, boot id
WRITE_HEAD = struct.Struct("<BI")              # buffer, offset; then the data
WRITTEN = struct.Struct("<I")                  # bytes the buffer holds now
READ_REQUEST = struct.Struct("<BII")           # buffer, offset, most bytes
DATA_HEAD = struct.Struct("<I")                # offset; then the data
COMMIT = struct.Struct("<II")                  # length, CRC-32 of the uploaded buffer
RECONFIGURE_HEAD = struct.Struct("<H")         # chip; then COMMIT
ACCEPTED = struct.Struct("<Q")                 # input events accepted
RUN_REQUEST = struct.Struct("<QI")             # cycles, most bytes of data the reply may carry inline
BLOB = struct.Struct("<II")                    # length, CRC-32 of a readable buffer
RUN_DONE = struct.Struct("<QQQQ")              # start cycle, cycles, row events, synaptic events
STATUS_REPLY = struct.Struct("<QQQQQQQQ")      # cycle, pending, in flight, input, routed, row, syn, output
ERROR_HEAD = struct.Struct("<H")               # code; then a UTF-8 message


def pack_text(text: str) -> bytes:
    """A UTF-8 string with a one-byte length (cut to 255 bytes)."""
    raw = text.encode("utf-8")[:255]
    return bytes([len(raw)]) + raw


def unpack_text(data: bytes, pos: int) -> tuple[str, int]:
    """A string written by :func:`pack_text` at ``pos``; returns it and the next position."""
    n = data[pos]
    raw = data[pos + 1:pos + 1 + n]
    if len(raw) != n:
        raise ValueError(f"text of {n} bytes cut short at byte {pos}")
    return raw.decode("utf-8", errors="replace"), pos + 1 + n


@dataclass(frozen=True)
class Identity:
    """What a board says about itself in its HELLO reply."""

    protocol_version: int
    versions: tuple[int, int]
    board_id: str
    firmware: str
    serials: tuple[int, ...]
    boot_id: int

    @property
    def n_chips(self) -> int:
        return len(self.serials)

    def pack(self) -> bytes:
        head = HELLO_REPLY.pack(self.protocol_version, *self.versions, len(self.serials), self.boot_id)
        serials = np.asarray(self.serials, dtype="<u4").tobytes()
        return head + pack_text(self.board_id) + pack_text(self.firmware) + serials

    @classmethod
    def unpack(cls, data: bytes) -> "Identity":
        version, low, high, n, boot = HELLO_REPLY.unpack_from(data)
        board_id, pos = unpack_text(data, HELLO_REPLY.size)
        firmware, pos = unpack_text(data, pos)
        if len(data) != pos + 4 * n:
            raise ValueError(f"HELLO reply of {len(data)} bytes does not hold {n} chip serials")
        serials = tuple(int(s) for s in np.frombuffer(data, dtype="<u4", count=n, offset=pos))
        return cls(version, (low, high), board_id, firmware, serials, boot)


@dataclass(frozen=True)
class Blob:
    """Length and CRC-32 of a readable board buffer."""

    length: int
    crc: int


def pack_blobs(*blobs: Blob) -> bytes:
    return b"".join(BLOB.pack(b.length, b.crc) for b in blobs)


def unpack_blobs(data: bytes, pos: int, n: int) -> list[Blob]:
    return [Blob(*BLOB.unpack_from(data, pos + i * BLOB.size)) for i in range(n)]


@dataclass(frozen=True)
class RunSummary:
    """The board's reply to RUN; the data are in the OUTPUT, TRACES and RUN_INFO buffers.

    If they fit into the size the host allowed, the reply also carries them
    inline (RUN_INFO, OUTPUT, TRACES, in that order, after the summary), which
    saves three round trips per run chunk; ``inline`` holds them then.
    """

    start_cycle: int
    n_cycles: int
    row_events: int
    synaptic_events: int
    output: Blob
    traces: Blob
    info: Blob
    inline: tuple[bytes, bytes, bytes] | None = None

    def pack(self) -> bytes:
        head = RUN_DONE.pack(self.start_cycle, self.n_cycles, self.row_events, self.synaptic_events)
        return head + pack_blobs(self.output, self.traces, self.info) + b"".join(self.inline or ())

    @classmethod
    def unpack(cls, data: bytes) -> "RunSummary":
        size = RUN_DONE.size + 3 * BLOB.size
        if len(data) < size:
            raise ValueError(f"RUN reply of {len(data)} bytes; expected at least {size}")
        output, traces, info = unpack_blobs(data, RUN_DONE.size, 3)
        inline = None
        if len(data) > size:
            if len(data) != size + info.length + output.length + traces.length:
                raise ValueError(f"RUN reply of {len(data)} bytes does not match its inline data")
            a, b = size + info.length, size + info.length + output.length
            inline = (data[size:a], data[a:b], data[b:])
        return cls(*RUN_DONE.unpack_from(data), output, traces, info, inline)

    def __str__(self) -> str:
        return (f"cycles {self.start_cycle}..{self.start_cycle + self.n_cycles}, "
                f"{self.output.length} bytes of output events, {self.traces.length} bytes of traces")


@dataclass(frozen=True)
class StatusSummary:
    """The board's reply to STATUS; drop counters are in the STATUS_INFO buffer."""

    counters: tuple[int, ...]
    info: Blob

    def pack(self) -> bytes:
        return STATUS_REPLY.pack(*self.counters) + pack_blobs(self.info)

    @classmethod
    def unpack(cls, data: bytes) -> "StatusSummary":
        if len(data) != STATUS_REPLY.size + BLOB.size:
            raise ValueError(f"STATUS reply of {len(data)} bytes; expected {STATUS_REPLY.size + BLOB.size}")
        return cls(STATUS_REPLY.unpack_from(data), unpack_blobs(data, STATUS_REPLY.size, 1)[0])


DROP_HEAD = struct.Struct("<HH")  # chips, links; then 3 x chips and links u64 counters, then chips x 4 u16


@dataclass(frozen=True, eq=False)
class LinkDropCounts:
    """Events the board dropped, by cause (the fields of the emulator's ``DropCounts``)."""

    input_bandwidth: np.ndarray
    not_external: np.ndarray
    late: np.ndarray
    link_bandwidth: np.ndarray

    def lost_input(self) -> np.ndarray:
        """Input events each chip lost (port overflow, late, not EXTERNAL)."""
        return self.input_bandwidth + self.not_external + self.late

    def total(self) -> int:
        """All dropped events."""
        return int(self.input_bandwidth.sum() + self.not_external.sum() + self.late.sum()
                   + self.link_bandwidth.sum())


def pack_drops(drops: object, readout: np.ndarray | None = None) -> bytes:
    """Drop counters (any object with the four arrays) and, optionally, a (chips, 4) read-out selection."""
    arrays = [np.asarray(getattr(drops, name), dtype="<u8") for name in
              ("input_bandwidth", "not_external", "late", "link_bandwidth")]
    head = DROP_HEAD.pack(arrays[0].size, arrays[3].size)
    tail = b"" if readout is None else np.asarray(readout, dtype="<u2").tobytes()
    return head + b"".join(a.tobytes() for a in arrays) + tail


def unpack_drops(data: bytes) -> tuple[LinkDropCounts, np.ndarray | None]:
    """Inverse of :func:`pack_drops`; the read-out selection is ``None`` if absent."""
    chips, links = DROP_HEAD.unpack_from(data)
    counts = np.frombuffer(data, dtype="<u8", count=3 * chips + links, offset=DROP_HEAD.size).astype(np.int64)
    pos = DROP_HEAD.size + 8 * counts.size
    drops = LinkDropCounts(counts[:chips], counts[chips:2 * chips], counts[2 * chips:3 * chips], counts[3 * chips:])
    if len(data) == pos:
        return drops, None
    if len(data) != pos + 8 * chips:
        raise ValueError(f"drop counters of {len(data)} bytes do not match {chips} chips and {links} links")
    readout = np.frombuffer(data, dtype="<u2", offset=pos).astype(np.int64).reshape(chips, 4)
    return drops, readout


def pack_error(code: int, message: str) -> bytes:
    return ERROR_HEAD.pack(code) + message.encode("utf-8")[:4000]


def unpack_error(data: bytes) -> tuple[int, str]:
    (code,) = ERROR_HEAD.unpack_from(data)
    return code, data[ERROR_HEAD.size:].decode("utf-8", errors="replace")
