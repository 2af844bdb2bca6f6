"""Exact degrees of the fixed-number connectors, small-world degree, and errors."""

import numpy as np
import pytest

from pynn_hw import errors
from pynn_hw.connectors import (ConnectionContext, FixedNumberPostConnector,
                                FixedNumberPreConnector, FixedTotalNumberConnector,
                                SmallWorldConnector)
from pynn_hw.random import NumpyRNG, RandomDistribution
from pynn_hw.space import Space


def keys(arrays, n_post):
    return arrays.pre.astype(np.int64) * n_post + arrays.post


@pytest.mark.parametrize("n", [3, 40, 59])  # sparse path, dense path, all but self
def test_fixed_number_pre_exact_in_degree_no_duplicates(n):
    ctx = ConnectionContext.simple(60, 50, same=False)
    arrays = FixedNumberPreConnector(n, rng=NumpyRNG(seed=n)).connect(ctx)
    assert np.array_equal(np.bincount(arrays.post, minlength=50), np.full(50, n))
    k = keys(arrays, 50)
    assert np.all(np.diff(k) > 0)  # sorted and no pair twice


@pytest.mark.parametrize("n", [5, 49])
def test_fixed_number_pre_without_self_connections(n):
    ctx = ConnectionContext.simple(50, 50, same=True)
    arrays = FixedNumberPreConnector(n, allow_self_connections=False,
                                     rng=NumpyRNG(seed=1)).connect(ctx)
    assert np.all(np.bincount(arrays.post, minlength=50) == n)
    assert not np.any(arrays.pre == arrays.post)
    assert np.unique(keys(arrays, 50)).size == arrays.size


@pytest.mark.parametrize("n", [5, 15])  # rejection path, sorted-keys path
def test_fixed_number_pre_sources_are_uniform(n):
    # 2000 post cells each pick n of 20 pre cells: each pre cell is picked
    # Binomial(2000, n/20) times: sd = sqrt(2000 * 1/4 * 3/4) = 19.4 for both n.
    ctx = ConnectionContext.simple(20, 2000)
    arrays = FixedNumberPreConnector(n, rng=NumpyRNG(seed=4)).connect(ctx)
    counts = np.bincount(arrays.pre, minlength=20)
    assert np.all(np.abs(counts - 2000 * n / 20) < 5 * 19.4)


def test_fixed_number_post_exact_out_degree():
    ctx = ConnectionContext.simple(30, 100, same=False)
    arrays = FixedNumberPostConnector(7, rng=NumpyRNG(seed=2)).connect(ctx)
    assert np.all(np.bincount(arrays.pre, minlength=30) == 7)
    assert np.unique(keys(arrays, 100)).size == arrays.size


def test_fixed_number_with_replacement_allows_repeats():
    ctx = ConnectionContext.simple(3, 10)
    arrays = FixedNumberPreConnector(8, with_replacement=True, rng=NumpyRNG(seed=2)).connect(ctx)
    assert np.all(np.bincount(arrays.post, minlength=10) == 8)
    assert np.unique(keys(arrays, 10)).size < arrays.size  # 8 draws from 3 must repeat
    assert np.all(np.diff(keys(arrays, 10)) >= 0)


def test_fixed_number_with_replacement_without_self():
    ctx = ConnectionContext.simple(2, 2, same=True)
    arrays = FixedNumberPostConnector(5, allow_self_connections=False, with_replacement=True,
                                      rng=NumpyRNG(seed=2)).connect(ctx)
    # the only partner of cell 0 is cell 1 and vice versa
    assert sorted(set(zip(arrays.pre.tolist(), arrays.post.tolist()))) == [(0, 1), (1, 0)]


def test_fixed_number_from_distribution():
    ctx = ConnectionContext.simple(40, 200)
    n = RandomDistribution("uniform_int", (2, 6), rng=NumpyRNG(seed=9))
    arrays = FixedNumberPreConnector(n, rng=NumpyRNG(seed=3)).connect(ctx)
    expected = RandomDistribution("uniform_int", (2, 6), rng=NumpyRNG(seed=9)).next(200)
    assert np.array_equal(np.bincount(arrays.post, minlength=200), expected)


def test_fixed_number_from_distribution_mixing_both_paths():
    # counts 2..17 of 20 sources: rows above 5 take the sorted-keys path
    ctx = ConnectionContext.simple(20, 20, same=True)
    n = RandomDistribution("uniform_int", (2, 18), rng=NumpyRNG(seed=1))
    arrays = FixedNumberPreConnector(n, allow_self_connections=False,
                                     rng=NumpyRNG(seed=3)).connect(ctx)
    expected = RandomDistribution("uniform_int", (2, 18), rng=NumpyRNG(seed=1)).next(20)
    assert np.array_equal(np.bincount(arrays.post, minlength=20), expected)
    assert not np.any(arrays.pre == arrays.post)
    assert np.all(np.diff(keys(arrays, 20)) > 0)


def test_fixed_number_too_many_without_replacement_gives_numbers():
    ctx = ConnectionContext.simple(10, 10, same=True)
    with pytest.raises(errors.ConnectionError, match=r"needs 10 connections but only 9.*itself"):
        FixedNumberPreConnector(10, allow_self_connections=False,
                                rng=NumpyRNG(1)).connect(ctx)
    with pytest.raises(errors.ConnectionError, match="needs 11 connections but only 10"):
        FixedNumberPostConnector(11, rng=NumpyRNG(1)).connect(ctx)
    with pytest.raises(errors.ConnectionError, match="integer or a RandomDistribution"):
        FixedNumberPreConnector(2.5)


def test_fixed_number_same_seed_same_connections():
    ctx = ConnectionContext.simple(100, 100)
    a = FixedNumberPreConnector(10, rng=NumpyRNG(seed=5)).connect(ctx)
    b = FixedNumberPreConnector(10, rng=NumpyRNG(seed=5)).connect(ctx)
    assert np.array_equal(a.pre, b.pre) and np.array_equal(a.post, b.post)


@pytest.mark.parametrize("n, replacement", [(500, True), (500, False), (1400, False)])
def test_fixed_total_number_exact_total(n, replacement):
    ctx = ConnectionContext.simple(40, 40, same=True)
    arrays = FixedTotalNumberConnector(n, allow_self_connections=False,
                                       with_replacement=replacement,
                                       rng=NumpyRNG(seed=6)).connect(ctx)
    assert arrays.size == n
    assert not np.any(arrays.pre == arrays.post)
    assert np.all(np.diff(keys(arrays, 40)) >= 0)
    if not replacement:
        assert np.unique(keys(arrays, 40)).size == n


def test_fixed_total_number_too_many():
    ctx = ConnectionContext.simple(3, 3, same=True)
    with pytest.raises(errors.ConnectionError, match=r"n=7 .*only 6.*3 x 3 minus 3"):
        FixedTotalNumberConnector(7, allow_self_connections=False, with_replacement=False,
                                  rng=NumpyRNG(1)).connect(ctx)


def test_small_world_without_rewiring_is_the_ring_lattice():
    ctx = ConnectionContext.simple(10, 10, same=True,
                                   space=Space(periodic_boundaries=((0, 10), None, None)))
    arrays = SmallWorldConnector(degree=2.5, rewiring=0.0, allow_self_connections=False,
                                 rng=NumpyRNG(seed=1)).connect(ctx)
    # on a ring of 10, neighbours within 2.5: 2 on each side -> out-degree 4
    assert np.all(np.bincount(arrays.pre, minlength=10) == 4)
    sep = (arrays.post - arrays.pre) % 10
    assert set(sep.tolist()) == {1, 2, 8, 9}


def test_small_world_rewiring_keeps_out_degree_and_moves_a_fraction():
    n = 400
    ctx = ConnectionContext.simple(n, n, same=True,
                                   space=Space(periodic_boundaries=((0, n), None, None)))
    arrays = SmallWorldConnector(degree=3.5, rewiring=0.2, allow_self_connections=False,
                                 rng=NumpyRNG(seed=3)).connect(ctx)
    assert np.all(np.bincount(arrays.pre, minlength=n) == 6)
    assert not np.any(arrays.pre == arrays.post)
    far = np.abs(((arrays.post - arrays.pre + n // 2) % n) - n // 2) > 3
    # a rewired target lands outside the neighbourhood with prob 1 - 6/399;
    # expected far fraction 0.2 * 0.985 = 0.197, sd sqrt(p(1-p)/2400) = 0.008
    assert far.mean() == pytest.approx(0.197, abs=0.04)


def test_small_world_n_connections():
    ctx = ConnectionContext.simple(50, 50, same=True)
    arrays = SmallWorldConnector(degree=5.5, rewiring=0.0, n_connections=3,
                                 allow_self_connections=False, rng=NumpyRNG(seed=3)).connect(ctx)
    assert np.all(np.bincount(arrays.pre, minlength=50) == 3)
    assert np.all(np.abs(arrays.pre - arrays.post) <= 5)
    with pytest.raises(errors.ConnectionError, match="has 1 neighbours.*n_connections=3"):
        SmallWorldConnector(degree=1.5, rewiring=0.0, n_connections=3,
                            allow_self_connections=False, rng=NumpyRNG(1)).connect(
            ConnectionContext.simple(2, 2, same=True))
