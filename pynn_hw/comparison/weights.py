"""Final weights of the plastic projections on each backend, compared with the reference.

Per projection and backend: mean and SD of the final weights; against the
reference backend: the mean absolute per-connection difference in units of
``w_max`` (connections matched by (pre, post) index, in order) and the
Kolmogorov-Smirnov distance of the two weight distributions. Verdicts use the
tolerances of :data:`pynn_hw.comparison.verdicts.WEIGHT_METRICS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from pynn_hw.comparison.verdicts import NA, REF, WEIGHT_METRICS, Verdict, judge


@dataclass
class WeightData:
    """One backend's weights of one plastic projection, sorted by (pre, post)."""

    label: str
    synapse_type: str
    w_max: float | None
    pre: np.ndarray
    post: np.ndarray
    initial: np.ndarray
    final: np.ndarray

    @property
    def n(self) -> int:
        """Number of connections."""
        return int(self.final.size)


def load_weights(run: Any) -> dict[str, WeightData]:
    """Label -> :class:`WeightData` of every plastic projection a backend run saved."""
    out = {}
    for entry in run.status.get("projections", []):
        with np.load(run.folder / entry["file"]) as f:
            pre, post, initial, final = (np.asarray(f[k]) for k in ("pre", "post", "initial", "final"))
        order = np.lexsort((post, pre))          # stable: repeated (pre, post) pairs keep their order
        out[entry["label"]] = WeightData(entry["label"], entry["synapse_type"], entry.get("w_max"),
                                         pre[order], post[order], initial[order], final[order])
    return out


#: Shift (in units of w_max) that the KS distance forgives: weights piled up at a
#: bound differ by a few 0.1 % between simulators (NEST applies the depression of
#: the last pre-synaptic spike after the last potentiation), and a plain KS
#: distance would count half the weights as different for that alone.
KS_RESOLUTION = 0.01


def ks_distance(a: np.ndarray, b: np.ndarray, resolution: float = 0.0) -> float:
    """Largest gap between the empirical distribution functions F_a and F_b, each allowed
    to shift by up to ``resolution``: ``max(sup F_a(x) - F_b(x + r), sup F_b(x) - F_a(x + r), 0)``.

    With ``resolution`` 0 this is the two-sample Kolmogorov-Smirnov statistic. NaN if
    either sample is empty.
    """
    if not a.size or not b.size:
        return math.nan
    a, b = np.sort(a), np.sort(b)
    # each supremum is reached at a jump of the leading function
    a_over_b = np.arange(1, a.size + 1) / a.size - np.searchsorted(b, a + resolution, side="right") / b.size
    b_over_a = np.arange(1, b.size + 1) / b.size - np.searchsorted(a, b + resolution, side="right") / a.size
    return float(max(a_over_b.max(), b_over_a.max(), 0.0))


def weight_scale(data: WeightData) -> float:
    """w_max if known, else the largest |weight| (initial or final); 1 if all are 0."""
    if data.w_max is not None and data.w_max > 0:
        return float(data.w_max)
    top = float(np.abs(np.concatenate([data.initial, data.final])).max()) if data.n else 0.0
    return top if top > 0 else 1.0


def same_connections(a: WeightData, b: WeightData) -> bool:
    """True if both hold the same (pre, post) connections."""
    return a.n == b.n and np.array_equal(a.pre, b.pre) and np.array_equal(a.post, b.post)


def weight_metrics(data: WeightData, ref: WeightData | None) -> tuple[dict[str, float], str | None]:
    """(metrics, note): ``n``, ``w_mean``, ``w_sd`` (ddof 0), ``w_initial_mean``, and against
    ``ref``: ``w_diff`` (mean |w - w_ref| / w_max of the reference), ``w_ks`` (with a
    resolution of :data:`KS_RESOLUTION` w_max)."""
    m = {"n": float(data.n), "w_mean": float(data.final.mean()) if data.n else math.nan,
         "w_sd": float(data.final.std()) if data.n else math.nan,
         "w_initial_mean": float(data.initial.mean()) if data.n else math.nan,
         "w_diff": math.nan, "w_ks": math.nan}
    if ref is None:
        return m, None
    m["w_ks"] = ks_distance(data.final, ref.final, KS_RESOLUTION * weight_scale(ref))
    if not same_connections(data, ref):
        return m, f"{data.n} connections against {ref.n} in the reference, or other (pre, post) pairs"
    if data.n:
        m["w_diff"] = float(np.abs(data.final - ref.final).mean() / weight_scale(ref))
    if not np.allclose(data.initial, ref.initial, rtol=1e-6, atol=0.0):
        return m, "the initial weights differ from the reference's"
    return m, None


def weight_verdicts(metrics: dict[str, dict[str, float]], reference: str, ok: dict[str, bool],
                    tolerances: dict[str, float], deterministic: bool) -> dict[str, dict[str, Verdict]]:
    """Run name -> tolerance name -> verdict, for one projection."""
    ref = metrics.get(reference)
    out: dict[str, dict[str, Verdict]] = {}
    for name, run_ok in ok.items():
        mine = metrics.get(name)
        row = {}
        for spec in WEIGHT_METRICS:
            value = mine.get(spec.key, math.nan) if mine else math.nan
            ref_value = ref.get(spec.key, math.nan) if ref else math.nan
            if name == reference and mine is not None:
                row[spec.name] = Verdict(REF, value, value, math.nan)
            elif not run_ok:
                row[spec.name] = Verdict(NA, math.nan, ref_value, math.nan, "backend failed")
            elif mine is None:
                row[spec.name] = Verdict(NA, math.nan, ref_value, math.nan, "no such projection on this backend")
            elif ref is None:
                row[spec.name] = Verdict(NA, value, math.nan, math.nan, "no reference data")
            elif spec.name == "w_diff" and not deterministic:
                row[spec.name] = Verdict(NA, value, math.nan, math.nan, "network not deterministic")
            else:
                row[spec.name] = judge(spec, value, ref_value, tolerances[spec.name])
        out[name] = row
    return out
