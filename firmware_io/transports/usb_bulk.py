"""USB transport (pyusb, bulk endpoints): ``usb://VID:PID[/SERIAL]``.

``VID`` and ``PID`` are hexadecimal; ``SERIAL`` picks one of several boards by
its serial-number string. The device's first interface must have one bulk
OUT and one bulk IN endpoint. Query key ``backend=NAME`` uses a pyusb backend
object registered with :func:`register_backend` instead of the system's
libusb (this is how the virtual board's backend is reached); a ``backend=``
keyword of ``open_transport`` may pass the object itself.
"""

from __future__ import annotations

import errno
from urllib.parse import SplitResult, unquote

import usb.core
import usb.util

from ..protocol.errors import TransportClosedError, TransportError
from .base import Transport

#: Bytes asked for per bulk read.
READ_SIZE = 1 << 16
_BACKENDS: dict[str, object] = {}
#: errno values that mean the device is gone.
_GONE = {errno.ENODEV, errno.EIO, errno.ENOENT, errno.ESHUTDOWN, errno.EPIPE}


def register_backend(name: str, backend: object) -> None:
    """Make ``?backend=NAME`` select a pyusb backend object."""
    _BACKENDS[name] = backend


def unregister_backend(name: str) -> None:
    """Forget a backend registered with :func:`register_backend`."""
    _BACKENDS.pop(name, None)


def _parse_ids(url: str, parts: SplitResult) -> tuple[int, int, str | None]:
    vid, sep, pid = parts.netloc.partition(":")
    try:
        if not sep:
            raise ValueError("no ':'")
        ids = int(vid, 16), int(pid, 16)
    except ValueError:
        raise TransportError(f"transport URL {url!r}: {parts.netloc!r} is not VID:PID; valid: "
                             "usb://1209:0001 or usb://1209:0001/SERIAL (hexadecimal ids)") from None
    serial = unquote(parts.path.lstrip("/")) or None
    return ids[0], ids[1], serial


class UsbTransport(Transport):
    """A USB device's bulk endpoints as a :class:`Transport`."""

    def __init__(self, url: str, vid: int, pid: int, serial: str | None = None, backend: object = None) -> None:
        super().__init__(url)
        try:
            match = None if serial is None else (lambda d: d.serial_number == serial)
            dev = usb.core.find(idVendor=vid, idProduct=pid, backend=backend, custom_match=match)
            if dev is None:
                which = f" with serial {serial!r}" if serial else ""
                raise TransportError(f"cannot open {url}: no USB device {vid:04x}:{pid:04x}{which} found")
            dev.set_configuration()
            intf = dev.get_active_configuration()[(0, 0)]
            self._out = usb.util.find_descriptor(intf, custom_match=lambda e: usb.util.endpoint_direction(
                e.bEndpointAddress) == usb.util.ENDPOINT_OUT)
            self._in = usb.util.find_descriptor(intf, custom_match=lambda e: usb.util.endpoint_direction(
                e.bEndpointAddress) == usb.util.ENDPOINT_IN)
            if self._out is None or self._in is None:
                raise TransportError(f"cannot open {url}: interface 0 has no bulk OUT and IN endpoint pair")
            usb.util.claim_interface(dev, intf)
        except usb.core.USBError as err:
            self._closed = True
            raise TransportError(f"cannot open {url}: {err}") from err
        except TransportError:
            self._closed = True
            raise
        self._dev = dev

    @classmethod
    def from_url(cls, url: str, parts: SplitResult, backend: object = None, **options) -> "UsbTransport":
        from . import query
        vid, pid, serial = _parse_ids(url, parts)
        q = query(parts)
        name = q.pop("backend", None)
        if q or options:
            raise TransportError(f"transport URL {url!r}: unknown options {sorted({*q, *options})}; valid: backend")
        if name is not None:
            if name not in _BACKENDS:
                raise TransportError(f"transport URL {url!r}: USB backend {name!r} is not registered; "
                                     f"registered: {sorted(_BACKENDS) or 'none'}")
            backend = _BACKENDS[name]
        return cls(url, vid, pid, serial, backend)

    def _gone(self, err: usb.core.USBError, what: str) -> TransportClosedError:
        return TransportClosedError(f"{self.url}: {what} failed, the device went away: {err}")

    def _write(self, data: bytes) -> None:
        try:
            self._out.write(data, timeout=10_000)
        except usb.core.USBError as err:
            raise self._gone(err, "bulk write") from err

    def _read(self, timeout: float) -> bytes:
        try:
            return self._in.read(READ_SIZE, timeout=max(1, int(timeout * 1000))).tobytes()
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as err:
            if err.errno in _GONE or err.errno is None:
                raise self._gone(err, "bulk read") from err
            raise TransportError(f"{self.url}: bulk read failed: {err}") from err

    def _close(self) -> None:
        try:
            usb.util.dispose_resources(self._dev)
        except usb.core.USBError:
            pass
