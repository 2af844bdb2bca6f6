"""Reliable requests over an unreliable byte stream (host side).

One request is outstanding at a time (stop and wait). A request is sent
again, with the same sequence number, when

* a frame arrives that does not decode (corrupted, cut or merged frames:
  it may have been the reply),
* the board sends NAK (it received a frame it could not decode),
* the line goes quiet for ``idle_timeout`` inside an unfinished frame (its
  delimiter was lost),
* nothing arrives for the retransmission time-out (``rto``).

The board answers a repeated sequence number from its reply cache, so a
command is never executed twice. Replies with another sequence number are
stale copies and are ignored. ``BUSY`` frames from the board (a long run)
restart the time-out. The link gives up with :class:`BoardTimeoutError` when
the board is silent for ``silence_timeout`` seconds or after ``max_attempts``
sends of one request, and with :class:`BoardVanishedError` when the
transport closes.

Payload sizes adapt to the line: the suggested payload limit grows by half
after every request that succeeded at once and shrinks by a fifth after every
failed attempt, so that on a noisy line (1 % of bytes corrupted) frames
settle near a hundred bytes, where most arrive whole, and on a clean line
they grow to ``max_payload``.
"""

from __future__ import annotations

import time

from .errors import BoardTimeoutError, BoardVanishedError, TransportClosedError
from .framing import Frame, FrameDecoder, encode_frame
from .messages import REPLY, Kind


class RetryBudgetExceeded(Exception):
    """A request with a small attempt budget failed; the caller may cut it smaller and go on."""


class Link:
    """Request/reply exchange with retransmission over a :class:`~firmware_io.transports.Transport`.

    Parameters
    ----------
    transport
        An open transport.
    silence_timeout
        Seconds without any byte from the board after which a request fails.
    max_attempts
        Sends of one request before it fails.
    min_rto, max_rto
        Bounds of the retransmission time-out (seconds); in between it is
        four times the smoothed round-trip time.
    max_payload, min_payload
        Bounds of the adaptive payload limit (bytes).
    idle_timeout
        Seconds of quiet after which an unfinished frame is taken as lost
        (its delimiter was corrupted) and the request is sent again.
    """

    def __init__(self, transport, *, silence_timeout: float = 3.0, max_attempts: int = 500,
                 min_rto: float = 0.05, max_rto: float = 1.0, max_payload: int = 1 << 16,
                 min_payload: int = 32, idle_timeout: float = 0.02) -> None:
        self.transport = transport
        self.decoder = FrameDecoder()
        self.silence_timeout = float(silence_timeout)
        self.max_attempts = int(max_attempts)
        self.min_rto, self.max_rto = float(min_rto), float(max_rto)
        self.max_payload, self.min_payload = int(max_payload), int(min_payload)
        self.idle_timeout = float(idle_timeout)
        self._limit = float(min(4096, max_payload))
        self._srtt: float | None = None
        self._seq = 0
        # silence counts across the attempts of re-cut bulk requests, not across idle time between commands
        self._answered = True
        self._heard = 0.0
        self.stats = {"requests": 0, "sends": 0, "timeouts": 0, "naks": 0, "bad_frames": 0, "stale": 0, "busy": 0}

    @property
    def payload_limit(self) -> int:
        """Suggested payload size of the next bulk request (bytes)."""
        return int(self._limit)

    @property
    def rto(self) -> float:
        if self._srtt is None:
            return self.max_rto
        return min(self.max_rto, max(self.min_rto, 4.0 * self._srtt))

    def request(self, kind: int, payload: bytes = b"", *, attempts: int | None = None,
                what: str = "") -> Frame:
        """Send one request and return the board's reply (its kind | REPLY, or ERROR).

        Parameters
        ----------
        attempts
            Sends before :class:`RetryBudgetExceeded` is raised (idempotent bulk
            requests, which the caller re-cuts smaller); default: fail with
            :class:`BoardTimeoutError` after ``max_attempts``.
        what
            How the request is named in error messages.

        Raises
        ------
        BoardTimeoutError
            The board was silent for ``silence_timeout`` seconds, or every attempt failed.
        BoardVanishedError
            The transport closed.
        """
        self._seq = (self._seq + 1) & 0xFFFF
        seq = self._seq
        wire = encode_frame(kind, seq, payload)
        name = what or Kind(kind).name
        self.stats["requests"] += 1
        sends = 0
        first_sent = time.monotonic()
        if self._answered:
            self._heard = first_sent
        self._answered = False
        while True:
            if sends >= (attempts if attempts is not None else self.max_attempts):
                if attempts is not None:
                    raise RetryBudgetExceeded(name)
                raise BoardTimeoutError(f"{name} (sequence {seq}) failed: no good reply after {sends} "
                                        f"attempts on {self.transport.url}")
            self._send(wire, name)
            sent_at = time.monotonic()  # after the write: an in-process board answers inside it
            sends += 1
            self.stats["sends"] += 1
            deadline = sent_at + self.rto
            resend = False
            while not resend:
                now = time.monotonic()
                if now - self._heard > self.silence_timeout:
                    raise BoardTimeoutError(
                        f"the board on {self.transport.url} stopped answering: nothing received for "
                        f"{now - self._heard:.1f} s during {name} (sequence {seq}, {sends} attempts)")
                if now >= deadline:
                    self.stats["timeouts"] += 1
                    break
                pending = self.decoder.pending_bytes
                wait = min(deadline - now, self.silence_timeout, self.idle_timeout if pending else 1e9)
                data = self._receive(wait, name)
                if not data:
                    if pending and time.monotonic() - self._heard >= self.idle_timeout:
                        # the line went quiet inside a frame: its delimiter was lost
                        self.decoder.clear()
                        self.stats["bad_frames"] += 1
                        resend = True
                    continue
                self._heard = time.monotonic()
                frames, bad = self.decoder.feed(data)
                if self.decoder.pending_bytes and getattr(self.transport, "preserves_writes", False):
                    self.decoder.clear()  # a whole write ended inside a frame: its delimiter was lost
                    bad += 1
                self.stats["bad_frames"] += bad
                resend = bad > 0
                for frame in frames:
                    if frame.kind == Kind.NAK:
                        self.stats["naks"] += 1
                        resend = True
                    elif frame.kind == Kind.BUSY and frame.seq == seq:
                        self.stats["busy"] += 1
                        deadline = time.monotonic() + self.rto  # the board is working on it
                    elif frame.seq == seq and frame.kind in (kind | REPLY, Kind.ERROR):
                        self._answered = True
                        self._adapt(sends == 1, time.monotonic() - (first_sent if sends == 1 else sent_at))
                        return frame
                    else:
                        self.stats["stale"] += 1
            self._adapt_failure()

    def _send(self, wire: bytes, name: str) -> None:
        try:
            self.transport.write(wire)
        except TransportClosedError as err:
            raise BoardVanishedError(f"the board on {self.transport.url} went away during {name}: {err}") from err

    def _receive(self, timeout: float, name: str) -> bytes:
        try:
            return self.transport.read(timeout)
        except TransportClosedError as err:
            raise BoardVanishedError(f"the board on {self.transport.url} went away during {name}: {err}") from err

    def _adapt(self, first_try: bool, rtt: float) -> None:
        self._srtt = rtt if self._srtt is None else 0.875 * self._srtt + 0.125 * rtt
        if first_try:
            self._limit = min(self.max_payload, self._limit * 1.5)

    def _adapt_failure(self) -> None:
        self._limit = max(self.min_payload, self._limit * 0.8)
