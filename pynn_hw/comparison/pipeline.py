"""``compare()``: run a script on several backends, compute metrics and verdicts, write the report."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pynn_hw.comparison.analysis import (MetricSettings, PopulationData, distance_to_reference,
                                         population_data, population_metrics)
from pynn_hw.comparison.boards import resolve_board
from pynn_hw.comparison.runner import BackendRun, run_all
from pynn_hw.comparison.script_args import prepare_script_args
from pynn_hw.comparison.verdicts import METRICS, NA, REF, Verdict, default_tolerances, judge
from pynn_hw.comparison.weights import WeightData, load_weights, weight_metrics, weight_verdicts

#: The environment variable through which the emulator backend takes its board.
BOARD_ENV = "PYNN_HW_BOARD"
#: Backends that ``compare`` accepts, by their module name under pynn_hw.
BACKENDS = ("nest", "emulator", "brian2", "neuron")


@dataclass
class Comparison:
    """Everything the report shows; ``metrics[pop][run]`` and ``verdicts[pop][run][metric name]``."""

    script: Path
    script_args: list[str]
    args_note: str | None
    reference: str
    runs: list[BackendRun]
    settings: MetricSettings
    tolerances: dict[str, float]
    started: str
    populations: list[str] = field(default_factory=list)
    data: dict[str, dict[str, PopulationData]] = field(default_factory=dict)
    metrics: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    verdicts: dict[str, dict[str, dict[str, Verdict]]] = field(default_factory=dict)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    stochastic: list[str] = field(default_factory=list)
    figures: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    output: Path | None = None
    #: Plastic projections (labels, report order) and, per label and run name, their
    #: weights, metrics, verdicts (per tolerance name), notes; and per label the figure file.
    projections: list[str] = field(default_factory=list)
    weight_data: dict[str, dict[str, WeightData]] = field(default_factory=dict)
    weight_metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    weight_verdicts: dict[str, dict[str, dict[str, Verdict]]] = field(default_factory=dict)
    weight_notes: dict[str, dict[str, str]] = field(default_factory=dict)
    weight_figures: dict[str, str] = field(default_factory=dict)

    @property
    def reference_run(self) -> BackendRun | None:
        """The reference backend's run."""
        return next((r for r in self.runs if r.name == self.reference), None)

    @property
    def deterministic(self) -> bool:
        """True if the network draws no simulator random numbers (as seen by the reference run)."""
        return not self.stochastic


def _analyse(comparison: Comparison) -> None:
    settings = comparison.settings
    for run in comparison.runs:
        if not run.ok:
            continue
        for label, block in run.blocks().items():
            if label not in comparison.data:
                comparison.populations.append(label)
                comparison.data[label] = {}
            try:
                comparison.data[label][run.name] = population_data(label, block, settings)
            except ValueError as err:
                comparison.notes.setdefault(label, {})[run.name] = str(err)
    ref = comparison.reference_run
    source = ref if ref is not None and ref.ok else next((r for r in comparison.runs if r.ok), None)
    comparison.stochastic = list(source.status.get("stochastic", [])) if source is not None else []
    for label in comparison.populations:
        per_run = comparison.data[label]
        comparison.metrics[label] = {name: population_metrics(d, settings) for name, d in per_run.items()}
        ref_data = per_run.get(comparison.reference)
        if comparison.deterministic and ref_data is not None:
            for name, d in per_run.items():
                if name == comparison.reference:
                    comparison.metrics[label][name].update(vr_mean=0.0, vr_normalised=0.0)
                    continue
                mean, pooled, why = distance_to_reference(d, ref_data, settings)
                comparison.metrics[label][name].update(vr_mean=mean, vr_normalised=pooled)
                if why:
                    comparison.notes.setdefault(label, {})[name] = f"distance not computed: {why}"
        comparison.verdicts[label] = _verdicts(comparison, label)
    _analyse_weights(comparison)


def _analyse_weights(comparison: Comparison) -> None:
    for run in comparison.runs:
        if not run.ok:
            continue
        for label, data in load_weights(run).items():
            if label not in comparison.weight_data:
                comparison.projections.append(label)
                comparison.weight_data[label] = {}
            comparison.weight_data[label][run.name] = data
    ok = {run.name: run.ok for run in comparison.runs}
    for label in comparison.projections:
        per_run = comparison.weight_data[label]
        ref = per_run.get(comparison.reference)
        comparison.weight_metrics[label] = {}
        for name, data in per_run.items():
            metrics, note = weight_metrics(data, ref)
            comparison.weight_metrics[label][name] = metrics
            if note and name != comparison.reference:
                comparison.weight_notes.setdefault(label, {})[name] = note
        comparison.weight_verdicts[label] = weight_verdicts(
            comparison.weight_metrics[label], comparison.reference, ok, comparison.tolerances,
            comparison.deterministic)


def _verdicts(comparison: Comparison, label: str) -> dict[str, dict[str, Verdict]]:
    out: dict[str, dict[str, Verdict]] = {}
    ref_metrics = comparison.metrics[label].get(comparison.reference)
    for run in comparison.runs:
        mine = comparison.metrics[label].get(run.name)
        row: dict[str, Verdict] = {}
        for spec in METRICS:
            value = mine.get(spec.key, math.nan) if mine else math.nan
            ref_value = ref_metrics.get(spec.key, math.nan) if ref_metrics else math.nan
            if run.name == comparison.reference and mine is not None:
                row[spec.name] = Verdict(REF, value, value, math.nan)
            elif not run.ok:
                row[spec.name] = Verdict(NA, math.nan, ref_value, math.nan, "backend failed")
            elif mine is None:
                row[spec.name] = Verdict(NA, math.nan, ref_value, math.nan, "not recorded on this backend")
            elif ref_metrics is None:
                row[spec.name] = Verdict(NA, value, math.nan, math.nan, "no reference data")
            elif spec.name == "distance" and not comparison.deterministic:
                row[spec.name] = Verdict(NA, math.nan, math.nan, math.nan,
                                         "network not deterministic")
            else:
                row[spec.name] = judge(spec, value, ref_value, comparison.tolerances[spec.name])
        out[run.name] = row
    return out


def compare(script: str | Path, backends: Sequence[str], output: str | Path, *,
            reference: str | None = None, script_args: Sequence[str] = (),
            tolerances: dict[str, float] | None = None, settings: MetricSettings | None = None,
            board: str | None = None, timeout: float | None = None, figures: bool = True,
            progress: Callable[[str], Any] | None = None) -> Comparison:
    """Run ``script`` on each backend (one process each) and write the comparison report.

    Parameters
    ----------
    script
        Path of an unmodified PyNN script.
    backends
        pynn_hw backend names, in report order; a backend may repeat (``nest``,
        ``nest``) to check reproducibility.
    output
        Folder for ``report.md``, ``report.json``, ``figures/`` and ``runs/``.
    reference
        The backend the others are judged against; default ``nest`` if present,
        else the first backend.
    script_args
        Arguments for the script; ``{module}`` becomes ``pynn_hw.<backend>``.
    tolerances
        Tolerance name -> value (see :mod:`pynn_hw.comparison.verdicts`); missing
        names keep their defaults.
    settings
        How the metrics are computed.
    board
        Board for the emulator backend, passed as ``PYNN_HW_BOARD``: a shipped board
        name, a board file, or ``torus:RxC[:LINK[:ROUTER[:DELAY[:BUFFER]]]]`` (see
        :mod:`pynn_hw.comparison.boards`). None: the emulator's default.
    timeout
        Seconds a backend may run before it is stopped and reported as failed.
    figures
        Write the PNG figures (and link them from the report).

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        For an unknown backend, or a reference that is not among the backends.
    """
    backends = list(backends)
    unknown = [b for b in backends if b not in BACKENDS]
    if not backends or unknown:
        raise ValueError(f"backends {unknown or backends!r}: valid backends are {', '.join(BACKENDS)}")
    if reference is None:
        reference = "nest" if "nest" in backends else backends[0]
    if reference not in backends:
        raise ValueError(f"reference {reference!r} is not among the compared backends "
                         f"({', '.join(backends)}); add --backend {reference} or choose --reference")
    script = Path(script).resolve()
    if not script.is_file():
        raise FileNotFoundError(f"script {str(script)!r} does not exist")
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    args, note = prepare_script_args(script, list(script_args))
    board = resolve_board(board, output / "runs")
    env = {"emulator": {BOARD_ENV: board}} if board else {}
    comparison = Comparison(script=script, script_args=args, args_note=note, reference=reference,
                            runs=[], settings=settings or MetricSettings(),
                            tolerances={**default_tolerances(), **(tolerances or {})},
                            started=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                            output=output)
    comparison.runs = run_all(script, backends, output, args, env_per_backend=env, timeout=timeout,
                              progress=progress)
    _analyse(comparison)
    from pynn_hw.comparison.report import write_report
    write_report(comparison, output, figures=figures)
    return comparison
