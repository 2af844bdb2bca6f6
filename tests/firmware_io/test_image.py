"""Configuration image: layout, round trip, refusal of bad images."""

import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_io import ROUTE_DTYPE, ChipConfig, ConfigError, ImageError, build_image, parse_board_image, parse_image
from firmware_io.constants import EXTERNAL_ROWS_PER_CHIP, NO_READOUT, ROW_SOURCE
from firmware_io.image import HEADER_BYTES, RECORD_BYTES, SECTION_OFFSETS, pack_bits, unpack_bits


def random_config(seed: int) -> ChipConfig:
    """A valid configuration with every field random (feedback only on wired rows)."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, 4, (2, 256))
    src[:, 192:] = rng.integers(0, 2, (2, 64))
    ext = np.flatnonzero(src.reshape(-1) == ROW_SOURCE.EXTERNAL)
    src.reshape(-1)[ext[EXTERNAL_ROWS_PER_CHIP:]] = ROW_SOURCE.OFF  # respect the 256-row limit
    r10 = lambda shape=None: rng.integers(0, 1024, shape)  # noqa: E731
    readout = rng.integers(0, 384, 4)
    readout[rng.random(4) < 0.3] = NO_READOUT
    return ChipConfig(
        serial=int(rng.integers(0, 2**32)),
        weights=rng.integers(0, 16, (2, 256, 192)),
        row_source=src,
        row_sign=rng.integers(0, 2, (2, 256)),
        row_stp=rng.integers(0, 3, (2, 256)),
        row_stdp=rng.random((2, 256)) < 0.5,
        row_strength=r10((2, 256)),
        row_tau=r10((2, 256)),
        g_leak=r10(384),
        tau_refrac=r10(384),
        v_rest=r10(4),
        v_reset=r10(4),
        v_thresh=r10(4),
        e_rev_I=r10(4),
        stp_u=int(r10()),
        stp_tau_rec=int(r10()),
        stp_tau_facil=int(r10()),
        stdp_lut_causal=rng.integers(0, 16, 16),
        stdp_lut_acausal=rng.integers(0, 16, 16),
        stdp_threshold=int(r10()),
        stdp_tau=int(r10()),
        readout=readout,
    )


def full_config() -> ChipConfig:
    """Every code at its maximum (catches lost top bits)."""
    src = np.zeros((2, 256), np.uint8)
    src[:, :192] = ROW_SOURCE.FEEDBACK_OTHER
    src[0, 192:] = ROW_SOURCE.EXTERNAL
    return ChipConfig(
        serial=2**32 - 1,
        weights=np.full((2, 256, 192), 15),
        row_source=src,
        row_sign=np.ones((2, 256), int),
        row_stp=np.full((2, 256), 2),
        row_stdp=np.ones((2, 256), bool),
        row_strength=np.full((2, 256), 1023),
        row_tau=np.full((2, 256), 1023),
        g_leak=np.full(384, 1023),
        tau_refrac=np.full(384, 1023),
        v_rest=[1023] * 4,
        v_reset=[1023] * 4,
        v_thresh=[1023] * 4,
        e_rev_I=[1023] * 4,
        stp_u=1023,
        stp_tau_rec=1023,
        stp_tau_facil=1023,
        stdp_lut_causal=[15] * 16,
        stdp_lut_acausal=[15] * 16,
        stdp_threshold=1023,
        stdp_tau=1023,
        readout=[383, 0, NO_READOUT, 1],
    )


def with_crc(image: bytes) -> bytes:
    """Recompute the CRC so that a deliberately edited image reaches the later checks."""
    payload = image[HEADER_BYTES:]
    crc = zlib.crc32(payload, zlib.crc32(image[:20]))
    return image[:20] + struct.pack("<I", crc) + payload


def test_pack_bits_golden():
    # 10-bit fields 1, 2, 3: bits 0, 11, 20+21 -> bytes 01, 08, 30, 00 (4 codes would fill 5 bytes)
    assert pack_bits(np.array([1, 2, 3]), 10).hex() == "01083000"
    values, clean = unpack_bits(bytes.fromhex("01083000"), 10, 3)
    assert values.tolist() == [1, 2, 3] and clean
    assert not unpack_bits(bytes.fromhex("01083080"), 10, 3)[1]  # a padding bit set


def test_header_and_layout_golden():
    c = ChipConfig.empty(0x01020304)
    c.weights[0, 0, 0], c.weights[0, 0, 1] = 0x3, 0xA  # even column -> low nibble
    c.g_leak[0] = 0x3FF
    img = build_image([c])
    assert len(img) == HEADER_BYTES + RECORD_BYTES == 24 + 51832
    magic, version, n_chips, record, n_routes, payload, crc = struct.unpack_from("<4sHHIIII", img)
    assert (magic, version, n_chips, record, n_routes, payload) == (b"PHWC", 1, 1, 51832, 0, 51832)
    assert crc == zlib.crc32(img[24:], zlib.crc32(img[:20]))
    rec = img[HEADER_BYTES:]
    assert rec[0:4] == bytes([4, 3, 2, 1])  # serial, little-endian
    assert rec[4] == 0xA3
    assert rec[SECTION_OFFSETS["g_leak"]] == 0xFF and rec[SECTION_OFFSETS["g_leak"] + 1] == 0x03
    # identity STDP table 0, 1, ..., 15 in nibbles: bytes 0x10, 0x32, ...
    assert rec[SECTION_OFFSETS["stdp_lut_causal"] :][:2] == bytes([0x10, 0x32])
    # four NO_READOUT (511) 9-bit codes: 36 one-bits -> ff ff ff ff 0f
    assert rec[SECTION_OFFSETS["readout"] :][:5].hex() == "ffffffff0f"


def test_round_trip_extremes_and_many_chips():
    configs = [ChipConfig.empty(0), full_config()] + [random_config(s) for s in range(3)]
    back = parse_image(build_image(configs))
    assert back == configs


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=3))
def test_round_trip_random_configs(seeds):
    configs = [random_config(s) for s in seeds]
    assert parse_image(build_image(configs)) == configs


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_flipped_bit_is_refused(data):
    img = bytearray(build_image([random_config(1)]))
    bit = data.draw(st.integers(0, len(img) * 8 - 1))
    img[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(ImageError):
        parse_image(bytes(img))


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_truncated_or_extended_image_is_refused(data):
    img = build_image([ChipConfig.empty(1)])
    cut = data.draw(st.integers(0, len(img) - 1))
    with pytest.raises(ImageError):
        parse_image(img[:cut])
    with pytest.raises(ImageError, match="image length"):
        parse_image(img + b"\0" * data.draw(st.integers(1, 8)))


def test_refusal_messages():
    img = build_image([ChipConfig.empty(1)])
    with pytest.raises(ImageError, match="shorter than the 24-byte header"):
        parse_image(img[:10])
    with pytest.raises(ImageError, match=r"image magic b'XHWC' is invalid; expected b'PHWC'"):
        parse_image(b"X" + img[1:])
    with pytest.raises(ImageError, match="image version 2 is not supported; supported: 1"):
        parse_image(img[:4] + struct.pack("<H", 2) + img[6:])
    with pytest.raises(ImageError, match="record size 51833 bytes is invalid; expected 51832"):
        parse_image(img[:8] + struct.pack("<I", 51833) + img[12:])
    with pytest.raises(ImageError, match="does not match 2 chip records"):
        parse_image(img[:6] + struct.pack("<H", 2) + img[8:])
    bad = bytearray(img)
    bad[100] ^= 0x40
    with pytest.raises(ImageError, match="image checksum mismatch: header says CRC-32 0x"):
        parse_image(bytes(bad))


def test_invalid_codes_with_valid_checksum_are_refused():
    img = bytearray(build_image([ChipConfig.empty(1), ChipConfig.empty(2)]))
    # chip 1, row_stp of row 0 = 3 (bits 0..1 of the section)
    img[HEADER_BYTES + RECORD_BYTES + SECTION_OFFSETS["row_stp"]] = 0x03
    with pytest.raises(ImageError, match=r"chip record 1: ChipConfig.row_stp\[0, 0\]: value 3 is out of range"):
        parse_image(with_crc(bytes(img)))
    img = bytearray(build_image([ChipConfig.empty(1)]))
    img[HEADER_BYTES + SECTION_OFFSETS["readout"] + 4] |= 0x10  # bit 36: padding after 4 x 9 bits
    with pytest.raises(ImageError, match="padding bits of section 'readout' are not zero"):
        parse_image(with_crc(bytes(img)))
    img = bytearray(build_image([ChipConfig.empty(1)]))
    img[HEADER_BYTES + RECORD_BYTES - 1] = 1  # record padding byte
    with pytest.raises(ImageError, match="record padding bytes"):
        parse_image(with_crc(bytes(img)))


def test_build_refuses_bad_input():
    with pytest.raises(ImageError, match="1..64 chip configurations; got 0"):
        build_image([])
    with pytest.raises(ImageError, match=r"configs\[1\] is a str"):
        build_image([ChipConfig.empty(0), "chip"])
    c = ChipConfig.empty(0)
    c.weights[0, 0, 0] = 99  # mutated after construction: build re-validates
    with pytest.raises(ConfigError, match="weights"):
        build_image([c])


def _routed_configs():
    configs = [ChipConfig.empty(i) for i in range(3)]
    configs[2].row_source[1, 3] = ROW_SOURCE.EXTERNAL  # row 259
    configs[0].row_source[0, 200] = ROW_SOURCE.EXTERNAL  # row 200
    return configs


def test_routes_round_trip_and_word_layout():
    configs = _routed_configs()
    routes = np.array([(0, 5, 2, 259), (1, 383, 2, 259), (2, 0, 0, 200)], dtype=ROUTE_DTYPE)
    img = build_image(configs, routes)
    board = parse_board_image(img)
    assert board.configs == configs and np.array_equal(board.routes, routes)
    # word = src_chip | src_neuron << 6 | dst_chip << 15 | dst_row << 21
    first = struct.unpack_from("<I", img, HEADER_BYTES + 3 * RECORD_BYTES)[0]
    assert first == 0 | 5 << 6 | 2 << 15 | 259 << 21


@pytest.mark.parametrize(
    "route, fragment",
    [
        (
            (0, 5, 2, 258),
            "routes[0].dst_row: row 258 of chip 2 has row_source OFF; a routed event needs an EXTERNAL row",
        ),
        ((0, 384, 2, 259), "routes[0].src_neuron: value 384 is out of range; valid: 0..383"),
        ((3, 5, 2, 259), "routes[0].src_chip: value 3 is out of range; valid: 0..2"),
        ((0, 5, 2, 512), "routes[0].dst_row: value 512 is out of range; valid: 0..511"),
    ],
)
def test_route_errors(route, fragment):
    with pytest.raises(ImageError) as err:
        build_image(_routed_configs(), np.array([route], dtype=ROUTE_DTYPE))
    assert fragment in str(err.value)


def test_duplicate_route_and_wrong_dtype():
    with pytest.raises(ImageError, match="listed more than once"):
        build_image(_routed_configs(), np.array([(0, 5, 2, 259)] * 2, dtype=ROUTE_DTYPE))
    with pytest.raises(ImageError, match="ROUTE_DTYPE"):
        build_image(_routed_configs(), np.zeros(3, dtype=np.int64))
