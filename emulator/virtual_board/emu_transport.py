"""``emu://BOARD``: the virtual board in this process, as a transport.

``BOARD`` is a shipped board name or a board file (``emu:///path/to/board.toml``).
Query keys: ``faults`` (a :meth:`FaultSpec.parse` string), ``versions``
(``"1-1"``, the protocol versions the board speaks), ``mismatch`` (0/1).
The board answers inside :meth:`write`, so no thread is involved; faults act
on the bytes both ways, delays hold replies back, a disconnect closes the line.
"""

from __future__ import annotations

import time
from collections import deque
from urllib.parse import SplitResult, unquote

from firmware_io import BoardSpec, BoardSpecError
from firmware_io.protocol.errors import TransportClosedError, TransportError
from firmware_io.transports import Transport, query

from .faults import FaultInjector, FaultSpec
from .server import BoardServer


def board_from_url(url: str, parts: SplitResult) -> BoardSpec:
    name = unquote(parts.netloc + parts.path)
    try:
        return BoardSpec.load(name)
    except BoardSpecError as err:
        raise TransportError(f"transport URL {url!r}: {err}") from err


def parse_versions(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def server_options(url: str, q: dict[str, str], options: dict) -> tuple[FaultSpec, dict]:
    """Fault spec and BoardServer keywords from a URL query and keyword options."""
    faults = options.pop("faults", None) or q.pop("faults", "")
    spec = faults if isinstance(faults, FaultSpec) else FaultSpec.parse(faults)
    kw = {}
    if "versions" in q:
        kw["versions"] = parse_versions(q.pop("versions"))
    if "mismatch" in q:
        mismatch = q.pop("mismatch") not in ("0", "false", "")
        from emulator import Board
        kw["make_board"] = lambda s: Board(s, ideal=not mismatch)
    kw.update(options)
    if q:
        raise TransportError(f"transport URL {url!r}: unknown options {sorted(q)}; "
                             "valid: faults, versions, mismatch")
    return spec, kw


class EmuTransport(Transport):
    """A :class:`BoardServer` behind an in-process byte stream, with optional faults."""

    preserves_writes = True

    def __init__(self, url: str, server: BoardServer, faults: FaultSpec | None = None) -> None:
        super().__init__(url)
        self.server = server
        self.faults = FaultInjector(faults or FaultSpec())
        self._inbox: deque[tuple[float, bytes]] = deque()

    @classmethod
    def from_url(cls, url: str, parts: SplitResult, **options) -> "EmuTransport":
        spec = board_from_url(url, parts)
        faults, kw = server_options(url, query(parts), dict(options))
        return cls(url, BoardServer(spec, **kw), faults)

    def _write(self, data: bytes) -> None:
        if self.faults.disconnected:
            raise TransportClosedError(f"{self.url}: the virtual board disconnected")
        reply = self.server.feed(self.faults.to_board(data), whole=True)
        if self.faults.reset_due():
            self.server.power_cycle()
        reply = self.faults.to_host(reply)
        if reply:
            self._inbox.append((time.monotonic() + self.faults.reply_delay(), reply))

    def _read(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            ready = []
            while self._inbox and self._inbox[0][0] <= now:
                ready.append(self._inbox.popleft()[1])
            if ready:
                return b"".join(ready)
            if self.faults.disconnected:
                raise TransportClosedError(f"{self.url}: the virtual board disconnected")
            if now >= deadline:
                return b""
            wait = deadline - now if not self._inbox else min(deadline, self._inbox[0][0]) - now
            time.sleep(max(0.0, wait))

    def _close(self) -> None:
        self._inbox.clear()
