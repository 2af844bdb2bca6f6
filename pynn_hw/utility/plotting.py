"""Quick figures of Neo data (``pyNN.utility.plotting``).

A :class:`Figure` stacks :class:`Panel` objects vertically; a panel draws each of
its data items according to its type:

- ``neo.AnalogSignal``: one line per channel (cell);
- a list or ``SpikeTrainList`` of ``neo.SpikeTrain``: a raster, one row per cell
  (its ``source_index`` annotation, else its position in the list);
- a 2-D numpy array: an image with a colour bar;
- :class:`Histogram`: a histogram outline; :class:`DataTable`: a scatter plot.

``comparison_plot`` overlays the signals of several segments (e.g. one per
simulator); ``connection_plot`` draws a projection's connection matrix as text.
matplotlib is imported by this module only, with the Agg backend when there is
no display and no backend was chosen through ``MPLBACKEND``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

if (not os.environ.get("MPLBACKEND") and sys.platform.startswith("linux")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after the backend choice)

#: rc settings applied while a :class:`Figure` is drawn and saved (``settings=`` replaces them).
DEFAULT_FIG_SETTINGS: dict[str, Any] = {
    "lines.linewidth": 0.5,
    "axes.linewidth": 0.5,
    "axes.labelsize": "small",
    "legend.fontsize": "small",
    "font.size": 8,
    "savefig.dpi": 150,
}
#: Panel options that act on the axes; every other option goes to the matplotlib call.
_AXES_OPTIONS = ("xticks", "yticks", "xlabel", "ylabel", "xlim", "ylim", "legend",
                 "y_offset", "title", "yscale", "xscale")


class Histogram:
    """Values to draw as a histogram (``bins``: a count or the edges; default sqrt(n) bins)."""

    def __init__(self, data: Any, bins: int | Sequence[float] | None = None) -> None:
        self.data = np.asarray(data, dtype=np.float64).reshape(-1)
        self.data = self.data[np.isfinite(self.data)]
        self.bins = bins if bins is not None else max(1, int(np.sqrt(self.data.size)))

    def evaluate(self) -> tuple[np.ndarray, np.ndarray]:
        """(counts, bin edges)."""
        return np.histogram(self.data, bins=self.bins)

    def __iter__(self):
        """(left edge, count) of each bar."""
        counts, edges = self.evaluate()
        return iter(zip(edges[:-1], counts))


class DataTable:
    """x and y values for a scatter plot, optionally with a fitted curve."""

    def __init__(self, x: Any, y: Any) -> None:
        self.x = np.asarray(x, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        self._fit: tuple[Callable[..., Any], np.ndarray] | None = None

    def fit_curve(self, f: Callable[..., Any], p0: Sequence[float], **fitting_parameters: Any):
        """Fit ``y = f(x, *p)`` with ``scipy.optimize.curve_fit``; return (popt, pcov)."""
        from scipy.optimize import curve_fit
        popt, pcov = curve_fit(f, self.x, self.y, p0, **fitting_parameters)
        self._fit = (f, popt)
        return popt, pcov

    @property
    def y_fit(self) -> np.ndarray:
        """The fitted curve at ``x`` (after :meth:`fit_curve`)."""
        if self._fit is None:
            raise RuntimeError("DataTable.y_fit: call fit_curve() first")
        f, popt = self._fit
        return np.asarray(f(self.x, *popt))


def variable_names(segment: Any) -> set[str]:
    """Names of the analog signals of a Neo segment."""
    return {signal.name for signal in segment.analogsignals}


def isi_histogram(segment: Any) -> Histogram:
    """Histogram of all inter-spike intervals (ms) of a segment's spike trains."""
    parts = [np.diff(np.asarray(t.rescale("ms").magnitude)) for t in segment.spiketrains]
    return Histogram(np.concatenate(parts) if parts else np.zeros(0))


def _is_spiketrain_list(datum: Any) -> bool:
    import neo
    try:
        items = list(datum)
    except TypeError:
        return False
    return bool(items) and all(isinstance(t, neo.SpikeTrain) for t in items)


def _corner_label(axes: Any, text: str) -> None:
    axes.text(0.99, 0.96, text, transform=axes.transAxes, ha="right", va="top",
              bbox={"facecolor": "white", "alpha": 0.9, "linewidth": 0.3})


def plot_signals(axes: Any, signal: Any, label_prefix: str | None = None, y_offset: float = 0.0,
                 **line_options: Any) -> None:
    """One line per channel of an AnalogSignal, labelled ``prefix (cell k)``.

    A one-channel signal with a prefix is labelled with the prefix alone.
    """
    values = np.asarray(signal.magnitude)
    times = np.asarray(signal.times.rescale("ms").magnitude)
    channels = signal.array_annotations.get("channel_index", np.arange(values.shape[1]))
    for column in np.argsort(channels, kind="stable"):
        name = f"cell {int(channels[column])}"
        if label_prefix:
            label = label_prefix if values.shape[1] == 1 else f"{label_prefix} ({name})"
        else:
            label = name
        axes.plot(times, values[:, column] + column * y_offset, label=label, **line_options)
    axes.margins(x=0)          # the time axis spans the recording, like a raster's


def plot_spiketrains(axes: Any, trains: Any, label: str | None = None, **marker_options: Any) -> None:
    """Raster of spike trains: one row per cell, in one plot call."""
    trains = list(trains)
    rows = np.array([t.annotations.get("source_index", k) for k, t in enumerate(trains)], dtype=float)
    times = [np.asarray(t.rescale("ms").magnitude) for t in trains]
    x = np.concatenate(times)
    y = np.repeat(rows, [t.size for t in times])
    size = marker_options.pop("markersize", 2.0 if len(trains) <= 200 else 1.0)
    options = {"color": "k", "linestyle": "none", "marker": ".", "markersize": size, **marker_options}
    axes.plot(x, y, **options)
    axes.set_xlim(float(trains[0].t_start.rescale("ms")), float(trains[0].t_stop.rescale("ms")))
    axes.set_ylim(rows.min() - 0.5, rows.max() + 0.5)
    if not axes.get_ylabel():
        axes.set_ylabel("cell")
    if label:
        _corner_label(axes, label)


def plot_array_as_image(axes: Any, array: np.ndarray, label: str | None = None, legend: bool = True,
                        **image_options: Any) -> None:
    """A 2-D array as an image, with a colour bar unless ``legend=False``."""
    mesh = axes.pcolormesh(array, **image_options)
    axes.set_aspect("equal")
    if legend:
        axes.figure.colorbar(mesh, ax=axes)
    if label:
        _corner_label(axes, label)


def plot_hist(axes: Any, histogram: Histogram, label: str | None = None, slot: tuple[int, int] | None = None,
              **bar_options: Any) -> None:
    """A histogram: bars, or with ``slot=(k, n)`` the k-th of n side-by-side bars in each bin
    (so that the histograms of several data sets stay visible in one panel)."""
    counts, edges = histogram.evaluate()
    widths = np.diff(edges)
    k, n = slot if slot is not None else (0, 1)
    axes.bar(edges[:-1] + widths * k / n, counts, width=widths / n, align="edge", label=label,
             **{"linewidth": 0, **bar_options})


def scatterplot(axes: Any, table: DataTable, label: str | None = None, show_fit: bool = False,
                **marker_options: Any) -> None:
    """x against y of a DataTable (and the fitted curve if ``show_fit``)."""
    if show_fit:
        axes.plot(table.x, table.y_fit, "k-")
    axes.scatter(table.x, table.y, label=label, **marker_options)


class Panel:
    """One panel (axes) of a :class:`Figure`, drawing one or more data items.

    Parameters
    ----------
    *data
        AnalogSignals, lists of SpikeTrains, 2-D arrays, Histograms or DataTables.
    data_labels
        One label per data item (legend text, or a corner label for rasters).
    line_properties
        One dict of matplotlib options per data item.
    **options
        ``xticks``/``yticks`` (show tick labels; default False, as in PyNN),
        ``xlabel``, ``ylabel`` (``'auto'``: the signal's name and units), ``xlim``,
        ``ylim``, ``xscale``, ``yscale``, ``title``, ``legend`` (default True when
        items are labelled or a signal has at most 10 cells; a dict: arguments of
        matplotlib's ``legend``),
        ``y_offset`` (shift between signal channels); any
        other option is passed to the matplotlib call of every item.
    """

    def __init__(self, *data: Any, data_labels: Sequence[str | None] | None = None,
                 line_properties: Sequence[dict[str, Any]] | None = None, **options: Any) -> None:
        self.data = list(data)
        self.data_labels = list(data_labels) if data_labels is not None else [None] * len(self.data)
        self.line_properties = ([dict(p) for p in line_properties] if line_properties is not None
                                else [{} for _ in self.data])
        for name, given in (("data_labels", self.data_labels), ("line_properties", self.line_properties)):
            if len(given) < len(self.data):
                raise ValueError(f"Panel: {name} has {len(given)} entries for {len(self.data)} data items")
        self.options = options

    def plot(self, axes: Any) -> None:
        """Draw the panel's data into the matplotlib axes ``axes``."""
        import neo
        axis_opts = {k: v for k, v in self.options.items() if k in _AXES_OPTIONS}
        item_opts = {k: v for k, v in self.options.items() if k not in _AXES_OPTIONS}
        for datum, label, props in zip(self.data, self.data_labels, self.line_properties):
            options = {**item_opts, **props}
            if isinstance(datum, Histogram):
                plot_hist(axes, datum, label=label, **options)
            elif isinstance(datum, DataTable):
                scatterplot(axes, datum, label=label, **options)
            elif isinstance(datum, neo.AnalogSignal):
                plot_signals(axes, datum, label_prefix=label, y_offset=axis_opts.get("y_offset", 0.0),
                             **options)
                if axis_opts.get("ylabel") == "auto":
                    axis_opts["ylabel"] = f"{datum.name} ({datum.units.dimensionality.string})"
            elif isinstance(datum, np.ndarray) and datum.ndim == 2:
                plot_array_as_image(axes, datum, label=label, legend=axis_opts.get("legend", True), **options)
            elif _is_spiketrain_list(datum):
                plot_spiketrains(axes, datum, label=label, **options)
            else:
                kind = f"{datum.ndim}-D array" if isinstance(datum, np.ndarray) else type(datum).__name__
                raise TypeError(f"Panel cannot draw a {kind}; valid: AnalogSignal, list of SpikeTrains, "
                                "2-D array, Histogram, DataTable")
        self._finish_axes(axes, axis_opts)

    def _finish_axes(self, axes: Any, opts: dict[str, Any]) -> None:
        if not opts.get("xticks", False):
            axes.tick_params(labelbottom=False)
        if not opts.get("yticks", False):
            axes.tick_params(labelleft=False)
        for name in ("xlabel", "ylabel", "title", "xscale", "yscale"):
            if opts.get(name) not in (None, "auto"):
                getattr(axes, f"set_{name}")(opts[name])
        if "xlim" in opts:
            axes.set_xlim(opts["xlim"])
        if "ylim" in opts:
            axes.set_ylim(opts["ylim"])
        import neo
        # a legend by default for labelled items and for signals of a few cells
        labelled = any((lab and not _is_spiketrain_list(d)) or (isinstance(d, neo.AnalogSignal) and d.shape[1] <= 10)
                       for lab, d in zip(self.data_labels, self.data))
        legend = opts.get("legend", labelled)
        if legend and axes.get_legend_handles_labels()[0]:
            axes.legend(**({"loc": "best", "frameon": False} if legend is True else dict(legend)))


class Figure:
    """Panels stacked vertically in one matplotlib figure.

    Parameters
    ----------
    *panels
        The :class:`Panel` objects, top to bottom.
    title
        Text at the top of the figure.
    settings
        matplotlib rc settings used while drawing and saving (default
        :data:`DEFAULT_FIG_SETTINGS`); the global rc settings are left alone.
    annotations
        (Multi-line) text at the bottom of the figure.
    size
        (width, height) in inches; default 6 wide, 2 per panel + 1.2 high.

    Examples
    --------
    >>> Figure(Panel(seg.filter(name="v")[0], ylabel="v (mV)"),
    ...        Panel(seg.spiketrains, xlabel="time (ms)", xticks=True),
    ...        title="network").save("network.png")
    """

    def __init__(self, *panels: Panel, title: str | None = None, settings: dict[str, Any] | None = None,
                 annotations: str | None = None, size: tuple[float, float] | None = None) -> None:
        if not panels:
            raise ValueError("Figure needs at least one Panel")
        self.settings = dict(DEFAULT_FIG_SETTINGS if settings is None else settings)
        width, height = size if size is not None else (6.0, 2.0 * len(panels) + 1.2)
        with matplotlib.rc_context(self.settings):
            self.fig = plt.figure(figsize=(width, height))
            top = 1.0 - (0.6 if title else 0.25) / height
            notes = (annotations or "").count("\n") + 1 if annotations else 0
            bottom = (0.45 + 0.12 * notes) / height
            grid = self.fig.add_gridspec(len(panels), 1, top=top, bottom=bottom, left=0.12, right=0.97,
                                         hspace=0.3)
            self.axes = [self.fig.add_subplot(grid[i, 0]) for i in range(len(panels))]
            for panel, axes in zip(panels, self.axes):
                panel.plot(axes)
            if title:
                self.fig.text(0.5, 1.0 - 0.2 / height, title, ha="center", va="top", fontsize="large")
            if annotations:
                self.fig.text(0.01, 0.01, annotations, fontsize=6, va="bottom")

    def save(self, filename: str | os.PathLike[str]) -> None:
        """Write the figure; the format follows the extension; folders are created."""
        path = Path(filename)
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        with matplotlib.rc_context(self.settings):
            self.fig.savefig(path)

    def close(self) -> None:
        """Release the figure's memory (pyplot keeps figures until closed)."""
        plt.close(self.fig)


def comparison_plot(segments: Sequence[Any], labels: Sequence[str], title: str = "",
                    annotations: str | None = None, fig_settings: dict[str, Any] | None = None,
                    with_spikes: bool = True) -> Figure:
    """Overlay the signals of several segments, one panel per variable and cell.

    Each segment (e.g. the same run on different simulators) gets its colour and
    line width (wider for earlier segments, so that identical traces stay visible);
    with ``with_spikes`` a raster panel per segment follows.
    """
    if len(segments) != len(labels):
        raise ValueError(f"comparison_plot: {len(segments)} segments but {len(labels)} labels")
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    n = len(segments)
    styles = [{"color": colours[k % len(colours)], "linewidth": 0.6 + 0.6 * (n - 1 - k)} for k in range(n)]
    # panels keyed by (variable, channel) in first-seen order; entries per segment
    traces: dict[tuple[str, int], list[tuple[int, Any]]] = {}
    for k, segment in enumerate(segments):
        for signal in segment.analogsignals:
            channels = signal.array_annotations.get("channel_index", np.arange(signal.shape[1]))
            for column in np.argsort(channels, kind="stable"):
                trace = signal[:, column:column + 1]
                trace.array_annotate(channel_index=np.asarray([channels[column]]))
                units = signal.units.dimensionality.string
                traces.setdefault((f"{signal.name} ({units})", int(channels[column])), []).append((k, trace))
    panels = []
    for (name, channel), entries in traces.items():
        # one legend, above the first panel, naming the segments
        legend = ({"loc": "lower right", "bbox_to_anchor": (1.0, 1.0), "ncol": n, "frameon": False}
                  if not panels else False)
        panels.append(Panel(*[s for _, s in entries], data_labels=[labels[k] for k, _ in entries],
                            line_properties=[styles[k] for k, _ in entries], yticks=True,
                            ylabel=f"{name}, cell {channel}", legend=legend))
    if with_spikes:
        panels += [Panel(seg.spiketrains, data_labels=[lab], yticks=True)
                   for seg, lab in zip(segments, labels) if _is_spiketrain_list(seg.spiketrains)]
    if not panels:
        raise ValueError("comparison_plot: the segments hold no signals or spike trains")
    panels[-1].options.update(xticks=True, xlabel="time (ms)")
    return Figure(*panels, title=title or None, settings=fig_settings, annotations=annotations)


def connection_plot(projection: Any, positive: str = "O", zero: str = ".", empty: str = " ",
                    spacer: str = "") -> str:
    """A projection's connections as text: one line per presynaptic cell.

    Each postsynaptic column shows ``positive`` for a connection of non-zero
    weight, ``zero`` for weight 0 and ``empty`` for no connection.
    """
    weights = np.asarray(projection.get("weight", format="array", gather=True), dtype=np.float64)
    chars = np.full(weights.shape, empty, dtype=object)
    chars[weights == 0] = zero
    chars[np.isfinite(weights) & (weights != 0)] = positive
    return "\n".join(spacer.join(row) for row in chars)


__all__: Iterable[str] = [
    "DEFAULT_FIG_SETTINGS", "DataTable", "Figure", "Histogram", "Panel", "comparison_plot",
    "connection_plot", "isi_histogram", "plot_array_as_image", "plot_hist", "plot_signals",
    "plot_spiketrains", "scatterplot", "variable_names",
]
