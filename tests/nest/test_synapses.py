"""Synaptic weights and delays: units, signs, rounding and connection order."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import RoundingWarning
from pynn_hw.standardmodels import cells as std


def _two_populations(builder, post_type=std.IF_cond_exp, n=30):
    pre = builder.population(std.SpikeSourcePoisson, n, rate=10.0)
    post = builder.population(post_type, n)
    return pre, post


def test_weights_and_delays_round_trip_in_connection_order(net):
    rng = np.random.default_rng(0)
    builder = net()
    pre, post = _two_populations(builder)
    i = rng.integers(0, 30, 400)
    j = rng.integers(0, 30, 400)
    i[:3], j[:3] = 4, 7                  # three synapses between the same pair
    weights = rng.uniform(0.0, 0.01, 400)
    delays = rng.choice([0.1, 0.5, 1.2, 3.0], 400)
    builder.projection(pre, post, i, j, weights, delays)
    backend = builder.build()
    # uS -> nS -> uS may change the last bit
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "weight"), weights, rtol=1e-15)
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "delay"), delays)
    backend.run_until(5.0)            # NEST sorts its connections before running
    new = weights[::-1].copy()
    backend.set_synapse_parameter(0, "weight", new)
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "weight"), new, rtol=1e-15)
    backend.set_synapse_parameter(0, "delay", np.full(400, 2.0))
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "delay"), 2.0)
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "weight"), new, rtol=1e-15)


def test_nest_units_and_signs(net):
    builder = net()
    pre, post = _two_populations(builder, n=2)
    curr = builder.population(std.IF_curr_exp, 2)
    builder.projection(pre, post, [0], [0], 0.004, 1.0)                       # uS -> nS
    builder.projection(pre, post, [1], [1], 0.051, 1.0, receptor="inhibitory")
    builder.projection(pre, curr, [0], [1], -0.2, 1.0, receptor="inhibitory")  # nA -> pA
    backend = builder.build()
    nest_weights = [p.connections().get("weight") for p in backend.projections]
    assert nest_weights == pytest.approx([4.0, -51.0, -200.0])
    assert backend.get_synapse_parameter(1, "weight") == pytest.approx([0.051])
    assert backend.get_synapse_parameter(2, "weight") == pytest.approx([-0.2])


def test_projection_onto_cells_of_several_types(net):
    # an Assembly-like target: conductance (x1000, inhibitory negated), current
    # (x1000, sign kept) and Izhikevich (mV, x1) cells in one projection
    from pynn_hw.network import ProjectionSpec
    from pynn_hw.standardmodels.synapses import StaticSynapse
    builder = net()
    pre = builder.population(std.SpikeSourcePoisson, 1, rate=1.0)
    cond = builder.population(std.IF_cond_exp, 1)
    curr = builder.population(std.IF_curr_exp, 1)
    izh = builder.population(std.Izhikevich, 1)
    post_cells = np.concatenate([builder.pops[k].global_indices for k in (cond, curr, izh)])
    builder.projs.append(ProjectionSpec(
        index=0, label="mixed", pre_cells=builder.pops[pre].global_indices,
        post_cells=post_cells, pre=np.zeros(3, np.int64), post=np.arange(3),
        synapse_type=StaticSynapse,
        parameters={"weight": np.array([0.01, -0.2, -1.5]), "delay": np.asarray(1.0)},
        receptor_type="inhibitory"))
    backend = builder.build()
    conns = backend.projections[0].connections()
    by_target = dict(zip(conns.get("target"), conns.get("weight")))
    ids = [backend.populations[k].first_id for k in (cond, curr, izh)]
    assert [by_target[i] for i in ids] == pytest.approx([-10.0, -200.0, -1.5])
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "weight"), [0.01, -0.2, -1.5])


def test_delta_synapse_weights_stay_in_millivolts(net):
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=_seq([1.0]))
    cell = builder.population(std.IF_curr_delta, 1, record={"v": "all"}, v_thresh=0.0)
    builder.projection(src, cell, [0], [0], 2.5, 1.0)
    backend = builder.build()
    backend.run_until(3.0)
    v = backend.get_signal(cell, "v", clear=False).values[:, 0]
    # a 2.5 mV jump at 2.0 ms
    assert v[20] - v[19] == pytest.approx(2.5, abs=1e-9)


def test_izhikevich_weights_are_voltage_jumps(net):
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=_seq([1.0]))
    cell = builder.population(std.Izhikevich, 1, record={"v": "all"})
    builder.projection(src, cell, [0], [0], 3.0, 1.0)
    reference = builder.population(std.Izhikevich, 1, record={"v": "all"})
    backend = builder.build()
    backend.run_until(3.0)
    v = backend.get_signal(cell, "v", clear=False).values[:, 0]
    v_free = backend.get_signal(reference, "v", clear=False).values[:, 0]
    # identical until the spike arrives at 2.0 ms, then 3 mV higher
    np.testing.assert_array_equal(v[:20], v_free[:20])
    assert v[20] - v_free[20] == pytest.approx(3.0, abs=0.05)


def _seq(values):
    from pynn_hw.parameters import Sequence
    holder = np.empty((), dtype=object)
    holder[()] = Sequence(values)
    return holder


def test_delays_are_rounded_with_a_warning(net):
    builder = net()
    pre, post = _two_populations(builder, n=2)
    builder.projection(pre, post, [0, 1], [0, 1], 0.01, [1.0, 1.23])
    with pytest.warns(RoundingWarning, match="1.23"):
        backend = builder.build()
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "delay"), [1.0, 1.2])


def test_delay_beyond_max_delay_after_build_is_refused(net):
    builder = net(max_delay=5.0)
    pre, post = _two_populations(builder, n=2)
    builder.projection(pre, post, [0], [0], 0.01, 1.0)
    backend = builder.build()
    with pytest.raises(ValueError, match=r"delays must lie in \[0.1, 5.0\] ms"):
        backend.set_synapse_parameter(0, "delay", np.array([7.0]))


def test_empty_projection(net):
    builder = net()
    pre, post = _two_populations(builder, n=2)
    builder.projection(pre, post, [], [], np.zeros(0), np.zeros(0))
    backend = builder.build()
    backend.run_until(1.0)
    assert backend.get_synapse_parameter(0, "weight").size == 0


def test_many_projections(net):
    # more projections than NEST has room for synapse models (511): labels, not models
    builder = net()
    pre, post = _two_populations(builder, n=3)
    for k in range(600):
        builder.projection(pre, post, [k % 3], [(k + 1) % 3], 0.001 * (k + 1), 1.0)
    backend = builder.build()
    backend.run_until(1.0)
    assert backend.get_synapse_parameter(599, "weight") == pytest.approx([0.6])
