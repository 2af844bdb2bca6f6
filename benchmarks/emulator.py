"""Emulator speed on a fully used 16-chip board (``board_4x4``).

Every chip: 384 neurons; per block 128 feedback rows (64 from the same block,
64 from the other block) and 128 external rows, each external row driven by
its own Poisson-like source; a quarter of the rows depressing or facilitating,
8 STDP rows per block (STDP costs grow with spikes x STDP rows per block); 64
neurons per chip routed to a row of the next chip over the torus links.
Mismatch on (the chips' own serials).

Prints progress lines, then as its LAST line one JSON object:
``{"chips", "bio_s", "wall_s", "neuron_updates_per_s", "syn_events_per_s", ...}``.

Usage: ``python benchmarks/emulator.py [--bio-s 1.0] [--rate-hz 10] [--profile]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

# This file is named like the package it measures: drop its own folder from the
# import path so that ``import emulator`` finds the package, not this script.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

import numpy as np  # noqa: E402

from emulator import Board  # noqa: E402
from firmware_io import units  # noqa: E402
from firmware_io.board import BoardSpec
from firmware_io.chip_config import ChipConfig
from firmware_io.constants import (
    NEURONS_PER_CHIP,
    ROW_SOURCE,
    ROWS_PER_BLOCK,
    SIGN,
    STP_MODES,
    TICKS_PER_CYCLE,
)
from firmware_io.image import ROUTE_DTYPE  # noqa: E402
from firmware_io.packets import make_events  # noqa: E402


#: Switch for measuring the cost of STDP (python -c "...; STDP_ON = False").
STDP_ON = True


def chip_config(serial: int, rng: np.random.Generator) -> ChipConfig:
    """One fully used chip."""
    c = ChipConfig.empty(serial)
    c.g_leak[:] = units.g_leak_to_code(20.0)                   # tau_m = 10 ms
    c.tau_refrac[:] = units.tau_refrac_to_code(2.0)
    c.v_rest[:] = units.voltage_to_code(-65.0)
    c.v_reset[:] = units.voltage_to_code(-70.0)
    c.v_thresh[:] = units.voltage_to_code(-55.0)
    c.e_rev_I[:] = units.voltage_to_code(-80.0)
    c.row_source[:, :64] = ROW_SOURCE.FEEDBACK_SAME
    c.row_source[:, 64:128] = ROW_SOURCE.FEEDBACK_OTHER
    c.row_source[:, 128:] = ROW_SOURCE.EXTERNAL
    inhibitory = rng.random((2, ROWS_PER_BLOCK)) < 0.2
    c.row_sign[:] = np.where(inhibitory, SIGN.INHIBITORY, SIGN.EXCITATORY)
    c.row_strength[:] = np.where(inhibitory, 48, 96)
    c.row_tau[:] = np.where(inhibitory, units.row_tau_to_code(10.0), units.row_tau_to_code(5.0))
    c.row_stp[:] = rng.choice([STP_MODES.OFF, STP_MODES.DEPRESSING, STP_MODES.FACILITATING],
                              size=(2, ROWS_PER_BLOCK), p=[0.75, 0.125, 0.125])
    c.row_stdp[:, 128:136] = STDP_ON
    c.weights[:] = rng.integers(0, 16, size=c.weights.shape)
    # recurrent rows: sparse (10 %) so that the network does not run away
    sparse = rng.random((2, 128, c.weights.shape[2])) < 0.1
    c.weights[:, :128] = np.where(sparse, c.weights[:, :128], 0)
    c.stp_u, c.stp_tau_rec, c.stp_tau_facil = 200, 100, 50
    c.stdp_tau, c.stdp_threshold = 200, 128
    c.stdp_lut_causal[:] = np.minimum(np.arange(16) + 1, 15)
    c.stdp_lut_acausal[:] = np.maximum(np.arange(16) - 1, 0)
    c.stdp_lut_causal[0] = 0
    c.readout[:] = [0, 1, 192, 193]
    c.validate()
    return c


def poisson_input(n_chips: int, n_cycles: int, rate_hz: float, rng: np.random.Generator) -> np.ndarray:
    """Poisson-like events on every external row of every chip."""
    ext_rows = np.arange(128, 256)
    rows = np.concatenate([ext_rows, ext_rows + ROWS_PER_BLOCK])       # 256 per chip
    n_src = n_chips * rows.size
    bio_s = n_cycles * 1e-4
    counts = rng.poisson(rate_hz * bio_s, size=n_src)
    src = np.repeat(np.arange(n_src), counts)
    t = rng.integers(0, n_cycles * TICKS_PER_CYCLE, size=src.size)
    order = np.argsort(t, kind="stable")
    return make_events(t[order], (src // rows.size)[order], rows[src % rows.size][order])


def routes(n_chips: int) -> np.ndarray:
    """64 neurons of every chip to one external row each on the next chip (ROUTE_DTYPE)."""
    r = np.zeros(64 * n_chips, dtype=ROUTE_DTYPE)
    r["src_chip"] = np.repeat(np.arange(n_chips), 64)
    r["src_neuron"] = np.tile(np.arange(0, 384, 6), n_chips)
    r["dst_chip"] = (r["src_chip"] + 1) % n_chips
    r["dst_row"] = np.tile(np.arange(128, 192), n_chips)
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bio-s", type=float, default=1.0)
    parser.add_argument("--rate-hz", type=float, default=10.0, help="input rate per external row (bio)")
    parser.add_argument("--board", default="board_4x4")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    rng = np.random.default_rng(2024)
    spec = BoardSpec.load(args.board)
    configs = [chip_config(int(s), rng) for s in spec.serials]
    n_cycles = int(round(args.bio_s / 1e-4))
    events = poisson_input(spec.n_chips, n_cycles, args.rate_hz, rng)
    board = Board(spec)
    t0 = time.perf_counter()
    board.load(configs, routes=routes(spec.n_chips))
    load_s = time.perf_counter() - t0
    print(f"loaded {spec.n_chips} chips in {load_s:.2f} s; {events.size} input events")
    if args.profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
    t0, c0 = time.perf_counter(), time.process_time()
    result = board.run(n_cycles, events)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if args.profile:
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    n_neurons = spec.n_chips * NEURONS_PER_CHIP
    rate = result.output_events.size / n_neurons / args.bio_s
    print(f"{result.output_events.size} output spikes ({rate:.1f} Hz per neuron), "
          f"{result.row_events} row events, dropped {result.dropped.total()}")
    print(json.dumps({
        "chips": spec.n_chips, "bio_s": args.bio_s, "wall_s": round(wall, 3),
        "neuron_updates_per_s": round(n_neurons * n_cycles / wall),
        "syn_events_per_s": round(result.synaptic_events / wall),
        "cpu_s": round(cpu, 3), "load_s": round(load_s, 3), "output_rate_hz": round(rate, 2),
        "input_events": int(events.size), "dropped": result.dropped.total(),
    }))


if __name__ == "__main__":
    main()
