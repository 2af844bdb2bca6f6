"""Reading a board description file (TOML) into the parts of a BoardSpec.

Every check names the file, the key (as a dotted path), the offending value
and what is valid; unknown keys are refused so that a misspelt optional key
cannot be silently ignored. The format is documented in ``docs/hardware.md``
("Board description file").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, NamedTuple

import networkx as nx

from .constants import SERIAL_MAX, SPEEDUP
from .errors import BoardSpecError

BOARD_FORMAT = 1
#: A board file may describe this many chips (route fields are 16-bit); the
#: configuration image and the event packets carry 6-bit chip ids
#: (``packets.MAX_CHIPS`` = 64), so larger boards can be described and mapped
#: but not loaded.
MAX_BOARD_CHIPS = 1 << 16

TOPOLOGY_KINDS = ("single", "mesh", "torus", "explicit")


@dataclass(frozen=True)
class ChipSpec:
    """One chip of a board.

    Attributes
    ----------
    id : int
        Chip id on the board (0..n-1); the ``chip`` field of events.
    serial : int
        32-bit serial number (seeds the chip's mismatch pattern).
    position : tuple of int
        (row, column) in the chip grid.
    input_events_per_s : float
        Largest rate of host input events the chip accepts, events per second of hardware time.
    input_buffer_events : int
        Host input events the chip buffers in a burst above that rate.
    router_entries : int
        Capacity of the chip's router table (source neurons it forwards or delivers).
    """

    id: int
    serial: int
    position: tuple[int, int]
    input_events_per_s: float
    input_buffer_events: int
    router_entries: int

    @property
    def input_events_per_s_bio(self) -> float:
        """Input bandwidth in events per second of biological time."""
        return self.input_events_per_s / SPEEDUP


@dataclass(frozen=True)
class HostLink:
    """The host connection of the board.

    Attributes
    ----------
    kind : str
        "usb", "serial" or "in-process".
    bytes_per_s : float
        Transfer rate of the link in wall-clock time.
    input_memory_events : int
        Input events the board's playback memory holds for one run.
    output_memory_events : int
        Output events the board's memory holds for one run.
    """

    kind: str
    bytes_per_s: float
    input_memory_events: int
    output_memory_events: int


class BoardParts(NamedTuple):
    """Everything a BoardSpec holds except the file name."""

    name: str
    description: str
    kind: str
    shape: tuple[int, int]
    chips: tuple[ChipSpec, ...]
    topology: nx.DiGraph
    host: HostLink


class _Reader:
    """Typed access to a TOML table with errors naming file, key and value."""

    def __init__(self, source: str, table: dict[str, Any], where: str) -> None:
        self.source, self.table, self.where = source, table, where
        self.used: set[str] = set()

    def error(self, key: str, message: str) -> BoardSpecError:
        return BoardSpecError(f"{self.source}: {self.where}{key}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., check=None, valid: str = "") -> Any:
        self.used.add(key)
        if key not in self.table:
            if default is ...:
                near = difflib.get_close_matches(key, [k for k in self.table if isinstance(k, str)], n=1)
                hint = f" (the table has {near[0]!r}: a misspelling?)" if near else ""
                raise self.error(key, f"missing; expected {valid or _kind_name(kind)}{hint}")
            return default
        value = self.table[key]
        ok = isinstance(value, kind) and not (isinstance(value, bool) and bool not in _as_tuple(kind))
        if not ok or (check is not None and not check(value)):
            raise self.error(key, f"value {value!r} is invalid; valid: {valid or _kind_name(kind)}")
        return value

    def sub(self, key: str, required: bool = True) -> "_Reader":
        table = self.get(key, dict, default=... if required else {}, valid="a table")
        return _Reader(self.source, table, f"{self.where}{key}.")

    def finish(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise self.error(unknown[0], f"unknown key; valid keys here: {', '.join(sorted(self.used))}")


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
        bool: "true/false",
    }
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


_NUMBER = (int, float)


def _positive(x: float) -> bool:
    return x > 0 and x == x and x != float("inf")


def _grid_links(kind: str, shape: tuple[int, int], at: dict[tuple[int, int], int]) -> set[tuple[int, int]]:
    rows, cols = shape
    links = set()
    for (r, c), a in at.items():
        for dr, dc in ((0, 1), (1, 0)):
            rr, cc = r + dr, c + dc
            if kind == "torus":
                rr, cc = rr % rows, cc % cols
            b = at.get((rr, cc))
            if b is not None and b != a:
                links.add((min(a, b), max(a, b)))
    return links


def read_board(data: dict[str, Any], source: str) -> BoardParts:
    """Check the parsed contents of a board description file and build its parts.

    Raises
    ------
    BoardSpecError
        Naming ``source``, the key, the offending value and what is valid.
    """
    top = _Reader(source, data, "")
    top.get("format", int, check=lambda v: v == BOARD_FORMAT, valid=str(BOARD_FORMAT))
    name = top.get("name", str, check=bool, valid="a non-empty string")
    description = top.get("description", str, default="")
    topo = top.sub("topology")
    kind = topo.get("kind", str, check=lambda v: v in TOPOLOGY_KINDS, valid=" | ".join(map(repr, TOPOLOGY_KINDS)))
    shape_list = topo.get(
        "shape",
        list,
        check=lambda v: len(v) == 2 and all(isinstance(x, int) and not isinstance(x, bool) and x >= 1 for x in v),
        valid="[rows, columns], two integers >= 1",
    )
    shape = (int(shape_list[0]), int(shape_list[1]))
    needed = ... if kind != "single" else None  # a single chip has no links
    link_defaults = {
        "events_per_s": topo.get(
            "link_events_per_s",
            _NUMBER,
            default=needed,
            check=_positive,
            valid="a number > 0 (events/s, hardware time)",
        ),
        "delay_cycles": topo.get(
            "link_delay_cycles", int, default=needed, check=lambda v: v >= 0, valid="an integer >= 0"
        ),
        "buffer_events": topo.get(
            "link_buffer_events", int, default=needed, check=lambda v: v >= 1, valid="an integer >= 1"
        ),
    }
    topo.finish()
    chips = _read_chips(top, source, shape)
    at = {c.position: c.id for c in chips}
    graph = nx.DiGraph()
    for c in chips:
        graph.add_node(c.id, chip=c)
    links = _read_links(top, source, kind, shape, at, len(chips), link_defaults)
    for (a, b), attrs in sorted(links.items()):
        graph.add_edge(a, b, **attrs)
        graph.add_edge(b, a, **attrs)
    if kind == "single" and len(chips) != 1:
        raise BoardSpecError(f"{source}: topology.kind: 'single' needs exactly 1 chip; the file lists {len(chips)}")
    host = top.sub("host")
    host_link = HostLink(
        kind=host.get(
            "kind", str, check=lambda v: v in ("usb", "serial", "in-process"), valid="'usb' | 'serial' | 'in-process'"
        ),
        bytes_per_s=float(host.get("bytes_per_s", _NUMBER, check=_positive, valid="a number > 0 (bytes/s)")),
        input_memory_events=host.get("input_memory_events", int, check=lambda v: v >= 1, valid="an integer >= 1"),
        output_memory_events=host.get("output_memory_events", int, check=lambda v: v >= 1, valid="an integer >= 1"),
    )
    host.finish()
    top.finish()
    if not nx.is_strongly_connected(graph):
        parts = sorted(sorted(p) for p in nx.strongly_connected_components(graph))
        raise BoardSpecError(f"{source}: links: the chips are not all connected; connected groups: {parts}")
    return BoardParts(name, description, kind, shape, tuple(chips), graph, host_link)


def _read_chips(top: _Reader, source: str, shape: tuple[int, int]) -> list[ChipSpec]:
    defaults = top.sub("chip_defaults")
    d_rate = defaults.get(
        "input_events_per_s", _NUMBER, check=_positive, valid="a number > 0 (events/s, hardware time)"
    )
    d_buf = defaults.get("input_buffer_events", int, check=lambda v: v >= 1, valid="an integer >= 1")
    d_router = defaults.get("router_entries", int, check=lambda v: v >= 0, valid="an integer >= 0")
    defaults.finish()
    entries = top.get(
        "chips",
        list,
        check=lambda v: 1 <= len(v) <= MAX_BOARD_CHIPS,
        valid=f"an array of 1..{MAX_BOARD_CHIPS} chip tables",
    )
    chips: list[ChipSpec] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise BoardSpecError(f"{source}: chips[{i}]: value {entry!r} is invalid; valid: a table")
        r = _Reader(source, entry, f"chips[{i}].")
        pos = r.get(
            "position",
            list,
            check=lambda v: (
                len(v) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in v)
                and 0 <= v[0] < shape[0]
                and 0 <= v[1] < shape[1]
            ),
            valid=f"[row, column] inside the {shape[0]} x {shape[1]} grid",
        )
        chips.append(
            ChipSpec(
                id=r.get("id", int, check=lambda v, i=i: v == i, valid=f"{i} (chips are listed in id order 0..n-1)"),
                serial=r.get("serial", int, check=lambda v: 0 <= v <= SERIAL_MAX, valid=f"an integer 0..{SERIAL_MAX}"),
                position=(pos[0], pos[1]),
                input_events_per_s=float(
                    r.get("input_events_per_s", _NUMBER, default=d_rate, check=_positive, valid="a number > 0")
                ),
                input_buffer_events=r.get(
                    "input_buffer_events", int, default=d_buf, check=lambda v: v >= 1, valid="an integer >= 1"
                ),
                router_entries=r.get(
                    "router_entries", int, default=d_router, check=lambda v: v >= 0, valid="an integer >= 0"
                ),
            )
        )
        r.finish()
    for field_name in ("serial", "position"):
        seen: dict[Any, int] = {}
        for c in chips:
            value = getattr(c, field_name)
            if value in seen:
                raise BoardSpecError(
                    f"{source}: chips[{c.id}].{field_name}: value {value!r} is already used by chips[{seen[value]}]; "
                    f"every chip needs its own {field_name}"
                )
            seen[value] = c.id
    return chips


def _read_links(
    top: _Reader, source: str, kind: str, shape: tuple[int, int], at: dict, n: int, defaults: dict[str, Any]
) -> dict[tuple[int, int], dict[str, Any]]:
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    if kind in ("mesh", "torus"):
        pairs = {p: dict(defaults) for p in _grid_links(kind, shape, at)}
    entries = top.get("links", list, default=[], valid="an array of link tables")
    if entries and kind != "explicit":
        raise BoardSpecError(f"{source}: links: only topology.kind = 'explicit' lists links; this board is {kind!r}")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise BoardSpecError(f"{source}: links[{i}]: value {entry!r} is invalid; valid: a table")
        r = _Reader(source, entry, f"links[{i}].")
        ends = r.get(
            "chips",
            list,
            check=lambda v: (
                len(v) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x < n for x in v)
                and v[0] != v[1]
            ),
            valid=f"[a, b], two different chip ids 0..{n - 1}",
        )
        key = (min(ends), max(ends))
        if key in pairs:
            raise BoardSpecError(f"{source}: links[{i}].chips: link {list(key)} is listed twice")
        pairs[key] = {
            "events_per_s": float(
                r.get("events_per_s", _NUMBER, default=defaults["events_per_s"], check=_positive, valid="a number > 0")
            ),
            "delay_cycles": r.get(
                "delay_cycles", int, default=defaults["delay_cycles"], check=lambda v: v >= 0, valid="an integer >= 0"
            ),
            "buffer_events": r.get(
                "buffer_events", int, default=defaults["buffer_events"], check=lambda v: v >= 1, valid="an integer >= 1"
            ),
        }
        r.finish()
    return pairs
