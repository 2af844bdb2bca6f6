"""Spike sources on NEURON: playback, rates and interval statistics, reseeding (with
tests/backends/test_common_spike_sources.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std


def test_off_grid_spike_times_are_played_back_exactly(net):
    # off-grid times are kept (on-grid playback: tests/backends/test_common_spike_sources.py)
    times = [[0.5, 3.25, 10.0], [], [7.0]]
    builder = net()
    builder.population(std.SpikeSourceArray, 3, record={"spikes": "all"},
                       spike_times=np.array([Sequence(t) for t in times], dtype=object))
    backend = builder.build()
    backend.run_until(20.0)
    data = backend.get_spikes(0, clear=False)
    for cell, expected in enumerate(times):
        np.testing.assert_allclose(np.sort(data.times[data.cells == cell]), expected)


def test_new_spike_times_replace_the_old_ones_mid_run(net):
    builder = net()
    builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                       spike_times=Sequence([5.0, 15.0, 25.0]))
    backend = builder.build()
    backend.run_until(10.0)
    holder = np.empty((), dtype=object)
    holder[()] = Sequence([12.0, 30.0])
    backend.set_parameters(0, np.array([0]), "spike_times", holder)
    backend.run_until(40.0)
    # 5 ms before the change, then only the new list (15 and 25 are gone)
    np.testing.assert_allclose(np.sort(backend.get_spikes(0, clear=False).times),
                               [5.0, 12.0, 30.0])


def test_poisson_rate_and_window(net):
    # 400 sources x 20 Hz x 0.5 s: 4000 spikes expected, sd 63; 5 sd = 8 %
    builder = net()
    builder.population(std.SpikeSourcePoisson, 400, record={"spikes": "all"},
                       rate=20.0, start=100.0, duration=500.0)
    backend = builder.build()
    backend.run_until(800.0)
    times = backend.get_spikes(0, clear=False).times
    assert abs(times.size - 4000) < 5 * np.sqrt(4000)
    assert times.min() > 100.0 and times.max() <= 600.0


def test_poisson_intervals_are_exponential(net):
    builder = net()
    builder.population(std.SpikeSourcePoisson, 100, record={"spikes": "all"}, rate=50.0)
    backend = builder.build()
    backend.run_until(2000.0)
    data = backend.get_spikes(0, clear=False)
    isi = np.concatenate([np.diff(np.sort(data.times[data.cells == c])) for c in range(100)])
    # exponential: mean 20 ms and coefficient of variation 1 (about 10000 intervals)
    assert isi.mean() == pytest.approx(20.0, rel=0.05)
    assert isi.std() / isi.mean() == pytest.approx(1.0, abs=0.05)


def test_refractory_poisson_keeps_rate_and_dead_time(net):
    builder = net()
    builder.population(std.SpikeSourcePoissonRefractory, 100, record={"spikes": "all"},
                       rate=50.0, tau_refrac=5.0)
    backend = builder.build()
    backend.run_until(2000.0)
    data = backend.get_spikes(0, clear=False)
    isi = np.concatenate([np.diff(np.sort(data.times[data.cells == c])) for c in range(100)])
    assert isi.min() >= 5.0
    # dead time 5 ms + exponential of mean 15 ms: mean 20 ms, sd 15 ms
    assert isi.mean() == pytest.approx(20.0, rel=0.05)
    assert isi.std() == pytest.approx(15.0, rel=0.07)


@pytest.mark.parametrize("alpha", [0.5, 3.0])
def test_gamma_intervals_have_the_gamma_moments(net, alpha):
    # intervals Gamma(alpha, scale 1000/beta ms): mean alpha 1000/beta, CV 1/sqrt(alpha)
    beta = 100.0 * alpha        # 100 Hz output rate
    builder = net()
    builder.population(std.SpikeSourceGamma, 50, record={"spikes": "all"}, alpha=alpha,
                       beta=beta)
    backend = builder.build()
    backend.run_until(2000.0)
    data = backend.get_spikes(0, clear=False)
    isi = np.concatenate([np.diff(np.sort(data.times[data.cells == c])) for c in range(50)])
    assert isi.mean() == pytest.approx(10.0, rel=0.04)
    assert isi.std() / isi.mean() == pytest.approx(1.0 / np.sqrt(alpha), rel=0.06)


def test_random_sources_repeat_with_the_same_seed_and_differ_with_another(net):
    def spikes(**options):
        builder = net(**options)
        builder.population(std.SpikeSourcePoisson, 10, record={"spikes": "all"}, rate=100.0)
        backend = builder.build()
        backend.run_until(100.0)
        data = backend.get_spikes(0, clear=False)
        backend.end()
        return data.times
    first = spikes(native_rng_baseseed=7)
    np.testing.assert_array_equal(first, spikes(native_rng_baseseed=7))
    other = spikes(native_rng_baseseed=8)
    assert first.size != other.size or not np.allclose(first, other)


def test_spike_sources_record_nothing_but_spikes(net):
    from pynn_hw.errors import RecordingError
    builder = net()
    builder.population(std.SpikeSourcePoisson, 1, record={"v": "all"})
    with pytest.raises(RecordingError, match="spikes"):
        builder.build()
