"""The virtual board behind a pseudo-terminal.

:class:`PtyBoard` opens a pseudo-terminal pair, serves the board side of the
protocol on the master end in a background thread and hands out the slave's
device path: ``serial://<path>`` reaches it through pyserial exactly as a
board on a USB serial adapter. A long RUN goes to a worker thread while the
server sends BUSY frames every :data:`BUSY_INTERVAL` seconds.
"""

from __future__ import annotations

import errno
import os
import select
import threading
import time
import tty
from collections import deque

from firmware_io import BoardSpec
from firmware_io.protocol.framing import encode_frame
from firmware_io.protocol.messages import Kind

from .faults import FaultInjector, FaultSpec
from .server import BoardServer

#: Seconds between BUSY frames while a command runs.
BUSY_INTERVAL = 0.02
#: Seconds of quiet after which an unfinished frame is taken as lost (its delimiter was corrupted).
IDLE_TIMEOUT = 0.02
_READ_BYTES = 1 << 16


class PtyBoard:
    """A :class:`BoardServer` served on a pseudo-terminal.

    Parameters
    ----------
    spec
        The board (a ``BoardSpec``, a shipped name or a board file).
    faults
        Faults to inject (:class:`FaultSpec` or its text form).
    server_options
        Passed to :class:`BoardServer` (``versions``, ``serials``, ``make_board``, ...).

    Examples
    --------
    >>> with PtyBoard("single_chip") as board:          # doctest: +SKIP
    ...     client = BoardClient.open(board.url)
    """

    def __init__(self, spec: BoardSpec | str, *, faults: FaultSpec | str | None = None,
                 **server_options) -> None:
        self.spec = spec if isinstance(spec, BoardSpec) else BoardSpec.load(spec)
        self.server = BoardServer(self.spec, **server_options)
        self.faults = FaultInjector(faults if isinstance(faults, FaultSpec) else FaultSpec.parse(faults))
        self.device: str | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._outbox: deque[tuple[float, bytes]] = deque()
        self.error: BaseException | None = None
        self._last_rx = 0.0

    @property
    def url(self) -> str:
        """``serial://`` URL of the device."""
        return f"serial://{self.device}"

    def start(self) -> str:
        """Open the pseudo-terminal and serve it; return the device path."""
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line editing: a byte is a byte
        os.set_blocking(self._master, False)
        self.device = os.ttyname(self._slave)
        self._thread = threading.Thread(target=self._serve, name=f"virtual board {self.device}", daemon=True)
        self._thread.start()
        return self.device

    def stop(self) -> None:
        """Stop serving and close the pseudo-terminal (the host sees the device vanish)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._close_fds()

    def __enter__(self) -> "PtyBoard":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _close_fds(self) -> None:
        for name in ("_master", "_slave"):
            fd = getattr(self, name, None)
            if fd is not None:
                setattr(self, name, None)
                try:
                    os.close(fd)
                except OSError:
                    pass

    # -- serving ----------------------------------------------------------------------------
    def _serve(self) -> None:
        try:
            while not self._stop.is_set() and not self.faults.disconnected:
                self._step(0.05)
        except BaseException as err:  # kept for the test or command that owns the board
            self.error = err
        finally:
            if self.faults.disconnected:
                self._close_fds()

    def _step(self, timeout: float) -> None:
        now = time.monotonic()
        want_write = bool(self._outbox) and self._outbox[0][0] <= now
        if self._outbox and not want_write:
            timeout = min(timeout, self._outbox[0][0] - now)
        if self.server.decoder.pending_bytes:
            timeout = min(timeout, IDLE_TIMEOUT)
        readable, writable, _ = select.select([self._master], [self._master] if want_write else [], [],
                                              max(0.0, timeout))
        if writable:
            self._flush()
        if readable:
            try:
                data = os.read(self._master, _READ_BYTES)
            except OSError as err:
                if err.errno in (errno.EAGAIN, errno.EIO):  # EIO: no process has the device open
                    time.sleep(0.01)
                    return
                raise
            self._last_rx = time.monotonic()
            self._handle(self.faults.to_board(data))
        elif self.server.decoder.pending_bytes and time.monotonic() - self._last_rx >= IDLE_TIMEOUT:
            if self.server.drop_unfinished():
                self._send(encode_frame(Kind.NAK, 0))

    def _handle(self, data: bytes) -> None:
        server = self.server
        frames, bad = server.decoder.feed(data)
        if bad:
            self._send(encode_frame(Kind.NAK, 0))
        for frame in frames:
            if frame.kind == Kind.RUN:
                reply = self._with_busy(frame)
            else:
                reply = server.reply(frame)
            if reply:
                self._send(reply)
            if self.faults.reset_due():
                server.power_cycle()

    def _with_busy(self, frame) -> bytes:
        """Run a command in a worker thread, sending BUSY until it is done."""
        result: list[bytes] = []
        worker = threading.Thread(target=lambda: result.append(self.server.reply(frame)), daemon=True)
        worker.start()
        self._send(encode_frame(Kind.BUSY, frame.seq))  # at once: the host's time-out may be short
        worker.join(BUSY_INTERVAL)
        while worker.is_alive():
            self._send(encode_frame(Kind.BUSY, frame.seq))
            self._flush()
            worker.join(BUSY_INTERVAL)
        return result[0] if result else b""

    def _send(self, data: bytes) -> None:
        data = self.faults.to_host(data)
        if data:
            self._outbox.append((time.monotonic() + self.faults.reply_delay(), data))
        self._flush()

    def _flush(self) -> None:
        now = time.monotonic()
        while self._outbox and self._outbox[0][0] <= now:
            ready, data = self._outbox[0]
            try:
                n = os.write(self._master, data)
            except BlockingIOError:
                return
            except OSError as err:
                if err.errno == errno.EIO:
                    return
                raise
            if n < len(data):
                self._outbox[0] = (ready, data[n:])
                return
            self._outbox.popleft()
