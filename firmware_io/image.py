"""Configuration image: a list of ChipConfig <-> the bytes a board loads.

Layout (all integers little-endian; ``docs/hardware.md``, "Configuration
image"):

``header`` (24 bytes)
    ``magic`` b"PHWC" | ``version`` u16 | ``n_chips`` u16 |
    ``record_bytes`` u32 | ``n_routes`` u32 | ``payload_bytes`` u32 | ``crc32`` u32

``payload``
    ``n_chips`` chip records of ``record_bytes`` each, in chip-id order, then
    ``n_routes`` route words of 4 bytes (see :data:`ROUTE_DTYPE`).

A chip record is the sequence of :data:`SECTIONS`; each section is a
little-endian bit stream (field ``i`` occupies bits ``i*width .. i*width +
width - 1``, bit ``k`` of the stream is bit ``k % 8`` of byte ``k // 8``) of
fixed-width codes in C order of the field's shape, padded with zero bits to
a whole byte. The record is padded with zero bytes to a multiple of 4 bytes.
A route word is ``src_chip | src_neuron << 6 | dst_chip << 15 | dst_row << 21``
(6 + 9 + 6 + 9 bits, bits 30..31 zero): events of neuron ``src_neuron`` of
chip ``src_chip`` are delivered to row ``dst_row`` (``block * 256 + row``, an
EXTERNAL row) of chip ``dst_chip``.

``crc32`` is the CRC-32 (IEEE 802.3, as ``zlib.crc32``) of header bytes
0..19 followed by the payload.
"""

from __future__ import annotations

import struct
import zlib
from typing import NamedTuple

import numpy as np

from .chip_config import ARRAY_FIELDS, SCALAR_FIELDS, ChipConfig
from .constants import (
    ADDR_BITS,
    NEURONS_PER_CHIP,
    PARAM_BITS,
    READOUT_BITS,
    ROW_SOURCE,
    ROW_SOURCE_BITS,
    ROWS_PER_CHIP,
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
_CRC_HEADER_BYTES = 20
RECORD_ALIGN = 4

CHIP_ID_BITS = 6  # as in the event packets: up to 64 chips
#: One inter-chip route: events of (src_chip, src_neuron) go to (dst_chip, dst_row).
ROUTE_DTYPE = np.dtype(
    [("src_chip", np.uint16), ("src_neuron", np.uint16), ("dst_chip", np.uint16), ("dst_row", np.uint16)]
)
_ROUTE_FIELDS = (  # name, width, shift, exclusive upper bound
    ("src_chip", CHIP_ID_BITS, 0, 1 << CHIP_ID_BITS),
    ("src_neuron", ADDR_BITS, CHIP_ID_BITS, NEURONS_PER_CHIP),
    ("dst_chip", CHIP_ID_BITS, CHIP_ID_BITS + ADDR_BITS, 1 << CHIP_ID_BITS),
    ("dst_row", ADDR_BITS, 2 * CHIP_ID_BITS + ADDR_BITS, ROWS_PER_CHIP),
)
ROUTE_BYTES = 4


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


def _route_words(routes: np.ndarray, configs: list[ChipConfig]) -> np.ndarray:
    routes = np.asarray(routes)
    if routes.dtype != ROUTE_DTYPE or routes.ndim != 1:
        raise ImageError(
            f"routes must be a 1-d array of ROUTE_DTYPE {ROUTE_DTYPE}; got dtype {routes.dtype}, shape {routes.shape}"
        )
    words = np.zeros(routes.size, dtype=np.uint32)
    for name, _width, shift, bound in _ROUTE_FIELDS:
        values = routes[name]
        limit = len(configs) if name.endswith("chip") else bound
        bad = values >= limit
        if bad.any():
            i = int(np.argmax(bad))
            raise ImageError(f"routes[{i}].{name}: value {int(values[i])} is out of range; valid: 0..{limit - 1}")
        words |= values.astype(np.uint32) << np.uint32(shift)
    if routes.size:
        source = np.stack([c.row_source.reshape(-1) for c in configs])[routes["dst_chip"], routes["dst_row"]]
        bad = source != ROW_SOURCE.EXTERNAL
        if bad.any():
            i = int(np.argmax(bad))
            raise ImageError(
                f"routes[{i}].dst_row: row {int(routes['dst_row'][i])} of chip {int(routes['dst_chip'][i])} has "
                f"row_source {ROW_SOURCE(int(source[i])).name}; a routed event needs an EXTERNAL row"
            )
        uniq, first, counts = np.unique(words, return_index=True, return_counts=True)
        if (counts > 1).any():
            i = int(first[np.argmax(counts > 1)])
            raise ImageError(f"routes[{i}]: route {routes[i].tolist()} is listed more than once")
    return words


def build_image(configs: list[ChipConfig], routes: np.ndarray | None = None) -> bytes:
    """Serialise chip configurations (and inter-chip routes) into one image.

    Parameters
    ----------
    configs : list of ChipConfig
        One per chip, in board chip-id order (1..64 chips).
    routes : ndarray of ROUTE_DTYPE, optional
        Inter-chip routes; every destination row must be EXTERNAL.

    Returns
    -------
    bytes
        Header, ``len(configs)`` chip records, then the route words.

    Raises
    ------
    ImageError
        If there are no or more than 64 configurations, or a route is out of
        range, duplicated or ends at a row that is not EXTERNAL.
    ConfigError
        If a configuration is invalid (each is re-validated first).
    """
    configs = list(configs)
    if not 1 <= len(configs) <= 1 << CHIP_ID_BITS:
        raise ImageError(f"an image holds 1..{1 << CHIP_ID_BITS} chip configurations; got {len(configs)}")
    for i, c in enumerate(configs):
        if not isinstance(c, ChipConfig):
            raise ImageError(f"configs[{i}] is a {type(c).__name__}; expected ChipConfig")
        c.validate()
    words = _route_words(np.zeros(0, ROUTE_DTYPE) if routes is None else routes, configs)
    payload = b"".join(_pack_record(c) for c in configs) + words.astype("<u4").tobytes()
    fields = (IMAGE_MAGIC, IMAGE_VERSION, len(configs), RECORD_BYTES, words.size, len(payload))
    crc = zlib.crc32(payload, zlib.crc32(_HEADER.pack(*fields, 0)[:_CRC_HEADER_BYTES]))
    return _HEADER.pack(*fields, crc) + payload


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


class BoardImage(NamedTuple):
    """Contents of a configuration image."""

    configs: list[ChipConfig]
    routes: np.ndarray


def parse_board_image(data: bytes | bytearray | memoryview) -> BoardImage:
    """Parse a configuration image into chip configurations and routes.

    Raises
    ------
    ImageError
        If the image is too short or has the wrong length, magic, version,
        record size or checksum, or a record holds an invalid code or
        non-zero padding, or a route is invalid. The message says which and
        what was expected.
    """
    data = bytes(data)
    if len(data) < HEADER_BYTES:
        raise ImageError(f"image of {len(data)} bytes is shorter than the {HEADER_BYTES}-byte header")
    magic, version, n_chips, record_bytes, n_routes, payload_bytes, crc = _HEADER.unpack_from(data)
    if magic != IMAGE_MAGIC:
        raise ImageError(f"image magic {magic!r} is invalid; expected {IMAGE_MAGIC!r}")
    if version != IMAGE_VERSION:
        raise ImageError(f"image version {version} is not supported; supported: {IMAGE_VERSION}")
    if record_bytes != RECORD_BYTES:
        raise ImageError(f"image record size {record_bytes} bytes is invalid; expected {RECORD_BYTES}")
    expected = n_chips * RECORD_BYTES + n_routes * ROUTE_BYTES
    if not 1 <= n_chips <= 1 << CHIP_ID_BITS or payload_bytes != expected:
        raise ImageError(
            f"image payload size {payload_bytes} bytes does not match {n_chips} chip records of {RECORD_BYTES} "
            f"bytes and {n_routes} routes of {ROUTE_BYTES} bytes (1..{1 << CHIP_ID_BITS} chips)"
        )
    if len(data) != HEADER_BYTES + payload_bytes:
        raise ImageError(
            f"image length {len(data)} bytes is invalid; the header announces {HEADER_BYTES + payload_bytes}"
        )
    payload = data[HEADER_BYTES:]
    actual = zlib.crc32(payload, zlib.crc32(data[:_CRC_HEADER_BYTES]))
    if actual != crc:
        raise ImageError(f"image checksum mismatch: header says CRC-32 0x{crc:08x}, contents give 0x{actual:08x}")
    configs = [_parse_record(payload[i * RECORD_BYTES : (i + 1) * RECORD_BYTES], i) for i in range(n_chips)]
    words = np.frombuffer(payload, dtype="<u4", offset=n_chips * RECORD_BYTES).astype(np.uint32)
    if (words >> np.uint32(30)).any():
        i = int(np.argmax(words >> np.uint32(30)))
        raise ImageError(f"route word {i} (0x{int(words[i]):08x}) has non-zero bits 30..31")
    routes = np.empty(words.size, dtype=ROUTE_DTYPE)
    for name, width, shift, _bound in _ROUTE_FIELDS:
        routes[name] = (words >> np.uint32(shift)) & np.uint32((1 << width) - 1)
    _route_words(routes, configs)  # same checks as when building
    return BoardImage(configs, routes)


def parse_image(data: bytes | bytearray | memoryview) -> list[ChipConfig]:
    """Parse a configuration image back into its chip configurations.

    See :func:`parse_board_image` (which also returns the routes) for the
    errors raised.
    """
    return parse_board_image(data).configs
