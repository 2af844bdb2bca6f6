"""A small network for the MPI test: run as ``[mpirun -n K] python mpi_network.py OUT``.

Rank 0 writes the spikes and membrane traces it sees to the JSON file OUT; every
rank prints the seed that a ``NumpyRNG()`` created without a seed received.
"""

import json
import sys

import numpy as np

import pynn_hw.neuron as sim

sim.setup(timestep=0.1, min_delay=1.0)
print(f"SEED {sim.rank()} {sim.NumpyRNG().seed}", flush=True)
rng = sim.NumpyRNG(seed=42)
noise = sim.Population(30, sim.SpikeSourcePoisson(rate=40.0), label="noise")
exc = sim.Population(40, sim.IF_cond_exp(tau_refrac=2.0, i_offset=0.1), label="exc")
inh = sim.Population(15, sim.IF_cond_alpha(tau_refrac=1.0), label="inh")
exc.initialize(v=sim.RandomDistribution("uniform", low=-65.0, high=-55.0, rng=rng))
connector = sim.FixedProbabilityConnector(0.2, rng=rng)
sim.Projection(noise, exc, connector, sim.StaticSynapse(weight=0.02, delay=1.0))
sim.Projection(exc, inh, connector, sim.StaticSynapse(weight=0.01, delay=1.5))
sim.Projection(inh, exc, connector, sim.StaticSynapse(weight=0.03, delay=1.0),
               receptor_type="inhibitory")
# one cell: on one rank only (global index 85 lives on rank 1 of 2)
solo = sim.Population(1, sim.IF_curr_exp(tau_refrac=2.0), label="solo")
step = sim.StepCurrentSource(times=[20.0, 80.0], amplitudes=[1.5, 0.0])
step.inject_into(solo)
step.record()
exc.record(["spikes", "v"])
inh.record("spikes")
solo.record(["spikes", "v"])
sim.run(150.0)
result = {}
result["current"] = np.asarray(step.get_data().magnitude)[:, 0].tolist()
for population in (exc, inh, solo):
    block = population.get_data()
    segment = block.segments[0]
    result[population.label] = [np.asarray(t.magnitude).tolist() for t in segment.spiketrains]
    if population is exc:
        v = segment.filter(name="v")[0]
        result["v_shape"] = list(v.shape)
        result["v_last"] = np.asarray(v.magnitude)[-1].tolist()
if sim.rank() == 0:
    with open(sys.argv[1], "w") as out:
        json.dump(result, out)
sim.end()
