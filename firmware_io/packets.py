"""Event packet codec: spike events <-> the 32-bit word stream of the host link.

Wire format (``docs/hardware.md``, "Event packets"): a stream of
little-endian 32-bit words.

* Event word (bit 31 = 0): bits 30..25 chip (6 bits), bits 24..16 address
  (9 bits: an input event names a driver row ``block * 256 + row``, an output
  event a neuron 0..383), bits 15..0 the low 16 bits of the time stamp (ticks
  of 3.125 us biological).
* Control word (bit 31 = 1), kind in bits 30..28:

  - ``TIME_BASE`` (0): bits 27..0 hold ``t >> 16``, the upper bits of the
    time of every following event word. The first event of a stream must be
    preceded by one. The encoder emits one wherever ``t >> 16`` differs from
    that of the previous event, so arbitrary (even unsorted) event arrays
    round-trip exactly and the 32-bit board counter's wrap (every 2**32 ticks)
    is carried by bits 16..27 of the time base: times up to 2**44 - 1 ticks
    (about 1.7 years biological) are exact.
  - ``LOST`` (1): bits 27..22 chip, bits 21..0 the number of input events the
    board had to drop (counts above 2**22 - 1 are split over several words).
  - kinds 2..7 are reserved; a decoder refuses them.
"""

from __future__ import annotations

import sys
from typing import NamedTuple

import numpy as np

from .constants import ADDR_BITS
from .errors import PacketError

#: One spike event: time in ticks (3.125 us bio), chip id, row or neuron address.
EVENT_DTYPE = np.dtype([("t", np.uint64), ("chip", np.uint16), ("addr", np.uint16)])
#: One lost-events report: chip id and number of dropped input events.
LOST_DTYPE = np.dtype([("chip", np.uint16), ("count", np.uint64)])

WORD_BYTES = 4
CHIP_ID_BITS = 6
MAX_CHIPS = 1 << CHIP_ID_BITS  # 64 chips per board
EVENT_TIME_BITS = 16
TIME_BASE_BITS = 28
EVENT_TIME_LIMIT = 1 << (EVENT_TIME_BITS + TIME_BASE_BITS)  # 2**44 ticks
LOST_COUNT_BITS = 22
CONTROL_FLAG = 1 << 31
KIND_SHIFT = 28
KIND_TIME_BASE = 0
KIND_LOST = 1

_CHIP_SHIFT = ADDR_BITS + EVENT_TIME_BITS  # 25
_TIME_MASK = (1 << EVENT_TIME_BITS) - 1
_ADDR_MASK = (1 << ADDR_BITS) - 1
_CHIP_MASK = MAX_CHIPS - 1
_BASE_MASK = (1 << TIME_BASE_BITS) - 1
_LOST_MASK = (1 << LOST_COUNT_BITS) - 1
_KIND_MASK = 7
_BASE_WORD = CONTROL_FLAG | KIND_TIME_BASE << KIND_SHIFT
_LOST_WORD = CONTROL_FLAG | KIND_LOST << KIND_SHIFT

#: The codecs work through events and words in chunks of this many, so that
#: temporaries stay in the CPU cache.
_CHUNK = 1 << 16

if sys.byteorder != "little":  # records are read as three little-endian uint32 words
    raise ImportError("firmware_io.packets needs a little-endian host")


class DecodedStream(NamedTuple):
    """Contents of a word stream: events (EVENT_DTYPE) and lost reports (LOST_DTYPE)."""

    events: np.ndarray
    lost: np.ndarray


def make_events(t: np.ndarray, chip: np.ndarray, addr: np.ndarray) -> np.ndarray:
    """An EVENT_DTYPE array from three broadcastable integer arrays (or scalars)."""
    t, chip, addr = np.broadcast_arrays(np.atleast_1d(t), np.atleast_1d(chip), np.atleast_1d(addr))
    ev = np.empty(t.shape[0], dtype=EVENT_DTYPE)
    ev["t"], ev["chip"], ev["addr"] = t, chip, addr
    return ev


def _columns(events: np.ndarray) -> np.ndarray:
    """(n, 3) uint32 view of EVENT_DTYPE records: t low word, t high word, chip | addr << 16."""
    return np.ascontiguousarray(events).view(np.uint32).reshape(-1, 3)


def _first_bad(name: str, values: np.ndarray, bad: np.ndarray, limit: int, offset: int = 0) -> PacketError:
    i = int(np.argmax(bad))
    return PacketError(f"event {offset + i}: {name} {int(values[i])} cannot be encoded; valid: 0..{limit - 1}")


def _check_chunk(events: np.ndarray, start: int, stop: int, t_hi: np.ndarray, chip_addr: np.ndarray) -> None:
    if int(t_hi.max()) >> (EVENT_TIME_BITS + TIME_BASE_BITS - 32):
        t = events["t"][start:stop]
        raise _first_bad("t", t, t >= np.uint64(EVENT_TIME_LIMIT), EVENT_TIME_LIMIT, start)
    # chip lives in bits 0..15, addr in bits 16..31 of chip_addr: any other bit set is an error
    if int(np.bitwise_or.reduce(chip_addr)) & ~(_CHIP_MASK | _ADDR_MASK << 16):
        chip, addr = events["chip"][start:stop], events["addr"][start:stop]
        if int(chip.max()) >= MAX_CHIPS:
            raise _first_bad("chip", chip, chip >= MAX_CHIPS, MAX_CHIPS, start)
        raise _first_bad("addr", addr, addr > _ADDR_MASK, _ADDR_MASK + 1, start)


def _event_words(t_lo: np.ndarray, chip_addr: np.ndarray) -> np.ndarray:
    words = chip_addr << np.uint32(_CHIP_SHIFT)
    words |= chip_addr & np.uint32(_ADDR_MASK << 16)
    words |= t_lo & np.uint32(_TIME_MASK)
    return words


def _lost_words(lost: np.ndarray) -> np.ndarray:
    lost = np.asarray(lost, dtype=LOST_DTYPE)
    chips, counts = lost["chip"], lost["count"]
    if chips.size and int(chips.max()) >= MAX_CHIPS:
        i = int(np.argmax(chips >= MAX_CHIPS))
        raise PacketError(f"lost report {i}: chip {int(chips[i])} cannot be encoded; valid: 0..{MAX_CHIPS - 1}")
    # a count above the 22-bit field is split into full words plus a remainder
    pieces = np.maximum(1, (counts + np.uint64(_LOST_MASK - 1)) // np.uint64(_LOST_MASK)).astype(np.int64)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    k = (np.arange(first.size) - first).astype(np.uint64)
    part = np.minimum(np.repeat(counts, pieces) - np.uint64(_LOST_MASK) * k, np.uint64(_LOST_MASK))
    chip_field = np.repeat(chips.astype(np.uint32), pieces) << np.uint32(LOST_COUNT_BITS)
    return np.uint32(_LOST_WORD) | chip_field | part.astype(np.uint32)


def encode_events(events: np.ndarray, lost: np.ndarray | None = None) -> bytes:
    """Encode events (and, after them, lost-event reports) into the word stream.

    Parameters
    ----------
    events : ndarray of EVENT_DTYPE, 1-d
        Any order; the order is kept.
    lost : ndarray of LOST_DTYPE, optional
        Lost-event reports, appended after the events.

    Returns
    -------
    bytes
        Little-endian 32-bit words; a TIME_BASE word precedes the first event
        and every event whose ``t >> 16`` differs from its predecessor's.

    Raises
    ------
    PacketError
        If a chip id is >= 64, an address >= 512 or a time >= 2**44 ticks.
    """
    events = np.asarray(events)
    if events.dtype != EVENT_DTYPE or events.ndim != 1:
        raise PacketError(
            f"events must be a 1-d array of EVENT_DTYPE {EVENT_DTYPE}; got dtype {events.dtype}, shape {events.shape}"
        )
    cols = _columns(events)
    n = events.size
    # scratch buffers reused by every chunk: no allocation churn in the loop
    m = min(n, _CHUNK)
    fields = np.empty((3, m), dtype=np.uint32)
    base, tmp = np.empty(m, dtype=np.uint32), np.empty(m, dtype=np.uint32)
    change = np.empty(m, dtype=bool)
    out = np.empty(2 * m, dtype=np.uint32)
    parts = []
    prev_base = -1  # no time base sent yet
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        k = stop - start
        # one transposing copy makes every later operation contiguous
        np.copyto(fields[:, :k], cols[start:stop].T)
        t_lo, t_hi, chip_addr = fields[0, :k], fields[1, :k], fields[2, :k]
        _check_chunk(events, start, stop, t_hi, chip_addr)
        b, c, scratch = base[:k], change[:k], tmp[:k]
        np.right_shift(t_lo, np.uint32(EVENT_TIME_BITS), out=b)
        np.left_shift(t_hi, np.uint32(32 - EVENT_TIME_BITS), out=scratch)
        b |= scratch
        c[0] = int(b[0]) != prev_base
        np.not_equal(b[1:], b[:-1], out=c[1:])
        at = np.flatnonzero(c)
        # event words go to out[i + number of TIME_BASE words up to and including i]
        words = out[at.size : at.size + k] if at.size == 0 else np.empty(k, dtype=np.uint32)
        np.left_shift(chip_addr, np.uint32(_CHIP_SHIFT), out=words)
        np.bitwise_and(chip_addr, np.uint32(_ADDR_MASK << 16), out=scratch)
        words |= scratch
        np.bitwise_and(t_lo, np.uint32(_TIME_MASK), out=scratch)
        words |= scratch
        if at.size:
            dest = out[: k + at.size]
            base_slot = at + np.arange(at.size)  # each TIME_BASE word shifts later events by one
            is_event = np.ones(dest.size, dtype=bool)
            is_event[base_slot] = False
            dest[base_slot] = b[at] | np.uint32(_BASE_WORD)
            dest[is_event] = words
            words = dest
        parts.append(words.tobytes())
        prev_base = int(b[-1])
    if lost is not None and len(lost):
        parts.append(_lost_words(lost).tobytes())
    return b"".join(parts)


def _check_kinds(ctrl: np.ndarray, ctrl_at: np.ndarray, offset: int) -> None:
    kind = (ctrl >> np.uint32(KIND_SHIFT)) & np.uint32(_KIND_MASK)
    bad = (kind != KIND_TIME_BASE) & (kind != KIND_LOST)
    if bad.any():
        i = int(np.argmax(bad))
        raise PacketError(
            f"word {offset + int(ctrl_at[i])} (0x{int(ctrl[i]):08x}) has reserved control kind {int(kind[i])}; "
            f"valid: {KIND_TIME_BASE} (TIME_BASE), {KIND_LOST} (LOST)"
        )


def decode_stream(data: bytes | bytearray | memoryview | np.ndarray) -> DecodedStream:
    """Decode a word stream into events and lost-event reports.

    Parameters
    ----------
    data : bytes-like
        Little-endian 32-bit words as produced by :func:`encode_events`.

    Raises
    ------
    PacketError
        If the length is not a multiple of 4 bytes, a control word has a
        reserved kind, or an event word precedes the first time-base word.
    """
    buf = memoryview(data).cast("B")
    if buf.nbytes % WORD_BYTES:
        raise PacketError(f"event stream of {buf.nbytes} bytes is not a whole number of {WORD_BYTES}-byte words")
    w = np.frombuffer(buf, dtype="<u4")
    n_ctrl = int(np.count_nonzero(w >= np.uint32(CONTROL_FLAG)))
    events = np.empty(w.size - n_ctrl, dtype=EVENT_DTYPE)
    cols = events.view(np.uint32).reshape(-1, 3)
    lost_parts = []
    base = -1  # time base in force; none before the first TIME_BASE word
    row = 0
    m = min(w.size, _CHUNK)
    is_ctrl, is_event = np.empty(m, dtype=bool), np.empty(m, dtype=bool)
    ev_buf, scratch, field = (np.empty(m, dtype=np.uint32) for _ in range(3))
    for start in range(0, w.size, _CHUNK):
        chunk = w[start : start + _CHUNK]
        k = chunk.size
        np.greater_equal(chunk, np.uint32(CONTROL_FLAG), out=is_ctrl[:k])
        ctrl_at = np.flatnonzero(is_ctrl[:k])
        ctrl = chunk[ctrl_at]
        _check_kinds(ctrl, ctrl_at, start)
        is_base = (ctrl & np.uint32(_KIND_MASK << KIND_SHIFT)) == np.uint32(KIND_TIME_BASE << KIND_SHIFT)
        lost_parts.append(ctrl[~is_base])
        n_ev = k - ctrl_at.size
        if n_ev:
            if ctrl_at.size:
                np.logical_not(is_ctrl[:k], out=is_event[:k])
                ev_words = np.compress(is_event[:k], chunk, out=ev_buf[:n_ev])
            else:
                ev_words = chunk
            # event words before each TIME_BASE word of the chunk: runs of equal time base
            base_idx = np.flatnonzero(is_base)
            run_start = ctrl_at[base_idx] - base_idx
            lengths = np.diff(run_start, prepend=0, append=n_ev)
            if base < 0 and lengths[0]:
                first = start + int(np.argmax(~is_ctrl[:k]))
                raise PacketError(f"event word {first} precedes the first TIME_BASE word")
            run_base = np.concatenate(([max(base, 0)], ctrl[base_idx] & np.uint32(_BASE_MASK))).astype(np.uint32)
            ev_base = np.repeat(run_base, lengths)
            stop = row + n_ev
            f, t = field[:n_ev], scratch[:n_ev]
            np.left_shift(ev_base, np.uint32(EVENT_TIME_BITS), out=f)
            np.bitwise_and(ev_words, np.uint32(_TIME_MASK), out=t)
            f |= t
            cols[row:stop, 0] = f
            np.right_shift(ev_base, np.uint32(32 - EVENT_TIME_BITS), out=f)
            cols[row:stop, 1] = f
            np.right_shift(ev_words, np.uint32(_CHIP_SHIFT), out=f)
            np.bitwise_and(ev_words, np.uint32(_ADDR_MASK << 16), out=t)
            f |= t
            cols[row:stop, 2] = f
            row = stop
        if is_base.any():
            base = int(ctrl[is_base][-1]) & _BASE_MASK
    lost_words = np.concatenate(lost_parts) if lost_parts else np.empty(0, np.uint32)
    lost = np.empty(lost_words.size, dtype=LOST_DTYPE)
    lost["chip"] = (lost_words >> np.uint32(LOST_COUNT_BITS)) & np.uint32(_CHIP_MASK)
    lost["count"] = lost_words & np.uint32(_LOST_MASK)
    return DecodedStream(events, lost)


def decode_events(data: bytes | bytearray | memoryview | np.ndarray) -> np.ndarray:
    """Decode a word stream into an EVENT_DTYPE array (lost reports are dropped).

    See :func:`decode_stream` for the errors raised.
    """
    return decode_stream(data).events
