"""The same small deterministic network on NEURON and on NEST, through the front-end."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("PYNEST_QUIET", "1")


def _run(sim, **extra):
    sim.setup(timestep=0.1, min_delay=0.5, **extra)
    inputs = sim.Population(10, sim.SpikeSourceArray(
        spike_times=[sim.Sequence(np.arange(5.0 + 3 * k, 200.0, 17.0 + k)) for k in range(10)]),
        label="inputs")
    cells = sim.Population(20, sim.IF_cond_exp(tau_m=15.0, cm=0.25, tau_refrac=2.0,
                                               tau_syn_E=3.0, tau_syn_I=6.0,
                                               i_offset=np.linspace(0.0, 0.3, 20)),
                           label="cells")
    cells.initialize(v=np.linspace(-65.0, -55.0, 20))
    rng = np.random.default_rng(3)
    feed = [(i, j, 0.006 + 0.004 * rng.random(), 0.5 + 0.1 * rng.integers(0, 10))
            for i in range(10) for j in range(20) if rng.random() < 0.4]
    sim.Projection(inputs, cells, sim.FromListConnector(feed), sim.StaticSynapse(),
                   receptor_type="excitatory")
    recurrent = [(i, j, 0.01, 1.0) for i in range(20) for j in range(20)
                 if i != j and (3 * i + j) % 7 == 0]
    sim.Projection(cells, cells, sim.FromListConnector(recurrent), sim.StaticSynapse(),
                   receptor_type="inhibitory")
    cells.record("spikes")
    sim.run(200.0)
    trains = cells.get_data("spikes").segments[0].spiketrains
    sim.end()
    return [np.asarray(train.magnitude) for train in trains]


def test_spike_times_agree_with_nest_within_one_time_step():
    pytest.importorskip("nest")
    import pynn_hw.nest as nest_sim
    import pynn_hw.neuron as neuron_sim
    on_nest = _run(nest_sim, spike_precision="on_grid")
    on_neuron = _run(neuron_sim)
    assert sum(t.size for t in on_nest) > 40       # the network is active
    for cell, (a, b) in enumerate(zip(on_nest, on_neuron)):
        assert a.size == b.size, f"cell {cell}: NEST {a} NEURON {b}"
        np.testing.assert_allclose(b, a, atol=0.1 + 1e-9, err_msg=f"cell {cell}")
