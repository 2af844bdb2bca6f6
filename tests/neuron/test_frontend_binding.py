"""``pynn_hw.neuron`` as a PyNN module: a script's view of the NEURON backend."""

from __future__ import annotations

import numpy as np
import pytest


def test_population_records_neo_data_through_the_binding(sim):
    cells = sim.Population(3, sim.IF_curr_exp(i_offset=[0.0, 1.0, 2.0], tau_refrac=2.0))
    cells.record(["spikes", "v"])
    sim.run(50.0)
    block = cells.get_data()
    assert block.annotations["simulator"] == "neuron"
    segment = block.segments[0]
    counts = [len(t) for t in segment.spiketrains]
    assert counts[0] == 0 and 0 < counts[1] < counts[2]
    v = segment.filter(name="v")[0]
    assert v.shape == (501, 3)
    assert sim.rank() == 0 and sim.num_processes() == 1


def test_projection_weights_round_trip_through_the_binding(sim):
    pre = sim.Population(4, sim.SpikeSourceArray(spike_times=[1.0]))
    post = sim.Population(3, sim.IF_cond_exp())
    prj = sim.Projection(pre, post, sim.AllToAllConnector(),
                         sim.StaticSynapse(weight=0.01, delay=1.0))
    sim.run(1.0)
    weights = np.arange(12, dtype=float).reshape(4, 3) * 1e-3
    prj.set(weight=weights)
    np.testing.assert_allclose(prj.get("weight", format="array"), weights)


def test_unsupported_cell_type_error_reaches_the_script(sim):
    sim.Population(1, sim.IF_curr_delta())
    with pytest.raises(sim.errors.NoModelAvailableError, match="IF_curr_delta"):
        sim.run(1.0)


def test_unknown_setup_option_names_the_valid_ones(sim):
    sim.setup(timestep=0.1, threads=4)
    sim.Population(1, sim.IF_cond_exp())
    with pytest.raises(TypeError, match="native_rng_baseseed"):
        sim.run(1.0)


def test_seed_source_decides_the_seed_of_unseeded_generators():
    # under MPI pynn_hw.neuron installs a source that broadcasts rank 0's draw; here a
    # fixed source stands in for it
    from pynn_hw import random as pynn_random
    try:
        pynn_random.set_seed_source(lambda draw: 1234)
        assert pynn_random.NumpyRNG().seed == 1234
        assert pynn_random.NumpyRNG(seed=5).seed == 5       # explicit seeds are kept
    finally:
        pynn_random.set_seed_source(lambda draw: draw())
    assert pynn_random.NumpyRNG().seed != pynn_random.NumpyRNG().seed
