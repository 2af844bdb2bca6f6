"""Board description: chips, inter-chip event network and host link.

A board is described by a TOML file (format in ``docs/hardware.md``, "Board
description file"); :meth:`BoardSpec.load` reads a shipped board by name
(``"single_chip"``, ``"board_4x4"``) or any file by path. The topology is a
``networkx.DiGraph``: one node per chip, two directed edges per full-duplex
link. All bandwidths are events per second of *hardware* time; divide by
``SPEEDUP`` for biological time.
"""

from __future__ import annotations

import difflib
import heapq
import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from .constants import CYCLE_BIO_MS, SERIAL_MAX, SPEEDUP, TICKS_PER_CYCLE
from .errors import BoardSpecError
from .packets import MAX_CHIPS

BOARD_FORMAT = 1
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
        Largest rate of external input events the chip accepts, hardware time.
    input_buffer_events : int
        Input events the chip buffers in a burst above that rate.
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
    names = {int: "an integer", float: "a number", str: "a string", list: "an array", dict: "a table", bool: "true/false"}
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


@dataclass(frozen=True, eq=False)
class BoardSpec:
    """A board: its chips, their event network and the host link.

    Attributes
    ----------
    name : str
    description : str
    kind : str
        "single", "mesh", "torus" or "explicit".
    shape : tuple of int
        (rows, columns) of the chip grid.
    chips : tuple of ChipSpec
        Indexed by chip id.
    topology : networkx.DiGraph
        Nodes: chip ids (attribute ``chip``: the ChipSpec). Edges: directed
        links with ``events_per_s`` (hardware time), ``delay_cycles`` and
        ``buffer_events``; every physical link appears in both directions.
    host : HostLink
    source : str
        File the board was read from.
    """

    name: str
    description: str
    kind: str
    shape: tuple[int, int]
    chips: tuple[ChipSpec, ...]
    topology: nx.DiGraph
    host: HostLink
    source: str

    @property
    def n_chips(self) -> int:
        """Number of chips."""
        return len(self.chips)

    @property
    def serials(self) -> np.ndarray:
        """Serial numbers by chip id (uint32)."""
        return np.array([c.serial for c in self.chips], dtype=np.uint32)

    def links(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Directed links in a fixed order (sorted by (from, to)).

        Returns
        -------
        ends : ndarray (L, 2) of int64
            (from_chip, to_chip).
        events_per_s : ndarray (L,) of float64
            Bandwidth in events per second, hardware time.
        delay_ticks : ndarray (L,) of int64
            Delay in time-stamp ticks (``delay_cycles * 32``).
        buffer_events : ndarray (L,) of int64
        """
        edges = sorted(self.topology.edges(data=True), key=lambda e: (e[0], e[1]))
        ends = np.array([(a, b) for a, b, _ in edges], dtype=np.int64).reshape(-1, 2)
        rate = np.array([d["events_per_s"] for _, _, d in edges], dtype=np.float64)
        delay = np.array([d["delay_cycles"] * TICKS_PER_CYCLE for _, _, d in edges], dtype=np.int64)
        depth = np.array([d["buffer_events"] for _, _, d in edges], dtype=np.int64)
        return ends, rate, delay, depth

    @staticmethod
    def shipped() -> list[str]:
        """Names of the boards shipped with the package."""
        folder = resources.files(__package__) / "boards"
        return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))

    @classmethod
    def load(cls, name_or_path: str | Path) -> "BoardSpec":
        """Load a shipped board by name or a board description file by path.

        Raises
        ------
        BoardSpecError
            If the name is neither a shipped board nor an existing file, or
            the file is not valid TOML or not a valid board description (the
            message names the file, the key, the value and what is valid).
        """
        text = str(name_or_path)
        if isinstance(name_or_path, str) and name_or_path in cls.shipped():
            path = resources.files(__package__) / "boards" / f"{name_or_path}.toml"
            source = f"{name_or_path}.toml (shipped)"
        else:
            path = Path(name_or_path)
            source = str(path)
            if not path.is_file():
                raise BoardSpecError(
                    f"board {text!r} is neither a shipped board ({', '.join(cls.shipped())}) nor an existing file"
                )
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise BoardSpecError(f"{source}: not valid TOML: {err}") from err
        except UnicodeDecodeError as err:
            raise BoardSpecError(f"{source}: not a UTF-8 text file: {err}") from err
        return cls.from_dict(data, source)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<dict>") -> "BoardSpec":
        """Build a board from the parsed contents of a description file."""
        top = _Reader(source, data, "")
        fmt = top.get("format", int, check=lambda v: v == BOARD_FORMAT, valid=str(BOARD_FORMAT))
        del fmt
        name = top.get("name", str, check=bool, valid="a non-empty string")
        description = top.get("description", str, default="")
        topo = top.sub("topology")
        kind = topo.get("kind", str, check=lambda v: v in TOPOLOGY_KINDS, valid=" | ".join(map(repr, TOPOLOGY_KINDS)))
        shape_list = topo.get(
            "shape", list, check=lambda v: len(v) == 2 and all(isinstance(x, int) and not isinstance(x, bool) and x >= 1 for x in v),
            valid="[rows, columns], two integers >= 1",
        )
        shape = (int(shape_list[0]), int(shape_list[1]))
        needed = ... if kind != "single" else None  # a single chip has no links
        link_defaults = {
            "events_per_s": topo.get("link_events_per_s", _NUMBER, default=needed, check=_positive,
                                     valid="a number > 0 (events/s, hardware time)"),
            "delay_cycles": topo.get("link_delay_cycles", int, default=needed, check=lambda v: v >= 0,
                                     valid="an integer >= 0"),
            "buffer_events": topo.get("link_buffer_events", int, default=needed, check=lambda v: v >= 1,
                                      valid="an integer >= 1"),
        }
        topo.finish()
        chips = cls._read_chips(top, source, shape)
        at = {c.position: c.id for c in chips}
        graph = nx.DiGraph()
        for c in chips:
            graph.add_node(c.id, chip=c)
        links = cls._read_links(top, source, kind, shape, at, len(chips), link_defaults)
        for (a, b), attrs in sorted(links.items()):
            graph.add_edge(a, b, **attrs)
            graph.add_edge(b, a, **attrs)
        if kind == "single" and len(chips) != 1:
            raise BoardSpecError(f"{source}: topology.kind: 'single' needs exactly 1 chip; the file lists {len(chips)}")
        host = top.sub("host")
        host_link = HostLink(
            kind=host.get("kind", str, check=lambda v: v in ("usb", "serial", "in-process"), valid="'usb' | 'serial' | 'in-process'"),
            bytes_per_s=float(host.get("bytes_per_s", _NUMBER, check=_positive, valid="a number > 0 (bytes/s)")),
            input_memory_events=host.get("input_memory_events", int, check=lambda v: v >= 1, valid="an integer >= 1"),
            output_memory_events=host.get("output_memory_events", int, check=lambda v: v >= 1, valid="an integer >= 1"),
        )
        host.finish()
        top.finish()
        if not nx.is_strongly_connected(graph):
            parts = sorted(sorted(p) for p in nx.strongly_connected_components(graph))
            raise BoardSpecError(f"{source}: links: the chips are not all connected; connected groups: {parts}")
        return cls(name, description, kind, shape, tuple(chips), graph, host_link, source)

    @staticmethod
    def _read_chips(top: _Reader, source: str, shape: tuple[int, int]) -> list[ChipSpec]:
        defaults = top.sub("chip_defaults")
        d_rate = defaults.get("input_events_per_s", _NUMBER, check=_positive, valid="a number > 0 (events/s, hardware time)")
        d_buf = defaults.get("input_buffer_events", int, check=lambda v: v >= 1, valid="an integer >= 1")
        d_router = defaults.get("router_entries", int, check=lambda v: v >= 0, valid="an integer >= 0")
        defaults.finish()
        entries = top.get("chips", list, check=lambda v: 1 <= len(v) <= MAX_CHIPS, valid=f"an array of 1..{MAX_CHIPS} chip tables")
        chips: list[ChipSpec] = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise BoardSpecError(f"{source}: chips[{i}]: value {entry!r} is invalid; valid: a table")
            r = _Reader(source, entry, f"chips[{i}].")
            pos = r.get(
                "position", list,
                check=lambda v: len(v) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in v)
                and 0 <= v[0] < shape[0] and 0 <= v[1] < shape[1],
                valid=f"[row, column] inside the {shape[0]} x {shape[1]} grid",
            )
            chips.append(ChipSpec(
                id=r.get("id", int, check=lambda v: v == i, valid=f"{i} (chips are listed in id order 0..n-1)"),
                serial=r.get("serial", int, check=lambda v: 0 <= v <= SERIAL_MAX, valid=f"an integer 0..{SERIAL_MAX}"),
                position=(pos[0], pos[1]),
                input_events_per_s=float(r.get("input_events_per_s", _NUMBER, default=d_rate, check=_positive, valid="a number > 0")),
                input_buffer_events=r.get("input_buffer_events", int, default=d_buf, check=lambda v: v >= 1, valid="an integer >= 1"),
                router_entries=r.get("router_entries", int, default=d_router, check=lambda v: v >= 0, valid="an integer >= 0"),
            ))
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

    @staticmethod
    def _read_links(top: _Reader, source: str, kind: str, shape: tuple[int, int], at: dict, n: int,
                    defaults: dict[str, Any]) -> dict[tuple[int, int], dict[str, Any]]:
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
                "chips", list,
                check=lambda v: len(v) == 2 and all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x < n for x in v) and v[0] != v[1],
                valid=f"[a, b], two different chip ids 0..{n - 1}",
            )
            key = (min(ends), max(ends))
            if key in pairs:
                raise BoardSpecError(f"{source}: links[{i}].chips: link {list(key)} is listed twice")
            pairs[key] = {
                "events_per_s": float(r.get("events_per_s", _NUMBER, default=defaults["events_per_s"], check=_positive, valid="a number > 0")),
                "delay_cycles": r.get("delay_cycles", int, default=defaults["delay_cycles"], check=lambda v: v >= 0, valid="an integer >= 0"),
                "buffer_events": r.get("buffer_events", int, default=defaults["buffer_events"], check=lambda v: v >= 1, valid="an integer >= 1"),
            }
            r.finish()
        return pairs

    @cached_property
    def _paths(self) -> dict[tuple[int, int], tuple[int, ...]]:
        ends, _, delay, _ = self.links()
        out_links: list[list[int]] = [[] for _ in range(self.n_chips)]
        for lid, (a, _b) in enumerate(ends.tolist()):
            out_links[a].append(lid)
        paths = {}
        for src in range(self.n_chips):
            # Dijkstra on (total delay, hops, link ids): a total order, so the result is unique
            best: dict[int, tuple[int, int, tuple[int, ...]]] = {src: (0, 0, ())}
            heap = [(0, 0, (), src)]
            while heap:
                d, h, path, node = heapq.heappop(heap)
                if best[node] != (d, h, path):
                    continue
                for lid in out_links[node]:
                    nxt = int(ends[lid, 1])
                    key = (d + int(delay[lid]), h + 1, path + (lid,))
                    if nxt not in best or key < best[nxt]:
                        best[nxt] = key
                        heapq.heappush(heap, (*key, nxt))
            for dst, (_, _, path) in best.items():
                paths[(src, dst)] = path
        return paths

    def path(self, src: int, dst: int) -> tuple[int, ...]:
        """Link ids (``links()`` order) an event takes from chip ``src`` to chip ``dst``.

        The path with the least total delay; among those the fewest hops;
        among those the lexicographically smallest sequence of link ids.
        Empty for ``src == dst``.
        """
        for name, chip in (("src", src), ("dst", dst)):
            if not 0 <= chip < self.n_chips:
                raise BoardSpecError(f"{self.name}: {name} chip {chip} does not exist; valid: 0..{self.n_chips - 1}")
        return self._paths[(src, dst)]

    def router_entries_used(self, routes: np.ndarray) -> np.ndarray:
        """Router table entries per chip that a set of routes needs.

        A source neuron takes one entry in every chip whose router forwards
        or delivers its events: the source chip, every chip along each of its
        paths and the destination chips.

        Parameters
        ----------
        routes : ndarray with fields src_chip, src_neuron, dst_chip
            For example a ``firmware_io.ROUTE_DTYPE`` array.

        Returns
        -------
        ndarray (n_chips,) of int64
        """
        ends = self.links()[0]
        c = self.n_chips
        on_path = np.zeros((c, c, c), dtype=bool)  # on_path[src, dst, chip]
        for (a, b), path in self._paths.items():
            on_path[a, b, a] = on_path[a, b, b] = True
            on_path[a, b, ends[list(path), 1]] = True
        src = np.asarray(routes["src_chip"], dtype=np.int64)
        if src.size == 0:
            return np.zeros(c, dtype=np.int64)
        dst = np.asarray(routes["dst_chip"], dtype=np.int64)
        for name, arr in (("src_chip", src), ("dst_chip", dst)):
            if arr.min() < 0 or arr.max() >= c:
                raise BoardSpecError(f"{self.name}: routes.{name} {int(arr[(arr < 0) | (arr >= c)][0])} does not exist; valid: 0..{c - 1}")
        key = src * (1 << 16) + np.asarray(routes["src_neuron"], dtype=np.int64)
        order = np.argsort(key, kind="stable")
        visits = on_path[src[order], dst[order]]
        starts = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1]])
        return np.logical_or.reduceat(visits, starts, axis=0).sum(axis=0).astype(np.int64)

    def describe(self) -> str:
        """A one-paragraph human-readable summary (units stated)."""
        ends, rate, delay, _ = self.links()
        n_links = len(ends) // 2
        link = (
            f"{n_links} full-duplex links of {rate.min():.3g} events/s ({rate.min() / SPEEDUP:.3g} bio), "
            f"{delay.min() // TICKS_PER_CYCLE * CYCLE_BIO_MS:g} ms bio delay"
            if n_links else "no links"
        )
        return f"{self.name}: {self.n_chips} chip(s), {self.kind} {self.shape[0]}x{self.shape[1]}, {link}"
