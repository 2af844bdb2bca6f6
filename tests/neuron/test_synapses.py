"""Synaptic weights and delays on NEURON, in the projection's connection order."""

from __future__ import annotations

import numpy as np

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std


def _two_populations(net, weights, delays):
    builder = net()
    builder.population(std.SpikeSourceArray, 3, spike_times=Sequence([5.0]))
    builder.population(std.IF_cond_exp, 4, record={"gsyn_exc": "all"})
    i = np.array([2, 0, 1, 0, 2])
    j = np.array([3, 3, 0, 1, 1])
    builder.projection(0, 1, i, j, weights, delays)
    return builder.build()


def test_weights_and_delays_come_back_in_connection_order(net):
    weights = np.array([0.01, 0.02, 0.03, 0.04, 0.05])
    delays = np.array([1.0, 2.0, 0.5, 1.5, 3.0])
    backend = _two_populations(net, weights, delays)
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "weight"), weights)
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "delay"), delays)


def test_set_weights_changes_the_conductance_jumps(net):
    backend = _two_populations(net, np.full(5, 0.01), np.full(5, 1.0))
    new = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    backend.set_synapse_parameter(0, "weight", new)
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "weight"), new)
    backend.run_until(10.0)
    g = backend.get_signal(1, "gsyn_exc", clear=False).values
    # spikes at 5 ms arrive at 6 ms; one step later g = sum of weights x exp(-0.1/5)
    decay = np.exp(-0.1 / 5.0)
    np.testing.assert_allclose(g[61], np.array([0.3, 0.4 + 0.5, 0.0, 0.1 + 0.2]) * decay)


def test_set_delays_moves_the_arrival(net):
    backend = _two_populations(net, np.full(5, 0.01), np.full(5, 1.0))
    backend.set_synapse_parameter(0, "delay", np.full(5, 3.0))
    np.testing.assert_allclose(backend.get_synapse_parameter(0, "delay"), 3.0)
    backend.run_until(10.0)
    g = backend.get_signal(1, "gsyn_exc", clear=False).values
    assert np.all(g[:80] == 0.0) and np.all(g[81, [0, 1, 3]] > 0.0)


def test_uniform_and_per_connection_weights_build_alike(net):
    a = _two_populations(net, np.asarray(0.02), np.asarray(1.0))
    np.testing.assert_allclose(a.get_synapse_parameter(0, "weight"), 0.02)
    a.end()
    b = _two_populations(net, np.full(5, 0.02), np.full(5, 1.0))
    np.testing.assert_allclose(b.get_synapse_parameter(0, "weight"), 0.02)
