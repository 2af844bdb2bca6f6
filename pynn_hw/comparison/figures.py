"""The report's figures, drawn with :mod:`pynn_hw.utility.plotting`.

Per population: a raster per backend (first :data:`RASTER_CELLS` cells), the
distribution of per-cell rates and of per-cell CVs of ISI (all backends
overlaid, same bins), and membrane traces of the first :data:`TRACE_CELLS`
recorded cells where ``v`` was recorded (all backends overlaid).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import neo
import numpy as np

from pynn_hw.comparison.analysis import PopulationData

#: Cells shown in a raster (dense rasters of thousands of cells hide the differences).
RASTER_CELLS = 200
#: Cells whose membrane traces are drawn.
TRACE_CELLS = 3


def _stem(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label) or "population"


def _common_bins(arrays: list[np.ndarray], count: int = 30) -> np.ndarray | None:
    """Shared bin edges, about ``count`` bins.

    Values on a regular grid (the rates of a fixed window are multiples of
    1/window) get bins of a whole number of grid steps centred on grid points, so
    that no bin holds more grid values than its neighbours.
    """
    finite = [a[np.isfinite(a)] for a in arrays]
    values = np.concatenate(finite) if finite else np.zeros(0)
    if not values.size:
        return None
    lo, hi = float(values.min()), float(values.max())
    unique = np.unique(values)
    if unique.size > 1:
        step = float(np.diff(unique).min())
        steps = (unique - lo) / step
        if np.allclose(steps, np.round(steps), atol=1e-6):
            per_bin = max(1, int(np.ceil((round((hi - lo) / step) + 1) / count)))
            n_bins = int(np.ceil((round((hi - lo) / step) + 1) / per_bin))
            return lo - step / 2 + per_bin * step * np.arange(n_bins + 1)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, count + 1)


def raster_figure(label: str, data: dict[str, PopulationData], path: Path) -> bool:
    """A raster panel per backend; False if no backend recorded spikes."""
    from pynn_hw.utility.plotting import Figure, Panel
    names = [n for n, d in data.items() if d.trains]
    if not names:
        return False
    shown = min(RASTER_CELLS, max(data[n].n_cells for n in names))
    panels = []
    for name in names:
        d = data[name]
        trains = d.trains[:shown]
        total = sum(len(t) for t in trains)
        panels.append(Panel(trains, data_labels=[f"{name}: {total} spikes"], yticks=True,
                            xlim=(d.t_start, d.t_stop), ylabel="cell"))
    panels[-1].options.update(xticks=True, xlabel="time (ms)")
    cells = f"first {shown} of {max(data[n].n_cells for n in names)} cells" if shown < max(
        data[n].n_cells for n in names) else f"{shown} cells"
    fig = Figure(*panels, title=f"{label}: spike rasters ({cells})",
                 size=(7.0, 1.6 * len(panels) + 1.0))
    fig.save(path)
    fig.close()
    return True


def distribution_figure(label: str, values: dict[str, np.ndarray], what: str, path: Path) -> bool:
    """Overlaid histograms of per-cell values (rates or CVs); False if no finite value."""
    from pynn_hw.utility.plotting import Figure, Histogram, Panel
    names = [n for n, v in values.items() if np.isfinite(v).any()]
    bins = _common_bins([values[n] for n in names])
    if bins is None:
        return False
    hists = [Histogram(values[n], bins=bins) for n in names]
    counts = [int(np.isfinite(values[n]).sum()) for n in names]
    panel = Panel(*hists, data_labels=[f"{n} ({c} cells)" for n, c in zip(names, counts)],
                  line_properties=[{"slot": (k, len(names))} for k in range(len(names))],
                  xticks=True, yticks=True, xlabel=what, ylabel="cells", legend=True)
    fig = Figure(panel, title=f"{label}: {what} per cell", size=(6.0, 3.4))
    fig.save(path)
    fig.close()
    return True


def _first_columns(signal: Any, n: int) -> Any:
    sub = signal[:, :n]
    channels = signal.array_annotations.get("channel_index", np.arange(signal.shape[1]))[:n]
    sub.array_annotate(channel_index=np.asarray(channels))
    return sub


def trace_figure(label: str, data: dict[str, PopulationData], variable: str, path: Path) -> bool:
    """Traces of ``variable`` of the first recorded cells, backends overlaid."""
    from pynn_hw.utility.plotting import comparison_plot
    names = [n for n, d in data.items() if variable in d.signals]
    if not names:
        return False
    segments = []
    for name in names:
        seg = neo.Segment(name=name)
        seg.analogsignals.append(_first_columns(data[name].signals[variable], TRACE_CELLS))
        segments.append(seg)
    fig = comparison_plot(segments, names, title=f"{label}: {variable} of the first recorded cells",
                          with_spikes=False)
    fig.fig.set_size_inches(8.0, fig.fig.get_size_inches()[1])
    fig.save(path)
    fig.close()
    return True


def population_figures(label: str, data: dict[str, PopulationData], metrics: dict[str, dict[str, Any]],
                       folder: Path) -> list[tuple[str, str]]:
    """Draw every figure of one population into ``folder``; (caption, file name) of each."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = _stem(label)
    made: list[tuple[str, str]] = []
    if raster_figure(label, data, folder / f"{stem}_rasters.png"):
        made.append(("spike rasters", f"{stem}_rasters.png"))
    rates = {n: m["rates"] for n, m in metrics.items() if len(m["rates"])}
    if distribution_figure(label, rates, "rate (Hz)", folder / f"{stem}_rates.png"):
        made.append(("firing rates", f"{stem}_rates.png"))
    cvs = {n: m["cvs"] for n, m in metrics.items() if len(m["cvs"])}
    if distribution_figure(label, cvs, "CV of ISI", folder / f"{stem}_cv.png"):
        made.append(("CV of ISI", f"{stem}_cv.png"))
    if trace_figure(label, data, "v", folder / f"{stem}_v.png"):
        made.append(("membrane potential", f"{stem}_v.png"))
    return made
