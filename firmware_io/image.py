"""Configuration image: a list of ChipConfig <-> the bytes a board loads.

Layout (all integers little-endian; ``docs/hardware.md``, "Configuration
image"):

``header`` (24 bytes)
    ``magic`` b"PHWC" | ``version`` u16 | ``n_chips`` u16 |
    ``record_bytes`` u32 | ``payload_bytes`` u32 | ``crc32`` u32 | reserved u32 (0)

``payload``
    ``n_chips`` chip records of ``record_bytes`` each, in the order given.

A chip record is the sequence of :data:`SECTIONS`; each section is a
little-endian bit stream (field ``i`` occupies bits ``i*width .. i*width +
width - 1``, bit ``k`` of the stream is bit ``k % 8`` of byte ``k // 8``) of
fixed-width codes in C order of the field's shape, padded with zero bits to
a whole byte. The record is padded with zero bytes to a multiple of 4 bytes.
``crc32`` is the CRC-32 (IEEE 802.3, as ``zlib.crc32``) of header bytes
0..15 followed by the payload.
"""

from __future__ import annotations

import struct
import zlib
from typing import NamedTuple

import numpy as np

from .chip_config import ARRAY_FIELDS, SCALAR_FIELDS, ChipConfig
from .constants import (
    PARAM_BITS,
    READOUT_BITS,
    ROW_SOURCE_BITS,
    SERIAL_BITS,
    SIGN_BITS,
    STDP_FLAG_BITS,
    STDP_LUT_BITS,
    STP_MODE_BITS,
    WEIGHT_BITS,
)
from .errors import ConfigError, ImageError

IMAGE_MAGIC = b"PHWC"
IMAGE_VERSION = 1
_HEADER = struct.Struct("<4sHHIIII")
HEADER_BYTES = _HEADER.size  # 24
#: Bytes of the header covered by the CRC (everything before the crc field).
_CRC_HEADER_BYTES = 16
RECORD_ALIGN = 4


class Section(NamedTuple):
    """One field of a chip record: its ChipConfig name and code width in bits."""

    name: str
    width: int


#: Order and width of every field in a chip record.
SECTIONS: tuple[Section, ...] = (
    Section("serial", SERIAL_BITS),
    Section("weights", WEIGHT_BITS),
    Section("row_source", ROW_SOURCE_BITS),
    Section("row_sign", SIGN_BITS),
    Section("row_stp", STP_MODE_BITS),
    Section("row_stdp", STDP_FLAG_BITS),
    Section("row_strength", PARAM_BITS),
    Section("row_tau", PARAM_BITS),
    Section("g_leak", PARAM_BITS),
    Section("tau_refrac", PARAM_BITS),
    Section("v_rest", PARAM_BITS),
    Section("v_reset", PARAM_BITS),
    Section("v_thresh", PARAM_BITS),
    Section("e_rev_I", PARAM_BITS),
    Section("stp_u", PARAM_BITS),
    Section("stp_tau_rec", PARAM_BITS),
    Section("stp_tau_facil", PARAM_BITS),
    Section("stdp_lut_causal", STDP_LUT_BITS),
    Section("stdp_lut_acausal", STDP_LUT_BITS),
    Section("stdp_threshold", PARAM_BITS),
    Section("stdp_tau", PARAM_BITS),
    Section("readout", READOUT_BITS),
)


def _count(name: str) -> int:
    return int(np.prod(ARRAY_FIELDS[name].shape)) if name in ARRAY_FIELDS else 1


def _section_bytes(section: Section) -> int:
    return (_count(section.name) * section.width + 7) // 8


#: Byte offset of every section within a chip record.
SECTION_OFFSETS: dict[str, int] = {}
_offset = 0
for _s in SECTIONS:
    SECTION_OFFSETS[_s.name] = _offset
    _offset += _section_bytes(_s)
#: Size of one chip record in bytes (51,832).
RECORD_BYTES = -(-_offset // RECORD_ALIGN) * RECORD_ALIGN
del _offset, _s


def pack_bits(values: np.ndarray, width: int) -> bytes:
    """Pack unsigned codes into a little-endian bit stream of ``width``-bit fields."""
    v = np.asarray(values, dtype=np.uint64).ravel()
    bits = (v[:, None] >> np.arange(width, dtype=np.uint64)) & np.uint64(1)
    return np.packbits(bits.astype(np.uint8).ravel(), bitorder="little").tobytes()


def unpack_bits(data: bytes, width: int, count: int) -> tuple[np.ndarray, bool]:
    """Inverse of :func:`pack_bits`: ``count`` codes (uint64) and whether all padding bits are 0."""
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
    fields = bits[: count * width].reshape(count, width).astype(np.uint64)
    values = fields @ (np.uint64(1) << np.arange(width, dtype=np.uint64))
    return values, not bits[count * width :].any()


def _pack_record(config: ChipConfig) -> bytes:
    parts = []
    for section in SECTIONS:
        value = getattr(config, section.name)
        if section.name == "weights":
            # two 4-bit weights per byte, even column in the low nibble: the
            # same bit stream as pack_bits, 50x faster
            w = value.reshape(-1)
            parts.append((w[0::2] | (w[1::2] << np.uint8(4))).tobytes())
        else:
            parts.append(pack_bits(np.asarray(value), section.width))
    record = b"".join(parts)
    return record + bytes(RECORD_BYTES - len(record))


def build_image(configs: list[ChipConfig]) -> bytes:
    """Serialise chip configurations into one configuration image.

    Parameters
    ----------
    configs : list of ChipConfig
        One per chip, in board chip-id order.

    Returns
    -------
    bytes
        Header plus ``len(configs)`` chip records.

    Raises
    ------
    ImageError
        If there are no configurations or more than 65535.
    ConfigError
        If a configuration is invalid (it is re-validated first).
    """
    configs = list(configs)
    if not 1 <= len(configs) <= 0xFFFF:
        raise ImageError(f"an image holds 1..65535 chip configurations; got {len(configs)}")
    for i, c in enumerate(configs):
        if not isinstance(c, ChipConfig):
            raise ImageError(f"configs[{i}] is a {type(c).__name__}; expected ChipConfig")
        c.validate()
    payload = b"".join(_pack_record(c) for c in configs)
    head = _HEADER.pack(IMAGE_MAGIC, IMAGE_VERSION, len(configs), RECORD_BYTES, len(payload), 0, 0)
    crc = zlib.crc32(payload, zlib.crc32(head[:_CRC_HEADER_BYTES]))
    return _HEADER.pack(IMAGE_MAGIC, IMAGE_VERSION, len(configs), RECORD_BYTES, len(payload), crc, 0) + payload


def _parse_record(record: bytes, chip: int) -> ChipConfig:
    values: dict[str, object] = {}
    for section in SECTIONS:
        start = SECTION_OFFSETS[section.name]
        raw = record[start : start + _section_bytes(section)]
        count = _count(section.name)
        if section.name == "weights":
            b = np.frombuffer(raw, dtype=np.uint8)
            w = np.empty(count, dtype=np.uint8)
            w[0::2], w[1::2] = b & np.uint8(0xF), b >> np.uint8(4)
            values[section.name] = w.reshape(ARRAY_FIELDS["weights"].shape)
            continue
        codes, clean = unpack_bits(raw, section.width, count)
        if not clean:
            raise ImageError(f"chip record {chip}: padding bits of section {section.name!r} are not zero")
        if section.name in SCALAR_FIELDS:
            values[section.name] = int(codes[0])
        else:
            values[section.name] = codes.reshape(ARRAY_FIELDS[section.name].shape)
    end = SECTION_OFFSETS[SECTIONS[-1].name] + _section_bytes(SECTIONS[-1])
    if any(record[end:]):
        raise ImageError(f"chip record {chip}: record padding bytes {end}..{RECORD_BYTES - 1} are not zero")
    try:
        return ChipConfig(**values)
    except ConfigError as err:
        raise ImageError(f"chip record {chip}: {err}") from err


def parse_image(data: bytes | bytearray | memoryview) -> list[ChipConfig]:
    """Parse a configuration image back into chip configurations.

    Raises
    ------
    ImageError
        If the image is too short or has the wrong length, magic, version,
        record size or checksum, or a record holds an invalid code or
        non-zero padding. The message says which and what was expected.
    """
    data = bytes(data)
    if len(data) < HEADER_BYTES:
        raise ImageError(f"image of {len(data)} bytes is shorter than the {HEADER_BYTES}-byte header")
    magic, version, n_chips, record_bytes, payload_bytes, crc, reserved = _HEADER.unpack_from(data)
    if magic != IMAGE_MAGIC:
        raise ImageError(f"image magic {magic!r} is invalid; expected {IMAGE_MAGIC!r}")
    if version != IMAGE_VERSION:
        raise ImageError(f"image version {version} is not supported; supported: {IMAGE_VERSION}")
    if record_bytes != RECORD_BYTES:
        raise ImageError(f"image record size {record_bytes} bytes is invalid; expected {RECORD_BYTES}")
    if n_chips == 0 or payload_bytes != n_chips * RECORD_BYTES:
        raise ImageError(
            f"image payload size {payload_bytes} bytes does not match {n_chips} chip records of {RECORD_BYTES} bytes"
        )
    if len(data) != HEADER_BYTES + payload_bytes:
        raise ImageError(f"image length {len(data)} bytes is invalid; the header announces {HEADER_BYTES + payload_bytes}")
    payload = data[HEADER_BYTES:]
    actual = zlib.crc32(payload, zlib.crc32(data[:_CRC_HEADER_BYTES]))
    if actual != crc:
        raise ImageError(f"image checksum mismatch: header says CRC-32 0x{crc:08x}, contents give 0x{actual:08x}")
    if reserved:
        raise ImageError(f"image header reserved word is 0x{reserved:08x}; expected 0")
    return [_parse_record(payload[i * RECORD_BYTES : (i + 1) * RECORD_BYTES], i) for i in range(n_chips)]
