"""Spike sources on NEST: exact playback, window, rate and interval statistics (with
tests/backends/test_common_spike_sources.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import RoundingWarning
from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std


def _object_array(items):
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def test_spike_array_plays_back_exact_times_off_grid(net):
    # on the grid: tests/backends/test_common_spike_sources.py
    builder = net(spike_precision="off_grid", min_delay=0.2)
    times = _object_array([Sequence([0.5, 1.0, 7.3, 20.0]), Sequence([]), Sequence([3.3])])
    builder.population(std.SpikeSourceArray, 3, record={"spikes": "all"}, spike_times=times)
    backend = builder.build()
    backend.run_until(25.0)
    spikes = backend.get_spikes(0, clear=False)
    order = np.lexsort((spikes.times, spikes.cells))
    np.testing.assert_array_equal(spikes.cells[order], [0, 0, 0, 0, 2])
    np.testing.assert_allclose(spikes.times[order], [0.5, 1.0, 7.3, 20.0, 3.3], atol=1e-9)


def test_spikes_too_early_for_nest_move_with_a_warning(net):
    # a source spike needs one step in its generator and one to reach its parrot:
    # the earliest spike is at 2 dt = 0.2 ms, whatever the network's min_delay
    builder = net(min_delay=0.5)
    builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                       spike_times=Sequence([0.0, 0.1, 0.2, 3.0]))
    with pytest.warns(RoundingWarning, match="0.2 ms; 2 spike"):
        backend = builder.build()
    backend.run_until(5.0)
    np.testing.assert_allclose(backend.get_spikes(0, clear=False).times, [0.2, 0.2, 0.2, 3.0])


def test_recording_precision_sets_the_decimals_of_spike_times(net):
    builder = net(spike_precision="off_grid", recording_precision=1)
    builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                       spike_times=Sequence([1.234, 2.0]))
    backend = builder.build()
    backend.run_until(3.0)
    np.testing.assert_array_equal(backend.get_spikes(0, clear=False).times, [1.2, 2.0])


def test_changing_spike_times_between_runs(net):
    builder = net()
    builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                       spike_times=Sequence([1.0]))
    backend = builder.build()
    backend.run_until(5.0)
    holder = np.empty((), dtype=object)
    holder[()] = Sequence([7.0, 8.5])
    backend.set_parameters(0, np.array([0]), "spike_times", holder)
    backend.run_until(10.0)
    np.testing.assert_allclose(backend.get_spikes(0, clear=False).times, [1.0, 7.0, 8.5])


def _isi_stats(spikes, n):
    isis = np.concatenate([np.diff(np.sort(spikes.times[spikes.cells == i])) for i in range(n)])
    return isis, isis.std() / isis.mean()


@pytest.mark.parametrize("precision", ["on_grid", "off_grid"])
def test_poisson_rate_and_window(net, precision):
    # 200 sources x 50 Hz x 2 s = 20000 spikes expected, sd 141: allow 4 sd.
    builder = net(spike_precision=precision, rng_seed=1234)
    builder.population(std.SpikeSourcePoisson, 200, record={"spikes": "all"}, rate=50.0,
                       start=100.0, duration=2000.0)
    backend = builder.build()
    backend.run_until(2500.0)
    spikes = backend.get_spikes(0, clear=False)
    assert abs(spikes.times.size - 20000) < 4 * np.sqrt(20000)
    assert spikes.times.min() > 100.0 and spikes.times.max() <= 2100.0 + 1e-9
    _, cv = _isi_stats(spikes, 200)
    assert cv == pytest.approx(1.0, abs=0.05)


def test_poisson_rates_per_cell(net):
    builder = net(rng_seed=7)
    builder.population(std.SpikeSourcePoisson, 2, record={"spikes": "all"},
                       rate=np.array([10.0, 200.0]))
    backend = builder.build()
    backend.run_until(5000.0)
    counts = np.bincount(backend.get_spikes(0, clear=False).cells, minlength=2)
    # expected 50 and 1000 spikes (sd 7 and 32)
    assert abs(counts[0] - 50) < 30 and abs(counts[1] - 1000) < 130


def test_refractory_poisson_has_no_interval_below_dead_time(net):
    builder = net(rng_seed=5)
    builder.population(std.SpikeSourcePoissonRefractory, 50, record={"spikes": "all"},
                       rate=80.0, tau_refrac=5.0)
    backend = builder.build()
    backend.run_until(2000.0)
    spikes = backend.get_spikes(0, clear=False)
    isis, _ = _isi_stats(spikes, 50)
    assert isis.min() >= 5.0 - 1e-9
    assert abs(spikes.times.size - 8000) < 600


def test_inhomogeneous_gamma_with_constant_parameters_is_a_gamma_process(net):
    # a = 4, b = 5 ms: rate 1 / (a b) = 50 Hz, ISI CV = 1/sqrt(4) = 0.5 (the grid
    # adds a little variance); 100 cells x 2 s -> 10000 spikes expected
    builder = net(rng_seed=8)
    builder.population(std.SpikeSourceInhGamma, 100, record={"spikes": "all"},
                       a=Sequence([4.0]), b=Sequence([0.005]), tbins=Sequence([0.0]))
    backend = builder.build()
    for t in (500.0, 1234.5, 2000.0):   # drawn run by run
        backend.run_until(t)
    spikes = backend.get_spikes(0, clear=False)
    assert abs(spikes.times.size - 10000) < 400
    _, cv = _isi_stats(spikes, 100)
    assert cv == pytest.approx(0.5, abs=0.05)
    assert spikes.times.min() >= 0.2 - 1e-9


def test_inhomogeneous_gamma_off_grid_has_exact_gamma_intervals(net):
    # a = 3, b = 10 ms: mean ISI a b = 30 ms, CV 1/sqrt(3) = 0.577; ~6600 intervals,
    # so the mean is known to 0.4 ms (1 sd) and the CV to about 0.01
    builder = net(spike_precision="off_grid", rng_seed=13)
    builder.population(std.SpikeSourceInhGamma, 100, record={"spikes": "all"},
                       a=Sequence([3.0]), b=Sequence([0.01]))
    backend = builder.build()
    backend.run_until(2000.0)
    spikes = backend.get_spikes(0, clear=False)
    isis, cv = _isi_stats(spikes, 100)
    assert isis.mean() == pytest.approx(30.0, abs=1.5)
    assert cv == pytest.approx(1 / np.sqrt(3), abs=0.03)
    steps = spikes.times / 0.1
    assert np.mean(np.abs(steps - np.round(steps)) > 1e-6) > 0.9    # off the grid


def test_inhomogeneous_gamma_follows_its_bins_and_window(net):
    # 20 Hz Poisson (a = 1, b = 0.05 s) from 100 ms, 100 Hz from 600 ms; stop at 900 ms
    builder = net(rng_seed=9)
    builder.population(std.SpikeSourceInhGamma, 200, record={"spikes": "all"},
                       a=Sequence([1.0, 1.0]), b=Sequence([0.05, 0.01]),
                       tbins=Sequence([100.0, 600.0]), start=0.0, duration=900.0)
    backend = builder.build()
    backend.run_until(1000.0)
    times = backend.get_spikes(0, clear=False).times
    assert times.min() > 100.0 and times.max() <= 900.0 + 1e-9
    # expected 200 x 0.5 s x 20 Hz = 2000 and 200 x 0.3 s x 100 Hz = 6000 spikes
    assert abs(np.sum(times <= 600.0) - 2000) < 4 * np.sqrt(2000)
    assert abs(np.sum(times > 600.0) - 6000) < 4 * np.sqrt(6000)


def test_inhomogeneous_gamma_parameters_change_between_runs(net):
    # Poisson 10 Hz for 1 s, then 100 Hz for 1 s (a = 1, b = 0.1 s -> 0.01 s)
    builder = net(rng_seed=12)
    builder.population(std.SpikeSourceInhGamma, 100, record={"spikes": "all"},
                       a=Sequence([1.0]), b=Sequence([0.1]))
    backend = builder.build()
    backend.run_until(1000.0)
    holder = np.empty((), dtype=object)
    holder[()] = Sequence([0.01])
    backend.set_parameters(0, np.arange(100), "b", holder)
    backend.run_until(2000.0)
    times = backend.get_spikes(0, clear=False).times
    # 1000 and 10000 spikes expected (sd 32 and 100)
    assert abs(np.sum(times <= 1000.0) - 1000) < 130
    assert abs(np.sum(times > 1000.0) - 10000) < 400


def test_inhomogeneous_gamma_is_reproducible_and_new_after_reset(net):
    runs = []
    for _ in range(2):
        builder = net(rng_seed=10)
        builder.population(std.SpikeSourceInhGamma, 5, record={"spikes": "all"},
                           a=Sequence([2.0]), b=Sequence([0.01]))
        backend = builder.build()
        backend.run_until(300.0)
        runs.append(backend.get_spikes(0, clear=True))
        backend.reset()
        backend.run_until(300.0)
        runs.append(backend.get_spikes(0, clear=True))
        backend.end()
    np.testing.assert_array_equal(runs[0].times, runs[2].times)
    assert not np.array_equal(runs[0].times, runs[1].times)
