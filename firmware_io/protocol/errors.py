"""Errors of the host link.

All derive from :class:`firmware_io.FirmwareIOError`. Link failures also
derive from ``ConnectionError`` (so from ``OSError``) and carry what was
received before the failure in ``partial`` (see :class:`PartialTransfer`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FirmwareIOError


@dataclass
class PartialTransfer:
    """What a request that failed had achieved: kept for the user.

    Attributes
    ----------
    request : str
        The operation, e.g. ``"run(10000)"``.
    summary : object or None
        The board's reply to the command itself (e.g. the run summary), if it arrived.
    received : dict[str, bytes]
        Bytes of each read-back buffer received so far (``"output"``, ``"traces"``, ...).
    expected : dict[str, int]
        Their full lengths, where the board had announced them.
    events : ndarray of EVENT_DTYPE or None
        Output events decoded from the whole words received.
    sent_bytes : int
        Bytes of an upload the board had acknowledged.
    """

    request: str
    summary: Any = None
    received: dict[str, bytes] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    events: np.ndarray | None = None
    sent_bytes: int = 0

    def describe(self) -> str:
        """One line saying what arrived."""
        parts = []
        if self.summary is not None:
            parts.append(f"the reply to {self.request} ({self.summary})")
        for name, data in self.received.items():
            total = self.expected.get(name)
            parts.append(f"{len(data)} of {total if total is not None else '?'} bytes of {name}")
        if self.events is not None:
            parts.append(f"{self.events.size} output events decoded")
        if self.sent_bytes:
            parts.append(f"{self.sent_bytes} bytes uploaded and acknowledged")
        return "received: " + ("; ".join(parts) if parts else "nothing")


class TransportError(FirmwareIOError, ConnectionError):
    """A transport could not be opened, or failed."""


class TransportClosedError(TransportError):
    """The other end of a transport went away (device unplugged, pty closed)."""


class LinkError(FirmwareIOError, ConnectionError):
    """A request to the board failed; ``partial`` holds what was received."""

    def __init__(self, message: str, partial: PartialTransfer | None = None) -> None:
        #: The failure without the description of ``partial``.
        self.reason = message
        if partial is not None:
            message = f"{message}; {partial.describe()} (kept in the error's .partial)"
        super().__init__(message)
        self.partial = partial


class BoardTimeoutError(LinkError, TimeoutError):
    """The board stopped answering (silence, or every retry failed)."""


class BoardVanishedError(LinkError):
    """The board's transport closed: unplugged, powered off or its server stopped."""


class BoardResetError(LinkError):
    """The board reset during a session: its configuration and state are lost."""


class BoardRefusedError(FirmwareIOError, ValueError):
    """The board is not the one expected: wrong protocol version or chip serials."""


class BoardCommandError(FirmwareIOError, RuntimeError):
    """The board refused a command (it answered with an error message)."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code
