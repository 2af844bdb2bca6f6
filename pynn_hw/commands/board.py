"""``pynn-hw board serve``: a virtual board behind a pseudo-terminal.

``pynn-hw board serve --board FILE [--faults SPEC] [--versions LOW-HIGH] [--mismatch]``
starts the emulator as a board that speaks the host-link protocol
(``docs/protocol.md``) on a new pseudo-terminal, prints the device path on
the first line of standard output and serves until stopped (Ctrl-C or
SIGTERM). Open it as ``serial://<path>``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any


def _serve(args: argparse.Namespace) -> int:
    if getattr(args, "script_args", None):
        args.parser.error(f"unrecognized arguments: {' '.join(args.script_args)}")
    from emulator import Board
    from emulator.virtual_board import FaultSpec, PtyBoard
    from emulator.virtual_board.emu_transport import parse_versions
    from firmware_io import BoardSpec, BoardSpecError

    try:
        spec = BoardSpec.load(args.board)
        faults = FaultSpec.parse(args.faults)
        options: dict[str, Any] = {"make_board": lambda s: Board(s, ideal=not args.mismatch)}
        if args.versions:
            options["versions"] = parse_versions(args.versions)
    except (BoardSpecError, ValueError) as err:
        args.parser.error(str(err))
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    board = PtyBoard(spec, faults=faults, **options)
    try:
        device = board.start()
        print(device, flush=True)
        print(f"virtual board {spec.name} ({spec.n_chips} chips) serving on serial://{device}; "
              "stop with Ctrl-C", file=sys.stderr, flush=True)
        while not stop.wait(0.2):
            if board.error is not None or board.faults.disconnected:
                break
    finally:
        board.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if board.error is not None:
        print(f"the virtual board failed: {board.error!r}", file=sys.stderr)
        return 1
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``board`` command (``board serve``) to the ``pynn-hw`` sub-command parsers."""
    parser = subparsers.add_parser("board", help="virtual boards for tests and CI",
                                   description="Virtual boards: the emulator behind the host-link protocol.")
    actions = parser.add_subparsers(dest="board_command", required=True)
    serve = actions.add_parser(
        "serve", help="serve a virtual board on a pseudo-terminal",
        description="Serve the emulator as a board on a new pseudo-terminal; print its device path on the "
                    "first line and serve until stopped (Ctrl-C or SIGTERM).")
    serve.add_argument("--board", required=True, metavar="FILE",
                       help="board description: a file or a shipped board name (e.g. single_chip)")
    serve.add_argument("--faults", default="", metavar="SPEC",
                       help="faults to inject, e.g. 'flip=0.01,drop=0.001,delay=0.05,disconnect_after=100000'")
    serve.add_argument("--versions", default="", metavar="LOW-HIGH",
                       help="protocol versions the board speaks (default: this release's)")
    serve.add_argument("--mismatch", action="store_true", help="emulate the chips' fixed-pattern mismatch")
    serve.set_defaults(handler=_serve, parser=serve)
    return parser
