"""Frames: COBS stuffing (published test vectors), CRC-32, the stream decoder's bounds."""

import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_io.protocol.framing import (HEADER, MAX_ENCODED_BYTES, FrameDecoder, FrameFormatError, cobs_decode,
                                          cobs_encode, decode_frame, encode_frame)

# the standard COBS examples: each block is a code n + 1 followed by n non-zero bytes
COBS_VECTORS = [
    (b"", b"\x01"),
    (b"\x00", b"\x01\x01"),
    (b"\x00\x00", b"\x01\x01\x01"),
    (b"\x00\x11\x00", b"\x01\x02\x11\x01"),
    (b"\x11\x22\x00\x33", b"\x03\x11\x22\x02\x33"),
    (b"\x11\x22\x33\x44", b"\x05\x11\x22\x33\x44"),
    (b"\x11\x00\x00\x00", b"\x02\x11\x01\x01\x01"),
    (bytes(range(1, 255)), b"\xff" + bytes(range(1, 255))),                    # one full block, nothing after
    (bytes(range(0, 255)), b"\x01\xff" + bytes(range(1, 255))),
    (bytes(range(1, 256)), b"\xff" + bytes(range(1, 255)) + b"\x02\xff"),
    (bytes(range(2, 256)) + b"\x00", b"\xff" + bytes(range(2, 256)) + b"\x01\x01"),
]


@pytest.mark.parametrize("raw, stuffed", COBS_VECTORS)
def test_cobs_vectors(raw, stuffed):
    assert cobs_encode(raw) == stuffed
    assert cobs_decode(stuffed) == raw


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_cobs_round_trip_has_no_zero(raw):
    stuffed = cobs_encode(raw)
    assert 0 not in stuffed
    assert cobs_decode(stuffed) == raw
    assert len(stuffed) <= len(raw) + 1 + len(raw) // 254


@pytest.mark.parametrize("bad", [b"\x00", b"\x05\x11", b"\x03\x11\x22\x09"])
def test_cobs_decode_refuses_bad_codes(bad):
    with pytest.raises(FrameFormatError, match="COBS code"):
        cobs_decode(bad)


def test_frame_layout_and_round_trip():
    wire = encode_frame(0x08, 0x1234, b"\x00\xff payload", flags=2)
    assert wire.endswith(b"\x00") and wire.count(0) == 1
    # un-stuff and un-whiten by hand: header, payload, CRC-32 of both
    body = bytes(b ^ 0xFF for b in cobs_decode(wire[:-1]))
    assert body[:HEADER.size] == bytes([0x08, 2, 0x34, 0x12])
    assert body[4:-4] == b"\x00\xff payload"
    assert int.from_bytes(body[-4:], "little") == zlib.crc32(body[:-4])
    frame = decode_frame(wire[:-1])
    assert (frame.kind, frame.flags, frame.seq, frame.payload) == (0x08, 2, 0x1234, b"\x00\xff payload")


def test_whitening_keeps_event_words_short():
    """Event words are full of 0x00 bytes: stuffing 0xFF instead costs ~1 byte per 254, not one per zero."""
    payload = np.zeros(4096, dtype=np.uint8).tobytes()
    assert len(encode_frame(1, 1, payload)) <= len(payload) + 8 + 4096 // 254 + 3


def test_every_single_bit_flip_is_caught():
    wire = bytearray(encode_frame(0x03, 7, bytes(range(40))))
    for i in range(len(wire) - 1):
        for bit in range(8):
            bad = bytearray(wire)
            bad[i] ^= 1 << bit
            frames, _ = FrameDecoder().feed(bytes(bad))
            assert frames == [], (i, bit)  # CRC-32 detects every single-bit error


def test_decoder_across_split_reads_and_garbage():
    frames = [encode_frame(k, k, bytes([k]) * k) for k in range(1, 30)]
    stream = b"garbage\x00" + b"".join(frames) + b"\x01\x02"
    dec = FrameDecoder()
    got = []
    for i in range(0, len(stream), 7):
        got += dec.feed(stream[i:i + 7])[0]
    assert [(f.kind, f.payload) for f in got] == [(k, bytes([k]) * k) for k in range(1, 30)]
    assert dec.bad_frames == 1 and dec.garbage_bytes == len(b"garbage\x00")
    assert dec.pending_bytes == 2


def test_decoder_memory_is_bounded():
    dec = FrameDecoder()
    chunk = b"\x01" * (1 << 16)
    for _ in range(MAX_ENCODED_BYTES // len(chunk) + 3):
        dec.feed(chunk)
        assert dec.pending_bytes <= MAX_ENCODED_BYTES
    assert dec.bad_frames >= 1
    # after the overlong run the decoder is in step again at the next delimiter
    frames, _ = dec.feed(b"\x00" + encode_frame(5, 5, b"ok"))
    assert [f.payload for f in frames] == [b"ok"]


def test_payload_limit():
    with pytest.raises(ValueError, match="too long"):
        encode_frame(1, 1, bytes((1 << 20) + 1))


@given(st.binary(max_size=600))
@settings(max_examples=500, deadline=None)
def test_fuzz_decoder_never_raises(data):
    dec = FrameDecoder()
    frames, bad = dec.feed(data)
    assert bad + len(frames) <= data.count(0) + 1
    assert dec.pending_bytes <= len(data)


@given(st.lists(st.binary(max_size=80), min_size=1, max_size=6), st.data())
@settings(max_examples=300, deadline=None)
def test_fuzz_corrupted_frames_never_decode_wrong(payloads, data):
    """Random flips, drops and insertions: every frame that decodes is one that was sent."""
    wire = bytearray(b"".join(encode_frame(3, i, p) for i, p in enumerate(payloads)))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(wire) - 1))
        op = data.draw(st.sampled_from(["flip", "drop", "insert"]))
        if op == "flip":
            wire[i] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "drop":
            del wire[i]
        else:
            wire.insert(i, data.draw(st.integers(0, 255)))
    frames, _ = FrameDecoder().feed(bytes(wire))
    sent = {(i, p) for i, p in enumerate(payloads)}
    assert all((f.seq, f.payload) in sent for f in frames)
