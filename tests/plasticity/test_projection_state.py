"""Projection.get/set/reset on plastic synapses, on every software backend.

Semantics (docs/plasticity.md): ``get('weight')`` returns the current (learned)
weights; ``set`` reaches the running simulator; ``reset()`` restores the synaptic
state variables and the weights to their initial values, i.e. those of the
synapse type or of the last ``set``.
"""

import numpy as np

from .scenarios import KICK_WEIGHT

W0 = 0.004


def _network(sim):
    """Two pre/post pairs with pre before post (dt ~ 4.8 ms): potentiation."""
    sim.setup(timestep=0.1, min_delay=0.1)
    pre = sim.Population(2, sim.SpikeSourceArray(spike_times=[10.0, 60.0, 110.0, 400.0]))
    kick = sim.Population(2, sim.SpikeSourceArray(spike_times=[12.0, 62.0, 112.0]))
    post = sim.Population(2, sim.IF_cond_exp(tau_refrac=5.0))
    sim.Projection(kick, post, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=KICK_WEIGHT, delay=0.1))
    synapse = sim.STDPMechanism(sim.SpikePairRule(A_plus=0.05, A_minus=0.05),
                                sim.AdditiveWeightDependence(w_max=0.01), weight=W0,
                                delay=1.0)
    return sim.Projection(pre, post, sim.OneToOneConnector(), synapse)


def _w(prj):
    return np.asarray(prj.get("weight", format="list", with_address=False), dtype=float)


def test_get_set_reset(backend):
    sim = backend
    prj = _network(sim)
    np.testing.assert_allclose(_w(prj), W0)
    sim.run(500.0)
    learned = _w(prj)
    assert np.all(learned > W0 * 1.2)                 # three potentiating pairs
    sim.reset()
    np.testing.assert_allclose(_w(prj), W0, rtol=1e-12)
    # the same run learns the same weights again: traces were reset too
    sim.run(500.0)
    np.testing.assert_allclose(_w(prj), learned, rtol=1e-9)
    # a weight set mid-simulation becomes the value reset() restores
    prj.set(weight=0.002)
    np.testing.assert_allclose(_w(prj), 0.002, rtol=1e-12)
    sim.reset()
    np.testing.assert_allclose(_w(prj), 0.002, rtol=1e-12)
    # learning switched off through the running simulator (A_minus first: NEST cannot
    # hold A_plus = 0 with A_minus > 0 even for a moment, see docs/plasticity.md)
    prj.set(A_minus=0.0, A_plus=0.0)
    np.testing.assert_allclose(prj.get("A_plus", format="list", with_address=False), 0.0)
    sim.run(500.0)
    np.testing.assert_allclose(_w(prj), 0.002, rtol=1e-12)
    sim.end()
