"""Turn recorded numpy arrays into a ``neo.Block`` laid out as PyNN does.

Layout (the contract scripts rely on):

- Block: ``name`` = label; annotations from :func:`~pynn_hw.recording.block_metadata`.
- One Segment per recorded segment, named ``segment000``, ``segment001``, ...
- ``segment.spiketrains``: a ``SpikeTrainList`` with one SpikeTrain per included cell
  that records spikes (silent cells give an empty train), in ID order; times in ms,
  sorted, ``t_start``/``t_stop`` = the segment's; annotations ``source_population``,
  ``channel_id`` (local index + channel offset), ``source_index`` (local index) and
  ``source_id`` (global ID).
- ``segment.analogsignals``: one AnalogSignal per variable, columns in ID order;
  annotations ``source_population``, ``source_ids``, ``channel_ids``;
  ``array_annotations['channel_index']`` (local index + channel offset).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import neo
import numpy as np
import quantities as pq
from neo.core.spiketrainlist import SpikeTrainList

from pynn_hw.backend import SignalData
from pynn_hw.recording.records import SegmentRecord


#: Relative tolerance (of t_stop) for spike times just outside the segment.
_TIME_SLACK = 1e-9


def requested_variables(variables: str | Iterable[str]) -> frozenset[str] | None:
    """Normalise a ``variables`` argument: ``None`` for ``'all'``, else a set of names."""
    if isinstance(variables, str):
        return None if variables == "all" else frozenset([variables])
    names = list(variables)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"variables: expected 'all', a name or a list of names, "
                            f"got an element {name!r} of type {type(name).__name__}")
    return frozenset(names)


def as_units(name: str, units: dict[str, str]) -> pq.Quantity:
    """The ``quantities`` unit of variable ``name`` from a name -> unit-string table."""
    try:
        text = units[name]
    except KeyError:
        raise ValueError(f"no units given for recorded variable {name!r}; units are "
                         f"known for: {', '.join(sorted(units)) or '(none)'}") from None
    try:
        return pq.Quantity(1.0, text).units
    except (LookupError, ValueError) as exc:
        raise ValueError(f"variable {name!r}: {text!r} is not a unit known to "
                         f"the quantities package") from exc


class _CellTable:
    """The included cells, sorted by ID, with fast lookups from local index."""

    def __init__(self, cells: np.ndarray, ids: np.ndarray) -> None:
        cells = np.asarray(cells, dtype=np.int64).reshape(-1)
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if cells.shape != ids.shape:
            raise ValueError(f"build_block: cells ({cells.size}) and ids ({ids.size}) "
                             f"must have the same length")
        if cells.size and cells.min() < 0:
            raise ValueError(f"build_block: local cell indices must be >= 0, "
                             f"got {int(cells.min())}")
        order = np.argsort(ids, kind="stable")
        self.cells = cells[order]
        self.ids = ids[order]
        if np.unique(self.cells).size != self.cells.size:
            raise ValueError("build_block: cells contains repeated local indices")
        size = int(self.cells.max()) + 1 if self.cells.size else 0
        #: rank[cell] = position of that cell in ID order, -1 if not included
        self._rank = np.full(size, -1, dtype=np.int64)
        self._rank[self.cells] = np.arange(self.cells.size)

    def rank_of(self, cells: np.ndarray) -> np.ndarray:
        """Position in ID order of each local index in ``cells`` (-1: not included)."""
        cells = np.asarray(cells, dtype=np.int64)
        inside = (cells >= 0) & (cells < self._rank.size)
        ranks = np.full(cells.shape, -1, dtype=np.int64)
        ranks[inside] = self._rank[cells[inside]]
        return ranks


def _spiketrains(record: SegmentRecord, table: _CellTable, population_label: str,
                 channel_offset: int) -> SpikeTrainList:
    recording = np.zeros(table.cells.size, dtype=bool)
    rank = table.rank_of(record.spike_cells)
    recording[rank[rank >= 0]] = True
    train_rank = np.flatnonzero(recording)          # ID-ordered ranks with a train
    slot_of_rank = np.full(table.cells.size, -1, dtype=np.int64)
    slot_of_rank[train_rank] = np.arange(train_rank.size)

    if record.spikes is not None and np.asarray(record.spikes.cells).size:
        spike_cells = np.asarray(record.spikes.cells, dtype=np.int64)
        times = np.asarray(record.spikes.times, dtype=np.float64)
        slots = table.rank_of(spike_cells)
        slots = np.where(slots >= 0, slot_of_rank[np.maximum(slots, 0)], -1)
        keep = slots >= 0
        # float round-off of backend clocks must not cost a spike at either end
        slack = _TIME_SLACK * max(1.0, abs(record.t_stop))
        inside = (times >= record.t_start - slack) & (times <= record.t_stop + slack)
        times = np.clip(times, record.t_start, record.t_stop)
        if np.any(keep & ~inside):
            warnings.warn(f"{population_label}, segment {record.index}: dropped "
                          f"{int(np.sum(keep & ~inside))} spikes outside "
                          f"[{record.t_start}, {record.t_stop}] ms", RuntimeWarning,
                          stacklevel=3)
        keep &= inside
        slots, times = slots[keep], times[keep]
        order = np.lexsort((times, slots))
        times = times[order]
        bounds = np.cumsum(np.bincount(slots, minlength=train_rank.size))[:-1]
        per_train = np.split(times, bounds)
    else:
        per_train = [np.zeros(0)] * train_rank.size

    t_start = record.t_start * pq.ms
    t_stop = record.t_stop * pq.ms
    trains = []
    for slot, rank in enumerate(train_rank):
        cell = int(table.cells[rank])
        trains.append(neo.SpikeTrain(
            per_train[slot], units=pq.ms, t_start=t_start, t_stop=t_stop,
            source_population=population_label, channel_id=cell + int(channel_offset),
            source_index=cell, source_id=int(table.ids[rank])))
    return SpikeTrainList(items=trains)


def _analogsignal(name: str, data: SignalData, table: _CellTable, unit: pq.Quantity,
                  population_label: str, channel_offset: int) -> neo.AnalogSignal | None:
    columns_cells = np.asarray(data.cells, dtype=np.int64).reshape(-1)
    values = np.asarray(data.values)
    if values.ndim != 2 or values.shape[1] != columns_cells.size:
        raise ValueError(f"{population_label}: signal {name!r} has values of shape "
                         f"{values.shape}, expected (n_samples, {columns_cells.size})")
    rank = table.rank_of(columns_cells)
    columns = np.flatnonzero(rank >= 0)
    if columns.size == 0:
        return None       # none of the included cells records this variable
    columns = columns[np.argsort(rank[columns], kind="stable")]
    cells = table.cells[rank[columns]]
    channels = cells + channel_offset
    return neo.AnalogSignal(
        values[:, columns], units=unit, t_start=data.t_start * pq.ms,
        sampling_period=data.sampling_interval * pq.ms, name=name,
        source_population=population_label, source_ids=table.ids[rank[columns]],
        channel_ids=channels, array_annotations={"channel_index": channels})


def build_block(*, label: str, segments: list[SegmentRecord],
                variables: str | Iterable[str], cells: np.ndarray, ids: np.ndarray,
                units: dict[str, str], population_label: str,
                block_annotations: dict[str, Any], channel_offset: int = 0,
                description: str | None = None) -> neo.Block:
    """Build the Neo Block of one population (or view) from its segment records.

    Parameters
    ----------
    label
        The Block's name (the population's or view's label).
    segments
        The recorded segments, in order.
    variables
        ``'all'``, one variable name or a list of names. As in PyNN, requested
        variables that were not recorded are left out without error (the front-end
        checks ``can_record`` when recording is requested).
    cells
        Local indices (into the population) of the cells to include; a view passes
        its subset.
    ids
        Global IDs of ``cells``, same length. Output is ordered by ID.
    units
        Variable name -> unit string understood by ``quantities`` (``'mV'``,
        ``'uS'``, ``'nA'``, ``'mV/ms'``, ``'dimensionless'``, ...).
    population_label
        Label of the population that recorded, for the ``source_population``
        annotations.
    block_annotations
        Block annotations, normally made by :func:`block_metadata`.
    channel_offset
        Added to local indices to give channel numbers (an Assembly offsets each
        population by the sizes of the populations before it).
    description
        Optional text for ``Block.description`` and ``Segment.description``.

    Returns
    -------
    neo.Block
    """
    wanted = requested_variables(variables)
    table = _CellTable(cells, ids)
    now = datetime.now()
    block = neo.Block(name=label, description=description, rec_datetime=now,
                      **block_annotations)
    for record in segments:
        segment = neo.Segment(name=f"segment{record.index:03d}", index=record.index,
                              description=description, rec_datetime=now,
                              **record.annotations)
        if wanted is None or "spikes" in wanted:
            trains = _spiketrains(record, table, population_label, channel_offset)
            segment.spiketrains = trains
            for train in trains:
                train.segment = segment
        for name, data in record.signals.items():
            if wanted is not None and name not in wanted:
                continue
            signal = _analogsignal(name, data, table, as_units(name, units),
                                   population_label, channel_offset)
            if signal is not None:
                segment.analogsignals.append(signal)
        block.segments.append(segment)
    return block
