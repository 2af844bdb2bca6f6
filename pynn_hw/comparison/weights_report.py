"""The report's section on plastic projections: figure, Markdown table and JSON.

The figure of a projection has two panels: the histograms of the final weights of
every backend side by side in each bin (same bins, weights in units of w_max when
it is known), with the reference's initial weights as the first bar of each bin;
and each backend's final weight per connection against the reference's.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pynn_hw.comparison.verdicts import FAIL, NA, PASS, REF, WEIGHT_METRICS, format_difference, overall
from pynn_hw.comparison.weights import KS_RESOLUTION, WeightData, same_connections, weight_scale

if TYPE_CHECKING:  # pragma: no cover
    from pynn_hw.comparison.pipeline import Comparison

#: Histogram bins across [w_min, w_max] (or the range of the weights).
WEIGHT_BINS = 20


def _stem(label: str) -> str:
    import re
    return "weights_" + (re.sub(r"[^A-Za-z0-9_.-]+", "_", label) or "projection")


def weight_figure(label: str, data: dict[str, WeightData], reference: str, path: Path) -> bool:
    """Draw the projection's figure; False if no backend has a connection."""
    from pynn_hw.utility.plotting import DataTable, Figure, Histogram, Panel
    names = [n for n, d in data.items() if d.n]
    if not names:
        return False
    ref = data.get(reference) or data[names[0]]
    scale = weight_scale(ref)
    known = ref.w_max is not None
    unit = "weight / w_max" if known else "weight"
    if not known:
        scale = 1.0
    values = {n: data[n].final / scale for n in names}
    lo = min(0.0, *(float(v.min()) for v in values.values()))
    hi = 1.0 if known else max(float(v.max()) for v in values.values())
    hi = max(hi, *(float(v.max()) for v in values.values()))
    bins = np.linspace(lo, hi if hi > lo else lo + 1.0, WEIGHT_BINS + 1)
    hists = [Histogram(ref.initial / scale, bins=bins)] + [Histogram(values[n], bins=bins) for n in names]
    labels = [f"initial, {reference} ({ref.n} connections)"] + [f"{n} final" for n in names]
    slots = len(hists)
    props = [{"slot": (0, slots), "color": "0.75"}] + [{"slot": (k + 1, slots), "color": f"C{k}"}
                                                         for k in range(len(names))]
    top = Panel(*hists, data_labels=labels, line_properties=props, xticks=True, yticks=True,
                xlabel=unit, ylabel="connections", legend={"loc": "upper center", "frameon": False,
                                                           "fontsize": "small", "ncol": 2})
    pad = 0.03 * (bins[-1] - bins[0])            # points at a bound stay whole
    limits = (bins[0] - pad, bins[-1] + pad)
    others = [n for n in names if n != reference and same_connections(data[n], ref)]
    tables = [DataTable(ref.final / scale, data[n].final / scale) for n in others]
    if not tables:                               # keep the panel (and say why it is empty)
        tables = [DataTable([], [])]
    bottom = Panel(*tables, data_labels=others or [None],
                   line_properties=[{"color": f"C{names.index(n)}", "s": 10, "alpha": 0.7} for n in others]
                   or [{}], xticks=True, yticks=True, xlabel=f"{reference} (reference): final {unit}",
                   ylabel=f"other backend: final {unit}", xlim=limits, ylim=limits,
                   legend={"loc": "upper left", "frameon": False, "fontsize": "small"})
    fig = Figure(top, bottom, title=f"projection {label}: final weights", size=(6.0, 7.5))
    low, high = fig.axes[0].get_ylim()
    fig.axes[0].set_ylim(low, high * 1.3)        # room for the legend above the bars
    axes = fig.axes[1]
    axes.plot(limits, limits, color="0.5", linewidth=0.8, zorder=0)
    axes.set_aspect("equal", adjustable="box")
    if not others:
        axes.text(0.5, 0.5, "no other backend with the same connections", ha="center",
                  transform=axes.transAxes)
    fig.save(path)
    fig.close()
    return True


def weight_figures(c: "Comparison", folder: Path) -> None:
    """Draw every projection's figure into ``folder``; record them in ``c.weight_figures``."""
    folder.mkdir(parents=True, exist_ok=True)
    for label in c.projections:
        file = f"{_stem(label)}.png"
        if weight_figure(label, c.weight_data[label], c.reference, folder / file):
            c.weight_figures[label] = file


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.{digits}g}"


def _judged(name: str, v: Any) -> str:
    spec = next(m for m in WEIGHT_METRICS if m.name == name)
    if v.status == NA:
        return f" n/a ({v.reason})"
    if v.status in (PASS, FAIL):
        diff = format_difference(spec, v)
        return f" {'**FAIL**' if v.status == FAIL else PASS}" + (f" ({diff})" if diff else "")
    return ""


def weight_section(c: "Comparison") -> list[str]:
    """The Markdown section on plastic projections ([] if there is none)."""
    if not c.projections:
        return []
    lines = ["## Plastic projections: final weights", ""]
    for label in c.projections:
        data = c.weight_data[label]
        names = [r.name for r in c.runs if r.name in data]
        first = data[names[0]]
        w_max = f"w_max {first.w_max:g}" if first.w_max is not None else "no w_max (scale: largest |weight|)"
        lines += [f"### Projection `{label}` ({first.n} connections, {first.synapse_type}, {w_max})", ""]
        head = [f"{n} (ref)" if n == c.reference else n for n in names]
        lines += ["| metric | " + " | ".join(head) + " | tolerance |", "|---|" + "---|" * (len(names) + 1)]
        lines.append("| initial mean weight | " + " | ".join(
            _fmt(c.weight_metrics[label][n]["w_initial_mean"]) for n in names) + " | |")
        for spec in WEIGHT_METRICS:
            cells = []
            for n in names:
                v = c.weight_verdicts[label][n][spec.name]
                text = _fmt(c.weight_metrics[label][n][spec.key]) if v.status != REF or spec.kind != "maximum" \
                    else "ref"
                cells.append(text + ("" if n == c.reference else _judged(spec.name, v)))
            lines.append(f"| {spec.title} | " + " | ".join(cells)
                         + f" | {spec.describe_tolerance(c.tolerances[spec.name])} |")
        verdicts = ["reference" if n == c.reference else overall(
            v.status for v in c.weight_verdicts[label][n].values()) for n in names]
        lines.append("| overall | " + " | ".join("**FAIL**" if v == FAIL else v for v in verdicts) + " | |")
        lines.append("")
        for name, note in c.weight_notes.get(label, {}).items():
            lines.append(f"- {name}: {note}")
        missing = [r.name for r in c.runs if r.ok and r.name not in data]
        if missing:
            lines.append(f"- no such projection on: {', '.join(missing)}")
        if label in c.weight_figures:
            lines += ["", f"![{label}: final weights](figures/{c.weight_figures[label]})"]
        lines.append("")
    lines += ["Weights in the projection's units (uS, nA or mV). SD with ddof 0. The per-connection "
              "difference pairs connections by (pre, post) index and divides by the reference's w_max "
              "(the largest |weight| when the synapse type has none); it is judged for deterministic "
              "networks only. The KS distance is the largest gap between the two empirical "
              "distribution functions of the final weights when either may shift by up to "
              f"{KS_RESOLUTION:g} w_max (weights piled up at a bound differ by a few 0.1 % between "
              "simulators, which a plain KS distance would count in full).", ""]
    return lines


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def weights_json(c: "Comparison") -> dict[str, Any]:
    """Projection label -> run name -> metrics, verdicts, overall and note."""
    out: dict[str, Any] = {}
    for label in c.projections:
        out[label] = {"figure": f"figures/{c.weight_figures[label]}" if label in c.weight_figures else None}
        for name, metrics in c.weight_metrics[label].items():
            row = c.weight_verdicts[label][name]
            out[label][name] = {
                "metrics": {k: _finite(v) for k, v in metrics.items()},
                "w_max": c.weight_data[label][name].w_max,
                "verdicts": {k: {"status": v.status, "value": _finite(v.value), "reference": _finite(v.reference),
                                 "difference": _finite(v.difference), "reason": v.reason} for k, v in row.items()},
                "overall": "reference" if name == c.reference else overall(v.status for v in row.values()),
                "note": c.weight_notes.get(label, {}).get(name)}
    return out
