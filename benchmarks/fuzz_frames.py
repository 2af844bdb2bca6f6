"""Fuzz the frame decoder with >= 10**6 inputs (hypothesis-driven batches).

Hypothesis draws the shape of each batch (kind of input, sizes, mutation
counts, a seed); every batch then makes ``--batch`` inputs from that seed:

* random bytes (with and without 0x00 delimiters),
* streams of valid frames mutated by flipped bits, dropped, inserted and
  repeated bytes, cut ends and swapped pieces,
* hostile shapes: long runs without a delimiter, COBS codes pointing past
  the end, maximal-length frames, all-0xFF / all-0x01 data.

Each input goes to a fresh :class:`FrameDecoder` and to one long-lived
decoder fed with every input in turn (stream state across inputs). Checked:
no exception, every decoded frame is one that was encoded (no false
acceptance), the unfinished-frame buffer never exceeds ``MAX_ENCODED_BYTES``,
the slowest single input and the growth of the process's peak memory.
The last line of output is JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from firmware_io.protocol.framing import MAX_ENCODED_BYTES, FrameDecoder, encode_frame  # noqa: E402

KINDS = ("random", "random_delimited", "mutated_frames", "hostile")


class Stats:
    def __init__(self) -> None:
        self.inputs = 0
        self.bytes = 0
        self.frames_ok = 0
        self.bad_frames = 0
        self.false_accepts = 0
        self.slowest_s = 0.0
        self.max_pending = 0
        self.by_kind = dict.fromkeys(KINDS, 0)


def make_frames(rng: np.random.Generator, n: int) -> tuple[bytes, set[tuple[int, int, bytes]]]:
    sent = set()
    parts = []
    for _ in range(n):
        kind, seq = int(rng.integers(0, 256)), int(rng.integers(0, 65536))
        size = int(rng.choice([0, 1, 4, 60, 300, 2000]))
        payload = rng.integers(0, 256, size, dtype=np.uint8)
        payload[rng.random(size) < 0.3] = 0  # event words hold many 0x00 bytes
        payload = payload.tobytes()
        sent.add((kind, seq, payload))
        parts.append(encode_frame(kind, seq, payload))
    return b"".join(parts), sent


def mutate(rng: np.random.Generator, data: bytes, n_mut: int) -> bytes:
    b = bytearray(data)
    for _ in range(n_mut):
        if not b:
            break
        i = int(rng.integers(0, len(b)))
        op = int(rng.integers(0, 6))
        if op == 0:
            b[i] ^= 1 << int(rng.integers(0, 8))
        elif op == 1:
            del b[i]
        elif op == 2:
            b.insert(i, int(rng.integers(0, 256)))
        elif op == 3:
            j = min(len(b), i + int(rng.integers(1, 40)))
            b[i:i] = b[i:j]  # a repeated piece
        elif op == 4:
            del b[i:]
        else:
            j = int(rng.integers(0, len(b)))
            b[i], b[j] = b[j], b[i]
    return bytes(b)


def hostile(rng: np.random.Generator, variant: int) -> bytes:
    n = int(rng.integers(1, 4000))
    if variant == 0:
        return b"\x01" * n  # no delimiter, every code says "empty block"
    if variant == 1:
        return b"\xff" * n + b"\x00"  # full blocks that end too early
    if variant == 2:
        return bytes([0xFE]) + b"\x01" * 10 + b"\x00"  # code points past the end
    if variant == 3:
        return b"\x00" * n  # delimiters only
    if variant == 4:
        return rng.integers(1, 256, MAX_ENCODED_BYTES // 64, dtype=np.uint8).tobytes()  # long run, no delimiter
    return encode_frame(1, 1, rng.integers(0, 256, 1 << 16, dtype=np.uint8).tobytes())[:-1]  # frame, no end


def run_batch(stats: Stats, stream: FrameDecoder, kind: str, seed: int, size: int, n_mut: int,
              batch: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(batch):
        sent: set = set()
        if kind == "random":
            data = rng.integers(1, 256, int(rng.integers(0, size + 1)), dtype=np.uint8).tobytes()
        elif kind == "random_delimited":
            data = rng.integers(0, 256, int(rng.integers(0, size + 1)), dtype=np.uint8).tobytes()
        elif kind == "mutated_frames":
            frames, sent = make_frames(rng, int(rng.integers(1, 4)))
            data = mutate(rng, frames, n_mut)
        else:
            data = hostile(rng, int(rng.integers(0, 6)))
        start = time.perf_counter()
        dec = FrameDecoder()
        got, bad = dec.feed(data)
        got2, _ = stream.feed(data)
        took = time.perf_counter() - start
        stats.slowest_s = max(stats.slowest_s, took)
        stats.max_pending = max(stats.max_pending, dec.pending_bytes, stream.pending_bytes)
        if dec.pending_bytes > MAX_ENCODED_BYTES or stream.pending_bytes > MAX_ENCODED_BYTES:
            raise AssertionError(f"decoder holds {stream.pending_bytes} bytes, over the bound")
        for f in got:
            if (f.kind, f.seq, f.payload) not in sent:
                stats.false_accepts += 1
        stats.frames_ok += len(got)
        stats.bad_frames += bad
        stats.inputs += 1
        stats.bytes += len(data)
        stats.by_kind[kind] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    stats = Stats()
    stream = FrameDecoder()
    examples = -(-args.inputs // args.batch)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(kind=st.sampled_from(KINDS), seed=st.integers(0, 2**32 - 1), size=st.integers(0, 3000),
           n_mut=st.integers(0, 12))
    def fuzz(kind, seed, size, n_mut):
        run_batch(stats, stream, kind, seed, size, n_mut, args.batch)

    start = time.perf_counter()
    fuzz()
    # hypothesis may stop early when it has seen every distinct example: top up to the count asked for
    seed = 0
    while stats.inputs < args.inputs:
        run_batch(stats, stream, KINDS[seed % len(KINDS)], 10**9 + seed, 2000, 1 + seed % 12, args.batch)
        seed += 1
    seconds = time.perf_counter() - start
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"inputs": stats.inputs, "bytes": stats.bytes, "seconds": seconds, "frames_decoded": stats.frames_ok,
              "bad_frames": stats.bad_frames, "false_accepts": stats.false_accepts, "crashes": 0,
              "slowest_input_ms": 1e3 * stats.slowest_s, "max_pending_bytes": stats.max_pending,
              "pending_bound_bytes": MAX_ENCODED_BYTES, "peak_rss_growth_mib": (rss1 - rss0) / 1024,
              "by_kind": stats.by_kind}
    print(f"{stats.inputs} inputs ({stats.bytes / 1e6:.0f} MB) in {seconds:.0f} s: no exception, "
          f"{stats.false_accepts} false accepts, slowest input {result['slowest_input_ms']:.1f} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
