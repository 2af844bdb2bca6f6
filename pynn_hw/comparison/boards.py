"""The emulator's board for a comparison: a shipped board, a board file, or a generated torus.

Networks like the 4000-neuron Vogels-Abbott benchmark need far more chips than the
shipped boards have (see ``docs/mapping.md``); ``torus:RxC[:LINK[:ROUTER[:DELAY[:BUFFER]]]]``
writes a board file of an R x C torus with the shipped board's figures, except LINK
(events/s of hardware time per link, default 2e8), ROUTER (router entries per chip,
default 1024), DELAY (link delay in clock cycles, default 2) and BUFFER (link buffer
in events, default 256) -- the same specification as ``benchmarks/va_emulator.py``.
The emulator worker receives the board as ``PYNN_HW_BOARD``.
"""

from __future__ import annotations

from pathlib import Path

#: Prefix of a generated torus in ``--board``.
TORUS_PREFIX = "torus:"


def torus_board_file(spec: str, folder: Path) -> Path:
    """Write the board file of ``torus:RxC[:LINK[:ROUTER[:DELAY[:BUFFER]]]]`` into ``folder``.

    Returns
    -------
    Path
        The board file.

    Raises
    ------
    ValueError
        If the specification is malformed or a figure is out of range.
    """
    form = "torus:RxC[:LINK[:ROUTER[:DELAY[:BUFFER]]]], e.g. torus:37x37:1e11:8192:0:4096"
    parts = spec[len(TORUS_PREFIX):].split(":")
    fields = parts + [""] * (5 - len(parts))
    try:
        rows, cols = (int(x) for x in fields[0].lower().split("x"))
        link = float(fields[1] or 2.0e8)
        router = int(fields[2] or 1024)
        delay = int(fields[3] or 2)
        buffer = int(fields[4] or 256)
    except ValueError:
        raise ValueError(f"board {spec!r}: expected {form}") from None
    if len(parts) > 5 or min(rows, cols, link, router, buffer) <= 0 or delay < 0:
        raise ValueError(f"board {spec!r}: expected {form}, with positive figures (DELAY >= 0)")
    name = f"torus_{rows}x{cols}"
    lines = ["format = 1", f'name = "{name}"',
             f'description = "generated {rows} x {cols} torus for a backend comparison"', "",
             "[topology]", 'kind = "torus"', f"shape = [{rows}, {cols}]", f"link_events_per_s = {link:e}",
             f"link_delay_cycles = {delay}", f"link_buffer_events = {buffer}", "",
             "[chip_defaults]", "input_events_per_s = 3.0e8", "input_buffer_events = 256",
             f"router_entries = {router}", "",
             "[host]", 'kind = "usb"', "bytes_per_s = 4.0e7", "input_memory_events = 200000000",
             "output_memory_events = 100000000"]
    for index in range(rows * cols):
        lines += ["", "[[chips]]", f"id = {index}", f"serial = {0x51D00000 + index}",
                  f"position = [{index // cols}, {index % cols}]"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def resolve_board(board: str | None, folder: Path) -> str | None:
    """What to pass as ``PYNN_HW_BOARD``: ``board`` itself, or the path of a generated torus."""
    if board is None or not board.startswith(TORUS_PREFIX):
        return board
    return str(torus_board_file(board, folder).resolve())
