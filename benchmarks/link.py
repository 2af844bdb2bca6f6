"""Host-link benchmark: event codec, the pseudo-terminal end to end, a lossy line.

Measures

* ``codec_events_per_s``: ``encode_events`` + ``decode_events`` of 10**7
  time-sorted events (firmware_io's packet codec; one core);
* ``pty_events_per_s``: events per second through a virtual board behind a
  pseudo-terminal (pyserial), the slower of the two directions:
  ``pty_upload_events_per_s`` (``write_input`` of 10**6 input events: words,
  frames, pty, the board's checks) and ``pty_download_events_per_s`` (output
  events of a run read back, the board's emulation time excluded);
* ``chunk_roundtrip_ms``: median wall time of one run-chunk request over the pty
  (``client.run(100)``: 100 cycles = 10 ms biological on a quiet chip, reply
  and read-back of its events and traces), with the board's share
  (``chunk_board_ms``);
* lossy line: 10**6 input events up and >= 10**6 output events down through the
  in-process transport with 1 % of the bytes corrupted (one flipped bit) in
  both directions; ``lossy_ok`` is true when the board received exactly the
  events sent (order kept, none lost, none twice) and the host exactly the
  emulator's output. ``--lossy-events 0`` skips it.

The last line of output is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import emulator.virtual_board  # noqa: E402,F401  (registers emu://)
from emulator import Board  # noqa: E402
from emulator.virtual_board import PtyBoard  # noqa: E402
from firmware_io import BoardSpec, decode_events, encode_events, make_events  # noqa: E402
from firmware_io.protocol import BoardClient  # noqa: E402
from pynn_hw.testing.configs import input_events, tonic_configs  # noqa: E402

SPEC = BoardSpec.load("single_chip")


def codec_rate(n: int, repeats: int = 3) -> float:
    rng = np.random.default_rng(0)
    t = np.cumsum(rng.integers(0, 4, n)).astype(np.uint64)
    events = make_events(t, rng.integers(0, 64, n).astype(np.uint16), rng.integers(0, 512, n).astype(np.uint16))
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        back = decode_events(encode_events(events))
        best = min(best, time.perf_counter() - start)
    assert np.array_equal(back, events)
    return n / best


def timed_run(client: BoardClient, server, n_cycles: int) -> tuple[float, float, object]:
    """Wall time of client.run and the board's share of it (emulation)."""
    board = server.board
    original = board.run
    spent = [0.0]

    def run(n, *args, **kw):
        start = time.perf_counter()
        try:
            return original(n, *args, **kw)
        finally:
            spent[0] += time.perf_counter() - start
    board.run = run
    try:
        start = time.perf_counter()
        result = client.run(n_cycles)
        return time.perf_counter() - start, spent[0], result
    finally:
        board.run = original


def pty_figures(n_events: int, chunks: int) -> dict:
    out: dict = {}
    with PtyBoard(SPEC) as pty:
        client = BoardClient.open(pty.url, expect=SPEC)
        client.load(tonic_configs(SPEC))
        events = input_events(n_events, seed=1)
        start = time.perf_counter()
        client.write_input(events)
        out["pty_upload_events_per_s"] = n_events / (time.perf_counter() - start)
        client.reset()  # drop the queued input again
        wall, board_s, result = timed_run(client, pty.server, 24_000)  # ~10**6 output events
        out["pty_download_events"] = int(result.output_events.size)
        out["pty_download_events_per_s"] = result.output_events.size / (wall - board_s)
        out["pty_events_per_s"] = min(out["pty_upload_events_per_s"], out["pty_download_events_per_s"])
        client.load(tonic_configs(SPEC, firing=0))
        client.run(10)
        walls, boards = [], []
        for _ in range(chunks):
            wall, board_s, _ = timed_run(client, pty.server, 100)
            walls.append(wall)
            boards.append(board_s)
        out["chunk_roundtrip_ms"] = 1e3 * statistics.median(walls)
        out["chunk_board_ms"] = 1e3 * statistics.median(boards)
        out["pty_link_stats"] = dict(client.link.stats)
        client.close()
    return out


def lossy_figures(n_events: int) -> dict:
    events = input_events(n_events, seed=2)
    n_cycles = int(np.ceil(n_events / (43.0 * 0.98)))  # every neuron fires every ~9 cycles: ~43 events/cycle
    reference = Board(SPEC, ideal=True)
    reference.load(tonic_configs(SPEC))
    reference.write_input(events)
    expected = reference.run(n_cycles)
    start = time.perf_counter()
    client = BoardClient.open("emu://single_chip?faults=flip%3D0.01%2Cseed%3D7", expect=SPEC)
    server = client.transport.server
    server.record_input = True
    client.load(tonic_configs(SPEC))
    client.write_input(events)
    up_s = time.perf_counter() - start
    result = client.run(n_cycles)
    seconds = time.perf_counter() - start
    received = np.concatenate(server.received_input)
    ok_up = bool(np.array_equal(received, events))
    ok_down = bool(np.array_equal(result.output_events, expected.output_events)
                   and np.array_equal(result.traces, expected.traces))
    return {"lossy_input_events": int(n_events), "lossy_output_events": int(result.output_events.size),
            "lossy_ok": ok_up and ok_down, "lossy_input_ok": ok_up, "lossy_output_ok": ok_down,
            "lossy_seconds": seconds, "lossy_upload_seconds": up_s,
            "lossy_flipped_bytes": client.transport.faults.counts["flipped"],
            "lossy_link_stats": dict(client.link.stats)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codec-events", type=int, default=10_000_000)
    parser.add_argument("--pty-events", type=int, default=1_000_000)
    parser.add_argument("--chunks", type=int, default=50)
    parser.add_argument("--lossy-events", type=int, default=1_000_000)
    args = parser.parse_args()
    figures = {"codec_events_per_s": codec_rate(args.codec_events)}
    print(f"codec: {figures['codec_events_per_s'] / 1e6:.1f} M events/s", flush=True)
    figures.update(pty_figures(args.pty_events, args.chunks))
    print(f"pty: upload {figures['pty_upload_events_per_s'] / 1e6:.2f} M events/s, download "
          f"{figures['pty_download_events_per_s'] / 1e6:.2f} M events/s; run-chunk round trip "
          f"{figures['chunk_roundtrip_ms']:.2f} ms (board {figures['chunk_board_ms']:.2f} ms)", flush=True)
    if args.lossy_events:
        figures.update(lossy_figures(args.lossy_events))
        print(f"lossy: {figures['lossy_input_events']} events up, {figures['lossy_output_events']} down with "
              f"{figures['lossy_flipped_bytes']} corrupted bytes in {figures['lossy_seconds']:.1f} s: "
              f"{'none lost, none duplicated' if figures['lossy_ok'] else 'MISMATCH'}", flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
