"""A small deterministic network for comparison tests: 80 excitatory and 20 inhibitory
IF_cond_exp cells driven by 50 fixed spike trains, 200 ms. Spikes of both
populations and v of three excitatory cells are recorded.

Usage: small_net.py [--poisson] [--fail-on BACKEND]
  --poisson          drive with SpikeSourcePoisson instead (not deterministic)
  --fail-on BACKEND  raise RuntimeError on that backend (to test failure reports)
"""
import sys

import numpy as np
import pyNN.nest as sim
from pyNN.random import NumpyRNG

poisson = "--poisson" in sys.argv
fail_on = sys.argv[sys.argv.index("--fail-on") + 1] if "--fail-on" in sys.argv else None
if sim.simulator_name == fail_on:
    raise RuntimeError(f"refusing to run on {fail_on}")

sim.setup(timestep=0.1, min_delay=0.5)
rng = NumpyRNG(seed=42)
cell = sim.IF_cond_exp(tau_m=20.0, cm=0.2, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0)
exc = sim.Population(80, cell, label="exc")
inh = sim.Population(20, cell, label="inh")
if poisson:
    source = sim.SpikeSourcePoisson(rate=100.0)
else:
    times = np.sort(np.random.default_rng(1).uniform(1.0, 199.0, size=(50, 20)), axis=1)
    source = sim.SpikeSourceArray(spike_times=[list(np.round(t, 1)) for t in times])
src = sim.Population(50, source, label="src")
to_cells = sim.FixedProbabilityConnector(0.3, rng=rng)
sim.Projection(src, exc, to_cells, sim.StaticSynapse(weight=0.006, delay=0.5))
sim.Projection(src, inh, to_cells, sim.StaticSynapse(weight=0.006, delay=0.5))
sim.Projection(inh, exc, sim.FixedProbabilityConnector(0.2, rng=rng),
               sim.StaticSynapse(weight=0.02, delay=0.5), receptor_type="inhibitory")
exc.record("spikes")
inh.record("spikes")
exc[0:3].record("v")
sim.run(200.0)
sim.end()
