"""Large boards for planning: torus grids built in memory (``BoardSpec.from_dict``).

The shipped boards have 1 and 16 chips; dense networks need hundreds or
thousands of chips on this hardware family (every distinct source of a block
needs its own row), so mapping studies and benchmarks use generated tori with
the shipped board's link, input and host figures.
"""

from __future__ import annotations

from firmware_io import BoardSpec


def torus_board(rows: int, cols: int, *, router_entries: int = 1024, name: str | None = None,
                link_events_per_s: float = 2.0e8, input_events_per_s: float = 3.0e8) -> BoardSpec:
    """A ``rows x cols`` torus of chips (board_4x4's figures unless overridden).

    Serials are ``0x51D00000 + id``; chip ``id = r * cols + c`` sits at ``(r, c)``.
    """
    chips = [{"id": r * cols + c, "serial": 0x51D00000 + r * cols + c, "position": [r, c]}
             for r in range(rows) for c in range(cols)]
    data = {
        "format": 1,
        "name": name or f"torus_{rows}x{cols}",
        "description": f"generated {rows} x {cols} torus",
        "topology": {"kind": "torus", "shape": [rows, cols], "link_events_per_s": link_events_per_s,
                     "link_delay_cycles": 2, "link_buffer_events": 256},
        "chip_defaults": {"input_events_per_s": input_events_per_s, "input_buffer_events": 256,
                          "router_entries": router_entries},
        "host": {"kind": "usb", "bytes_per_s": 4.0e7, "input_memory_events": 200_000_000,
                 "output_memory_events": 100_000_000},
        "chips": chips,
    }
    return BoardSpec.from_dict(data, source=f"<torus_board({rows}, {cols})>")
