"""The host side of a session with a board: identify, configure, feed, run, read back.

:class:`BoardClient` has the methods of the board backend's driver seam
(``load``, ``reconfigure``, ``set_readout``, ``write_input``, ``run``,
``reset``, ``close``) and returns run records with the fields of the
emulator's ``RunResult``, so a backend drives a real board, a virtual board
behind a pseudo-terminal or USB, and the in-process emulator the same way.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..constants import NO_READOUT, READOUT_CHANNELS_PER_CHIP
from ..image import BoardImage, build_image, parse_board_image
from ..packets import EVENT_DTYPE, decode_stream, encode_events
from .errors import (BoardCommandError, BoardRefusedError, BoardResetError, LinkError,
                     PartialTransfer)
from .link import Link, RetryBudgetExceeded
from .messages import (ACCEPTED, BLOB, COMMIT, RUN_DONE, DATA_HEAD, HELLO_REQUEST, PROTOCOL_VERSIONS, READ_REQUEST,
                       RECONFIGURE_HEAD, RUN_REQUEST, WRITE_HEAD, WRITTEN, Blob, Buffer, ErrorCode,
                       Identity, Kind, LinkDropCounts, RunSummary, StatusSummary, unpack_drops, unpack_error)

#: Sends of one bulk piece before it is cut smaller.
_PIECE_ATTEMPTS = 3


@dataclass(frozen=True, eq=False)
class LinkRunResult:
    """One run as read back over the link (the fields of ``emulator.RunResult``).

    ``conductance_traces`` is always ``None``: a board reads out membranes only.
    ``lost`` holds the board's LOST reports (``LOST_DTYPE``).
    """

    output_events: np.ndarray
    traces: np.ndarray
    trace_neurons: np.ndarray
    start_cycle: int
    n_cycles: int
    dropped: LinkDropCounts
    synaptic_events: int
    row_events: int
    lost: np.ndarray
    conductance_traces: None = None


@dataclass(frozen=True, eq=False)
class LinkBoardStatus:
    """The board's counters since its last reset (the fields of ``emulator.BoardStatus``)."""

    cycle: int
    time_ticks: int
    pending_input: int
    in_flight: int
    input_events: int
    routed_events: int
    row_events: int
    synaptic_events: int
    output_events: int
    dropped: LinkDropCounts


class BoardClient:
    """A session with one board over a transport.

    Parameters
    ----------
    transport
        An open :class:`~firmware_io.transports.Transport`.
    expect
        The board the caller means (a ``BoardSpec``, or a sequence of chip
        serials): a board with other chip serials is refused.
    link_options
        Passed to :class:`~firmware_io.protocol.link.Link` (time-outs, payload sizes).

    Raises
    ------
    BoardRefusedError
        If the board speaks no common protocol version or its chip serials
        differ from ``expect``.
    """

    name = "hardware"

    def __init__(self, transport, *, expect: object | None = None, **link_options) -> None:
        self.transport = transport
        self.link = Link(transport, **link_options)
        #: What the last failed operation had received (also in the error's ``partial``).
        self.last_partial: PartialTransfer | None = None
        self._piece_failures = 0  # bulk pieces in a row that had to be cut smaller
        self.identity = self._hello()
        try:
            self._check_board(expect)
        except BoardRefusedError:
            self.close()
            raise

    @classmethod
    def open(cls, url: str, *, expect: object | None = None, transport_options: dict | None = None,
             **link_options) -> "BoardClient":
        """Open the transport named by ``url`` and start a session (see :func:`open_transport`)."""
        from ..transports import open_transport
        transport = open_transport(url, **(transport_options or {}))
        try:
            return cls(transport, expect=expect, **link_options)
        except BaseException:
            transport.close()
            raise

    # -- session ------------------------------------------------------------------------
    def _hello(self) -> Identity:
        low, high = PROTOCOL_VERSIONS
        reply = self.link.request(Kind.HELLO, HELLO_REQUEST.pack(low, high), what="HELLO")
        if reply.kind == Kind.ERROR:
            code, message = unpack_error(reply.payload)
            if code == ErrorCode.VERSION:
                raise BoardRefusedError(f"the board on {self.transport.url} refused the session: {message}; "
                                        f"this host speaks protocol versions {low}..{high}")
            raise BoardCommandError(f"HELLO refused by the board on {self.transport.url}: {message}", code)
        ident = Identity.unpack(reply.payload)
        if not low <= ident.protocol_version <= high:
            raise BoardRefusedError(
                f"the board on {self.transport.url} ({ident.board_id}, firmware {ident.firmware}) speaks "
                f"protocol versions {ident.versions[0]}..{ident.versions[1]} and chose "
                f"{ident.protocol_version}; this host speaks {low}..{high}: update the host software "
                "or the board firmware")
        return ident

    def _check_board(self, expect: object | None) -> None:
        if expect is None:
            return
        label = getattr(expect, "name", "the expected board")
        serials = getattr(expect, "serials", expect)
        want = [int(s) for s in np.asarray(serials).ravel()]
        have = list(self.identity.serials)
        if want == have:
            return
        if len(want) != len(have):
            detail = f"it has {len(have)} chips, {label} has {len(want)}"
        else:
            i = next(k for k in range(len(want)) if want[k] != have[k])
            detail = f"chip {i} has serial 0x{have[i]:08x}, {label} expects 0x{want[i]:08x}"
        raise BoardRefusedError(
            f"the board on {self.transport.url} ({self.identity.board_id}) is not {label}: {detail}; its "
            "configuration codes are calibrated per chip, so they would be wrong on this board")

    def close(self) -> None:
        """Close the transport (idempotent)."""
        self.transport.close()

    def __enter__(self) -> "BoardClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- commands -----------------------------------------------------------------------
    def _command(self, kind: Kind, payload: bytes = b"", what: str = "",
                 partial: PartialTransfer | None = None) -> bytes:
        name = what or kind.name
        try:
            reply = self.link.request(kind, payload, what=name)
        except LinkError as err:
            raise self._keep(err, partial or PartialTransfer(name)) from err
        if reply.kind == Kind.ERROR:
            code, message = unpack_error(reply.payload)
            if code == ErrorCode.NO_SESSION:
                err = BoardResetError(f"the board on {self.transport.url} was reset during {name}: its "
                                      f"configuration, time and state are lost ({message})",
                                      partial or PartialTransfer(name))
                self.last_partial = err.partial
                raise err
            raise BoardCommandError(f"the board refused {name}: {message}", code)
        return reply.payload

    def _keep(self, err: LinkError, partial: PartialTransfer) -> LinkError:
        """The same kind of error, carrying ``partial``; also kept as :attr:`last_partial`."""
        self.last_partial = partial
        return type(err)(err.reason, partial)

    def _upload(self, buffer: Buffer, data: bytes, partial: PartialTransfer) -> None:
        """Write ``data`` into a board buffer in pieces cut to the link's payload limit."""
        offset = 0
        while True:
            piece = data[offset:offset + max(1, self.link.payload_limit - WRITE_HEAD.size)]
            payload = WRITE_HEAD.pack(buffer, offset) + piece
            held = self._piece(Kind.WRITE, payload, f"{partial.request}, upload to {buffer.name} at byte {offset}",
                               partial)
            if held is None:
                continue
            (held,) = WRITTEN.unpack(held[:WRITTEN.size])
            partial.sent_bytes = offset = min(held, len(data))
            if offset >= len(data):
                return

    def _download(self, buffer: Buffer, blob: Blob, partial: PartialTransfer) -> bytes:
        """Read a whole board buffer, checking its length and CRC-32."""
        out = bytearray()
        partial.received[buffer.name.lower()] = b""
        partial.expected[buffer.name.lower()] = blob.length
        while len(out) < blob.length:
            want = min(blob.length - len(out), max(1, self.link.payload_limit - DATA_HEAD.size))
            payload = READ_REQUEST.pack(buffer, len(out), want)
            reply = self._piece(Kind.READ, payload, f"{partial.request}, read of {buffer.name} at byte {len(out)}",
                                partial)
            if reply is None:
                continue
            (offset,) = DATA_HEAD.unpack_from(reply)
            data = reply[DATA_HEAD.size:]
            if offset != len(out) or not data:
                raise BoardCommandError(f"the board answered a read of {buffer.name} at byte {len(out)} with "
                                        f"{len(data)} bytes at byte {offset}")
            out += data
            partial.received[buffer.name.lower()] = bytes(out)
        if len(out) != blob.length or zlib.crc32(out) != blob.crc:
            raise LinkError(f"{buffer.name} read back with a wrong checksum ({len(out)} bytes)", partial)
        return bytes(out)

    def _piece(self, kind: Kind, payload: bytes, what: str, partial: PartialTransfer) -> bytes | None:
        """One idempotent bulk request; ``None`` if it should be cut smaller and sent again."""
        try:
            reply = self.link.request(kind, payload, attempts=_PIECE_ATTEMPTS, what=what)
        except RetryBudgetExceeded:
            self._piece_failures += 1
            if self._piece_failures * _PIECE_ATTEMPTS >= self.link.max_attempts:
                self._piece_failures = 0
                raise self._keep(LinkError(f"{what} failed: no good reply after {self.link.max_attempts} "
                                           f"attempts on {self.transport.url}"), partial) from None
            return None
        except LinkError as err:
            raise self._keep(err, partial) from err
        self._piece_failures = 0
        if reply.kind == Kind.ERROR:
            code, message = unpack_error(reply.payload)
            if code == ErrorCode.NO_SESSION:
                self.last_partial = partial
                raise BoardResetError(f"the board on {self.transport.url} was reset during {what}: its "
                                      f"configuration, time and state are lost ({message})", partial)
            raise BoardCommandError(f"the board refused {what}: {message}", code)
        return reply.payload

    def _commit(self, kind: Kind, head: bytes, data: bytes, what: str) -> bytes:
        partial = PartialTransfer(what)
        self._upload(Buffer.INPUT_IN if kind == Kind.COMMIT_INPUT else Buffer.CONFIG_IN, data, partial)
        return self._command(kind, head + COMMIT.pack(len(data), zlib.crc32(data)), what, partial)

    # -- the driver seam ---------------------------------------------------------------
    def load(self, configs: Sequence | BoardImage | bytes, routes: np.ndarray | None = None) -> None:
        """Configure every chip and the routes (the board checks serials); time back to 0."""
        if isinstance(configs, (bytes, bytearray, memoryview)):
            image = bytes(configs)
        elif isinstance(configs, BoardImage):
            image = build_image(list(configs.configs), configs.routes)
        else:
            image = build_image(list(configs), routes)
        self._commit(Kind.LOAD, b"", image, "load")

    def reconfigure(self, chip: int, config) -> None:
        """New neuron codes, row strengths, weights or read-out of one chip, keeping state."""
        self._commit(Kind.RECONFIGURE, RECONFIGURE_HEAD.pack(int(chip)), build_image([config]),
                     f"reconfigure(chip {chip})")

    def set_readout(self, readout: np.ndarray) -> None:
        """Select the neuron of each read-out channel, shape (chips, 4)."""
        codes = np.asarray(readout, dtype=np.int64)
        if codes.shape != (self.identity.n_chips, READOUT_CHANNELS_PER_CHIP) or (codes < 0).any() \
                or (codes > NO_READOUT).any():
            raise ValueError(f"set_readout: readout of shape {codes.shape} is invalid; valid: shape "
                             f"({self.identity.n_chips}, {READOUT_CHANNELS_PER_CHIP}), values 0..{NO_READOUT}")
        self._command(Kind.SET_READOUT, codes.astype("<u2").tobytes(), "set_readout")

    def write_input(self, events: np.ndarray) -> int:
        """Queue host input events (``EVENT_DTYPE``); return how many the board accepted."""
        events = np.asarray(events)
        if events.size == 0:
            return 0
        data = encode_events(events)
        reply = self._commit(Kind.COMMIT_INPUT, b"", data, f"write_input({events.size} events)")
        return ACCEPTED.unpack(reply)[0]

    def run(self, n_cycles: int) -> LinkRunResult:
        """Run ``n_cycles`` cycles and read back events, traces and drop counters."""
        if int(n_cycles) != n_cycles or n_cycles < 0:
            raise ValueError(f"run: n_cycles {n_cycles!r} is invalid; valid: an integer >= 0")
        what = f"run({int(n_cycles)})"
        partial = PartialTransfer(what)
        inline_limit = max(0, self.link.payload_limit - RUN_DONE.size - 3 * BLOB.size)
        request = RUN_REQUEST.pack(int(n_cycles), inline_limit)
        summary = RunSummary.unpack(self._command(Kind.RUN, request, what, partial))
        partial.summary = summary
        try:
            if summary.inline is not None:
                info, words, trace_bytes = summary.inline
                for blob, data in zip((summary.info, summary.output, summary.traces), summary.inline):
                    if zlib.crc32(data) != blob.crc:
                        raise LinkError(f"{what}: inline data read back with a wrong checksum", partial)
            else:
                info = self._download(Buffer.RUN_INFO, summary.info, partial)
                words = self._download(Buffer.OUTPUT, summary.output, partial)
                trace_bytes = self._download(Buffer.TRACES, summary.traces, partial)
        except LinkError as err:
            got = partial.received.get("output", b"")
            try:
                partial.events = decode_stream(got[:len(got) // 4 * 4]).events
            except ValueError:
                partial.events = np.zeros(0, EVENT_DTYPE)
            raise self._keep(err, partial) from err
        drops, readout = unpack_drops(info)
        stream = decode_stream(words)
        return LinkRunResult(output_events=stream.events, traces=_traces(trace_bytes, readout, summary.n_cycles),
                             trace_neurons=readout, start_cycle=summary.start_cycle, n_cycles=summary.n_cycles,
                             dropped=drops, synaptic_events=summary.synaptic_events,
                             row_events=summary.row_events, lost=stream.lost)

    def reset(self) -> None:
        """Time back to 0, dynamic state cleared, configuration kept."""
        self._command(Kind.RESET, b"", "reset")

    # -- inspection ---------------------------------------------------------------------
    def status(self) -> LinkBoardStatus:
        """The board's time and counters since its last reset."""
        partial = PartialTransfer("status")
        summary = StatusSummary.unpack(self._command(Kind.STATUS, b"", "status", partial))
        drops, _ = unpack_drops(self._download(Buffer.STATUS_INFO, summary.info, partial))
        cycle, pending, in_flight, inp, routed, row, syn, out = summary.counters
        return LinkBoardStatus(cycle, cycle * 32, pending, in_flight, inp, routed, row, syn, out, drops)

    def read_configuration(self) -> BoardImage:
        """Read back the board's configuration (weights as they are now, STDP changes included)."""
        partial = PartialTransfer("read_configuration")
        reply = self._command(Kind.SNAPSHOT_CONFIG, b"", "read_configuration", partial)
        blob = Blob(*struct.unpack("<II", reply))
        return parse_board_image(self._download(Buffer.CONFIG_OUT, blob, partial))

    def read_weights(self, chip: int) -> np.ndarray:
        """Current 4-bit weights of ``chip``, shape (2, 256, 192)."""
        configs = self.read_configuration().configs
        if not 0 <= int(chip) < len(configs):
            raise ValueError(f"chip {chip} does not exist on this board; valid: 0..{len(configs) - 1}")
        return configs[int(chip)].weights.astype(np.uint8)


def _traces(data: bytes, readout: np.ndarray, n_cycles: int) -> np.ndarray:
    """(n_cycles, chips, 4) int64 membrane samples; -1 where a channel is not connected."""
    chips = readout.shape[0]
    connected = np.flatnonzero((readout != NO_READOUT).ravel())
    samples = np.frombuffer(data, dtype="<i4")
    if samples.size != n_cycles * connected.size:
        raise BoardCommandError(f"traces of {samples.size} samples do not match {n_cycles} cycles x "
                                f"{connected.size} connected channels")
    traces = np.full((n_cycles, chips * READOUT_CHANNELS_PER_CHIP), -1, dtype=np.int64)
    traces[:, connected] = samples.reshape(n_cycles, connected.size)
    return traces.reshape(n_cycles, chips, READOUT_CHANNELS_PER_CHIP)


__all__ = ["BoardClient", "LinkRunResult", "LinkBoardStatus"]
