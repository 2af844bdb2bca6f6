"""How the software backends legitimately differ, as the common tests expect it."""

from __future__ import annotations

#: Samples between a spike's arrival and the first sample that shows it: NEURON
#: records the state of a step before it delivers the events due then.
ARRIVAL_LAG = {"nest": 0, "brian2": 0, "neuron": 1}
#: The option that seeds a backend's random spike sources.
SEED_OPTION = {"nest": "rng_seed", "brian2": "rng_seed", "neuron": "native_rng_baseseed"}
#: Graded tolerance of membrane traces of linear cells against their exact solution
#: (mV): NEST and Brian integrate them exactly; NEURON's Crank-Nicolson is second order.
TRACE_ATOL = {"nest": 1e-9, "brian2": 1e-9, "neuron": 2e-3}
