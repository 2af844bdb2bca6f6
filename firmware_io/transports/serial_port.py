"""Serial transport (pyserial): ``serial:///dev/ttyUSB0?baudrate=3000000``.

Works with any device pyserial opens, pseudo-terminals included (the virtual
board serves one). Query keys: ``baudrate`` (default 3,000,000),
``rtscts`` (0/1).
"""

from __future__ import annotations

import select
from urllib.parse import SplitResult, unquote

import serial

from ..protocol.errors import TransportClosedError, TransportError
from .base import Transport

DEFAULT_BAUDRATE = 3_000_000


class SerialTransport(Transport):
    """A pyserial port as a :class:`Transport`."""

    def __init__(self, url: str, port: str, *, baudrate: int = DEFAULT_BAUDRATE, rtscts: bool = False) -> None:
        super().__init__(url)
        try:
            self._port = serial.Serial(port, baudrate=baudrate, timeout=0, write_timeout=10, rtscts=rtscts)
        except (serial.SerialException, OSError, ValueError) as err:
            self._closed = True
            raise TransportError(f"cannot open {url}: {err}") from err
        try:
            self._fileno: int | None = self._port.fileno()
        except (AttributeError, OSError, serial.SerialException):
            self._fileno = None

    @classmethod
    def from_url(cls, url: str, parts: SplitResult, **options) -> "SerialTransport":
        from . import query
        port = unquote(parts.path)
        if not port:
            raise TransportError(f"transport URL {url!r} names no device; valid: serial:///dev/ttyUSB0")
        q = query(parts)
        try:
            baudrate = int(q.pop("baudrate", options.pop("baudrate", DEFAULT_BAUDRATE)))
            rtscts = q.pop("rtscts", "0") not in ("0", "false", "")
        except ValueError as err:
            raise TransportError(f"transport URL {url!r}: {err}") from err
        if q or options:
            raise TransportError(f"transport URL {url!r}: unknown options {sorted({*q, *options})}; "
                                 "valid: baudrate, rtscts")
        return cls(url, port, baudrate=baudrate, rtscts=rtscts)

    def _write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except (serial.SerialException, OSError) as err:
            raise TransportClosedError(f"{self.url}: write failed: {err}") from err

    def _read(self, timeout: float) -> bytes:
        port = self._port
        try:
            waiting = port.in_waiting
            if not waiting:
                if self._fileno is not None:
                    # select() instead of port.timeout: setting a timeout reprograms the tty
                    ready, _, _ = select.select([self._fileno], [], [], timeout)
                    if not ready:
                        return b""
                    waiting = port.in_waiting
                    if not waiting:  # readable with nothing to read: the other end closed
                        raise TransportClosedError(f"{self.url}: the device went away (end of file)")
                else:
                    port.timeout = timeout
                    first = port.read(1)
                    return first + (port.read(port.in_waiting) if first and port.in_waiting else b"")
            return port.read(waiting)
        except (serial.SerialException, OSError) as err:
            raise TransportClosedError(f"{self.url}: the device went away: {err}") from err

    def _close(self) -> None:
        try:
            self._port.close()
        except (serial.SerialException, OSError):
            pass
