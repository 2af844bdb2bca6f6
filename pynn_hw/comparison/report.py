"""Write a :class:`~pynn_hw.comparison.pipeline.Comparison` as ``report.md`` and ``report.json``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pynn_hw.comparison.verdicts import FAIL, METRICS, METRICS_BY_NAME, NA, PASS, REF, format_difference, overall
from pynn_hw.comparison.weights_report import weight_figures, weight_section, weights_json

if TYPE_CHECKING:  # pragma: no cover
    from pynn_hw.comparison.pipeline import Comparison


def _cell(text: Any, limit: int = 300) -> str:
    """Text fit for one Markdown table cell."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.replace("|", "\\|")


def _verdict_cell(name: str, verdict: Any) -> str:
    spec = METRICS_BY_NAME[name]
    if verdict.status == REF:
        return "ref"
    if verdict.status == NA:
        return f"n/a ({verdict.reason})" if verdict.reason else "n/a"
    diff = format_difference(spec, verdict) or spec.format(verdict.value)
    word = "**FAIL**" if verdict.status == FAIL else PASS
    return f"{word} ({diff})"


def _header(c: "Comparison") -> list[str]:
    args = " ".join(c.script_args) if c.script_args else "(none)"
    s = c.settings
    lines = [f"# Backend comparison: `{c.script.name}`", "",
             f"- script: `{c.script}`, arguments: `{args}`"]
    if c.args_note:
        lines.append(f"- note: {c.args_note}")
    lines += [f"- run: {c.started}; backends: {', '.join(r.name for r in c.runs)}; "
              f"reference: **{c.reference}**",
              f"- analysed: segment {s.segment}, from {s.skip_ms:g} ms after its start to its end",
              "- network: " + ("deterministic (no simulator random numbers), so spike times are compared "
                               "cell by cell (van Rossum distance)"
                               if c.deterministic else "not deterministic (each simulator draws its own random "
                               "numbers for: " + "; ".join(c.stochastic) + "), so spike times are not compared "
                               "(distance n/a); the statistics are"), ""]
    return lines


def _summary(c: "Comparison") -> list[str]:
    titles = [METRICS_BY_NAME[m.name].title for m in METRICS]
    lines = ["## Verdicts", "",
             "Each metric of each backend against the reference; tolerances under *Definitions*.", "",
             "| population | backend | " + " | ".join(titles) + " | overall |",
             "|---|---|" + "---|" * len(titles) + "---|"]
    for label in c.populations:
        for run in c.runs:
            row = c.verdicts[label][run.name]
            if run.name == c.reference:
                cells = ["ref"] * len(METRICS) + ["reference"]
            else:
                cells = [_cell(_verdict_cell(m.name, row[m.name]), 80) for m in METRICS]
                result = overall(v.status for v in row.values())
                cells.append("**FAIL**" if result == FAIL else result)
            lines.append(f"| {_cell(label)} | {run.name} | " + " | ".join(cells) + " |")
    failed = [r for r in c.runs if not r.ok]
    for run in failed:
        lines.append(f"| (all) | {run.name} | " + " | ".join(["–"] * len(METRICS))
                     + f" | failed: {_cell(run.error, 160)} |")
    if not c.populations:
        lines.append("\nNo backend recorded anything to compare.")
    return lines + [""]


def _backends(c: "Comparison") -> list[str]:
    lines = ["## Backends", "",
             "| backend | status | script wall time | recorded populations | board | error |",
             "|---|---|---|---|---|---|"]
    for run in c.runs:
        pops = ", ".join(p["label"] for p in run.status.get("populations", [])) or "–"
        secs = f"{run.seconds:.1f} s" if run.seconds is not None else "–"
        status = "ok" if run.ok else "**failed**"
        lines.append(f"| {run.name} | {status} | {secs} | {_cell(pops)} | {_board_cell(run.status.get('board'))} "
                     f"| {_cell(run.error or '')} |")
    return lines + [""]


def _board_cell(timings: dict[str, Any] | None) -> str:
    """Chips used and dropped events of a board backend's run ('' for software backends)."""
    if not timings:
        return ""
    parts = []
    if "chips" in timings:
        parts.append(f"{timings['chips']} of {timings.get('board_chips', '?')} chips")
    if "dropped_events" in timings:
        parts.append(f"{timings['dropped_events']} dropped events")
    if "map_s" in timings:
        parts.append(f"mapping {float(timings['map_s']):.1f} s")
    return _cell(", ".join(parts))


def _population(c: "Comparison", label: str) -> list[str]:
    names = [r.name for r in c.runs if r.name in c.metrics[label]]
    first = c.metrics[label][names[0]] if names else {}
    lines = [f"## Population `{label}` ({first.get('n_cells', 0)} recorded cells)", ""]
    head = [f"{n} (ref)" if n == c.reference else n for n in names]
    lines += ["| metric | " + " | ".join(head) + " | tolerance |", "|---|" + "---|" * (len(names) + 1)]
    for spec in METRICS:
        if spec.name == "distance" and not c.deterministic:
            continue
        values = []
        for n in names:
            value = c.metrics[label][n].get(spec.key, math.nan)
            v = c.verdicts[label][n][spec.name]
            text = spec.format(value)
            if v.status in (PASS, FAIL):
                text += f" {_verdict_cell(spec.name, v)}"
            elif v.status == NA and n != c.reference:
                text += f" n/a ({v.reason})"
            values.append(_cell(text, 90))
        lines.append(f"| {spec.title} | " + " | ".join(values)
                     + f" | {spec.describe_tolerance(c.tolerances[spec.name])} |")
    extra = (("spikes in window", "n_spikes"), ("cells with a CV", "n_cv_cells"),
             ("pairs in the correlation", "n_pairs"))
    for title, key in extra:
        lines.append(f"| {title} | " + " | ".join(str(c.metrics[label][n].get(key, "–")) for n in names) + " | |")
    if c.deterministic:
        lines.append("| mean van Rossum distance per cell | " + " | ".join(
            METRICS_BY_NAME["distance"].format(c.metrics[label][n].get("vr_mean", math.nan)) for n in names)
            + " | (information) |")
    lines.append("")
    for name, note in c.notes.get(label, {}).items():
        lines.append(f"- {name}: {note}")
    missing = [r.name for r in c.runs if r.ok and r.name not in c.metrics[label]]
    if missing:
        lines.append(f"- not recorded on: {', '.join(missing)}")
    for caption, file in c.figures.get(label, []):
        lines += ["", f"![{label}: {caption}](figures/{file})"]
    return lines + [""]


def _failures(c: "Comparison") -> list[str]:
    failed = [r for r in c.runs if not r.ok]
    if not failed:
        return []
    lines = ["## Failed backends", ""]
    for run in failed:
        lines += [f"### {run.name}", "", f"{_cell(run.error, 1000)}", "",
                  f"Last lines of `{run.log}`:", "", "```", run.log_tail(), "```", ""]
    return lines


def _definitions(c: "Comparison") -> list[str]:
    s = c.settings
    return [
        "## Definitions", "",
        f"- **mean rate**: spikes per cell per second in the window, averaged over cells "
        f"(silent cells count as 0 Hz). Tolerance: {METRICS_BY_NAME['rate'].describe_tolerance(c.tolerances['rate'])}.",
        f"- **CV of ISI**: standard deviation / mean of each cell's inter-spike intervals, averaged over "
        f"the cells with at least {s.cv_min_spikes} spikes. Tolerance: "
        f"{METRICS_BY_NAME['cv'].describe_tolerance(c.tolerances['cv'])}.",
        f"- **Fano factor**: variance (ddof 1) / mean of each cell's spike counts in {s.fano_bin_ms:g} ms "
        f"bins, averaged over cells that fired. Tolerance: "
        f"{METRICS_BY_NAME['fano'].describe_tolerance(c.tolerances['fano'])}.",
        f"- **pairwise correlation**: Pearson correlation of spike counts in {s.corr_bin_ms:g} ms bins, "
        f"averaged over up to {s.corr_pairs} pairs drawn with seed {s.corr_seed} among the cells whose "
        f"counts vary. Tolerance: {METRICS_BY_NAME['corr'].describe_tolerance(c.tolerances['corr'])}.",
        f"- **van Rossum distance** (deterministic networks only): per cell against the same cell of the "
        f"reference, tau = {s.vr_tau_ms:g} ms, kernel exp(-t/tau), D² = (2/tau)∫(f−g)²dt (one unmatched "
        f"spike: D = 1). The judged value is normalised and pooled over cells: Σ D² / Σ (n + n_ref): 0 "
        f"for identical trains, ≈ 1 when no spike has a partner, 1 − exp(−δ/tau) when every spike is "
        f"shifted by δ. Tolerance: {METRICS_BY_NAME['distance'].describe_tolerance(c.tolerances['distance'])}.",
        "- Verdicts: PASS/FAIL against the tolerance; n/a when the metric is undefined (e.g. too few "
        "spikes) or the backend or reference failed. The overall verdict fails if any metric fails.",
        "",
    ]


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def as_json(c: "Comparison") -> dict[str, Any]:
    """The machine-readable report (NaN and infinities become null)."""
    pops: dict[str, Any] = {}
    for label in c.populations:
        pops[label] = {}
        for run in c.runs:
            m = c.metrics[label].get(run.name)
            entry: dict[str, Any] = {"recorded": m is not None}
            if m is not None:
                entry["metrics"] = {k: _finite(float(v)) if isinstance(v, (int, float)) else None
                                    for k, v in m.items() if k not in ("rates", "cvs")}
            entry["verdicts"] = {name: {"status": v.status, "value": _finite(float(v.value)),
                                        "reference": _finite(float(v.reference)),
                                        "difference": _finite(float(v.difference)), "reason": v.reason}
                                 for name, v in c.verdicts[label][run.name].items()}
            entry["overall"] = ("reference" if run.name == c.reference
                                else overall(v.status for v in c.verdicts[label][run.name].values()))
            entry["note"] = c.notes.get(label, {}).get(run.name)
            pops[label][run.name] = entry
    return {
        "script": str(c.script), "script_args": c.script_args, "args_note": c.args_note,
        "started": c.started, "reference": c.reference, "deterministic": c.deterministic,
        "stochastic": c.stochastic, "settings": c.settings.as_dict(), "tolerances": c.tolerances,
        "tolerance_kinds": {m.name: m.kind for m in METRICS},
        "backends": [{"name": r.name, "backend": r.backend, "ok": r.ok, "error": r.error,
                      "seconds": r.seconds, "folder": str(r.folder), "board": r.status.get("board") or None,
                      "populations": [p["label"] for p in r.status.get("populations", [])]} for r in c.runs],
        "populations": pops,
        "figures": {label: [f"figures/{f}" for _, f in figs] for label, figs in c.figures.items()},
        "projections": weights_json(c),
    }


def write_report(c: "Comparison", output: Path, figures: bool = True) -> tuple[Path, Path]:
    """Draw the figures and write ``report.md`` and ``report.json`` into ``output``."""
    if figures:
        from pynn_hw.comparison.figures import population_figures
        for label in c.populations:
            c.figures[label] = population_figures(label, c.data[label], c.metrics[label], output / "figures")
        weight_figures(c, output / "figures")
    lines = _header(c) + _summary(c) + _backends(c)
    for label in c.populations:
        lines += _population(c, label)
    lines += weight_section(c)
    lines += _failures(c) + _definitions(c)
    md = output / "report.md"
    md.write_text("\n".join(lines))
    js = output / "report.json"
    js.write_text(json.dumps(as_json(c), indent=1, allow_nan=False))
    return md, js
