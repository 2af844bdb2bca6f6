"""Calibration benchmark: a whole emulated 16-chip board with mismatch.

Usage: python benchmarks/calibration.py [--board board_4x4] [--network] [--dir DIR]

1. Measures the spread of every parameter across the circuits of the board with
   nominal codes (``calibration.measure_spreads``: the emulator is run, nothing is
   read from the mismatch model), 2. calibrates every chip (timed), 3. measures the
   spreads again through the tables. With ``--network`` it also runs the balanced
   network of ``examples/balanced_network.py`` on NEST, on the mismatched emulator
   with nominal codes and with the tables (each in its own process, on the same
   board unless ``--network-board`` names another, which is then calibrated too).

Relative SD: SD / mean for tau_m, tau_refrac and the row weights; for voltages the
SD in mV divided by the 102.3 mV range of the chip (docs/calibration.md).

Prints a table, then LAST a JSON line: ``{"chips", "calibrate_s", "spread_before",
"spread_after", "sd_mV_before", "sd_mV_after", "counts", ["network"]}``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# this file is named like the package it measures: import the package, not itself
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))


def network_worker(mode: str, board: str, folder: str | None) -> dict:
    """Run the balanced network once: ``nest``, ``nominal`` (mismatch, no tables) or ``calibrated``."""
    sys.path.insert(0, str(_HERE.parent / "examples"))
    import balanced_network as bn

    if mode == "nest":
        import pynn_hw.nest as sim
        sim.setup(timestep=0.1, min_delay=0.1, rng_seed=bn.SEED)
    else:
        import pynn_hw.emulator as sim
        from pynn_hw.board_backend import BoardOptions
        extra = {}
        if mode == "calibrated":
            if "calibration" in BoardOptions.__dataclass_fields__:
                extra["calibration"] = folder          # the board backend reads the tables itself
            else:
                use_tables_in_board_backend(board, folder)
        sim.setup(timestep=0.1, min_delay=0.1, rng_seed=bn.SEED, mismatch=True, board=board, **extra)
    exc, inh, _ = bn.build(sim)
    sim.run(bn.T_STOP)
    out = {"exc_hz": bn.rate(exc), "inh_hz": bn.rate(inh)}
    sim.end()
    return out


def use_tables_in_board_backend(board: str, folder: str | None) -> None:
    """Until the board backend reads tables itself: route its calibration step through them."""
    import calibration
    import pynn_hw.board_backend.backend as backend_mod
    import pynn_hw.board_backend.updates as updates_mod
    from firmware_io import BoardSpec

    tables = calibration.load_board_tables(BoardSpec.load(board).serials, folder)

    def calibrated(configs):
        return calibration.calibrate_configs(configs, tables)

    backend_mod.calibrated_configs = calibrated
    updates_mod.calibrated_configs = calibrated


def run_network(board: str, folder: str) -> dict:
    """Rates of the balanced network in the three modes (separate processes)."""
    out = {"board": board}
    for mode in ("nest", "nominal", "calibrated"):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--network-worker", mode, "--network-board", board,
               "--dir", folder]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        out[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    for mode in ("nominal", "calibrated"):
        out[f"{mode}_error"] = {k: out[mode][k] / out["nest"][k] - 1.0 for k in ("exc_hz", "inh_hz")}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--board", default="board_4x4")
    ap.add_argument("--network", action="store_true", help="also run the balanced network (NEST vs emulator)")
    ap.add_argument("--network-board", default=None, help="board of the network runs (default: --board)")
    ap.add_argument("--network-worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--dir", default=None, help="folder for the tables (default: a temporary folder)")
    args = ap.parse_args()
    if args.network_worker:
        print(json.dumps(network_worker(args.network_worker, args.network_board, args.dir)))
        return

    from calibration import calibrate_board, measure_spreads, save_table
    from emulator import Board
    from firmware_io import BoardSpec
    from pynn_hw.commands.calibrate import format_spreads

    spec = BoardSpec.load(args.board)
    board = Board(spec)                       # mismatch on: every chip deviates as its serial says
    t0 = time.perf_counter()
    before = measure_spreads(spec, board)
    t_before = time.perf_counter() - t0
    cal = calibrate_board(spec, board)
    t0 = time.perf_counter()
    after = measure_spreads(spec, board, cal.tables)
    t_after = time.perf_counter() - t0
    print(f"{spec.name}: {spec.n_chips} chips calibrated in {cal.seconds:.1f} s ({cal.counts}); spread "
          f"measurements {t_before:.1f} s before, {t_after:.1f} s after")
    print(format_spreads(before, after))
    result = {"chips": spec.n_chips, "calibrate_s": round(cal.seconds, 2),
              "spread_before": before["relative_sd"], "spread_after": after["relative_sd"],
              "sd_mV_before": before["sd_mV"], "sd_mV_after": after["sd_mV"],
              "relative_to_value_after": after["relative_to_value"], "counts": cal.counts}
    if args.network:
        with tempfile.TemporaryDirectory() as tmp:
            folder = args.dir or tmp
            args.network_board = args.network_board or args.board
            net_spec = BoardSpec.load(args.network_board)
            net_cal = cal if net_spec.name == spec.name else calibrate_board(net_spec, Board(net_spec))
            for table in net_cal.tables:
                save_table(table, folder)
            result["network"] = run_network(args.network_board, folder)
        net = result["network"]
        print(f"balanced network on {args.network_board}: NEST exc {net['nest']['exc_hz']:.2f} Hz, "
              f"inh {net['nest']['inh_hz']:.2f} Hz; mismatch nominal "
              f"{100 * net['nominal_error']['exc_hz']:+.1f} % / {100 * net['nominal_error']['inh_hz']:+.1f} %, "
              f"calibrated {100 * net['calibrated_error']['exc_hz']:+.1f} % / "
              f"{100 * net['calibrated_error']['inh_hz']:+.1f} %")
    print(json.dumps(result))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
