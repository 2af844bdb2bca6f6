"""The NEST backend through the PyNN API: ``import pynn_hw.nest as sim``."""

from __future__ import annotations

import numpy as np
import pytest

sim = pytest.importorskip("pynn_hw.nest", reason="the front-end module pynn_hw.nest is missing")

DT = 0.1


@pytest.fixture
def setup():
    def start(**extra):
        sim.setup(timestep=DT, **extra)
        return sim
    yield start
    sim.end()


def test_first_spike_and_membrane_trace(setup):
    setup(spike_precision="on_grid")
    cells = sim.Population(1, sim.IF_curr_exp(tau_m=20.0, cm=0.5, i_offset=1.2, v_rest=-65.0,
                                              v_thresh=-50.0, v_reset=-70.0, tau_refrac=2.0))
    cells.record(["spikes", "v"])
    sim.run(10.0)
    segment = cells.get_data().segments[0]
    # t* = 20 ln(48 / 33) = 7.494 ms: the first grid point after it is 7.5 ms
    np.testing.assert_allclose(segment.spiketrains[0].magnitude, [7.5])
    v = segment.filter(name="v")[0]
    assert v.shape == (101, 1) and str(v.units.dimensionality) == "mV"
    t = np.arange(75) * DT
    np.testing.assert_allclose(v.magnitude[:75, 0], -65.0 + 48.0 * (1 - np.exp(-t / 20.0)),
                               atol=1e-9)


def test_projection_weights_round_trip(setup):
    setup()
    rng = sim.NumpyRNG(seed=4)
    pre = sim.Population(20, sim.SpikeSourcePoisson(rate=5.0))
    post = sim.Population(20, sim.IF_cond_exp())
    prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.3, rng=rng),
                         sim.StaticSynapse(weight=0.01, delay=0.5))
    sim.run(1.0)
    n = prj.size()
    weights = np.linspace(0.001, 0.02, n)
    prj.set(weight=weights)
    listed = np.array(prj.get("weight", format="list"))
    np.testing.assert_allclose(listed[:, 2], weights, rtol=1e-12)
    sim.run(2.0)
    np.testing.assert_allclose(np.array(prj.get("weight", format="list"))[:, 2], weights,
                               rtol=1e-12)


def test_reset_gives_a_second_identical_segment(setup):
    setup()
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[2.0, 6.0, 9.0]))
    cells = sim.Population(3, sim.IF_cond_exp(i_offset=np.array([0.3, 0.6, 0.9])))
    sim.Projection(src, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.02, delay=1.0))
    cells.record(["spikes", "v", "gsyn_exc"])
    sim.run(40.0)
    sim.reset()
    sim.run(40.0)
    first, second = cells.get_data().segments
    for a, b in zip(first.spiketrains, second.spiketrains):
        np.testing.assert_array_equal(a.magnitude, b.magnitude)
    for name in ("v", "gsyn_exc"):
        np.testing.assert_array_equal(first.filter(name=name)[0].magnitude,
                                      second.filter(name=name)[0].magnitude)
    assert sum(len(s) for s in first.spiketrains) > 0


def test_recorded_current_of_a_dc_source(setup):
    setup()
    cells = sim.Population(1, sim.IF_curr_exp(v_thresh=0.0))
    source = sim.DCSource(amplitude=0.3, start=5.0, stop=8.0)
    source.inject_into(cells)
    source.record()
    sim.run(10.0)
    current = source.get_data()
    assert current.shape == (101, 1)
    expected = np.where((np.arange(101) * DT >= 5.0) & (np.arange(101) * DT < 8.0), 0.3, 0.0)
    np.testing.assert_allclose(current.magnitude[:, 0], expected)


def test_poisson_population_rate(setup):
    setup(rng_seed=21)
    sources = sim.Population(100, sim.SpikeSourcePoisson(rate=40.0))
    sources.record("spikes")
    sim.run(1000.0)
    counts = sources.get_spike_counts()
    total = sum(counts.values())
    # 4000 expected, sd 63
    assert abs(total - 4000) < 4 * np.sqrt(4000)


def test_threads_option_reaches_nest(setup):
    import nest
    setup(threads=2)
    cells = sim.Population(4, sim.IF_cond_exp(i_offset=1.0))
    cells.record("spikes")
    sim.run(40.0)
    assert nest.local_num_threads == 2
    # R I = 20 mV: every cell fires once, at 20 ln(20 / 5) = 27.7 ms
    assert list(cells.get_spike_counts().values()) == [1, 1, 1, 1]


def test_unknown_setup_option_is_named(setup):
    with pytest.raises(TypeError, match="not_an_option"):
        setup(not_an_option=1)
        sim.Population(1, sim.IF_cond_exp())
        sim.run(1.0)
