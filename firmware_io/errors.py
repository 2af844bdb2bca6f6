"""Errors of the hardware contract.

Every class derives from :class:`FirmwareIOError` and from ``ValueError`` so
callers may catch either; messages name the field, the offending value and
what is valid.
"""

from __future__ import annotations


class FirmwareIOError(Exception):
    """Base class of all errors raised by :mod:`firmware_io`."""


class ConfigError(FirmwareIOError, ValueError):
    """A chip configuration holds a value the hardware cannot represent."""


class CodeRangeError(FirmwareIOError, ValueError):
    """A physical value lies outside the range a 10-bit code can represent."""


class ImageError(FirmwareIOError, ValueError):
    """A configuration image is malformed or corrupted."""


class PacketError(FirmwareIOError, ValueError):
    """An event array cannot be encoded, or an event stream is malformed."""


class BoardSpecError(FirmwareIOError, ValueError):
    """A board description file is missing, malformed or inconsistent."""
