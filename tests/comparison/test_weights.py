"""Final weights of plastic projections in the comparison: capture, metrics, verdicts, figure.

The end-to-end test runs ``scripts/plastic_net.py`` (90 STDP synapses, 1 s) on nest,
nest again and brian2, one process each (~10 s in all).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from pynn_hw.comparison import compare
from pynn_hw.comparison.verdicts import FAIL, PASS, default_tolerances, parse_tolerances
from pynn_hw.comparison.weights import WeightData, ks_distance, weight_metrics, weight_verdicts

SCRIPTS = Path(__file__).parent / "scripts"
PNG = b"\x89PNG\r\n\x1a\n"


def _data(final, pre=(0, 0, 1, 1), post=(0, 1, 0, 1), initial=None, w_max=1.0):
    final = np.asarray(final, dtype=float)
    return WeightData("p", "STDPMechanism", w_max, np.asarray(pre), np.asarray(post),
                      np.asarray(initial if initial is not None else np.full(final.size, 0.5)), final)


def test_ks_distance_is_the_largest_gap_of_the_empirical_cdfs():
    assert ks_distance(np.array([1.0, 2.0]), np.array([2.0, 1.0])) == 0.0
    assert ks_distance(np.array([0.0, 0.0]), np.array([1.0, 1.0])) == 1.0
    # F_a jumps to 1/2 at 1 while F_b is still 0 (b's values are 2 and 3)
    assert ks_distance(np.array([1.0, 4.0]), np.array([2.0, 3.0])) == 0.5
    assert math.isnan(ks_distance(np.zeros(0), np.ones(3)))
    # half the weights at the bound 1.0 on one side, 0.998 on the other: a plain KS
    # distance sees 0.5, a resolution of 0.01 forgives the shift
    low, high = np.r_[np.linspace(0.1, 0.5, 4), [0.998] * 4], np.r_[np.linspace(0.1, 0.5, 4), [1.0] * 4]
    assert ks_distance(low, high) == 0.5 and ks_distance(low, high, resolution=0.01) == 0.0
    # a shift larger than the resolution still counts in full
    assert ks_distance(np.array([0.0]), np.array([0.05]), resolution=0.01) == 1.0


def test_per_connection_difference_is_relative_to_w_max_and_needs_the_same_connections():
    ref = _data([0.2, 0.4, 0.6, 0.8], w_max=2.0)
    m, note = weight_metrics(_data([0.3, 0.4, 0.5, 0.8]), ref)
    # |diffs| = 0.1, 0, 0.1, 0 -> mean 0.05, over the reference's w_max 2
    assert m["w_diff"] == pytest.approx(0.025) and note is None
    assert m["w_mean"] == pytest.approx(0.5) and m["w_sd"] == pytest.approx(np.std([0.3, 0.4, 0.5, 0.8]))
    m, note = weight_metrics(_data([0.2, 0.4, 0.6, 0.8], post=(0, 1, 0, 2)), ref)
    assert math.isnan(m["w_diff"]) and m["w_ks"] == 0.0 and "other (pre, post) pairs" in note
    _, note = weight_metrics(_data([0.2, 0.4, 0.6, 0.8], initial=[0.1] * 4), ref)
    assert note == "the initial weights differ from the reference's"


def test_weight_verdicts_use_the_stated_kinds_of_tolerance():
    tol = default_tolerances()
    assert (tol["w_mean"], tol["w_sd"], tol["w_diff"], tol["w_ks"]) == (0.10, 0.20, 0.05, 0.15)
    metrics = {"ref": {"w_mean": 1.0, "w_sd": 0.5, "w_diff": 0.0, "w_ks": 0.0},
               "a": {"w_mean": 1.05, "w_sd": 0.65, "w_diff": 0.04, "w_ks": 0.2}}
    v = weight_verdicts(metrics, "ref", {"ref": True, "a": True}, tol, deterministic=True)["a"]
    assert v["w_mean"].status == PASS and v["w_mean"].difference == pytest.approx(0.05)
    assert v["w_sd"].status == FAIL and v["w_sd"].difference == pytest.approx(0.3)
    assert v["w_diff"].status == PASS and v["w_ks"].status == FAIL
    v = weight_verdicts(metrics, "ref", {"ref": True, "a": True}, tol, deterministic=False)["a"]
    assert v["w_diff"].reason == "network not deterministic"
    assert parse_tolerances(["w_ks=0.3"])["w_ks"] == 0.3


@pytest.fixture(scope="module")
def plastic(tmp_path_factory):
    out = tmp_path_factory.mktemp("plastic")
    result = compare(SCRIPTS / "plastic_net.py", ["nest", "nest", "brian2"], out)
    return result, out, json.loads((out / "report.json").read_text())


def test_worker_saves_only_plastic_projections_with_initial_and_final_weights(plastic):
    result, _, _ = plastic
    for run in result.runs:
        assert run.ok, run.error
        (entry,) = run.status["projections"]                       # "fixed" is static
        assert entry["label"] == "learn" and entry["n_connections"] == 90 and entry["w_max"] == 0.02
        with np.load(run.folder / entry["file"]) as f:
            assert f["pre"].max() == 29 and f["post"].max() == 2
            # initial: read before run(), uniform in [0.005, 0.015]; learning moved every weight
            assert 0.005 <= f["initial"].min() and f["initial"].max() <= 0.015
            assert np.all(f["final"] != f["initial"]) and np.all((0 <= f["final"]) & (f["final"] <= 0.02))


def test_same_backend_twice_has_zero_weight_difference(plastic):
    result, _, report = plastic
    learn = report["projections"]["learn"]
    again = learn["nest#2"]
    assert again["overall"] == PASS
    assert again["metrics"]["w_diff"] == 0.0 and again["metrics"]["w_ks"] == 0.0
    assert again["verdicts"]["w_mean"]["difference"] == 0.0
    brian = learn["brian2"]
    final = result.weight_data["learn"]["brian2"].final
    assert brian["metrics"]["w_mean"] == pytest.approx(final.mean())
    assert brian["metrics"]["w_initial_mean"] == learn["nest"]["metrics"]["w_initial_mean"]
    ref_final = result.weight_data["learn"]["nest"].final
    assert brian["metrics"]["w_diff"] == pytest.approx(np.abs(final - ref_final).mean() / 0.02)
    statuses = [v["status"] for v in brian["verdicts"].values()]
    assert brian["overall"] == (FAIL if FAIL in statuses else PASS) and "n/a" not in statuses


def test_report_has_the_weight_section_and_figure(plastic):
    _, out, report = plastic
    text = (out / "report.md").read_text()
    assert "### Projection `learn` (90 connections, STDPMechanism[SpikePairRule, AdditiveWeightDependence], " \
           "w_max 0.02)" in text
    assert "| mean abs. difference per connection / w_max | ref | 0 PASS |" in text
    assert "| KS distance of the distributions | ref | 0 PASS |" in text
    assert report["projections"]["learn"]["figure"] == "figures/weights_learn.png"
    assert "](figures/weights_learn.png)" in text
    assert (out / "figures" / "weights_learn.png").read_bytes()[:8] == PNG


def test_weights_are_kept_when_the_script_does_not_call_end(tmp_path):
    result = compare(SCRIPTS / "plastic_net.py", ["nest"], tmp_path, script_args=["--no-end"], figures=False)
    assert result.runs[0].ok and result.projections == ["learn"]
    data = result.weight_data["learn"]["nest"]
    assert data.n == 90 and not np.array_equal(data.initial, data.final)
