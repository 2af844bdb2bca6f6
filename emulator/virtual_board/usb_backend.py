"""The virtual board behind a pyusb backend object.

:class:`VirtualUsbBackend` is a ``usb.backend.IBackend``: ``usb.core.find(
backend=...)`` enumerates its devices, reads their descriptors (string
descriptors through control transfers), sets the configuration, claims the
interface and moves bytes with bulk transfers, so pyusb's own code runs
between the host software and the board. Each device is one
:class:`BoardServer` with one bulk OUT (0x01) and one bulk IN (0x81) endpoint;
the server answers inside the bulk write.
"""

from __future__ import annotations

import array
import errno
import time
from collections import deque
from dataclasses import dataclass, field

import usb.backend
import usb.core
import usb.util

from firmware_io import BoardSpec
from firmware_io.transports.usb_bulk import register_backend

from .faults import FaultInjector, FaultSpec
from .server import BoardServer

#: Vendor and product id of the virtual board (pid.codes test range).
VIRTUAL_VID = 0x1209
VIRTUAL_PID = 0x0001
EP_OUT, EP_IN = 0x01, 0x81
_MAX_PACKET = 512
_GET_DESCRIPTOR = 6
_DESC_STRING = 3
_LANG_EN_US = 0x0409


class _Descriptor:
    """Descriptor fields as attributes, as pyusb expects of a backend."""

    def __init__(self, **fields) -> None:
        self.__dict__.update(fields)
        self.extra_descriptors = []


@dataclass
class _Device:
    server: BoardServer
    serial: str
    address: int
    faults: FaultInjector
    inbox: deque = field(default_factory=deque)
    open: bool = False

    @property
    def gone(self) -> bool:
        return self.faults.disconnected and not self.inbox


class VirtualUsbBackend(usb.backend.IBackend):
    """pyusb backend holding virtual boards.

    Parameters
    ----------
    boards
        ``(spec, serial)`` pairs, or ``(spec, serial, faults)``, one per device.
    server_options
        Passed to every :class:`BoardServer`.
    """

    def __init__(self, boards=(), **server_options) -> None:
        self.devices: list[_Device] = []
        for entry in boards:
            self.add_board(*entry, **server_options)

    def add_board(self, spec: BoardSpec | str, serial: str, faults: FaultSpec | str | None = None,
                  **server_options) -> _Device:
        """Plug in one more virtual board; return its device record."""
        spec = spec if isinstance(spec, BoardSpec) else BoardSpec.load(spec)
        injector = FaultInjector(faults if isinstance(faults, FaultSpec) else FaultSpec.parse(faults))
        dev = _Device(BoardServer(spec, **server_options), str(serial), len(self.devices) + 1, injector)
        self.devices.append(dev)
        return dev

    # -- enumeration and descriptors ---------------------------------------------------------
    def enumerate_devices(self):
        return iter([d for d in self.devices if not d.faults.disconnected])

    def get_parent(self, dev):
        return None

    def get_device_descriptor(self, dev):
        return _Descriptor(bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=0xFF, bDeviceSubClass=0,
                           bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=VIRTUAL_VID, idProduct=VIRTUAL_PID,
                           bcdDevice=0x0100, iManufacturer=1, iProduct=2, iSerialNumber=3, bNumConfigurations=1,
                           address=dev.address, bus=1, port_number=dev.address, port_numbers=(dev.address,),
                           speed=usb.util.SPEED_HIGH)

    def get_configuration_descriptor(self, dev, config):
        self._check_index("configuration", config, 1)
        return _Descriptor(bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1, bConfigurationValue=1,
                           iConfiguration=0, bmAttributes=0x80, bMaxPower=250)

    def get_interface_descriptor(self, dev, intf, alt, config):
        self._check_index("interface", intf, 1)
        self._check_index("alternate setting", alt, 1)
        return _Descriptor(bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0, bNumEndpoints=2,
                           bInterfaceClass=0xFF, bInterfaceSubClass=0, bInterfaceProtocol=0, iInterface=0)

    def get_endpoint_descriptor(self, dev, ep, intf, alt, config):
        self._check_index("endpoint", ep, 2)
        return _Descriptor(bLength=7, bDescriptorType=5, bEndpointAddress=(EP_OUT, EP_IN)[ep], bmAttributes=2,
                           wMaxPacketSize=_MAX_PACKET, bInterval=0, bRefresh=0, bSynchAddress=0)

    @staticmethod
    def _check_index(what: str, index: int, count: int) -> None:
        if not 0 <= index < count:
            raise IndexError(f"virtual board has no {what} {index}")

    # -- handles ---------------------------------------------------------------------------------
    def open_device(self, dev):
        self._check_present(dev)
        dev.open = True
        return dev

    def close_device(self, dev_handle):
        dev_handle.open = False

    def set_configuration(self, dev_handle, config_value):
        self._check_present(dev_handle)

    def get_configuration(self, dev_handle):
        return 1

    def set_interface_altsetting(self, dev_handle, intf, altsetting):
        pass

    def claim_interface(self, dev_handle, intf):
        self._check_present(dev_handle)

    def release_interface(self, dev_handle, intf):
        pass

    def clear_halt(self, dev_handle, ep):
        pass

    def reset_device(self, dev_handle):
        dev_handle.server.power_cycle()

    def is_kernel_driver_active(self, dev_handle, intf):
        return False

    def detach_kernel_driver(self, dev_handle, intf):
        pass

    def attach_kernel_driver(self, dev_handle, intf):
        pass

    @staticmethod
    def _check_present(dev: _Device) -> None:
        if dev.faults.disconnected:
            raise usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)

    # -- transfers ---------------------------------------------------------------------------------
    def ctrl_transfer(self, dev_handle, bmRequestType, bRequest, wValue, wIndex, data, timeout):
        self._check_present(dev_handle)
        if bmRequestType & 0x80 and bRequest == _GET_DESCRIPTOR and wValue >> 8 == _DESC_STRING:
            index = wValue & 0xFF
            if index == 0:
                body = _LANG_EN_US.to_bytes(2, "little")
            else:
                text = {1: "pynn-hw", 2: f"virtual board {dev_handle.server.spec.name}",
                        3: dev_handle.serial}.get(index)
                if text is None:
                    raise usb.core.USBError("Pipe error (no such string descriptor)", -9, errno.EPIPE)
                body = text.encode("utf-16-le")
            desc = bytes([2 + len(body), _DESC_STRING]) + body
            n = min(len(desc), len(data))
            data[:n] = array.array("B", desc[:n])
            return n
        raise usb.core.USBError("Pipe error (control request not supported)", -9, errno.EPIPE)

    def bulk_write(self, dev_handle, ep, intf, data, timeout):
        self._check_present(dev_handle)
        if ep != EP_OUT:
            raise usb.core.USBError(f"Invalid parameter (endpoint {ep:#04x} is not bulk OUT)", -2, errno.EINVAL)
        faults = dev_handle.faults
        reply = dev_handle.server.feed(faults.to_board(bytes(data)), whole=True)
        if faults.reset_due():
            dev_handle.server.power_cycle()
        reply = faults.to_host(reply)
        if reply:
            dev_handle.inbox.append((time.monotonic() + faults.reply_delay(), reply))
        return len(data)

    def bulk_read(self, dev_handle, ep, intf, buff, timeout):
        if ep != EP_IN:
            raise usb.core.USBError(f"Invalid parameter (endpoint {ep:#04x} is not bulk IN)", -2, errno.EINVAL)
        deadline = time.monotonic() + (timeout / 1000.0 if timeout else 3600.0)
        inbox = dev_handle.inbox
        while True:
            now = time.monotonic()
            if inbox and inbox[0][0] <= now:
                ready, data = inbox[0]
                n = min(len(data), len(buff))
                buff[:n] = array.array("B", data[:n])
                if n < len(data):
                    inbox[0] = (ready, data[n:])
                else:
                    inbox.popleft()
                return n
            if dev_handle.gone:
                raise usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)
            if now >= deadline:
                raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
            time.sleep(max(0.0, min(deadline, inbox[0][0] if inbox else deadline) - now))


def register_usb_board(name: str, backend: VirtualUsbBackend) -> None:
    """Make ``usb://VID:PID?backend=NAME`` URLs use ``backend``."""
    register_backend(name, backend)
