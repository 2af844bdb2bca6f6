"""A small deterministic network written against the PyNN API only, for comparing
``pynn_hw.nest`` with ``pyNN.nest``.

Usage: python pynn_crosscheck.py <module> <spike_precision>; prints one JSON line.
"""

import importlib
import json
import sys

import numpy as np

sim = importlib.import_module(sys.argv[1])
sim.setup(timestep=0.1, min_delay=0.1, spike_precision=sys.argv[2])
cond = sim.Population(5, sim.IF_cond_exp(i_offset=[0.3, 0.5, 0.7, 0.9, 1.1], tau_refrac=2.0))
curr = sim.Population(3, sim.IF_curr_exp(i_offset=[0.6, 0.8, 1.0], tau_refrac=2.0))
source = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 10.0, 15.0, 40.3]))
sim.Projection(source, cond, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.01, delay=1.0))
sim.Projection(source, curr, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.3, delay=1.5))
sim.Projection(cond, curr, sim.AllToAllConnector(), sim.StaticSynapse(weight=-0.2, delay=0.7),
               receptor_type="inhibitory")
dc = sim.DCSource(amplitude=0.5, start=20.0, stop=60.0)
dc.inject_into(cond[0:1])
for population in (cond, curr):
    population.record(["spikes", "v"])
sim.run(100.0)
out = {}
for name, population in (("cond", cond), ("curr", curr)):
    segment = population.get_data().segments[0]
    out[name + "_spikes"] = [st.magnitude.tolist() for st in segment.spiketrains]
    out[name + "_v"] = np.asarray(segment.filter(name="v")[0].magnitude).tolist()
sim.end()
print(json.dumps(out))
