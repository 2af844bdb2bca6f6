"""The board side of the host-link protocol, running the emulator.

:class:`BoardServer` is what a board's firmware does: it decodes frames,
answers every request with one reply of the same sequence number, repeats its
last reply when a request arrives again, ignores stale requests, sends NAK for
frames it cannot decode, and executes commands on an emulated board. It knows
nothing about the transport: ``feed(bytes) -> bytes``.
"""

from __future__ import annotations

import dataclasses
import struct
import zlib
from collections.abc import Callable

import numpy as np

from firmware_io import BoardSpec, FirmwareIOError, build_image, decode_events, encode_events
from firmware_io.constants import NO_READOUT
from firmware_io.image import parse_board_image, parse_image
from firmware_io.packets import LOST_DTYPE
from firmware_io.protocol.framing import MAX_PAYLOAD_BYTES, Frame, FrameDecoder, encode_frame
from firmware_io.protocol.messages import (ACCEPTED, COMMIT, DATA_HEAD, HELLO_REQUEST, PROTOCOL_VERSIONS,
                                           READ_REQUEST, RECONFIGURE_HEAD, REPLY, RUN_REQUEST, WRITE_HEAD,
                                           WRITTEN, Blob, Buffer, ErrorCode, Identity, Kind, RunSummary,
                                           StatusSummary, pack_drops, pack_error)

#: Largest upload buffer the virtual board holds (a board's memory is finite).
MAX_UPLOAD_BYTES = 1 << 30
FIRMWARE = "pynn-hw virtual board 1.0"


class _Refused(Exception):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class BoardServer:
    """The protocol engine of a (virtual) board.

    Parameters
    ----------
    spec
        The board: chip serials, links, bandwidths.
    make_board
        Makes the emulated board from ``spec`` (default: ``emulator.Board``);
        called again at every power cycle.
    versions
        Protocol versions the board speaks (lowest, highest).
    serials
        Chip serials the board reports (default: the spec's).
    record_input
        Keep every input event accepted in :attr:`received_input` (for tests).
    """

    def __init__(self, spec: BoardSpec, *, make_board: Callable[[BoardSpec], object] | None = None,
                 versions: tuple[int, int] = PROTOCOL_VERSIONS, serials: tuple[int, ...] | None = None,
                 record_input: bool = False) -> None:
        if make_board is None:
            from emulator import Board
            make_board = lambda s: Board(s, ideal=True)  # noqa: E731
        self.spec = spec
        self.make_board = make_board
        self.versions = tuple(versions)
        self.serials = tuple(int(s) for s in (spec.serials if serials is None else serials))
        self.record_input = record_input
        self.received_input: list[np.ndarray] = []
        self.boot_id = 0
        self.power_cycle()

    def power_cycle(self) -> None:
        """Start again as after power-on: no session, no configuration, no state."""
        self.board = self.make_board(self.spec)
        self.boot_id += 1
        self.loaded = False
        self.session = False
        self.decoder = FrameDecoder()
        self._last: tuple[int, int, bytes] | None = None  # seq, kind, reply
        self._uploads = {Buffer.CONFIG_IN: bytearray(), Buffer.INPUT_IN: bytearray()}
        self._readable: dict[int, bytes] = {}

    # -- frames -------------------------------------------------------------------------
    def feed(self, data: bytes, *, whole: bool = False) -> bytes:
        """Handle received bytes; return the bytes to send back.

        ``whole``: the bytes are one transfer (a USB bulk write, an in-process
        write) and hosts send whole frames per transfer, so an unfinished frame
        left at its end lost its delimiter: it is dropped and NAKed at once.
        """
        frames, bad = self.decoder.feed(data)
        if whole and self.decoder.pending_bytes:
            bad += self.drop_unfinished()
        out = [encode_frame(Kind.NAK, 0)] if bad else []
        out += [self.reply(frame) for frame in frames]
        return b"".join(out)

    def drop_unfinished(self) -> int:
        """Throw away an unfinished frame (the line went idle); 1 if there was one."""
        if not self.decoder.pending_bytes:
            return 0
        self.decoder.garbage_bytes += self.decoder.pending_bytes
        self.decoder.bad_frames += 1
        self.decoder.clear()
        return 1

    def reply(self, frame: Frame) -> bytes:
        """The wire bytes answering one decoded frame (``b""`` for stale requests)."""
        if self._last is not None and frame.kind != Kind.HELLO:
            seq, kind, wire = self._last
            if frame.seq == seq and frame.kind == kind:
                return wire  # the reply was lost: send it again, do not execute twice
            if 0 < (seq - frame.seq) & 0xFFFF < 0x8000:
                return b""  # an old request, already answered
        try:
            kind, payload = self._execute(frame)
        except _Refused as err:
            kind, payload = Kind.ERROR, pack_error(err.code, str(err))
        except FirmwareIOError as err:  # an image or event stream the contract refuses
            kind, payload = Kind.ERROR, pack_error(ErrorCode.REFUSED, str(err))
        except (struct.error, ValueError, IndexError) as err:
            kind, payload = Kind.ERROR, pack_error(ErrorCode.BAD_REQUEST, f"malformed {frame.kind:#04x}: {err}")
        wire = encode_frame(kind, frame.seq, payload)
        if self.session:
            self._last = (frame.seq, frame.kind, wire)
        return wire

    # -- commands -----------------------------------------------------------------------
    def _execute(self, frame: Frame) -> tuple[int, bytes]:
        kind, p = frame.kind, frame.payload
        if kind == Kind.HELLO:
            return self._hello(p)
        if not self.session:
            raise _Refused(ErrorCode.NO_SESSION, f"the board started (boot {self.boot_id}) and has no "
                                                 "session: send HELLO")
        handler = self._handlers.get(kind)
        if handler is None:
            raise _Refused(ErrorCode.BAD_REQUEST, f"unknown message kind {kind:#04x}")
        return kind | REPLY, handler(self, p)

    def _hello(self, p: bytes) -> tuple[int, bytes]:
        low, high = HELLO_REQUEST.unpack(p[:HELLO_REQUEST.size])
        common = min(high, self.versions[1])
        if common < max(low, self.versions[0]):
            raise _Refused(ErrorCode.VERSION, f"the board speaks protocol versions {self.versions[0]}.."
                                              f"{self.versions[1]}, the host {low}..{high}")
        self.session = True
        self._last = None
        ident = Identity(common, self.versions, self.spec.name, FIRMWARE, self.serials, self.boot_id)
        return Kind.HELLO | REPLY, ident.pack()

    def _write(self, p: bytes) -> bytes:
        buffer, offset = WRITE_HEAD.unpack_from(p)
        if buffer not in self._uploads:
            raise _Refused(ErrorCode.BAD_REQUEST, f"buffer {buffer} cannot be written")
        buf = self._uploads[buffer]
        data = memoryview(p)[WRITE_HEAD.size:]
        if offset + len(data) > MAX_UPLOAD_BYTES:
            raise _Refused(ErrorCode.REFUSED, f"upload of {offset + len(data)} bytes exceeds the board's "
                                              f"{MAX_UPLOAD_BYTES} bytes")
        if offset <= len(buf):  # a gap leaves the buffer as it is: the reply says where to go on
            del buf[offset:]
            buf += data
        return WRITTEN.pack(len(buf))

    def _read(self, p: bytes) -> bytes:
        buffer, offset, most = READ_REQUEST.unpack(p)
        src = self._readable.get(buffer)
        if src is None:
            raise _Refused(ErrorCode.BAD_REQUEST, f"buffer {buffer} holds nothing to read")
        most = min(most, MAX_PAYLOAD_BYTES - DATA_HEAD.size)
        return DATA_HEAD.pack(offset) + src[offset:offset + most]

    def _take_upload(self, buffer: Buffer, p: bytes) -> bytes:
        length, crc = COMMIT.unpack(p)
        data = bytes(self._uploads[buffer])
        if len(data) != length or zlib.crc32(data) != crc:
            raise _Refused(ErrorCode.CHECKSUM, f"{buffer.name} holds {len(data)} bytes with CRC "
                                               f"{zlib.crc32(data):08x}; the host sent {length} bytes with "
                                               f"CRC {crc:08x}")
        self._uploads[buffer] = bytearray()
        return data

    def _load(self, p: bytes) -> bytes:
        image = parse_board_image(self._take_upload(Buffer.CONFIG_IN, p))
        try:
            self.board.load(image)
        except (FirmwareIOError, ValueError) as err:
            self.loaded = False
            raise _Refused(ErrorCode.REFUSED, f"configuration refused: {err}") from err
        self.loaded = True
        return b""

    def _require_loaded(self) -> None:
        if not self.loaded:
            raise _Refused(ErrorCode.NOT_LOADED, "the board has no configuration: LOAD one first")

    def _reconfigure(self, p: bytes) -> bytes:
        self._require_loaded()
        (chip,) = RECONFIGURE_HEAD.unpack_from(p)
        (config,) = parse_image(self._take_upload(Buffer.CONFIG_IN, p[RECONFIGURE_HEAD.size:]))
        try:
            self.board.reconfigure(chip, config)
        except (FirmwareIOError, ValueError) as err:
            raise _Refused(ErrorCode.REFUSED, f"reconfigure(chip {chip}) refused: {err}") from err
        return b""

    def _set_readout(self, p: bytes) -> bytes:
        self._require_loaded()
        codes = np.frombuffer(p, dtype="<u2").astype(np.int64).reshape(-1, 4)
        try:
            self.board.set_readout(codes)
        except ValueError as err:
            raise _Refused(ErrorCode.REFUSED, str(err)) from err
        return b""

    def _commit_input(self, p: bytes) -> bytes:
        self._require_loaded()
        events = decode_events(self._take_upload(Buffer.INPUT_IN, p))
        try:
            self.board.write_input(events)
        except ValueError as err:
            raise _Refused(ErrorCode.REFUSED, f"input refused: {err}") from err
        if self.record_input:
            self.received_input.append(events)
        return ACCEPTED.pack(events.size)

    def _run(self, p: bytes) -> bytes:
        self._require_loaded()
        n_cycles, inline_limit = RUN_REQUEST.unpack(p)
        result = self.board.run(n_cycles)
        lost_counts = np.asarray(result.dropped.lost_input())
        lost = np.zeros(int(np.count_nonzero(lost_counts)), dtype=LOST_DTYPE)
        lost["chip"] = np.flatnonzero(lost_counts)
        lost["count"] = lost_counts[lost_counts > 0]
        words = encode_events(result.output_events, lost)
        connected = np.flatnonzero((np.asarray(result.trace_neurons) != NO_READOUT).ravel())
        samples = result.traces.reshape(result.n_cycles, -1)[:, connected].astype("<i4").tobytes()
        info = pack_drops(result.dropped, result.trace_neurons)
        summary = RunSummary(result.start_cycle, result.n_cycles, result.row_events, result.synaptic_events,
                             self._publish(Buffer.OUTPUT, words), self._publish(Buffer.TRACES, samples),
                             self._publish(Buffer.RUN_INFO, info))
        if len(info) + len(words) + len(samples) <= inline_limit:
            summary = dataclasses.replace(summary, inline=(info, words, samples))
        return summary.pack()

    def _publish(self, buffer: Buffer, data: bytes) -> Blob:
        self._readable[buffer] = data
        return Blob(len(data), zlib.crc32(data))

    def _reset(self, p: bytes) -> bytes:
        self._require_loaded()
        self.board.reset()
        return b""

    def _status(self, p: bytes) -> bytes:
        self._require_loaded()
        st = self.board.status()
        counters = (st.cycle, st.pending_input, st.in_flight, st.input_events, st.routed_events,
                    st.row_events, st.synaptic_events, st.output_events)
        return StatusSummary(counters, self._publish(Buffer.STATUS_INFO, pack_drops(st.dropped))).pack()

    def _snapshot(self, p: bytes) -> bytes:
        self._require_loaded()
        configs = []
        for chip, cfg in enumerate(self.board.configs):
            now = cfg.copy()
            now.weights = self.board.read_weights(chip)
            configs.append(now)
        blob = self._publish(Buffer.CONFIG_OUT, build_image(configs, self.board.routes))
        return struct.pack("<II", blob.length, blob.crc)

    _handlers = {
        Kind.WRITE: _write, Kind.READ: _read, Kind.LOAD: _load, Kind.RECONFIGURE: _reconfigure,
        Kind.SET_READOUT: _set_readout, Kind.COMMIT_INPUT: _commit_input, Kind.RUN: _run,
        Kind.RESET: _reset, Kind.STATUS: _status, Kind.SNAPSHOT_CONFIG: _snapshot,
    }
