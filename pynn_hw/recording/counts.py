"""Spike counts straight from the segment records (no Neo objects needed)."""

from __future__ import annotations

import numpy as np

from pynn_hw.recording.records import SegmentRecord


def spike_counts(segments: list[SegmentRecord], cells: np.ndarray,
                 ids: np.ndarray) -> dict[int, int]:
    """Number of spikes of each cell that records spikes, over ``segments``.

    Parameters
    ----------
    segments
        The segments to count (the caller picks them, e.g. only the running one).
    cells
        Local indices of the cells to consider (a view passes its subset).
    ids
        Global IDs of ``cells``, same length; the keys of the result.

    Returns
    -------
    dict
        ID -> count, in ID order, for every cell of ``cells`` that recorded spikes in
        at least one of ``segments`` (silent cells count 0; cells that never
        recorded spikes are absent, as in PyNN).
    """
    cells = np.asarray(cells, dtype=np.int64).reshape(-1)
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    if cells.shape != ids.shape:
        raise ValueError(f"spike_counts: cells ({cells.size}) and ids ({ids.size}) "
                         f"must have the same length")
    if cells.size == 0:
        return {}
    size = int(max([cells.max()] + [int(s.spike_cells.max()) for s in segments
                                    if s.spike_cells.size])) + 1
    recording = np.zeros(size, dtype=bool)
    counts = np.zeros(size, dtype=np.int64)
    for segment in segments:
        recording[segment.spike_cells] = True
        if segment.spikes is None:
            continue
        spiking = np.asarray(segment.spikes.cells, dtype=np.int64)
        spiking = spiking[(spiking >= 0) & (spiking < size)]
        spiking = spiking[np.isin(spiking, segment.spike_cells)]
        counts += np.bincount(spiking, minlength=size)
    order = np.argsort(ids, kind="stable")
    cells, ids = cells[order], ids[order]
    keep = recording[cells]
    return dict(zip(ids[keep].tolist(), counts[cells[keep]].tolist()))


def mean_spike_count(segments: list[SegmentRecord], cells: np.ndarray,
                     ids: np.ndarray) -> float:
    """Mean of :func:`spike_counts` over the cells that record spikes.

    Raises
    ------
    ValueError
        If none of ``cells`` records spikes (the mean would be 0/0).
    """
    counts = spike_counts(segments, cells, ids)
    if not counts:
        raise ValueError("mean_spike_count: none of the cells records spikes; call "
                         "record('spikes') on them before running")
    return float(sum(counts.values())) / len(counts)
