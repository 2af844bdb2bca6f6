"""The compared metrics, their tolerances, and the verdict of a backend against the reference.

Every metric has one tolerance of one kind:

- ``relative``: pass if ``|value - ref| <= tol * |ref|`` (a zero reference needs value 0);
- ``absolute``: pass if ``|value - ref| <= tol``;
- ``maximum``: pass if ``value <= tol`` (a distance to the reference, 0 for identical).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PASS, FAIL, NA, REF = "PASS", "FAIL", "n/a", "ref"


@dataclass(frozen=True)
class MetricSpec:
    """One compared metric: key in the metrics dict, tolerance name, text and default tolerance."""

    key: str
    name: str
    title: str
    unit: str
    kind: str
    tolerance: float
    digits: int

    def format(self, value: float | None) -> str:
        """The value as shown in the report."""
        if value is None or not math.isfinite(value):
            return "–"
        return f"{value:.{self.digits}f}" + (f" {self.unit}" if self.unit else "")

    def describe_tolerance(self, tol: float) -> str:
        """E.g. 'within 10 % of the reference'."""
        if self.kind == "relative":
            return f"within {100 * tol:g} % of the reference"
        if self.kind == "absolute":
            return f"within ±{tol:g} of the reference"
        return f"at most {tol:g}"


#: The compared metrics in report order (the registry of tolerance names).
METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("rate_hz", "rate", "mean rate", "Hz", "relative", 0.10, 2),
    MetricSpec("cv_isi", "cv", "CV of ISI", "", "absolute", 0.10, 3),
    MetricSpec("fano", "fano", "Fano factor", "", "relative", 0.20, 3),
    MetricSpec("correlation", "corr", "pairwise correlation", "", "absolute", 0.05, 4),
    MetricSpec("vr_normalised", "distance", "van Rossum distance (normalised)", "", "maximum", 0.10, 4),
)
#: The compared metrics of a plastic projection's final weights (see
#: :mod:`pynn_hw.comparison.weights`). ``w_diff`` is in units of w_max; ``w_ks``
#: 0.15 is about the 5 % critical value of a two-sample KS test of 160 against
#: 160 connections (1.36 * sqrt(2 / 160)).
WEIGHT_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("w_mean", "w_mean", "mean weight", "", "relative", 0.10, 5),
    MetricSpec("w_sd", "w_sd", "weight SD", "", "relative", 0.20, 5),
    MetricSpec("w_diff", "w_diff", "mean abs. difference per connection / w_max", "", "maximum", 0.05, 4),
    MetricSpec("w_ks", "w_ks", "KS distance of the distributions", "", "maximum", 0.15, 3),
)
METRICS_BY_NAME = {m.name: m for m in METRICS + WEIGHT_METRICS}


def default_tolerances() -> dict[str, float]:
    """Tolerance name -> default value (spike metrics and weight metrics)."""
    return {m.name: m.tolerance for m in METRICS + WEIGHT_METRICS}


def parse_tolerances(items: Iterable[str], base: Mapping[str, float] | None = None) -> dict[str, float]:
    """Apply ``NAME=VALUE`` overrides to the defaults (or ``base``).

    Raises
    ------
    ValueError
        For an unknown name, a malformed item or a negative value.
    """
    out = dict(default_tolerances() if base is None else base)
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or name not in METRICS_BY_NAME:
            raise ValueError(f"tolerance {item!r}: expected NAME=VALUE with NAME one of "
                             f"{', '.join(METRICS_BY_NAME)}")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"tolerance {item!r}: {text!r} is not a number") from None
        if not value >= 0:
            raise ValueError(f"tolerance {item!r}: the value must be >= 0 (got {value})")
        out[name] = value
    return out


@dataclass(frozen=True)
class Verdict:
    """A backend's metric against the reference.

    Attributes
    ----------
    status
        ``PASS``, ``FAIL``, ``n/a`` (cannot be judged: see ``reason``) or ``ref``.
    value, reference
        The backend's and the reference's values (NaN if undefined).
    difference
        Relative (``relative`` metrics) or absolute difference; the value itself for
        ``maximum`` metrics; NaN when not judged.
    reason
        Why the metric was not judged, or None.
    """

    status: str
    value: float
    reference: float
    difference: float
    reason: str | None = None


def judge(spec: MetricSpec, value: float, reference: float, tolerance: float) -> Verdict:
    """The verdict of ``value`` against ``reference`` under ``spec``'s kind of tolerance."""
    if not math.isfinite(value):
        return Verdict(NA, value, reference, math.nan, "undefined on this backend")
    if spec.kind == "maximum":
        return Verdict(PASS if value <= tolerance else FAIL, value, reference, value)
    if not math.isfinite(reference):
        return Verdict(NA, value, reference, math.nan, "undefined on the reference")
    if spec.kind == "relative":
        if reference == 0:
            diff = 0.0 if value == 0 else math.copysign(math.inf, value)
        else:
            diff = (value - reference) / abs(reference)
    else:
        diff = value - reference
    return Verdict(PASS if abs(diff) <= tolerance else FAIL, value, reference, diff)


def format_difference(spec: MetricSpec, verdict: Verdict) -> str:
    """The difference as shown next to a verdict: '+3.1 %', '-0.042', ''."""
    d = verdict.difference
    if spec.kind == "maximum" or not math.isfinite(d):
        return ""
    return f"{100 * d:+.1f} %" if spec.kind == "relative" else f"{d:+.{spec.digits}f}"


def overall(statuses: Iterable[str]) -> str:
    """FAIL if any metric failed, PASS if any passed and none failed, else n/a."""
    statuses = list(statuses)
    if FAIL in statuses:
        return FAIL
    return PASS if PASS in statuses else NA
