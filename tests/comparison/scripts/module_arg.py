"""Imports the backend module named by its first argument (the convention of va_coba.py)."""
import importlib
import sys

modname = sys.argv[1]
sim = importlib.import_module(modname)
sim.setup(timestep=0.1)
pop = sim.Population(10, sim.SpikeSourcePoisson(rate=50.0), label="poisson")
pop.record("spikes")
sim.run(100.0)
print("ran with", modname)
sim.end()
