"""``pynn-hw calibrate``: measure every circuit of a board and write its calibration tables.

``pynn-hw calibrate --board board_4x4 [--dir DIR] [--url URL] [--seed N] [--no-spread]``
calibrates every chip of the board (the emulator with each chip's fixed-pattern
mismatch, or a real board reached at ``--url``), shows a progress bar, writes
one table per chip (``DIR/<SERIAL>.json``, atomically) and prints the spread of
every parameter across circuits before and after calibration. See
``docs/calibration.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from typing import Any

#: Share of the whole calibration time of each step (for one progress bar).
_STEPS = {"before": (0.0, 0.2), "voltages": (0.2, 0.3), "e_rev_I": (0.3, 0.34), "tau_m": (0.34, 0.38),
          "tau_refrac": (0.38, 0.42), "weights": (0.42, 0.8), "after": (0.8, 1.0)}


def _progress_bar(stream=sys.stdout):
    from pynn_hw.utility import ProgressBar
    bar = ProgressBar(width=40)

    def show(stage: str, step: str, fraction: float) -> None:
        lo, hi = _STEPS.get(stage if stage in ("before", "after") else step, (0.0, 1.0))
        total = lo + (hi - lo) * fraction
        stream.write(f"\rcalibrating {bar.render(total)} {stage if stage in ('before', 'after') else step:<10}")
        stream.flush()
    return show


def _open_board(args: argparse.Namespace, spec: Any) -> Any:
    if args.url:
        from firmware_io.protocol import BoardClient
        return BoardClient.open(args.url, expect=spec)
    from emulator import Board
    return Board(spec)


def _calibrate(args: argparse.Namespace) -> int:
    from calibration import calibrate_board, calibration_dir, measure_spreads, save_table
    from firmware_io import BoardSpec, BoardSpecError

    try:
        spec = BoardSpec.load(args.board)
    except BoardSpecError as err:
        args.parser.error(f"--board {args.board}: {err}; shipped boards: {', '.join(BoardSpec.shipped())}")
    board = _open_board(args, spec)
    show = _progress_bar() if not args.quiet else (lambda *a: None)
    t0 = time.perf_counter()
    before = after = None
    if not args.no_spread:
        before = measure_spreads(spec, board, None, progress=lambda s, f: show("before", s, f))
    cal = calibrate_board(spec, board, seed=args.seed, progress=lambda s, f: show("calibrate", s, f))
    if not args.no_spread:
        after = measure_spreads(spec, board, cal.tables, progress=lambda s, f: show("after", s, f))
    show("after", "done", 1.0)
    print()
    folder = calibration_dir(args.dir)
    for table in cal.tables:
        if after is not None:
            table = replace(table, spread={"before": before["relative_sd"], "after": after["relative_sd"],
                                           "board_wide": True})
        save_table(table, folder)
    print(f"calibrated {spec.n_chips} chips of {spec.name} in {cal.seconds:.1f} s "
          f"({cal.counts['runs']} runs, {cal.counts['cycles']} cycles); total {time.perf_counter() - t0:.1f} s")
    print(f"wrote {len(cal.tables)} tables to {folder}")
    if after is not None:
        print(format_spreads(before, after))
    if args.json:
        print(json.dumps({"chips": spec.n_chips, "calibrate_s": cal.seconds,
                          "spread_before": before["relative_sd"] if before else None,
                          "spread_after": after["relative_sd"] if after else None}))
    return 0


def format_spreads(before: dict, after: dict) -> str:
    """A text table of the spreads across circuits before and after calibration."""
    lines = [f"{'parameter':<11} {'before':>8} {'after':>8}   (relative SD; voltages: SD / 102.3 mV)"]
    for name, b in before["relative_sd"].items():
        a = after["relative_sd"][name]
        extra = f"   SD {before['sd_mV'][name]:.2f} -> {after['sd_mV'][name]:.2f} mV" if name in after["sd_mV"] else ""
        lines.append(f"{name:<11} {100 * b:7.2f}% {100 * a:7.2f}%{extra}")
    return "\n".join(lines)


def register(subparsers: Any) -> None:
    """Add the ``calibrate`` command to the ``pynn-hw`` sub-command parsers."""
    p = subparsers.add_parser("calibrate", help="calibrate every chip of a board and write its tables",
                              description=__doc__.split("\n\n")[1])
    p.add_argument("--board", required=True, help="shipped board name or board file (e.g. board_4x4)")
    p.add_argument("--dir", default=None, metavar="DIR",
                   help="folder of the tables (default: $PYNN_HW_CALIBRATION_DIR or ~/.cache/pynn_hw/calibration)")
    p.add_argument("--url", default=None, help="a real board's transport URL (default: the emulator with mismatch)")
    p.add_argument("--seed", type=int, default=0, help="seed of the weight-probe design (default 0)")
    p.add_argument("--no-spread", action="store_true", help="skip the before/after spread measurement")
    p.add_argument("--json", action="store_true", help="also print a JSON summary line")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_calibrate, parser=p)
