"""Routes, and what they cost: link loads, chip input loads, router entries.

A route ``(src_chip, src_neuron) -> (dst_chip, dst_row)`` exists for every
EXTERNAL row fed by a hardware neuron (also on the neuron's own chip, e.g. the
second row of a weight split over two rows). Each route's events travel the
board's fixed path (``BoardGeometry.walk``) and pass the destination chip's
input port, like host input (docs/hardware.md, section 3.2). Loads are expected
events per second of biological time from the sources' expected rates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_io import ROUTE_DTYPE
from firmware_io.constants import NEURONS_PER_CHIP, SPEEDUP

from .board_geometry import BoardGeometry

#: Size of the (source neuron, chip) bitmap held at once by the router-entry count.
_CHUNK_VISITS = 32_000_000


@dataclass(frozen=True, eq=False)
class Loads:
    """Expected traffic of a mapping (events/s, biological time)."""

    link_load: np.ndarray  # per directed link (BoardSpec.links order)
    link_capacity: np.ndarray
    input_load: np.ndarray  # per chip input port (host input + routed events)
    input_capacity: np.ndarray
    router_entries: np.ndarray  # per chip
    router_capacity: np.ndarray


def make_routes(src_chip: np.ndarray, src_neuron: np.ndarray, dst_chip: np.ndarray, dst_row: np.ndarray) -> np.ndarray:
    """Sorted, duplicate-free ROUTE_DTYPE array."""
    r = np.zeros(src_chip.size, dtype=ROUTE_DTYPE)
    r["src_chip"], r["src_neuron"], r["dst_chip"], r["dst_row"] = src_chip, src_neuron, dst_chip, dst_row
    order = np.lexsort((dst_row, dst_chip, src_neuron, src_chip))
    r = r[order]
    if r.size:
        keep = np.r_[True, r[1:] != r[:-1]]
        r = r[keep]
    return r


def compute_loads(geo: BoardGeometry, routes: np.ndarray, route_rate: np.ndarray,
                  host_chip: np.ndarray, host_rate: np.ndarray) -> Loads:
    """Link, input-port and router-table use of a set of routes and host inputs."""
    n = geo.n
    board = geo.board
    src = routes["src_chip"].astype(np.int64)
    dst = routes["dst_chip"].astype(np.int64)
    neuron = src * NEURONS_PER_CHIP + routes["src_neuron"].astype(np.int64)
    input_load = np.bincount(dst, weights=route_rate, minlength=n) + np.bincount(host_chip, weights=host_rate,
                                                                                  minlength=n)
    # link loads: aggregate rates per (src chip, dst chip), walk each pair once
    link_load = np.zeros(geo.ends.shape[0])
    if src.size:
        pair, pinv = np.unique(src * n + dst, return_inverse=True)
        prate = np.bincount(pinv.ravel(), weights=route_rate, minlength=pair.size)
        for idx, link in geo.walk(pair // n, pair % n):
            link_load += np.bincount(link, weights=prate[idx], minlength=link_load.size)
    # router entries: distinct source neurons visiting each chip (a bitmap per chunk of neurons)
    entries = np.zeros(n, dtype=np.int64)
    if src.size:
        nd = np.unique(neuron * n + dst)
        nd_neuron, nd_dst = nd // n, nd % n
        first = np.r_[True, nd_neuron[1:] != nd_neuron[:-1]]
        local = np.cumsum(first) - 1  # dense index of the source neuron
        per_chunk = max(1, int(_CHUNK_VISITS // n))
        ends1 = geo.ends[:, 1] if geo.ends.size else np.zeros(0, np.int64)
        bounds = np.searchsorted(local, np.arange(0, int(local[-1]) + 1 + per_chunk, per_chunk))
        for b, e in zip(bounds[:-1], bounds[1:]):
            if b == e:
                continue
            ll = local[b:e] - local[b]
            seen = np.zeros((int(ll[-1]) + 1, n), dtype=bool)
            nn, dd = nd_neuron[b:e], nd_dst[b:e]
            seen[ll, nn // NEURONS_PER_CHIP] = True
            seen[ll, dd] = True
            for idx, link in geo.walk(nn // NEURONS_PER_CHIP, dd):
                seen[ll[idx], ends1[link]] = True
            entries += seen.sum(axis=0)
    ends, rate, _, _ = board.links()
    return Loads(
        link_load=link_load,
        link_capacity=rate / SPEEDUP,
        input_load=input_load,
        input_capacity=np.array([c.input_events_per_s for c in board.chips], dtype=np.float64) / SPEEDUP,
        router_entries=entries,
        router_capacity=np.array([c.router_entries for c in board.chips], dtype=np.int64),
    )
