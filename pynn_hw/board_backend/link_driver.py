"""A board reached by URL: the board driver over the host link (``docs/hardware_backend.md``).

:func:`open_board` opens ``serial://``, ``usb://`` or ``emu://`` URLs, starts a
session (:class:`firmware_io.protocol.BoardClient`), finds the board's
description (the board file the caller names, else the board the board says it
is) and checks the chip serials. :class:`LinkDriver` is the driver seam of
:class:`~pynn_hw.board_backend.BoardBackend` on that session: it adds the
simulation time to the link's errors, so a user reads *which* run failed and
up to when the recordings are complete; the error keeps its class (e.g.
``BoardVanishedError``) and its ``partial`` (what arrived of the failed run).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from firmware_io import BoardSpec, ChipConfig
from firmware_io.constants import CYCLE_BIO_MS
from firmware_io.protocol import BoardClient, BoardRefusedError, LinkError
from pynn_hw.errors import InvalidParameterValueError

from .options import resolve_board

#: Environment variable holding the board's URL (set by the ``virtual_board`` pytest fixture).
BOARD_URL_ENV = "PYNN_HW_BOARD_URL"
#: URL schemes of the shipped transports (others may be registered).
URL_SCHEMES = ("serial://", "usb://", "emu://")


def is_url(value: Any) -> bool:
    """Whether ``value`` is a transport URL (``scheme://...``) rather than a board name or file."""
    return isinstance(value, str) and "://" in value


def board_url(board: Any) -> str:
    """The URL of the board: ``board`` if it is one, else ``$PYNN_HW_BOARD_URL``.

    Raises
    ------
    InvalidParameterValueError
        If neither names a board URL.
    """
    if is_url(board):
        return board
    url = os.environ.get(BOARD_URL_ENV)
    if url:
        return url
    raise InvalidParameterValueError(
        f"setup(board={board!r}): the hardware backend needs the board's URL, e.g. "
        f"setup(board='serial:///dev/ttyUSB0'), 'usb://1209:0001' or 'emu://board_4x4' "
        f"(schemes: {', '.join(URL_SCHEMES)}), or the environment variable {BOARD_URL_ENV}")


def open_board(url: str, description: Any = None, **link_options: Any) -> tuple[BoardClient, BoardSpec]:
    """Open a session with the board at ``url`` and find its description.

    Parameters
    ----------
    url
        The board's transport URL.
    description
        A board name, board file or ``BoardSpec``; ``None``: the board the board
        names in its greeting (a shipped board name or a board file path).
    link_options
        Passed to :class:`~firmware_io.protocol.link.Link` (e.g. ``silence_timeout``).

    Raises
    ------
    BoardRefusedError
        If the board speaks no common protocol version or its chip serials are
        not those of the description.
    firmware_io.protocol.TransportError
        If the URL is malformed or the device cannot be opened.
    InvalidParameterValueError
        If the board's own name is no known board file (pass ``board_file=``).
    """
    if url.startswith("emu://"):
        import importlib
        importlib.import_module("emulator.virtual_board")   # registers emu:// (no entry point needed)
    if description is not None:
        spec = resolve_board(description)
        return BoardClient.open(url, expect=spec, **link_options), spec
    client = BoardClient.open(url, **link_options)
    ident = client.identity
    try:
        try:
            spec = resolve_board(ident.board_id)
        except InvalidParameterValueError as err:
            raise InvalidParameterValueError(
                f"the board on {url} calls itself {ident.board_id!r}, which is no shipped board or board "
                f"file; name its board file with setup(board_file=...) ({err})") from err
        have, want = list(ident.serials), [int(s) for s in spec.serials]
        if have != want:
            raise BoardRefusedError(
                f"the board on {url} calls itself {ident.board_id!r} but its chip serials "
                f"{[hex(s) for s in have]} are not those of that board file {[hex(s) for s in want]}; "
                "its configuration codes are calibrated per chip: name the right board file with "
                "setup(board_file=...)")
    except BaseException:
        client.close()
        raise
    return client, spec


class LinkDriver:
    """:class:`~pynn_hw.board_backend.drivers.BoardDriver` over a :class:`BoardClient`.

    Link errors keep their class and ``partial`` and gain the simulation time of
    the failed command in their message.

    Attributes
    ----------
    client : BoardClient
        The session.
    cycle : int
        The board's time in cycles as far as this driver knows (runs that finished).
    last_error : LinkError or None
        The last link error, as raised (its ``partial`` holds what arrived).
    """

    name = "hardware"
    #: What the board's read-out channels carry: membranes only (conductances are an emulator extra).
    analog_variables = ("v",)

    def __init__(self, client: BoardClient) -> None:
        self.client = client
        self.url = client.transport.url
        self.cycle = 0
        self.last_error: LinkError | None = None

    def _failed(self, err: LinkError, what: str) -> LinkError:
        t = self.cycle * CYCLE_BIO_MS
        context = (f"{what} on the board {self.url} failed at t = {t:g} ms: {err.reason}; the recordings "
                   f"up to t = {t:g} ms stay readable (get_data, get_spike_counts)")
        new = type(err)(context, err.partial)
        self.last_error = new
        return new

    def _call(self, what: str, method, *args):
        try:
            return method(*args)
        except LinkError as err:
            raise self._failed(err, what) from err

    def load(self, configs: Sequence[ChipConfig], routes: np.ndarray) -> None:
        self._call("loading the configuration", self.client.load, list(configs), routes)
        self.cycle = 0

    def reconfigure(self, chip: int, config: ChipConfig) -> None:
        self._call(f"changing the codes of chip {chip}", self.client.reconfigure, chip, config)

    def set_readout(self, readout: np.ndarray) -> None:
        self._call("selecting the read-out neurons", self.client.set_readout, readout)

    def write_input(self, events: np.ndarray) -> None:
        if events.size:
            self._call(f"sending {events.size} input events", self.client.write_input, events)

    def run(self, n_cycles: int):
        t0, t1 = self.cycle * CYCLE_BIO_MS, (self.cycle + n_cycles) * CYCLE_BIO_MS
        result = self._call(f"the run from t = {t0:g} to {t1:g} ms", self.client.run, n_cycles)
        self.cycle += n_cycles
        return result

    def reset(self) -> None:
        self._call("reset", self.client.reset)
        self.cycle = 0

    def close(self) -> None:
        self.client.close()


__all__ = ["LinkDriver", "open_board", "board_url", "is_url", "BOARD_URL_ENV"]
