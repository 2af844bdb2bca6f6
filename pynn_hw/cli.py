"""The ``pynn-hw`` command.

``pynn-hw run SCRIPT [--backend B] [--output DIR] [script args] [-- more script args]`` runs an
unmodified PyNN script (``import pyNN.<simulator>`` lands on ``pynn_hw.B``),
prints the mapping report of the board backends, and writes, for every
population that recorded something, ``<label>.pkl`` (a Neo block with every
segment) and ``<label>_raster.png`` (spikes, one panel per segment) to DIR.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import runpy
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Backends that ``pynn-hw run`` can use, by their module name under pynn_hw.
BACKENDS = ("nest", "emulator", "hardware", "brian2", "neuron")
#: Where ``pynn-hw run`` writes its files unless ``--output`` says otherwise.
DEFAULT_OUTPUT = "pynn_hw_output"


def _run(args: argparse.Namespace) -> int:
    from pynn_hw.script_imports import pynn_imports
    module = importlib.import_module(f"pynn_hw.{args.backend}")
    session = module.session
    collected: list[tuple[str, Any]] = []
    original_end = module.end

    def end_and_keep(*a: Any, **kw: Any) -> None:
        # the running segment lives in the backend, which end() releases: copy it out first
        collected[:] = _collect(session)
        original_end(*a, **kw)

    handler = _report_printer()
    module.end = end_and_keep
    saved_argv = sys.argv
    sys.argv = [args.script, *args.script_args]
    try:
        with pynn_imports(args.backend):
            runpy.run_path(args.script, run_name="__main__")
    finally:
        sys.argv = saved_argv
        module.end = original_end
        logging.getLogger("pynn_hw.board_backend").removeHandler(handler)
    if session.backend is not None:      # the script did not call end()
        collected[:] = _collect(session)
    written = _write_outputs(collected, Path(args.output))
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("nothing was recorded: no files written")
    return 0


def _report_printer() -> logging.Handler:
    """Print the board backends' mapping reports (INFO records) to stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("pynn_hw.board_backend")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


def _collect(session: Any) -> list[tuple[str, Any]]:
    """(label, neo.Block) of every population of ``session`` that records anything."""
    return [(pop.label, pop.get_data()) for pop in session.populations
            if any(mask.any() for mask in pop._recorder.masks.values())]


def _safe_name(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label) or "population"


def _write_outputs(blocks: list[tuple[str, Any]], folder: Path) -> list[Path]:
    """Each block as ``.pkl`` and its spikes as a raster PNG; the paths written."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pynn_hw.recording import write_block

    if not blocks:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for label, block in blocks:
        name = _safe_name(label)
        while name in used:
            name += "_"
        used.add(name)
        data_path = folder / f"{name}.pkl"
        write_block(block, str(data_path))
        written.append(data_path)
        segments = [s for s in block.segments if len(s.spiketrains)]
        if not segments:
            continue
        fig, axes = plt.subplots(len(segments), 1, squeeze=False, sharex=True,
                                 figsize=(8, 1.5 + 2.0 * len(segments)))
        for ax, seg in zip(axes[:, 0], segments):
            for row, train in enumerate(seg.spiketrains):
                ax.plot(train.magnitude, [row] * len(train), "|", color="k", markersize=3)
            ax.set_xlim(float(seg.t_start), float(seg.t_stop))
            ax.set_ylabel("cell")
            ax.set_title(f"{label}: {seg.name}", fontsize=9)
        axes[-1, 0].set_xlabel("time (ms)")
        fig.tight_layout()
        png = folder / f"{name}_raster.png"
        fig.savefig(png, dpi=100)
        plt.close(fig)
        written.append(png)
    return written


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pynn-hw", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run an unmodified PyNN script on a backend")
    run.add_argument("script", help="path of the PyNN script")
    run.add_argument("--backend", default="nest", choices=BACKENDS,
                     help="the backend that `import pyNN.<simulator>` lands on")
    run.add_argument("--output", default=DEFAULT_OUTPUT, metavar="DIR",
                     help=f"folder for the recorded data and raster plots (default: {DEFAULT_OUTPUT})")
    run.set_defaults(handler=_run)
    from pynn_hw.commands import board, calibrate, compare
    compare.register(commands)
    board.register(commands)
    calibrate.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pynn-hw`` command."""
    # options may follow the script; whatever pynn-hw does not know (and all after
    # a '--') goes on to the script
    argv = list(sys.argv[1:] if argv is None else argv)
    passed: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, passed = argv[:cut], argv[cut + 1:]
    args, unknown = build_parser().parse_known_args(argv)
    args.script_args = [*unknown, *passed]
    return args.handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
