"""Spike-train metrics against analytic values (seeds fixed, tolerances stated)."""

from __future__ import annotations

import math

import neo
import numpy as np
import pytest
import quantities as pq

from pynn_hw.comparison import metrics


def poisson_trains(n: int, rate_hz: float, t_stop_ms: float, seed: int) -> list[np.ndarray]:
    """Independent homogeneous Poisson trains (exponential intervals)."""
    rng = np.random.default_rng(seed)
    expected = int(rate_hz * t_stop_ms / 1000 * 1.5) + 50
    trains = []
    for _ in range(n):
        times = np.cumsum(rng.exponential(1000.0 / rate_hz, size=expected))
        trains.append(times[times < t_stop_ms])
    return trains


# 100 trains, 20 Hz, 10 s: about 200 spikes per train
POISSON = poisson_trains(100, 20.0, 10_000.0, seed=7)


def test_rates_count_spikes_inside_the_window_only():
    trains = [np.array([-1.0, 0.0, 10.0, 999.9, 1000.0]), np.array([])]
    # 3 spikes in [0, 1000) ms = 3 Hz; the spike at 1000 ms lies outside
    assert metrics.firing_rates(trains, 0.0, 1000.0).tolist() == [3.0, 0.0]
    assert metrics.mean_rate(trains, 0.0, 1000.0) == 1.5


def test_neo_trains_give_their_own_window_and_are_rescaled():
    train = neo.SpikeTrain([0.1, 0.2, 0.3], units=pq.s, t_start=0 * pq.s, t_stop=0.5 * pq.s)
    assert metrics.window_of([train]) == (0.0, 500.0)
    assert metrics.firing_rates([train]).tolist() == [6.0]     # 3 spikes / 0.5 s


def test_plain_arrays_need_a_window():
    with pytest.raises(ValueError, match="t_start"):
        metrics.firing_rates([np.array([1.0])])


def test_poisson_trains_have_cv_and_fano_near_one():
    cv = metrics.isi_cv(POISSON, 0.0, 10_000.0)
    fano = metrics.fano_factors(POISSON, 100.0, 0.0, 10_000.0)
    # per train the estimates scatter by ~0.07 (CV) and ~0.14 (Fano); over 100 trains
    # the means scatter by ~0.01: 0.05 is about four standard deviations
    assert abs(np.nanmean(cv) - 1.0) < 0.05
    assert abs(np.nanmean(fano) - 1.0) < 0.05
    assert abs(metrics.mean_rate(POISSON, 0.0, 10_000.0) - 20.0) < 0.5


def test_regular_trains_have_cv_zero_and_fano_zero():
    trains = [np.arange(5.0, 1000.0, 10.0) + k for k in range(4)]      # 100 Hz, exact period
    assert np.allclose(metrics.isi_cv(trains, 0.0, 1000.0), 0.0, atol=1e-12)
    # 50 ms bins hold exactly 5 spikes each
    assert np.allclose(metrics.fano_factors(trains, 50.0, 0.0, 1000.0), 0.0)


def test_cv_of_known_intervals_and_too_few_spikes():
    # intervals 1 and 3: mean 2, standard deviation 1 -> CV 0.5
    trains = [np.array([0.0, 1.0, 4.0]), np.array([2.0, 3.0])]
    cv = metrics.isi_cv(trains, 0.0, 10.0)
    assert cv[0] == pytest.approx(0.5)
    assert math.isnan(cv[1])                   # 2 spikes < min_spikes = 3
    assert metrics.isi_cv(trains, 0.0, 10.0, min_spikes=2)[1] == 0.0
    with pytest.raises(ValueError, match="min_spikes must be >= 2"):
        metrics.isi_cv(trains, 0.0, 10.0, min_spikes=1)


def test_binned_counts_drop_the_partial_last_bin():
    counts = metrics.binned_counts([np.array([0.0, 9.9, 10.0, 25.0, 29.0])], 10.0, 0.0, 29.5)
    assert counts.tolist() == [[2, 1]]         # bins [0,10) [10,20); [20,29.5) is partial
    with pytest.raises(ValueError, match="longer than the analysis window"):
        metrics.binned_counts([np.array([1.0])], 50.0, 0.0, 20.0)


def test_identical_trains_correlate_perfectly_and_opposite_ones_negatively():
    a = POISSON[0]
    corr = metrics.pairwise_correlations([a, a, a], 10.0, t_start=0.0, t_stop=10_000.0)
    assert np.allclose(corr, 1.0)
    counts = np.array([[1, 0, 1, 0, 1, 0]])
    assert metrics.count_correlation(counts, 1 - counts)[0] == pytest.approx(-1.0)


def test_independent_poisson_trains_are_uncorrelated():
    mean = metrics.mean_pairwise_correlation(POISSON, 10.0, n_pairs=300, seed=1,
                                             t_start=0.0, t_stop=10_000.0)
    # 1000 bins: one coefficient scatters by ~0.03, the mean of 300 by ~0.002
    assert abs(mean) < 0.01


def test_pair_sample_is_seeded_distinct_and_complete_when_small():
    candidates = np.arange(10, 60)                       # 50 cells: 1225 pairs
    pairs = metrics.sample_pairs(candidates, 300, seed=3)
    assert pairs.shape == (300, 2)
    assert np.all(pairs[:, 0] < pairs[:, 1])
    assert np.isin(pairs, candidates).all()
    assert len({tuple(p) for p in pairs}) == 300
    assert np.array_equal(pairs, metrics.sample_pairs(candidates, 300, seed=3))
    assert not np.array_equal(pairs, metrics.sample_pairs(candidates, 300, seed=4))
    every = metrics.sample_pairs(np.arange(5), 100, seed=0)
    assert len(every) == 10 and len({tuple(p) for p in every}) == 10


def test_pair_sample_covers_the_whole_triangle():
    # with as many draws as pairs minus one, every row and column must appear
    pairs = metrics.sample_pairs(np.arange(8), 27, seed=5)
    assert len({tuple(p) for p in pairs}) == 27
    assert set(pairs[:, 0]) | set(pairs[:, 1]) == set(range(8))


def test_van_rossum_identical_trains_are_at_distance_zero():
    assert metrics.van_rossum_distance(POISSON[3], POISSON[3], 5.0) == pytest.approx(0.0, abs=1e-6)


def test_van_rossum_one_unmatched_spike_is_one():
    assert metrics.van_rossum_distance(np.array([10.0]), np.array([]), 5.0) == pytest.approx(1.0)


@pytest.mark.parametrize("delta", [0.5, 2.0, 5.0, 20.0])
def test_van_rossum_of_a_shifted_spike(delta):
    # D^2 = 1 + 1 - 2 exp(-delta/tau)
    expected = math.sqrt(2 * (1 - math.exp(-delta / 5.0)))
    assert metrics.van_rossum_distance(np.array([50.0]), np.array([50.0 + delta]), 5.0) == pytest.approx(expected)


def test_van_rossum_of_a_shifted_regular_train_and_its_normalised_value():
    a = np.arange(10.0, 1000.0, 100.0)           # 10 spikes 100 ms apart: cross terms ~exp(-20)
    d = metrics.van_rossum_distances([a], [a + 1.0], 5.0, 0.0, 1100.0)
    assert d[0] ** 2 == pytest.approx(10 * 2 * (1 - math.exp(-1.0 / 5.0)), rel=1e-6)
    norm = metrics.normalised_van_rossum(d, [10], [10])
    assert norm[0] == pytest.approx(1 - math.exp(-0.2), rel=1e-6)


def test_van_rossum_closed_form_matches_the_integral():
    rng = np.random.default_rng(11)
    a = np.sort(rng.uniform(0, 100, 7))
    b = np.sort(rng.uniform(0, 100, 4))
    tau, dt = 5.0, 0.001
    t = np.arange(0, 200, dt)

    def trace(x):
        lag = t[:, None] - x[None, :]
        return np.where(lag >= 0, np.exp(-np.maximum(lag, 0) / tau), 0.0).sum(axis=1)

    integral = (2 / tau) * np.sum((trace(a) - trace(b)) ** 2) * dt
    assert metrics.van_rossum_distance(a, b, tau) ** 2 == pytest.approx(integral, rel=1e-3)


def test_van_rossum_vectorised_over_cells_matches_pairs_one_by_one():
    a, b = POISSON[:20], POISSON[20:40]
    together = metrics.van_rossum_distances(a, b, 5.0, 0.0, 10_000.0)
    one_by_one = [metrics.van_rossum_distance(x, y, 5.0) for x, y in zip(a, b)]
    assert np.allclose(together, one_by_one, rtol=1e-9)
    with pytest.raises(ValueError, match="pairs train i with train i"):
        metrics.van_rossum_distances(a, b[:3], 5.0, 0.0, 10_000.0)
