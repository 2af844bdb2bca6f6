"""Text output of the deprecated 0.6/0.7 API (``printSpikes``, ``print_v``,
``print_gsyn``).

Both formats are tab-separated, one observation per line, preceded by a header
of ``#`` comment lines (``numpy.loadtxt`` skips them)::

    # label = exc
    # first_id = 0
    # last_id = 9
    # size = 10
    # dt = 0.1
    # variable = spikes
    # columns = time (ms), cell
    # n = 3
    # segment = segment000
    12.3\t4
    ...

``cell`` is the cell's channel number (its index in the population, plus the
population's offset in an Assembly). A header line ``# segment = <name>``
precedes the rows of each segment.

- Spikes (:func:`write_spikes_text`): rows ``time<TAB>cell``, sorted by time then
  cell; ``n`` counts all spikes.
- Signals (:func:`write_signal_text`): rows ``value<TAB>cell``; all samples of one
  cell (in time order), then the next cell, in channel order; the header adds
  ``units`` and ``sampling_interval``, and ``dt`` is the sampling interval.

Files are written to a temporary name and then renamed over the target.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import neo
import numpy as np

from pynn_hw.errors import NothingToWriteError
from pynn_hw.recording.files import replacing

_HEADER_KEYS = ("label", "first_id", "last_id", "size")


def _header(block: neo.Block, variable: str, dt: float | None, columns: str,
            n: int, extra: dict[str, object] | None = None) -> list[str]:
    lines = [f"# {key} = {block.annotations[key]}" for key in _HEADER_KEYS
             if key in block.annotations]
    if dt is not None:
        lines.append(f"# dt = {dt:g}")
    lines.append(f"# variable = {variable}")
    for key, value in (extra or {}).items():
        lines.append(f"# {key} = {value}")
    lines.append(f"# columns = {columns}")
    lines.append(f"# n = {n}")
    return lines


def _write_text(filename: str | os.PathLike, text: str) -> None:
    with replacing(filename) as temporary:
        Path(temporary).write_text(text, encoding="utf-8")


def _rows(columns: tuple[np.ndarray, np.ndarray], value_format: str) -> str:
    buffer = io.StringIO()
    if columns[0].size:
        np.savetxt(buffer, np.column_stack(columns).astype(object),
                   fmt=(value_format, "%d"), delimiter="\t")
    return buffer.getvalue()


def write_spikes_text(filename: str | os.PathLike, block: neo.Block) -> None:
    """Write the spikes of ``block`` in the old ``time<TAB>cell`` text format.

    Raises
    ------
    NothingToWriteError
        If no segment of ``block`` has spike trains.
    """
    parts: list[tuple[str, np.ndarray, np.ndarray]] = []
    for segment in block.segments:
        trains = list(segment.spiketrains)
        if not trains:
            continue
        times = np.concatenate([t.rescale("ms").magnitude for t in trains])
        cells = np.concatenate([np.full(len(t), int(t.annotations["channel_id"]))
                                for t in trains])
        order = np.lexsort((cells, times))
        parts.append((segment.name, times[order], cells[order]))
    if not parts:
        raise NothingToWriteError(f"{block.name}: no spikes were recorded, nothing to "
                                  f"write to {os.fspath(filename)!r}")
    total = sum(p[1].size for p in parts)
    lines = _header(block, "spikes", block.annotations.get("dt"), "time (ms), cell",
                    total)
    body = []
    for name, times, cells in parts:
        body.append(f"# segment = {name}\n")
        body.append(_rows((times, cells), "%.10g"))
    _write_text(filename, "\n".join(lines) + "\n" + "".join(body))


def write_signal_text(filename: str | os.PathLike, block: neo.Block,
                      variable: str) -> None:
    """Write the samples of ``variable`` in the old ``value<TAB>cell`` text format.

    Raises
    ------
    NothingToWriteError
        If no segment of ``block`` has a signal named ``variable``.
    """
    parts: list[tuple[str, np.ndarray, np.ndarray]] = []
    units = None
    interval = None
    for segment in block.segments:
        for signal in segment.filter(name=variable, objects=neo.AnalogSignal):
            units = units or signal.units.dimensionality.string
            interval = float(signal.sampling_period.rescale("ms").magnitude)
            channels = np.asarray(signal.array_annotations.get(
                "channel_index", np.arange(signal.shape[1])), dtype=np.int64)
            order = np.argsort(channels, kind="stable")
            values = signal.magnitude[:, order]
            n_samples = values.shape[0]
            # column-major ravel: all samples of a cell, then the next cell
            parts.append((segment.name, values.ravel(order="F"),
                          np.repeat(channels[order], n_samples)))
    if not parts:
        raise NothingToWriteError(f"{block.name}: {variable!r} was not recorded, "
                                  f"nothing to write to {os.fspath(filename)!r}")
    total = sum(p[1].size for p in parts)
    lines = _header(block, variable, interval, f"{variable} ({units}), cell", total,
                    {"units": units, "sampling_interval": f"{interval:g}"})
    body = []
    for name, values, cells in parts:
        body.append(f"# segment = {name}\n")
        body.append(_rows((values, cells), "%.10g"))
    _write_text(filename, "\n".join(lines) + "\n" + "".join(body))
