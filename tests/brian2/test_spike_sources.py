"""Spike sources on Brian 2: rounding, changes between runs and the statistics of random
sources (with tests/backends/test_common_spike_sources.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import InvalidParameterValueError, RoundingWarning
from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std


def test_spike_at_time_zero_moves_to_the_first_step(net):
    builder = net()
    builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                       spike_times=Sequence([0.0, 2.0]))
    with pytest.warns(RoundingWarning, match="earliest spike time is dt"):
        backend = builder.build()
    backend.run_until(5.0)
    np.testing.assert_allclose(backend.get_spikes(0, clear=False).times, [0.1, 2.0])


def test_spike_times_changed_between_runs(net):
    builder = net()
    builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                       spike_times=Sequence([1.0, 8.0]))
    backend = builder.build()
    backend.run_until(5.0)
    holder = np.empty((), dtype=object)
    holder[()] = Sequence([2.0, 6.0, 9.5])
    with pytest.warns(RuntimeWarning, match="dropped"):
        backend.set_parameters(0, np.array([0]), "spike_times", holder)
    backend.run_until(12.0)
    np.testing.assert_allclose(backend.get_spikes(0, clear=False).times, [1.0, 6.0, 9.5])


def test_changing_one_cell_keeps_the_others(net):
    import warnings
    builder = net()
    per_cell = np.empty(2, dtype=object)
    per_cell[:] = [Sequence([1.0, 8.0]), Sequence([2.0, 9.0])]
    builder.population(std.SpikeSourceArray, 2, record={"spikes": "all"}, spike_times=per_cell)
    backend = builder.build()
    backend.run_until(5.0)
    holder = np.empty(1, dtype=object)
    holder[0] = Sequence([6.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # cell 0's past spike is not "dropped"
        backend.set_parameters(0, np.array([1]), "spike_times", holder)
    backend.run_until(12.0)
    spikes = backend.get_spikes(0, clear=False)
    order = np.lexsort((spikes.times, spikes.cells))
    np.testing.assert_array_equal(spikes.cells[order], [0, 0, 1, 1])
    np.testing.assert_allclose(spikes.times[order], [1.0, 8.0, 2.0, 6.0])


def test_poisson_rate_and_window(net):
    # 200 cells x 50 Hz x 1 s (window 200..1200 ms): 10000 spikes expected,
    # sd 100 -> 4 % is 4 sd
    builder = net(rng_seed=5)
    builder.population(std.SpikeSourcePoisson, 200, record={"spikes": "all"}, rate=50.0,
                       start=200.0, duration=1000.0)
    backend = builder.build()
    backend.run_until(1500.0)
    times = backend.get_spikes(0, clear=False).times
    assert times.size == pytest.approx(10000, rel=0.04)
    assert times.min() > 200.0 and times.max() <= 1200.0


def test_poisson_refractory_has_a_dead_time_and_keeps_the_mean_rate(net):
    # rate 100 Hz, dead time 5 ms: 100 cells x 2 s = 20000 spikes expected (sd ~ 70)
    builder = net(rng_seed=6)
    builder.population(std.SpikeSourcePoissonRefractory, 100, record={"spikes": "all"},
                       rate=100.0, tau_refrac=5.0)
    backend = builder.build()
    backend.run_until(2000.0)
    spikes = backend.get_spikes(0, clear=False)
    assert spikes.times.size == pytest.approx(20000, rel=0.03)
    order = np.lexsort((spikes.times, spikes.cells))
    cells, times = spikes.cells[order], spikes.times[order]
    isi = np.diff(times)[np.diff(cells) == 0]
    assert isi.min() >= 5.0 - 1e-9


def test_refractory_source_cannot_exceed_one_over_its_dead_time(net):
    builder = net()
    builder.population(std.SpikeSourcePoissonRefractory, 2, rate=300.0, tau_refrac=5.0)
    with pytest.raises(InvalidParameterValueError, match="rate \\* tau_refrac must be < 1"):
        builder.build()


def test_same_seed_same_spikes_and_rate_change_between_runs(net):
    results = []
    for _ in range(2):
        builder = net(rng_seed=9)
        builder.population(std.SpikeSourcePoisson, 20, record={"spikes": "all"}, rate=20.0)
        backend = builder.build()
        backend.run_until(500.0)
        backend.set_parameters(0, np.arange(20), "rate", np.full(20, 200.0))
        backend.run_until(1000.0)
        results.append(backend.get_spikes(0, clear=False))
    np.testing.assert_array_equal(results[0].times, results[1].times)
    times = results[0].times
    # 20 cells: 200 spikes expected before 500 ms, 2000 after
    assert (times <= 500.0).sum() == pytest.approx(200, abs=60)
    assert (times > 500.0).sum() == pytest.approx(2000, rel=0.1)
