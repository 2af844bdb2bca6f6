"""A feed-forward population learns which of its inputs are correlated (STDP).

Forty spike trains at 10 Hz drive four IF_cond_exp neurons through additive STDP
synapses; the first half of the inputs share spikes (each copies a spike of a
common 20 Hz Poisson "mother" train with probability 0.5), the second half are
independent. Correlated inputs make the neurons fire shortly after them, so their
synapses are potentiated, while the independent ones drift down (depression is
slightly stronger than potentiation). The input trains are drawn once with numpy,
so every backend receives exactly the same spikes.

Usage: ``python examples/stdp_correlated_input.py [nest|brian2|neuron]``
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np

N_CORRELATED = 20
N_INDEPENDENT = 20
N_OUTPUT = 4
RATE = 10.0               # Hz, every input
CORRELATION = 0.5         # probability of copying a spike of the mother train
W_MAX = 0.01              # uS
W_INIT = (0.3 * W_MAX, 0.7 * W_MAX)      # uniform range of the initial weights


def input_trains(duration: float, seed: int) -> list[np.ndarray]:
    """Spike times (ms, on the 0.1 ms grid, from 1 ms on) of all inputs."""
    rng = np.random.default_rng(seed)

    def poisson(rate: float) -> np.ndarray:
        n = rng.poisson(rate * duration / 1000.0)
        return np.sort(rng.uniform(1.0, duration, n))

    mother = poisson(RATE / CORRELATION)
    trains = [mother[rng.random(mother.size) < CORRELATION] for _ in range(N_CORRELATED)]
    trains += [poisson(RATE) for _ in range(N_INDEPENDENT)]
    return [np.unique(np.round(t, 1)) for t in trains]


def run(sim: Any, duration: float = 5000.0, seed: int = 7) -> dict[str, Any]:
    """Build, run and read back the network on one backend module.

    Returns
    -------
    dict
        ``initial`` and ``final`` weights (inputs x outputs, uS), ``rates`` of the
        output neurons (Hz) and ``correlated`` (a boolean mask of the inputs).
    """
    sim.setup(timestep=0.1, min_delay=0.1)
    trains = input_trains(duration, seed)
    inputs = sim.Population(len(trains), sim.SpikeSourceArray(spike_times=trains),
                            label="inputs")
    outputs = sim.Population(N_OUTPUT, sim.IF_cond_exp(tau_refrac=2.0), label="outputs")
    outputs.record("spikes")
    stdp = sim.STDPMechanism(
        timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0,
                                            A_plus=0.02, A_minus=0.021),
        weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=W_MAX),
        weight=sim.RandomDistribution("uniform", W_INIT, rng=sim.NumpyRNG(seed=seed)),
        delay=1.0)
    projection = sim.Projection(inputs, outputs, sim.AllToAllConnector(), stdp,
                                label="learning")
    initial = projection.get("weight", format="array")
    sim.run(duration)
    final = projection.get("weight", format="array")
    counts = outputs.get_spike_counts()
    sim.end()
    correlated = np.arange(len(trains)) < N_CORRELATED
    rates = np.array([counts[i] for i in sorted(counts)]) / (duration / 1000.0)
    return {"initial": initial, "final": final, "rates": rates, "correlated": correlated}


def main(argv: list[str]) -> None:
    name = argv[1] if len(argv) > 1 else "nest"
    sim = importlib.import_module(f"pynn_hw.{name}")
    result = run(sim)
    final, corr = result["final"], result["correlated"]
    print(f"{name}: output rates {np.round(result['rates'], 1)} Hz")
    print(f"  mean weight, correlated inputs:  {final[corr].mean():.5f} uS "
          f"(start {result['initial'][corr].mean():.5f})")
    print(f"  mean weight, independent inputs: {final[~corr].mean():.5f} uS")


if __name__ == "__main__":
    main(sys.argv)
