"""Merge the Blocks of several populations into the Block of an Assembly."""

from __future__ import annotations

from typing import Any

import neo
import numpy as np
from neo.core.spiketrainlist import SpikeTrainList

#: Block annotations whose values are combined instead of compared.
_SUMMED = ("size", "last_index")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def merge_annotations(dicts: list[dict[str, Any]]) -> dict[str, Any]:
    """Combine annotation dicts.

    A key with the same value in every dict keeps that value. Otherwise the key maps
    to the list of its values, in input order, over the dicts that have it. (A list
    of plain values is what every Neo IO can store: NeoMatlabIO refuses ``None``
    and NixIO keeps only the keys of a dict.)
    """
    merged: dict[str, Any] = {}
    keys: list[str] = []
    for d in dicts:
        keys.extend(k for k in d if k not in keys)
    for key in keys:
        present = [d[key] for d in dicts if key in d]
        if len(present) == len(dicts) and all(_same(present[0], v) for v in present[1:]):
            merged[key] = present[0]
        else:
            merged[key] = present
    return merged


def _block_annotations(blocks: list[neo.Block], label: str) -> dict[str, Any]:
    annotations = merge_annotations([b.annotations for b in blocks])
    for key in _SUMMED:
        if all(key in b.annotations for b in blocks):
            annotations[key] = int(sum(b.annotations[key] for b in blocks))
    if all("first_id" in b.annotations for b in blocks):
        annotations["first_id"] = min(int(b.annotations["first_id"]) for b in blocks)
    if all("last_id" in b.annotations for b in blocks):
        annotations["last_id"] = max(int(b.annotations["last_id"]) for b in blocks)
    if "first_index" in annotations:
        annotations["first_index"] = 0
    annotations["label"] = label
    return annotations


def _can_join(a: neo.AnalogSignal, b: neo.AnalogSignal) -> bool:
    return (a.shape[0] == b.shape[0]
            and a.units.dimensionality.simplified == b.units.dimensionality.simplified
            and abs(float((a.sampling_period - b.sampling_period).rescale("ms"))) < 1e-12
            and abs(float((a.t_start - b.t_start).rescale("ms"))) < 1e-12)


def _join(signals: list[neo.AnalogSignal]) -> neo.AnalogSignal:
    first = signals[0]
    if len(signals) == 1:
        return first
    values = np.hstack([s.rescale(first.units).magnitude for s in signals])
    labels = [s.annotations.get("source_population") for s in signals]
    distinct = list(dict.fromkeys(labels))
    annotations: dict[str, Any] = {
        "source_population": distinct[0] if len(distinct) == 1 else distinct,
    }
    for key in ("source_ids", "channel_ids"):
        if all(key in s.annotations for s in signals):
            annotations[key] = np.concatenate([np.asarray(s.annotations[key])
                                               for s in signals])
    array_annotations = {
        key: np.concatenate([s.array_annotations[key] for s in signals])
        for key in first.array_annotations
        if all(key in s.array_annotations for s in signals)
    }
    return neo.AnalogSignal(values, units=first.units, t_start=first.t_start,
                            sampling_period=first.sampling_period, name=first.name,
                            array_annotations=array_annotations, **annotations)


def _merge_signals(signals: list[neo.AnalogSignal]) -> list[neo.AnalogSignal]:
    groups: list[list[neo.AnalogSignal]] = []
    for signal in signals:
        for group in groups:
            if group[0].name == signal.name and _can_join(group[0], signal):
                group.append(signal)
                break
        else:
            groups.append([signal])
    return [_join(group) for group in groups]


def merge_blocks(blocks: list[neo.Block], label: str,
                 description: str | None = None) -> neo.Block:
    """Merge per-population Blocks into one, as ``Assembly.get_data`` returns it.

    Build the input Blocks with the channel offset of each population in the
    Assembly (:func:`build_block`'s ``channel_offset``), so that channels stay
    unique. The inputs are consumed: their spike trains move to the new Block.

    Rules:

    - every Block must have the same number of segments; segment ``i`` of the result
      is named like segment ``i`` of the first Block and merges segment ``i`` of all;
    - spike trains are concatenated in population order;
    - analog signals with the same name, number of samples, ``t_start``,
      ``sampling_period`` and compatible units become one signal, channels
      concatenated in population order (values in the first signal's units;
      ``source_ids``, ``channel_ids`` and ``array_annotations`` concatenated;
      ``source_population`` is the common label, or the list of labels). Signals
      that differ in sampling stay separate;
    - annotations (of the Block and of each Segment) shared by all inputs are kept;
      differing ones (or ones missing from some inputs) become the list of the
      values found, in population order (see :func:`merge_annotations`). For the
      Block, ``size``
      and ``last_index`` are summed, ``first_id`` is the smallest and ``last_id``
      the largest ID, ``first_index`` is 0 and ``label`` is ``label``.

    Parameters
    ----------
    blocks
        One Block per population, in the Assembly's order.
    label
        Name of the merged Block.
    description
        Optional ``Block.description``.

    Returns
    -------
    neo.Block

    Raises
    ------
    ValueError
        If ``blocks`` is empty or the Blocks have different numbers of segments.
    """
    if not blocks:
        raise ValueError(f"merge_blocks({label!r}): no Blocks to merge")
    counts = [len(b.segments) for b in blocks]
    if len(set(counts)) != 1:
        names = [b.name for b in blocks]
        raise ValueError(f"merge_blocks({label!r}): the Blocks have different numbers "
                         f"of segments {dict(zip(names, counts))}; all populations of "
                         f"an Assembly must have been recorded over the same segments")
    first = blocks[0]
    merged = neo.Block(name=label, description=description,
                       rec_datetime=first.rec_datetime,
                       **_block_annotations(blocks, label))
    for i, template in enumerate(first.segments):
        parts = [b.segments[i] for b in blocks]
        segment = neo.Segment(name=template.name, index=template.index,
                              description=template.description,
                              rec_datetime=template.rec_datetime,
                              **merge_annotations([p.annotations for p in parts]))
        trains = [train for part in parts for train in part.spiketrains]
        segment.spiketrains = SpikeTrainList(items=trains)
        for train in trains:
            train.segment = segment
        for signal in _merge_signals([s for p in parts for s in p.analogsignals]):
            segment.analogsignals.append(signal)
        merged.segments.append(segment)
    return merged
