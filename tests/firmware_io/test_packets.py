"""Event word codec: layout, round trips (including time-stamp wrap), refusals."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_io import EVENT_DTYPE, LOST_DTYPE, PacketError, decode_events, decode_stream, encode_events, make_events
from firmware_io.packets import _CHUNK, EVENT_TIME_LIMIT


def words(data: bytes) -> list[int]:
    return np.frombuffer(data, dtype="<u4").tolist()


def test_golden_words():
    ev = make_events([0x0001_2345, 0x0001_2346, 0x0002_0000], [3, 63, 0], [511, 0, 7])
    assert words(encode_events(ev)) == [
        0x8000_0001,  # TIME_BASE, t >> 16 = 1
        3 << 25 | 511 << 16 | 0x2345,
        63 << 25 | 0 << 16 | 0x2346,
        0x8000_0002,  # time base changes to 2
        0 << 25 | 7 << 16 | 0x0000,
    ]


def test_wrap_of_the_32_bit_counter_is_carried_by_the_time_base():
    # 2**32 - 1 and 2**32 + 5: the board's 32-bit stamp wraps; bits 32.. go to time-base bits 16..27
    ev = make_events([2**32 - 1, 2**32 + 5, EVENT_TIME_LIMIT - 1], 1, 2)
    w = words(encode_events(ev))
    assert w[0] == 0x8000_0000 | 0xFFFF and w[2] == 0x8000_0000 | 0x1_0000
    assert w[4] == 0x8000_0000 | 0x0FFF_FFFF
    assert np.array_equal(decode_events(encode_events(ev)), ev)


def test_lost_words():
    lost = np.array([(3, 5), (4, 2**22 + 10), (5, 0)], dtype=LOST_DTYPE)
    data = encode_events(make_events([7], [1], [2]), lost=lost)
    w = words(data)
    assert w[2] == 0x9000_0000 | 3 << 22 | 5
    out = decode_stream(data)
    # 2**22 + 10 = (2**22 - 1) + 11: split over two words
    assert out.lost.tolist() == [(3, 5), (4, 2**22 - 1), (4, 11), (5, 0)]
    assert out.events.tolist() == [(7, 1, 2)]


def test_empty():
    assert encode_events(np.zeros(0, EVENT_DTYPE)) == b""
    out = decode_stream(b"")
    assert out.events.dtype == EVENT_DTYPE and out.events.size == 0 and out.lost.size == 0


event_arrays = st.lists(
    st.tuples(
        st.one_of(
            st.integers(0, EVENT_TIME_LIMIT - 1),
            st.integers(0, 2**18),
            # around the wraps of the 16-bit field and of the 32-bit board counter
            st.sampled_from([2**16 - 1, 2**16, 2**32 - 1, 2**32, 2**33 + 1]),
        ),
        st.integers(0, 63),
        st.integers(0, 511),
    ),
    max_size=200,
)


@settings(max_examples=150, deadline=None)
@given(event_arrays, st.booleans())
def test_round_trip_random(rows, sort):
    ev = np.array(rows, dtype=EVENT_DTYPE)
    if sort:
        ev.sort(order="t", kind="stable")
    data = encode_events(ev)
    assert np.array_equal(decode_events(data), ev)
    # bytes-like inputs other than bytes decode the same
    assert np.array_equal(decode_events(bytearray(data)), ev)
    assert np.array_equal(decode_events(np.frombuffer(data, np.uint32)), ev)


@pytest.mark.parametrize("spacing", [1, 7, 40_000])
def test_round_trip_across_chunks(spacing):
    # more than two chunks; spacing 40000 ticks changes the time base about every second event
    n = 2 * _CHUNK + 123
    rng = np.random.default_rng(spacing)
    ev = make_events(
        np.arange(n, dtype=np.uint64) * spacing + 2**32 - 1000, rng.integers(0, 64, n), rng.integers(0, 512, n)
    )
    data = encode_events(ev)
    n_base = len(set((ev["t"] >> 16).tolist()))
    assert len(data) == 4 * (n + n_base)  # exactly one TIME_BASE per distinct t >> 16 (sorted)
    assert np.array_equal(decode_events(data), ev)


def test_lost_word_between_chunks_keeps_time_base():
    ev = make_events(np.full(_CHUNK + 10, 70_000), 1, 1)
    w = np.frombuffer(encode_events(ev), "<u4")
    # a LOST word in the middle of a run of events does not disturb their time base
    stream = np.concatenate([w[: _CHUNK - 1], [0x9000_0000 | 7], w[_CHUNK - 1 :]]).astype("<u4")
    out = decode_stream(stream.tobytes())
    assert np.array_equal(out.events, ev) and out.lost.tolist() == [(0, 7)]


@pytest.mark.parametrize(
    "t, chip, addr, fragment",
    [
        (
            [0, EVENT_TIME_LIMIT],
            0,
            0,
            f"event 1: t {EVENT_TIME_LIMIT} cannot be encoded; valid: 0..{EVENT_TIME_LIMIT - 1}",
        ),
        ([0, 1, 2], [0, 64, 0], 0, "event 1: chip 64 cannot be encoded; valid: 0..63"),
        ([0, 1, 2], 0, [0, 0, 512], "event 2: addr 512 cannot be encoded; valid: 0..511"),
    ],
)
def test_encode_refuses_unrepresentable_events(t, chip, addr, fragment):
    with pytest.raises(PacketError) as err:
        encode_events(make_events(t, chip, addr))
    assert fragment in str(err.value)


def test_encode_error_index_counts_across_chunks():
    ev = make_events(np.arange(_CHUNK + 5), 0, 0)
    ev["addr"][_CHUNK + 3] = 600
    with pytest.raises(PacketError, match=f"event {_CHUNK + 3}: addr 600"):
        encode_events(ev)


def test_encode_refuses_wrong_dtype():
    with pytest.raises(PacketError, match="1-d array of EVENT_DTYPE"):
        encode_events(np.zeros(3, dtype=np.uint64))
    with pytest.raises(PacketError, match="lost report 0: chip 64"):
        encode_events(make_events([1], [1], [1]), lost=np.array([(64, 1)], LOST_DTYPE))


def test_decode_refusals():
    with pytest.raises(PacketError, match="event stream of 6 bytes is not a whole number of 4-byte words"):
        decode_events(b"\0" * 6)
    with pytest.raises(PacketError, match="event word 0 precedes the first TIME_BASE word"):
        decode_events(np.array([5], "<u4").tobytes())
    # a LOST word first does not set a time base
    with pytest.raises(PacketError, match="event word 1 precedes the first TIME_BASE word"):
        decode_events(np.array([0x9000_0001, 5], "<u4").tobytes())
    with pytest.raises(PacketError, match=r"word 1 \(0xa0000000\) has reserved control kind 2"):
        decode_events(np.array([0x8000_0000, 0xA000_0000], "<u4").tobytes())


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=64).filter(lambda b: len(b) % 4 == 0))
def test_arbitrary_bytes_decode_or_raise_packet_error(data):
    try:
        out = decode_stream(data)
    except PacketError:
        return
    # whatever decodes re-encodes to a stream that decodes to the same events
    assert np.array_equal(decode_events(encode_events(out.events)), out.events)
