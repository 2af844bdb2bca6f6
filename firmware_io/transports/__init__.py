"""Transports to a board, chosen by URL.

======================================  =====================================================
URL                                     transport
======================================  =====================================================
``serial:///dev/ttyUSB0?baudrate=N``    pyserial: a serial port or any pseudo-terminal
``usb://VID:PID[/SERIAL]``              pyusb, bulk endpoints (``?backend=NAME``: a registered
                                        pyusb backend object instead of libusb)
``emu://BOARD``                         in-process virtual board (registered by
                                        ``emulator.virtual_board``)
======================================  =====================================================

Every transport is a :class:`Transport`: ``write``, ``read(timeout)``,
``close``; a failure to open is a :class:`TransportError` naming the URL, a
device that goes away a :class:`TransportClosedError`.

Schemes are registered with :func:`register_scheme`; packages that live
outside ``firmware_io`` may also declare one as an entry point of the group
``pynn_hw.transports`` (``name = "module:factory"``), found when first used.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from urllib.parse import SplitResult, parse_qsl, urlsplit

from ..protocol.errors import TransportClosedError, TransportError
from .base import Transport

#: Entry-point group through which other packages register URL schemes.
ENTRY_POINT_GROUP = "pynn_hw.transports"

_SCHEMES: dict[str, Callable[..., Transport]] = {}


def register_scheme(scheme: str, factory: Callable[..., Transport]) -> None:
    """Make ``open_transport`` open ``scheme://...`` URLs with ``factory(url, parts, **options)``."""
    _SCHEMES[scheme] = factory


def registered_schemes() -> list[str]:
    """The schemes that can be opened now (entry points included)."""
    _load_entry_points()
    return sorted(_SCHEMES)


def _load_entry_points() -> None:
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _SCHEMES:
            _SCHEMES[ep.name] = ep.load()


def query(parts: SplitResult) -> dict[str, str]:
    """The query of a URL as a dict (a key given twice: the last value)."""
    return dict(parse_qsl(parts.query, keep_blank_values=True))


def open_transport(url: str, **options) -> Transport:
    """Open the transport a URL names.

    Parameters
    ----------
    url
        ``serial://``, ``usb://`` or ``emu://`` URL (see the module docstring).
    options
        Passed to the transport (e.g. ``backend=`` for USB, ``faults=`` for ``emu://``).

    Raises
    ------
    TransportError
        If the scheme is unknown, the URL is malformed or the device cannot be opened.
    """
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        _load_entry_points()
    factory = _SCHEMES.get(parts.scheme)
    if factory is None:
        hint = " (import emulator.virtual_board to register it)" if parts.scheme == "emu" else ""
        raise TransportError(f"transport URL {url!r}: scheme {parts.scheme!r} is unknown{hint}; "
                             f"valid: {', '.join(f'{s}://' for s in sorted(_SCHEMES))}")
    return factory(url, parts, **options)


def _serial(url: str, parts: SplitResult, **options) -> Transport:
    from .serial_port import SerialTransport
    return SerialTransport.from_url(url, parts, **options)


def _usb(url: str, parts: SplitResult, **options) -> Transport:
    from .usb_bulk import UsbTransport
    return UsbTransport.from_url(url, parts, **options)


register_scheme("serial", _serial)
register_scheme("usb", _usb)

__all__ = ["Transport", "TransportError", "TransportClosedError", "open_transport", "register_scheme",
           "registered_schemes", "query", "ENTRY_POINT_GROUP"]
