"""STDP on the software backends against the float reference of the rule.

One pre/post spike pair per connection (tests/plasticity/scenarios.py): the weight
change after the run must match ``stdp_pair_update`` at the spike-time difference
seen by the synapse, dt = (t_post + f d) - (t_pre + (1 - f) d), computed from the
recorded spike times, within 1 %.
"""

import numpy as np
import pytest

from pynn_hw.errors import NoModelAvailableError
from pynn_hw.standardmodels import plasticity as stdp

from .scenarios import stdp_pairs

TIMING = dict(tau_plus=15.0, tau_minus=25.0, A_plus=0.1, A_minus=0.12)
W_MAX = 0.01          # uS, small: the plastic synapse barely moves the membrane
W_INIT = 0.004
#: kick times relative to the pre-synaptic spike; the post cell fires ~0.8 ms later,
#: so with d = 1 ms the pairs span dt = -50 .. 50 ms (none at 0)
OFFSETS = np.r_[-51.8:-1:5.0, 3.2:52:5.0]

RULES = [
    (stdp.AdditiveWeightDependence, {}),
    (stdp.MultiplicativeWeightDependence, {}),
    (stdp.AdditivePotentiationMultiplicativeDepression, {}),
    (stdp.GutigWeightDependence, {"mu_plus": 0.3, "mu_minus": 0.7}),
]


def _synapse(sim, rule, extra, delay=1.0, fraction=1.0, timing=TIMING, w_min=0.0):
    return sim.STDPMechanism(sim.SpikePairRule(**timing),
                             getattr(sim, rule.__name__)(w_min=w_min, w_max=W_MAX, **extra),
                             dendritic_delay_fraction=fraction, weight=W_INIT, delay=delay)


def _check(result, rule, params, delay, fraction):
    assert np.all(result.n_post == 1), "each post-synaptic cell must fire exactly once"
    dt = (result.t_post + fraction * delay) - (result.t_pre + (1 - fraction) * delay)
    assert dt.min() < -45 and dt.max() > 45 and np.all(np.abs(dt) > 0.5)
    expected = stdp.stdp_pair_update(result.w_before, dt, params, rule) - result.w_before
    assert np.all(np.abs(expected) > 1e-7)        # every pair changes the weight
    np.testing.assert_allclose(result.w_after - result.w_before, expected, rtol=0.01)
    # reset() restores the initial weights
    np.testing.assert_allclose(result.w_after_reset, result.w_before, rtol=1e-12)


def test_pair_rule_all_weight_dependences(backend):
    # plus an additive rule whose changes reach both bounds: at dt ~ 5 ms the
    # potentiation 1.0 * exp(-5/15) * w_max = 0.0072 exceeds the room of 0.006 and at
    # dt ~ -5 ms the depression 0.8 * exp(-5/25) * w_max = 0.0065 the room of 0.004
    strong = dict(TIMING, A_plus=1.0, A_minus=0.8)
    synapses = [_synapse(backend, rule, extra) for rule, extra in RULES]
    synapses.append(_synapse(backend, stdp.AdditiveWeightDependence, {}, timing=strong))
    results = stdp_pairs(backend, OFFSETS, synapses)
    for (rule, extra), result in zip(RULES, results):
        _check(result, rule, {**TIMING, **extra, "w_min": 0.0, "w_max": W_MAX}, 1.0, 1.0)
    clipped = results[-1]
    _check(clipped, stdp.AdditiveWeightDependence, {**strong, "w_min": 0.0, "w_max": W_MAX},
           1.0, 1.0)
    # (the late flush spike then depresses by exp(-398 / 25) ~ 1e-7 of the weight)
    assert np.any(np.isclose(clipped.w_after, W_MAX, rtol=1e-6, atol=0))
    assert np.any(np.abs(clipped.w_after) < 1e-12)


@pytest.mark.parametrize("name", ["brian2", "neuron"])
def test_dendritic_delay_fraction(name):
    import importlib
    sim = importlib.import_module(f"pynn_hw.{name}")
    # f = 0.25 and d = 4 ms: the synapse sees dt = t_post + 1 - (t_pre + 3) = t_post - t_pre - 2;
    # a fraction of w_min > 0 checks the lower bound of the multiplicative rule too
    rule = stdp.MultiplicativeWeightDependence
    synapse = _synapse(sim, rule, {}, delay=4.0, fraction=0.25, w_min=0.001)
    (result,) = stdp_pairs(sim, OFFSETS + 3.0, [synapse])
    _check(result, rule, {**TIMING, "w_min": 0.001, "w_max": W_MAX}, 4.0, 0.25)


@pytest.mark.parametrize("change, message", [
    ({"fraction": 0.5}, "dendritic_delay_fraction must be 1"),
    ({"w_min": 0.001}, "w_min=0.001 is not available"),
])
def test_nest_refuses_what_stdp_synapse_cannot_do(change, message):
    import pynn_hw.nest as sim
    sim.setup(timestep=0.1)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
    post = sim.Population(1, sim.IF_cond_exp())
    sim.Projection(pre, post, sim.OneToOneConnector(),
                   _synapse(sim, stdp.AdditiveWeightDependence, {}, **change))
    with pytest.raises(NoModelAvailableError, match=message):
        sim.run(1.0)
    sim.end()


def test_nest_refuses_two_tau_minus_on_one_neuron():
    import pynn_hw.nest as sim
    sim.setup(timestep=0.1)
    pre = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0]))
    post = sim.Population(1, sim.IF_cond_exp())
    for k, tau in enumerate((20.0, 30.0)):
        timing = dict(TIMING, tau_minus=tau)
        sim.Projection(pre[k:k + 1], post, sim.AllToAllConnector(),
                       _synapse(sim, stdp.AdditiveWeightDependence, {}, timing=timing))
    with pytest.raises(NoModelAvailableError, match="already has tau_minus=20.0"):
        sim.run(1.0)
    sim.end()


def test_negative_stdp_weights_are_refused(backend):
    sim = backend
    sim.setup(timestep=0.1)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
    post = sim.Population(1, sim.IF_curr_exp())
    synapse = sim.STDPMechanism(sim.SpikePairRule(), sim.AdditiveWeightDependence(),
                                weight=-0.5, delay=1.0)
    sim.Projection(pre, post, sim.OneToOneConnector(), synapse, receptor_type="inhibitory")
    with pytest.raises(NoModelAvailableError, match=r"STDP weights must be >= 0 \(got -0.5\)"):
        sim.run(1.0)
    sim.end()
