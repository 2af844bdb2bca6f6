"""Verdicts under the three kinds of tolerance, and tolerance parsing."""

from __future__ import annotations

import math

import pytest

from pynn_hw.comparison.verdicts import (FAIL, METRICS_BY_NAME, NA, PASS, default_tolerances, format_difference,
                                         judge, overall, parse_tolerances)

RATE, CV, DIST = METRICS_BY_NAME["rate"], METRICS_BY_NAME["cv"], METRICS_BY_NAME["distance"]


def test_relative_tolerance_is_a_fraction_of_the_reference():
    assert judge(RATE, 10.9, 10.0, 0.10).status == PASS
    v = judge(RATE, 11.2, 10.0, 0.10)
    assert v.status == FAIL and v.difference == pytest.approx(0.12)
    assert format_difference(RATE, v) == "+12.0 %"
    assert judge(RATE, 8.95, 10.0, 0.10).status == FAIL


def test_zero_reference_rate_passes_only_zero():
    assert judge(RATE, 0.0, 0.0, 0.10).status == PASS
    assert judge(RATE, 0.1, 0.0, 0.10).status == FAIL


def test_absolute_tolerance():
    assert judge(CV, 0.95, 1.0, 0.1).status == PASS
    v = judge(CV, 0.85, 1.0, 0.1)
    assert v.status == FAIL and v.difference == pytest.approx(-0.15)
    assert format_difference(CV, v) == "-0.150"


def test_maximum_tolerance_needs_no_reference_value():
    assert judge(DIST, 0.05, math.nan, 0.1).status == PASS
    assert judge(DIST, 0.2, math.nan, 0.1).status == FAIL


def test_undefined_values_are_not_judged():
    v = judge(CV, math.nan, 1.0, 0.1)
    assert v.status == NA and v.reason == "undefined on this backend"
    assert judge(CV, 1.0, math.nan, 0.1).reason == "undefined on the reference"


def test_overall_verdict():
    assert overall([PASS, NA, PASS]) == PASS
    assert overall([PASS, FAIL, NA]) == FAIL
    assert overall([NA, NA]) == NA


def test_parse_tolerances_overrides_defaults_and_rejects_bad_items():
    tol = parse_tolerances(["rate=0.2", "distance=0.05"])
    assert tol["rate"] == 0.2 and tol["distance"] == 0.05 and tol["cv"] == default_tolerances()["cv"]
    with pytest.raises(ValueError, match="NAME one of rate, cv, fano, corr, distance"):
        parse_tolerances(["speed=1"])
    with pytest.raises(ValueError, match="'x' is not a number"):
        parse_tolerances(["rate=x"])
    with pytest.raises(ValueError, match="must be >= 0"):
        parse_tolerances(["cv=-1"])
