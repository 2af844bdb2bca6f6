"""The pytest plugin of :mod:`pynn_hw.testing` (entry point ``pytest11``)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

#: Environment variable holding the URL of the board under test.
BOARD_URL_ENV = "PYNN_HW_BOARD_URL"
TRANSPORTS = ("pty", "usb")
_usb_names = itertools.count(1)


@dataclass
class VirtualBoard:
    """A running virtual board.

    Attributes
    ----------
    url : str
        Where to connect: ``serial:///dev/pts/N`` or ``usb://1209:0001/SERIAL?backend=NAME``.
    spec : firmware_io.BoardSpec
        The board.
    transport : str
        ``"pty"`` or ``"usb"``.
    server : emulator.virtual_board.BoardServer
        The board side (its emulator is ``server.board``).
    faults : emulator.virtual_board.FaultInjector
        The fault injector and its counts.
    """

    url: str
    spec: Any
    transport: str
    server: Any
    faults: Any
    _stop: Callable[[], None] = field(repr=False, default=lambda: None)

    def connect(self, **options: Any):
        """A :class:`firmware_io.protocol.BoardClient` session with this board."""
        from firmware_io.protocol import BoardClient
        return BoardClient.open(self.url, expect=self.spec, **options)

    def stop(self) -> None:
        """Stop serving; the host sees the board vanish."""
        self._stop()


def start_virtual_board(board: Any = "single_chip", transport: str = "pty", faults: Any = None,
                        **server_options: Any) -> VirtualBoard:
    """Start a virtual board; call ``.stop()`` when done.

    Parameters
    ----------
    board
        A ``BoardSpec``, a shipped board name or a board file.
    transport
        ``"pty"`` (pyserial on a pseudo-terminal) or ``"usb"`` (pyusb on a backend object).
    faults
        A ``FaultSpec`` or its text form, e.g. ``"flip=0.01,seed=1"``.
    server_options
        Passed to ``emulator.virtual_board.BoardServer``.
    """
    from emulator.virtual_board import PtyBoard, VirtualUsbBackend, register_usb_board
    from firmware_io import BoardSpec
    from firmware_io.transports.usb_bulk import unregister_backend

    spec = board if isinstance(board, BoardSpec) else BoardSpec.load(board)
    if transport == "pty":
        pty = PtyBoard(spec, faults=faults, **server_options)
        pty.start()
        return VirtualBoard(pty.url, spec, "pty", pty.server, pty.faults, pty.stop)
    if transport == "usb":
        name = f"pynn-hw-virtual-{os.getpid()}-{next(_usb_names)}"
        backend = VirtualUsbBackend()
        device = backend.add_board(spec, f"VB{next(_usb_names):06d}", faults, **server_options)
        register_usb_board(name, backend)
        url = f"usb://1209:0001/{device.serial}?backend={name}"

        def stop() -> None:
            device.faults.disconnected = True
            unregister_backend(name)
        return VirtualBoard(url, spec, "usb", device.server, device.faults, stop)
    raise ValueError(f"virtual board transport {transport!r} is invalid; valid: {', '.join(TRANSPORTS)}")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pynn-hw", "pynn-hw virtual boards")
    group.addoption("--virtual-board", default="single_chip", metavar="BOARD",
                    help="board of the virtual_board fixture: a shipped name or a board file")
    group.addoption("--virtual-board-transport", default="pty", choices=TRANSPORTS,
                    help="how the virtual_board fixture is reached: pty (pyserial) or usb (pyusb)")
    group.addoption("--virtual-board-faults", default="", metavar="SPEC",
                    help="faults the virtual_board fixture injects, e.g. flip=0.01,seed=1")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "virtual_board(board=..., transport='pty'|'usb', faults=...): "
                                       "options of the virtual_board fixture for this test")


@pytest.fixture
def virtual_board_factory() -> Iterator[Callable[..., VirtualBoard]]:
    """``factory(board="single_chip", transport="pty", faults=None, **server_options)``; all stopped at teardown."""
    started: list[VirtualBoard] = []

    def factory(board: Any = "single_chip", transport: str = "pty", faults: Any = None,
                **server_options: Any) -> VirtualBoard:
        vb = start_virtual_board(board, transport, faults, **server_options)
        started.append(vb)
        return vb

    yield factory
    for vb in started:
        vb.stop()


@pytest.fixture
def virtual_board(request: pytest.FixtureRequest, virtual_board_factory) -> Iterator[VirtualBoard]:
    """A virtual board for this test; ``PYNN_HW_BOARD_URL`` holds its URL meanwhile."""
    marker = request.node.get_closest_marker("virtual_board")
    options = dict(marker.kwargs) if marker else {}
    config = request.config
    options.setdefault("board", config.getoption("--virtual-board", "single_chip"))
    options.setdefault("transport", config.getoption("--virtual-board-transport", "pty"))
    options.setdefault("faults", config.getoption("--virtual-board-faults", "") or None)
    vb = virtual_board_factory(**options)
    saved = os.environ.get(BOARD_URL_ENV)
    os.environ[BOARD_URL_ENV] = vb.url
    try:
        yield vb
    finally:
        if saved is None:
            os.environ.pop(BOARD_URL_ENV, None)
        else:
            os.environ[BOARD_URL_ENV] = saved


@pytest.fixture
def board_url(virtual_board: VirtualBoard) -> str:
    """URL of the ``virtual_board`` fixture."""
    return virtual_board.url
