"""Tsodyks-Markram synapses on the software backends against the recursion.

A regular train (25 Hz, 10 spikes) through each synapse type onto its own passive
cell; the amplitude of each response (tests/plasticity/scenarios.py) divided by the
weight must equal ``u_n x_n`` of ``tsodyks_markram_release`` within 2 %.
"""

import importlib

import numpy as np
import pytest

from pynn_hw.errors import NoModelAvailableError
from pynn_hw.standardmodels.synapses import tsodyks_markram_release

from .scenarios import tsodyks_markram_train

WEIGHT = 0.01        # uS
DELAY = 1.0
TIMES = 50.0 + 40.0 * np.arange(10)
#: depressing, facilitating, and mixed
CASES = [dict(U=0.5, tau_rec=100.0, tau_facil=0.0),
         dict(U=0.1, tau_rec=50.0, tau_facil=300.0),
         dict(U=0.3, tau_rec=200.0, tau_facil=100.0)]


def test_release_reference_golden_values():
    # U = 0.5, tau_rec = 100, no facilitation, spikes 50 ms apart:
    # u = 0.5 always; x_2 = 1 - 0.5 e^{-1/2} = 0.69673, x_3 = 1 + (x_2/2 - 1) e^{-1/2}
    e = np.exp(-0.5)
    x2 = 1 - 0.5 * e
    x3 = 1 + (0.5 * x2 - 1) * e
    np.testing.assert_allclose(tsodyks_markram_release([10.0, 60.0, 110.0], 0.5, 100.0, 0.0),
                               [0.5, 0.5 * x2, 0.5 * x3], rtol=1e-12)
    # facilitation only (tau_rec tiny): u_2 = U + U (1 - U) e^{-h/tau_facil}
    u2 = 0.1 + 0.1 * 0.9 * np.exp(-20.0 / 100.0)
    np.testing.assert_allclose(tsodyks_markram_release([5.0, 25.0], 0.1, 1e-9, 100.0),
                               [0.1, u2], rtol=1e-12)


def test_amplitudes_follow_the_recursion(backend):
    synapses = [backend.TsodyksMarkramSynapse(weight=WEIGHT, delay=DELAY, **case)
                for case in CASES]
    amplitudes = tsodyks_markram_train(backend, synapses, TIMES, DELAY)
    for case, measured in zip(CASES, amplitudes):
        expected = tsodyks_markram_release(TIMES, **case)
        np.testing.assert_allclose(measured / WEIGHT, expected, rtol=0.02)
        # the train really changes the response (a static synapse would fail here)
        assert abs(expected[-1] / expected[0] - 1) > 0.3


@pytest.mark.parametrize("name", ["brian2", "neuron"])
def test_initial_u(name):
    sim = importlib.import_module(f"pynn_hw.{name}")
    synapse = sim.TsodyksMarkramSynapse(weight=WEIGHT, delay=DELAY, U=0.2, tau_rec=100.0,
                                        tau_facil=100.0)
    sim.setup(timestep=0.1, min_delay=0.1)
    # u decays from its value at t = 0 until the first arrival (t = 51 ms)
    measured = _run_with_initial_u(sim, synapse, u=0.6)
    expected = tsodyks_markram_release(TIMES + DELAY, 0.2, 100.0, 100.0, u0=0.6)
    np.testing.assert_allclose(measured / WEIGHT, expected, rtol=0.02)
    assert expected[0] > 0.2 * 1.3


def _run_with_initial_u(sim, synapse, u):
    from .scenarios import TAU_SYN
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=list(TIMES)))
    post = sim.Population(1, sim.IF_cond_exp(v_thresh=100.0, tau_syn_E=TAU_SYN))
    post.record("gsyn_exc")
    prj = sim.Projection(pre, post, sim.AllToAllConnector(), synapse)
    prj.initialize(u=u)
    sim.run(float(TIMES[-1]) + 20.0)
    g = post.get_data().segments[0].filter(name="gsyn_exc")[0]
    t, values = np.asarray(g.times.magnitude), np.asarray(g.magnitude)[:, 0]
    sim.end()
    out = []
    for arrival in TIMES + DELAY:
        window = np.flatnonzero((t >= arrival - 1e-9) & (t <= arrival + 5.0))
        best = window[np.argmax(values[window])]
        out.append(values[best] * np.exp((t[best] - arrival) / TAU_SYN))
    return np.array(out)


def test_nest_refuses_initial_u_with_facilitation():
    import pynn_hw.nest as sim
    sim.setup(timestep=0.1)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
    post = sim.Population(1, sim.IF_cond_exp())
    prj = sim.Projection(pre, post, sim.OneToOneConnector(),
                         sim.TsodyksMarkramSynapse(weight=WEIGHT, tau_facil=50.0))
    prj.initialize(u=0.3)
    with pytest.raises(NoModelAvailableError, match="initial u other than 0"):
        sim.run(1.0)
    sim.end()
