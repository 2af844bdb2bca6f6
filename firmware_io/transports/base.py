"""The interface every transport implements: a byte stream to one board."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType

from ..protocol.errors import TransportClosedError


class Transport(ABC):
    """A full-duplex byte stream to a board.

    Subclasses implement :meth:`_write`, :meth:`_read` and :meth:`_close`;
    this class gives them the same behaviour on closing and failure: using a
    closed transport raises :class:`TransportClosedError`, ``close()`` may be
    called any number of times, and a transport is a context manager.
    """

    #: The URL the transport was opened with.
    url: str = ""
    #: True if every read returns whole writes of the other end (an in-process
    #: board): an unfinished frame at the end of a read then lost its delimiter.
    preserves_writes: bool = False

    def __init__(self, url: str) -> None:
        self.url = url
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def write(self, data: bytes) -> None:
        """Send all of ``data``.

        Raises
        ------
        TransportClosedError
            If the transport or its device is closed.
        """
        self._check_open()
        self._write(bytes(data))

    def read(self, timeout: float) -> bytes:
        """Wait up to ``timeout`` seconds for data; return what arrived (``b""`` if nothing).

        Raises
        ------
        TransportClosedError
            If the transport or its device is closed.
        """
        self._check_open()
        return self._read(max(0.0, float(timeout)))

    def close(self) -> None:
        """Release the device (idempotent)."""
        if not self._closed:
            self._closed = True
            self._close()

    def _check_open(self) -> None:
        if self._closed:
            raise TransportClosedError(f"transport {self.url} is closed")

    @abstractmethod
    def _write(self, data: bytes) -> None: ...

    @abstractmethod
    def _read(self, timeout: float) -> bytes: ...

    @abstractmethod
    def _close(self) -> None: ...

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}{' closed' if self._closed else ''}>"
