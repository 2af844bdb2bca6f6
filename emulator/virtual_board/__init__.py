"""A virtual board: the emulator behind the host-link protocol.

* :class:`BoardServer` -- the board side of the protocol (``docs/protocol.md``);
* :class:`EmuTransport` -- ``emu://BOARD`` in this process (registered with
  ``firmware_io.transports`` when this package is imported);
* :class:`PtyBoard` -- the server behind a pseudo-terminal (pyserial reaches it);
* :class:`VirtualUsbBackend` -- the server behind a pyusb backend object;
* :class:`FaultSpec` -- flipped bits, dropped and duplicated bytes, delays,
  a reset or a disconnect, on request.
"""

from firmware_io.transports import register_scheme

from .emu_transport import EmuTransport
from .faults import FaultInjector, FaultSpec
from .pty_board import PtyBoard
from .server import BoardServer
from .usb_backend import VIRTUAL_PID, VIRTUAL_VID, VirtualUsbBackend, register_usb_board


def open_emu(url, parts, **options):
    """Factory of ``emu://`` URLs (also declared as a ``pynn_hw.transports`` entry point)."""
    return EmuTransport.from_url(url, parts, **options)


register_scheme("emu", open_emu)

__all__ = ["BoardServer", "EmuTransport", "PtyBoard", "VirtualUsbBackend", "register_usb_board", "FaultSpec",
           "FaultInjector", "VIRTUAL_VID", "VIRTUAL_PID", "open_emu"]
