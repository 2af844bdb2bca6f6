"""Per-population metrics of one backend's recording, and distances to the reference.

Metrics are computed on one segment (the first by default: the run before any
``reset()``), over ``[t_start + skip_ms, t_stop)`` of that segment. The
definitions are those of :mod:`pynn_hw.comparison.metrics`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pynn_hw.comparison import metrics


@dataclass(frozen=True)
class MetricSettings:
    """How the metrics are computed (all stated in the report).

    Attributes
    ----------
    fano_bin_ms
        Bin of the spike counts of the Fano factor.
    corr_bin_ms
        Bin of the spike counts of the pairwise correlation.
    corr_pairs
        Number of pairs of cells sampled for the correlation.
    corr_seed
        Seed of that sample (the same pairs on every backend when their varying
        cells are the same).
    vr_tau_ms
        Time constant of the van Rossum distance.
    cv_min_spikes
        Fewest spikes for a cell to have a CV of ISI.
    skip_ms
        Start of the analysis window after the segment's start (drops a transient).
    segment
        Index of the segment analysed.
    """

    fano_bin_ms: float = 50.0
    corr_bin_ms: float = 10.0
    corr_pairs: int = 500
    corr_seed: int = 12345
    vr_tau_ms: float = 5.0
    cv_min_spikes: int = 3
    skip_ms: float = 0.0
    segment: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for the JSON report."""
        return asdict(self)


@dataclass
class PopulationData:
    """The part of one backend's block that the metrics use."""

    label: str
    trains: list[Any]
    t_start: float
    t_stop: float
    signals: dict[str, Any]
    n_segments: int

    @property
    def n_cells(self) -> int:
        """Number of recorded spike trains."""
        return len(self.trains)


def population_data(label: str, block: Any, settings: MetricSettings) -> PopulationData:
    """Pick the analysed segment of ``block`` and its window.

    Raises
    ------
    ValueError
        If the block has no such segment or the window is empty after ``skip_ms``.
    """
    if settings.segment >= len(block.segments):
        raise ValueError(f"population {label!r}: segment {settings.segment} requested, the recording "
                         f"has {len(block.segments)} segment(s)")
    segment = block.segments[settings.segment]
    trains = list(segment.spiketrains)
    if trains:
        start = float(trains[0].t_start.rescale("ms").magnitude)
        stop = float(trains[0].t_stop.rescale("ms").magnitude)
    elif segment.analogsignals:
        signal = segment.analogsignals[0]
        start = float(signal.t_start.rescale("ms").magnitude)
        stop = float(signal.t_stop.rescale("ms").magnitude)
    else:
        start = stop = 0.0
    start += settings.skip_ms
    if trains and not stop > start:
        raise ValueError(f"population {label!r}: nothing left of [{start - settings.skip_ms}, {stop}) ms "
                         f"after skipping {settings.skip_ms} ms")
    signals = {s.name: s for s in segment.analogsignals}
    return PopulationData(label, trains, start, stop, signals, len(block.segments))


def _mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else math.nan


def population_metrics(data: PopulationData, settings: MetricSettings) -> dict[str, Any]:
    """Scalar metrics (keys as in :data:`pynn_hw.comparison.verdicts.METRICS`) and per-cell arrays.

    Returns
    -------
    dict
        ``n_cells``, ``n_spikes``, ``rate_hz``, ``cv_isi``, ``n_cv_cells``, ``fano``,
        ``correlation``, ``n_pairs``, and the arrays ``rates`` and ``cvs`` (per cell).
    """
    out: dict[str, Any] = {"n_cells": data.n_cells, "n_spikes": 0, "rate_hz": math.nan, "cv_isi": math.nan,
                           "n_cv_cells": 0, "fano": math.nan, "correlation": math.nan, "n_pairs": 0,
                           "rates": np.zeros(0), "cvs": np.zeros(0)}
    if not data.trains:
        return out
    window = (data.t_start, data.t_stop)
    rates = metrics.firing_rates(data.trains, *window)
    cvs = metrics.isi_cv(data.trains, *window, min_spikes=settings.cv_min_spikes)
    out.update(n_spikes=int(metrics.spike_counts(data.trains, *window).sum()), rate_hz=float(rates.mean()),
               rates=rates, cvs=cvs, cv_isi=_mean(cvs), n_cv_cells=int(np.isfinite(cvs).sum()))
    if data.t_stop - data.t_start >= 2 * settings.fano_bin_ms:
        out["fano"] = _mean(metrics.fano_factors(data.trains, settings.fano_bin_ms, *window))
    if data.t_stop - data.t_start >= 2 * settings.corr_bin_ms:
        corr = metrics.pairwise_correlations(data.trains, settings.corr_bin_ms, settings.corr_pairs,
                                             settings.corr_seed, *window)
        out.update(correlation=_mean(corr), n_pairs=int(corr.size))
    return out


def distance_to_reference(data: PopulationData, reference: PopulationData, settings: MetricSettings
                          ) -> tuple[float, float, str | None]:
    """(mean van Rossum distance per cell, pooled normalised distance, why not computed).

    The pooled normalised distance is ``sum_i D_i^2 / sum_i (n_i + n_ref_i)``: 0 for
    identical trains, about 1 when no spike has a partner within a few tau, and
    ``1 - exp(-delta/tau)`` when every spike is shifted by ``delta``.
    """
    if data.n_cells != reference.n_cells:
        return math.nan, math.nan, (f"{data.n_cells} recorded cells against {reference.n_cells} "
                                    "in the reference")
    if not data.n_cells:
        return math.nan, math.nan, "no spike trains recorded"
    window = (max(data.t_start, reference.t_start), min(data.t_stop, reference.t_stop))
    d = metrics.van_rossum_distances(data.trains, reference.trains, settings.vr_tau_ms, *window)
    n_a = metrics.spike_counts(data.trains, *window)
    n_b = metrics.spike_counts(reference.trains, *window)
    total = float(n_a.sum() + n_b.sum())
    pooled = float((d ** 2).sum() / total) if total > 0 else 0.0
    return float(d.mean()), pooled, None
