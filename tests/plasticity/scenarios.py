"""Networks shared by the plasticity tests: one function per scenario, run on any
backend module (``pynn_hw.nest``, ``pynn_hw.brian2``, ``pynn_hw.neuron``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: The post-synaptic neurons are kicked into firing once by a strong static input.
KICK_WEIGHT = 0.2          # uS onto IF_cond_exp: one spike 1-2 ms after the kick
DELAY = 1.0                # ms, delay of the plastic synapses
T_PRE = 100.0              # ms, time of the pre-synaptic spike of each pair
T_FLUSH = 500.0            # ms, a late pre-synaptic spike (see stdp_pairs)


@dataclass
class PairResult:
    t_pre: np.ndarray          # recorded pre-synaptic spike (first of each cell)
    t_post: np.ndarray         # recorded post-synaptic spikes (one per cell)
    n_post: np.ndarray         # number of post-synaptic spikes per cell
    w_before: np.ndarray
    w_after: np.ndarray
    w_after_reset: np.ndarray


def _first_spikes(segment: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.full(n, np.nan)
    count = np.zeros(n, dtype=int)
    for k, train in enumerate(segment.spiketrains):
        times = np.asarray(train.magnitude)
        count[k] = times.size
        if times.size:
            first[k] = times[0]
    return first, count


def stdp_pairs(sim: Any, offsets: np.ndarray, synapse: Any, weight: float) -> PairResult:
    """One pre/post pair per connection, the kick of connection k at T_PRE + offsets[k].

    A late pre-synaptic spike at T_FLUSH makes NEST apply pending potentiation (it
    updates weights at pre-synaptic spikes); the traces have decayed by then
    (exp(-390 / 20) < 4e-9), so it changes no weight by a measurable amount.
    """
    n = len(offsets)
    sim.setup(timestep=0.1, min_delay=0.1)
    pre = sim.Population(n, sim.SpikeSourceArray(spike_times=[T_PRE, T_FLUSH]), label="pre")
    kicks = [[float(T_PRE + o)] for o in offsets]
    kick = sim.Population(n, sim.SpikeSourceArray(spike_times=kicks), label="kick")
    post = sim.Population(n, sim.IF_cond_exp(tau_refrac=5.0), label="post")
    pre.record("spikes")
    post.record("spikes")
    sim.Projection(kick, post, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=KICK_WEIGHT, delay=0.1))
    prj = sim.Projection(pre, post, sim.OneToOneConnector(), synapse)
    prj.set(weight=weight)
    w_before = prj.get("weight", format="list", with_address=False)
    sim.run(T_FLUSH + 10.0)
    w_after = np.asarray(prj.get("weight", format="list", with_address=False), dtype=float)
    t_pre, _ = _first_spikes(pre.get_data().segments[0], n)
    t_post, n_post = _first_spikes(post.get_data().segments[0], n)
    sim.reset()
    w_reset = np.asarray(prj.get("weight", format="list", with_address=False), dtype=float)
    sim.end()
    return PairResult(t_pre, t_post, n_post, np.asarray(w_before, dtype=float), w_after,
                      w_reset)


def tsodyks_markram_train(sim: Any, synapses: list[Any], times: np.ndarray
                          ) -> list[np.ndarray]:
    """Peak conductance jump after each spike of a regular train, one post cell per
    synapse type (IF_cond_exp far below threshold, gsyn_exc recorded every step)."""
    sim.setup(timestep=0.1, min_delay=0.1)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=list(times)), label="pre")
    post = sim.Population(len(synapses), sim.IF_cond_exp(v_thresh=100.0), label="post")
    post.record("gsyn_exc")
    for k, synapse in enumerate(synapses):
        sim.Projection(pre, post[k:k + 1], sim.AllToAllConnector(), synapse)
    sim.run(float(times[-1]) + 20.0)
    g = post.get_data().segments[0].filter(name="gsyn_exc")[0]
    t = np.asarray(g.times.rescale("ms").magnitude)
    values = np.asarray(g.magnitude)
    sim.end()
    peaks = []
    for k in range(len(synapses)):
        # the largest value in the 5 ms after each arrival (the residue of the previous
        # response, tau_syn 5 ms over >= 40 ms, is below 1e-3 of it)
        peaks.append(np.array([values[(t > s) & (t <= s + 5.0), k].max() for s in times]))
    return peaks
