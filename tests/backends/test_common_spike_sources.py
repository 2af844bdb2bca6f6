"""Spike sources on every software backend: exact playback, rounding to the grid,
delays, the gamma source."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import InvalidParameterValueError, RoundingWarning
from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std

from .backend_facts import ARRIVAL_LAG, SEED_OPTION

#: Absolute tolerance (ms) of played-back spike times.
PLAYBACK_ATOL = {"nest": 1e-9, "brian2": 1e-12, "neuron": 1e-9}
#: Gamma source test per backend: seed, allowed deviation of the spike count from 10000,
#: allowed deviation of the ISI CV from 0.5 (NEST's grid adds a little variance).
GAMMA = {"nest": (99, 500, 0.05), "brian2": (7, 300, 0.04), "neuron": (7, 300, 0.04)}


def test_spike_array_plays_back_exact_times(net, backend):
    builder = net()
    times = np.empty(3, dtype=object)
    times[:] = [Sequence([0.5, 1.0, 7.3, 20.0]), Sequence([]), Sequence([3.3])]
    builder.population(std.SpikeSourceArray, 3, record={"spikes": "all"}, spike_times=times)
    sim = builder.build()
    sim.run_until(25.0)
    spikes = sim.get_spikes(0, clear=False)
    order = np.lexsort((spikes.times, spikes.cells))
    np.testing.assert_array_equal(spikes.cells[order], [0, 0, 0, 0, 2])
    np.testing.assert_allclose(spikes.times[order], [0.5, 1.0, 7.3, 20.0, 3.3],
                               atol=PLAYBACK_ATOL[backend])


def test_off_grid_spike_times_are_rounded_with_a_warning(net):
    builder = net()
    builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                       spike_times=Sequence([1.04, 2.26]))
    with pytest.warns(RoundingWarning, match=r"rounded to the grid \(e\.g\. 1\.04 -> 1\.0 ms"):
        sim = builder.build()
    sim.run_until(5.0)
    np.testing.assert_allclose(sim.get_spikes(0, clear=False).times, [1.0, 2.3])


def test_spike_array_arrives_after_the_synaptic_delay(net, backend):
    # a spike at 4.0 ms through a 2.5 ms delay: gsyn_exc jumps in the sample at 6.5 ms
    # (one sample later on NEURON, decayed by one step of tau_syn_E = 5 ms)
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([4.0]))
    cell = builder.population(std.IF_cond_exp, 1, record={"gsyn_exc": "all"})
    builder.projection(src, cell, [0], [0], 0.01, 2.5)
    sim = builder.build()
    sim.run_until(10.0)
    g = sim.get_signal(cell, "gsyn_exc", clear=False).values[:, 0]
    lag = ARRIVAL_LAG[backend]
    assert np.flatnonzero(g)[0] == 65 + lag
    assert g[65 + lag] == pytest.approx(0.01 * np.exp(-lag * 0.1 / 5.0))


def test_gamma_source_rate_and_regularity(net, backend):
    # alpha 4, beta 200 Hz: rate beta / alpha = 50 Hz, ISI CV 1 / sqrt(alpha) = 0.5;
    # 100 cells x 2 s: 10000 spikes expected, sd about 50 (gamma counts vary less
    # than Poisson)
    seed, count_tolerance, cv_tolerance = GAMMA[backend]
    builder = net(**{SEED_OPTION[backend]: seed})
    builder.population(std.SpikeSourceGamma, 100, record={"spikes": "all"}, alpha=4.0,
                       beta=200.0)
    sim = builder.build()
    sim.run_until(2000.0)
    spikes = sim.get_spikes(0, clear=False)
    assert abs(spikes.times.size - 10000) < count_tolerance
    order = np.lexsort((spikes.times, spikes.cells))
    isi = np.diff(spikes.times[order])[np.diff(spikes.cells[order]) == 0]
    assert isi.std() / isi.mean() == pytest.approx(0.5, abs=cv_tolerance)


def test_gamma_shape_must_be_a_whole_number(net):
    builder = net()
    builder.population(std.SpikeSourceGamma, 2, alpha=2.5)
    with pytest.raises(InvalidParameterValueError, match="alpha must be a whole number"):
        builder.build()
