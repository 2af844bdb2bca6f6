"""``pynn-hw compare``: run one PyNN script on several backends and report how they differ.

``pynn-hw compare SCRIPT --backend nest --backend brian2 [...] [--output DIR]
[--reference nest] [--tolerance rate=0.1 ...] [-- script args]`` runs the script on
each backend in its own process and writes ``DIR/report.md``, ``DIR/report.json``
and ``DIR/figures/*.png``. In script arguments ``{module}`` becomes
``pynn_hw.<backend>``; scripts that import the module named by their first
argument (like ``va_coba.py``) get it automatically. See ``docs/comparison.md``.
"""

from __future__ import annotations

import argparse
from typing import Any

#: Where the report goes unless ``--output`` says otherwise.
DEFAULT_OUTPUT = "pynn_hw_comparison"


def _compare(args: argparse.Namespace) -> int:
    from pynn_hw.comparison import MetricSettings, compare, parse_tolerances
    try:
        tolerances = parse_tolerances(args.tolerance or [])
    except ValueError as err:
        args.parser.error(str(err))
    settings = MetricSettings(fano_bin_ms=args.fano_bin, corr_bin_ms=args.corr_bin, corr_pairs=args.corr_pairs,
                              corr_seed=args.corr_seed, vr_tau_ms=args.tau, skip_ms=args.skip,
                              segment=args.segment)
    backends = args.backend or ["nest"]
    try:
        result = compare(args.script, backends, args.output, reference=args.reference,
                         script_args=args.script_args, tolerances=tolerances, settings=settings,
                         board=args.board, timeout=args.timeout, figures=not args.no_figures,
                         progress=lambda text: print(text, flush=True))
    except (ValueError, FileNotFoundError) as err:
        args.parser.error(str(err))
    print(f"wrote {args.output}/report.md and {args.output}/report.json")
    failed = [run.name for run in result.runs if not run.ok]
    if failed:
        print(f"failed backends: {', '.join(failed)} (see the report)")
    return 0 if result.reference_run is not None and result.reference_run.ok else 1


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``compare`` command to the ``pynn-hw`` sub-command parsers."""
    from pynn_hw.comparison import BACKENDS
    from pynn_hw.comparison.verdicts import METRICS, WEIGHT_METRICS
    parser = subparsers.add_parser(
        "compare", help="run a PyNN script on several backends and compare them",
        description="Run one PyNN script on several backends, each in its own process, and write a "
                    "report (Markdown, JSON, PNG figures) of how their results differ.")
    parser.add_argument("script", help="path of the PyNN script")
    parser.add_argument("--backend", action="append", choices=BACKENDS, metavar="BACKEND",
                        help=f"a backend to run on; repeat for each ({', '.join(BACKENDS)}); "
                             "a repeated backend checks reproducibility (default: nest)")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, metavar="DIR",
                        help=f"folder for the report, figures and recordings (default: {DEFAULT_OUTPUT})")
    parser.add_argument("--reference", default=None, metavar="BACKEND",
                        help="backend the others are judged against (default: nest if compared, else the first)")
    names = ", ".join(f"{m.name} ({m.kind}, {m.tolerance:g})"
                      for m in METRICS + WEIGHT_METRICS)
    parser.add_argument("--tolerance", action="append", metavar="NAME=VALUE",
                        help=f"change a tolerance; names, kinds and defaults: {names}")
    parser.add_argument("--board", default=None,
                        help="board of the emulator: a shipped board, a board file, or "
                             "torus:RxC[:LINK[:ROUTER[:DELAY[:BUFFER]]]] "
                             "(default: PYNN_HW_BOARD or the emulator's default)")
    parser.add_argument("--timeout", type=float, default=None, metavar="S",
                        help="seconds a backend may run before it is stopped and reported as failed")
    parser.add_argument("--skip", type=float, default=0.0, metavar="MS",
                        help="leave out the first MS ms of the segment (a transient) from the metrics")
    parser.add_argument("--segment", type=int, default=0, help="index of the segment analysed (default 0)")
    parser.add_argument("--fano-bin", type=float, default=50.0, metavar="MS", help="Fano factor count bin (ms)")
    parser.add_argument("--corr-bin", type=float, default=10.0, metavar="MS", help="correlation count bin (ms)")
    parser.add_argument("--corr-pairs", type=int, default=500, metavar="N", help="pairs sampled for the correlation")
    parser.add_argument("--corr-seed", type=int, default=12345, metavar="SEED", help="seed of the pair sample")
    parser.add_argument("--tau", type=float, default=5.0, metavar="MS", help="van Rossum time constant (ms)")
    parser.add_argument("--no-figures", action="store_true", help="write the report without PNG figures")
    parser.set_defaults(handler=_compare, parser=parser)
    return parser
