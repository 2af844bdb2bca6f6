"""The ``pynn-hw`` command."""

from __future__ import annotations

import argparse
import runpy
import sys
from collections.abc import Sequence

#: Backends that ``pynn-hw run`` can use, by their module name under pynn_hw.
BACKENDS = ("nest",)


def _run(args: argparse.Namespace) -> int:
    from pynn_hw.script_imports import pynn_imports
    saved_argv = sys.argv
    sys.argv = [args.script, *args.script_args]
    try:
        with pynn_imports(args.backend):
            runpy.run_path(args.script, run_name="__main__")
    finally:
        sys.argv = saved_argv
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pynn-hw", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run an unmodified PyNN script on a backend")
    run.add_argument("script", help="path of the PyNN script")
    run.add_argument("--backend", default="nest", choices=BACKENDS,
                     help="the backend that `import pyNN.<simulator>` lands on")
    run.add_argument("script_args", nargs=argparse.REMAINDER,
                     help="arguments passed on to the script")
    run.set_defaults(handler=_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pynn-hw`` command."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
