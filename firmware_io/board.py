"""Board description: chips, inter-chip event network and host link.

A board is described by a TOML file (format in ``docs/hardware.md``, "Board
description file"); :meth:`BoardSpec.load` reads a shipped board by name
(``"single_chip"``, ``"board_4x4"``) or any file by path. The topology is a
``networkx.DiGraph``: one node per chip, two directed edges per full-duplex
link. All bandwidths are events per second of *hardware* time; divide by
``SPEEDUP`` for biological time.
"""

from __future__ import annotations

import heapq
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from .board_file import BOARD_FORMAT, TOPOLOGY_KINDS, ChipSpec, HostLink, read_board
from .chip_config import ChipConfig
from .constants import CYCLE_BIO_MS, SPEEDUP, TICKS_PER_CYCLE
from .errors import BoardSpecError

__all__ = ["BOARD_FORMAT", "TOPOLOGY_KINDS", "BoardSpec", "ChipSpec", "HostLink"]


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
        """Build a board from the parsed contents of a description file.

        Raises
        ------
        BoardSpecError
            As :meth:`load`.
        """
        return cls(**read_board(data, source)._asdict(), source=source)

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
                bad = int(arr[(arr < 0) | (arr >= c)][0])
                raise BoardSpecError(f"{self.name}: routes.{name} {bad} does not exist; valid: 0..{c - 1}")
        key = src * (1 << 16) + np.asarray(routes["src_neuron"], dtype=np.int64)
        order = np.argsort(key, kind="stable")
        visits = on_path[src[order], dst[order]]
        starts = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1]])
        return np.logical_or.reduceat(visits, starts, axis=0).sum(axis=0).astype(np.int64)

    def check_configs(self, configs: Sequence[ChipConfig]) -> None:
        """Check that chip configurations belong to this board, chip by chip.

        Codes are calibrated for one chip, so configuration ``i`` must carry
        the serial of chip ``i``; a board refuses an image otherwise.

        Raises
        ------
        BoardSpecError
            If the number of configurations differs from the number of chips,
            or a configuration's serial differs from its chip's.
        """
        if len(configs) != self.n_chips:
            raise BoardSpecError(f"{self.name}: {len(configs)} chip configurations for {self.n_chips} chips")
        for chip, config in zip(self.chips, configs, strict=True):
            if config.serial != chip.serial:
                raise BoardSpecError(
                    f"{self.name}: configuration {chip.id} has serial 0x{config.serial:08X}; "
                    f"chip {chip.id} of the board has serial 0x{chip.serial:08X}"
                )

    def describe(self) -> str:
        """A one-paragraph human-readable summary (units stated)."""
        ends, rate, delay, _ = self.links()
        n_links = len(ends) // 2
        link = (
            f"{n_links} full-duplex links of {rate.min():.3g} events/s ({rate.min() / SPEEDUP:.3g} bio), "
            f"{delay.min() // TICKS_PER_CYCLE * CYCLE_BIO_MS:g} ms bio delay"
            if n_links
            else "no links"
        )
        return f"{self.name}: {self.n_chips} chip(s), {self.kind} {self.shape[0]}x{self.shape[1]}, {link}"
