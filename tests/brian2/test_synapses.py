"""Projections on Brian 2: connection order, weights and delays, receptors."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import NoModelAvailableError, RoundingWarning
from pynn_hw.network import ProjectionSpec
from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels.synapses import StaticSynapse


def test_weights_and_delays_round_trip_in_connection_order(net):
    rng = np.random.default_rng(1)
    builder = net()
    a = builder.population(std.IF_cond_exp, 30)
    b = builder.population(std.IF_cond_exp, 40)
    # unsorted, with repeated pairs: Brian must keep this order
    i, j = rng.integers(0, 30, 500), rng.integers(0, 40, 500)
    weight = rng.uniform(0.0, 0.01, 500)
    delay = rng.integers(1, 30, 500) * 0.1
    builder.projection(a, b, i, j, weight, delay)
    backend = builder.build()
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "weight"), weight, rtol=1e-12)
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "delay"), delay, atol=1e-9)
    new = rng.uniform(0.0, 0.02, 500)
    backend.set_synapse_parameter(0, "weight", new)
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "weight"), new, rtol=1e-12)
    backend.set_synapse_parameter(0, "delay", np.full(500, 2.0))
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "delay"), 2.0)


def test_assembly_projection_is_split_per_population_pair_and_keeps_order(net):
    builder = net()
    a = builder.population(std.SpikeSourceArray, 2, spike_times=Sequence([1.0]))
    b = builder.population(std.IF_curr_exp, 2, record={"v": "all"}, v_thresh=0.0)
    c = builder.population(std.IF_cond_exp, 2, record={"gsyn_exc": "all"})
    # post cells are the assembly b + c (global 2..5): connections alternate between them
    spec = ProjectionSpec(
        index=0, label="mixed", pre_cells=builder.pops[a].global_indices,
        post_cells=np.arange(2, 6), pre=np.array([0, 1, 0, 1]), post=np.array([3, 0, 2, 1]),
        synapse_type=StaticSynapse,
        parameters={"weight": np.array([0.004, 0.3, 0.005, 0.2]), "delay": np.asarray(1.0)},
        receptor_type="excitatory")
    builder.projs.append(spec)
    backend = builder.build()
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "weight"),
                               [0.004, 0.3, 0.005, 0.2])
    backend.run_until(3.0)
    # IF_cond_exp cell 1 <- 0.004 uS, cell 0 <- 0.005 uS at 2.0 ms
    np.testing.assert_allclose(backend.get_signal(c, "gsyn_exc", clear=False).values[20],
                               [0.005, 0.004])
    # IF_curr_exp cells received 0.3 nA (cell 0) and 0.2 nA (cell 1): v rises more in cell 0
    v = backend.get_signal(b, "v", clear=False).values[-1]
    assert v[0] > v[1] > -65.0


def test_off_grid_delay_is_rounded_with_a_warning(net):
    builder = net()
    a = builder.population(std.IF_cond_exp, 1)
    builder.projection(a, a, [0], [0], 0.01, 1.04)
    with pytest.warns(RoundingWarning, match="rounded to the grid"):
        backend = builder.build()
    assert backend.get_synapse_parameter(0, "delay")[0] == pytest.approx(1.0)


def test_delta_synapse_delays_read_back_as_given(net):
    # delta synapses are queued one step shorter inside Brian; the user sees the delay
    builder = net()
    a = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([1.0]))
    b = builder.population(std.Izhikevich, 1)
    builder.projection(a, b, [0], [0], 5.0, 0.7)
    backend = builder.build()
    assert backend.get_synapse_parameter(0, "delay")[0] == pytest.approx(0.7)


def test_izhikevich_jump_arrives_after_the_delay(net):
    builder = net()
    a = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([1.0]))
    b = builder.population(std.Izhikevich, 1, record={"v": "all"})
    builder.projection(a, b, [0], [0], 5.0, 0.7)
    backend = builder.build()
    backend.run_until(3.0)
    v = backend.get_signal(b, "v", clear=False).values[:, 0]
    # Euler steps of the resting dynamics, then +5 mV in the state at 1.7 ms
    jump = np.diff(v)
    assert np.argmax(jump) == 16 and jump[16] > 4.5


def test_projection_onto_a_spike_source_is_refused(net):
    builder = net()
    a = builder.population(std.IF_cond_exp, 1)
    b = builder.population(std.SpikeSourcePoisson, 1)
    builder.projection(a, b, [0], [0], 0.01, 1.0)
    with pytest.raises(NoModelAvailableError, match="spike source"):
        builder.build()
