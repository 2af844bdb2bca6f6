"""A small deterministic plastic network for comparison tests: 30 fixed spike trains
drive 3 IF_cond_exp cells through additive STDP synapses (w_max 0.02 uS, initial
weights uniform in [0.005, 0.015] uS from a seeded NumpyRNG) for 1 s; a static
projection alongside must not be saved as plastic.

Usage: plastic_net.py [--no-end]   (--no-end: the script does not call end())
"""
import sys

import numpy as np
import pyNN.nest as sim

sim.setup(timestep=0.1, min_delay=0.1)
rng = np.random.default_rng(3)
trains = [np.unique(np.round(np.sort(rng.uniform(1.0, 999.0, 15)), 1)) for _ in range(30)]
src = sim.Population(30, sim.SpikeSourceArray(spike_times=trains), label="src")
out = sim.Population(3, sim.IF_cond_exp(tau_refrac=2.0), label="out")
out.record("spikes")
stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(A_plus=0.05, A_minus=0.05),
                         weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=0.02),
                         weight=sim.RandomDistribution("uniform", (0.005, 0.015), rng=sim.NumpyRNG(seed=1)),
                         delay=1.0)
sim.Projection(src, out, sim.AllToAllConnector(), stdp, label="learn")
sim.Projection(src, out, sim.FixedNumberPreConnector(2, rng=sim.NumpyRNG(seed=2)),
               sim.StaticSynapse(weight=0.001, delay=1.0), label="fixed")
sim.run(1000.0)
if "--no-end" not in sys.argv:
    sim.end()
