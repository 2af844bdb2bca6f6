"""Statistics of the random connectors, reproducibility and errors."""

import math

import numpy as np
import pytest

from pynn_hw import errors
from pynn_hw.connectors import (ConnectionContext, DisplacementDependentProbabilityConnector,
                                DistanceDependentProbabilityConnector,
                                FixedProbabilityConnector, IndexBasedExpression,
                                IndexBasedProbabilityConnector)
from pynn_hw.connectors.base import BLOCK_ELEMENTS
from pynn_hw.random import NumpyRNG
from pynn_hw.space import Space


def pairs(arrays):
    return set(zip(arrays.pre.tolist(), arrays.post.tolist()))


def is_sorted(arrays, n_post):
    key = arrays.pre.astype(np.int64) * n_post + arrays.post
    return bool(np.all(np.diff(key) >= 0))


def within_binomial(count, n, p, z=5.0):
    """True if count is within z standard deviations of Binomial(n, p)'s mean."""
    return abs(count - n * p) <= z * math.sqrt(n * p * (1 - p))


def test_fixed_probability_count_and_uniformity():
    ctx = ConnectionContext.simple(1000, 800)
    arrays = FixedProbabilityConnector(0.05, rng=NumpyRNG(seed=11)).connect(ctx)
    assert within_binomial(arrays.size, 1000 * 800, 0.05)
    assert is_sorted(arrays, 800)
    assert len(pairs(arrays)) == arrays.size  # no pair twice
    # out-degree of each pre cell ~ Binomial(800, 0.05): mean 40, var 38
    out = np.bincount(arrays.pre, minlength=1000)
    assert out.mean() == pytest.approx(40.0, abs=5 * math.sqrt(38 / 1000))
    assert out.var() == pytest.approx(38.0, rel=0.15)


def test_fixed_probability_same_seed_same_connections():
    ctx = ConnectionContext.simple(300, 300)
    a = FixedProbabilityConnector(0.1, rng=NumpyRNG(seed=3)).connect(ctx)
    b = FixedProbabilityConnector(0.1, rng=NumpyRNG(seed=3)).connect(ctx)
    c = FixedProbabilityConnector(0.1, rng=NumpyRNG(seed=4)).connect(ctx)
    assert np.array_equal(a.pre, b.pre) and np.array_equal(a.post, b.post)
    assert pairs(a) != pairs(c)


def test_fixed_probability_without_self_connections():
    ctx = ConnectionContext.simple(200, 200, same=True)
    arrays = FixedProbabilityConnector(0.5, allow_self_connections=False,
                                       rng=NumpyRNG(seed=5)).connect(ctx)
    assert not np.any(arrays.pre == arrays.post)
    assert within_binomial(arrays.size, 200 * 199, 0.5)


def test_fixed_probability_extremes():
    ctx = ConnectionContext.simple(4, 5)
    assert FixedProbabilityConnector(0.0, rng=NumpyRNG(1)).connect(ctx).size == 0
    assert FixedProbabilityConnector(1.0, rng=NumpyRNG(1)).connect(ctx).size == 20
    with pytest.raises(errors.ConnectionError, match=r"p_connect must be in \[0, 1\].*1.5"):
        FixedProbabilityConnector(1.5)


def test_distance_dependent_matches_expression():
    # Cells on a line 0..399; p = exp(-d/50). Expected count for each separation
    # s > 0 is 2 * (400 - s) * exp(-s/50); compare the counts per distance band.
    n = 400
    ctx = ConnectionContext.simple(n, n, same=True)
    arrays = DistanceDependentProbabilityConnector("exp(-d/50)", rng=NumpyRNG(seed=8)).connect(ctx)
    sep = np.abs(arrays.pre - arrays.post)
    for low, high in [(1, 20), (20, 60), (60, 150)]:
        s = np.arange(low, high)
        probs = np.exp(-s / 50.0)
        trials = 2 * (n - s)
        mean = (trials * probs).sum()
        sd = math.sqrt((trials * probs * (1 - probs)).sum())
        count = np.count_nonzero((sep >= low) & (sep < high))
        assert abs(count - mean) < 5 * sd, (low, high, count, mean)
    # d = 0 gives p = 1: every self-connection exists
    assert np.count_nonzero(sep == 0) == n


def test_distance_dependent_step_expression_is_exact():
    ctx = ConnectionContext.simple(6, 6, same=True)
    arrays = DistanceDependentProbabilityConnector("d < 1.5", allow_self_connections=False,
                                                   rng=NumpyRNG(seed=1)).connect(ctx)
    assert pairs(arrays) == {(i, j) for i in range(6) for j in range(6) if abs(i - j) == 1}


def test_distance_dependent_callable_and_space():
    # With axes='y' every cell (all at y=0) is at distance 0 -> all pairs connect.
    ctx = ConnectionContext.simple(5, 5, space=Space(axes="y"))
    arrays = DistanceDependentProbabilityConnector(lambda d: d < 0.5,
                                                   rng=NumpyRNG(seed=1)).connect(ctx)
    assert arrays.size == 25


def test_no_mutual_forbids_both_directions_and_self():
    n = 120
    ctx = ConnectionContext.simple(n, n, same=True)
    arrays = DistanceDependentProbabilityConnector("0.3 + 0*d", allow_self_connections="NoMutual",
                                                   rng=NumpyRNG(seed=2)).connect(ctx)
    got = pairs(arrays)
    assert not any((j, i) in got for (i, j) in got)
    assert not any(i == j for (i, j) in got)
    # each unordered pair is connected with probability 0.3
    assert within_binomial(len(got), n * (n - 1) // 2, 0.3)


def test_block_processing_does_not_change_result(monkeypatch):
    ctx = ConnectionContext.simple(300, 50, same=False)
    expected = DistanceDependentProbabilityConnector("exp(-d/20)", rng=NumpyRNG(7)).connect(ctx)
    import pynn_hw.connectors.base as base
    import pynn_hw.connectors.probabilistic as prob
    # blocks of 2 rows (130 // 50) instead of all 300 rows at once
    monkeypatch.setattr(prob, "row_blocks",
                        lambda r, c: base.row_blocks(r, c, max_elements=130))
    blocked = DistanceDependentProbabilityConnector("exp(-d/20)", rng=NumpyRNG(7)).connect(ctx)
    assert np.array_equal(expected.pre, blocked.pre)
    assert np.array_equal(expected.post, blocked.post)
    assert BLOCK_ELEMENTS >= 1 << 16  # large enough to vectorise, small enough for memory


def test_distance_expression_is_safe():
    with pytest.raises(errors.InvalidParameterValueError, match="unknown name '__import__'"):
        DistanceDependentProbabilityConnector("__import__('os')")
    with pytest.raises(errors.InvalidParameterValueError, match="plain function names"):
        DistanceDependentProbabilityConnector("exp.__call__(d)")
    with pytest.raises(errors.InvalidParameterValueError, match="Attribute is not allowed"):
        DistanceDependentProbabilityConnector("d.__class__")
    with pytest.raises(errors.InvalidParameterValueError, match="not valid"):
        DistanceDependentProbabilityConnector("exp(-d/")


def test_displacement_dependent_uses_signed_displacement():
    # Connect only where the post cell lies to the right (dx > 0) by at most 2.
    ctx = ConnectionContext.simple(5, 5, same=True)
    conn = DisplacementDependentProbabilityConnector(lambda disp: (disp[0] > 0) & (disp[0] <= 2),
                                                     rng=NumpyRNG(seed=1))
    assert pairs(conn.connect(ctx)) == {(i, j) for i in range(5) for j in range(5)
                                        if 0 < j - i <= 2}


class Checkerboard(IndexBasedExpression):
    def __call__(self, i, j):
        return ((i + j) % 2 == 0).astype(float)


def test_index_based_probability():
    ctx = ConnectionContext.simple(4, 4, same=True)
    arrays = IndexBasedProbabilityConnector(Checkerboard(), allow_self_connections=False,
                                            rng=NumpyRNG(seed=1)).connect(ctx)
    assert pairs(arrays) == {(i, j) for i in range(4) for j in range(4)
                             if (i + j) % 2 == 0 and i != j}


def test_index_based_needs_expression_object():
    with pytest.raises(errors.ConnectionError, match="IndexBasedExpression"):
        IndexBasedProbabilityConnector(lambda i, j: 0.5)


def test_bad_allow_self_connections_and_rng():
    with pytest.raises(errors.ConnectionError, match="'NoMutual'.*'maybe'"):
        FixedProbabilityConnector(0.1, allow_self_connections="maybe")
    with pytest.raises(errors.ConnectionError, match="rng must be"):
        FixedProbabilityConnector(0.1, rng=42)


def test_probability_function_wrong_shape():
    conn = DistanceDependentProbabilityConnector(lambda d: np.ones(7), rng=NumpyRNG(1))
    with pytest.raises(errors.ConnectionError, match=r"shape \(7,\).*\(3, 4\)"):
        conn.connect(ConnectionContext.simple(3, 4))


def test_fixed_probability_across_several_rounds_of_jumps():
    # 2000 x 2000 x 0.5 = 2e6 expected connections, more than one round of 2**20 jumps
    ctx = ConnectionContext.simple(2000, 2000)
    arrays = FixedProbabilityConnector(0.5, rng=NumpyRNG(seed=12)).connect(ctx)
    assert arrays.size > 1 << 20
    assert within_binomial(arrays.size, 2000 * 2000, 0.5)
    key = arrays.pre.astype(np.int64) * 2000 + arrays.post
    assert np.all(np.diff(key) > 0)
    # both halves of the index space are covered evenly
    assert within_binomial(np.count_nonzero(arrays.pre >= 1000), 1000 * 2000, 0.5)


def test_callback_progress_is_monotonic_and_ends_at_one():
    seen = []
    FixedProbabilityConnector(0.5, rng=NumpyRNG(1), callback=seen.append).connect(
        ConnectionContext.simple(2000, 2000))
    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] == 1.0
