"""Networks shared by the plasticity tests: one function per scenario, run on any
backend module (``pynn_hw.nest``, ``pynn_hw.brian2``, ``pynn_hw.neuron``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: The post-synaptic neurons are kicked into firing once by a strong static input.
KICK_WEIGHT = 0.2          # uS onto IF_cond_exp: one spike 1-2 ms after the kick
T_PRE = 100.0              # ms, time of the pre-synaptic spike of each pair
T_FLUSH = 500.0            # ms, a late pre-synaptic spike (see stdp_pairs)
TAU_SYN = 5.0              # ms, tau_syn_E of the post-synaptic cells


@dataclass
class PairResult:
    """Per synapse type: arrays with one element per pair (connection)."""

    t_pre: np.ndarray          # recorded pre-synaptic spike (the first of each cell)
    t_post: np.ndarray         # recorded post-synaptic spike
    n_post: np.ndarray         # number of post-synaptic spikes per cell
    w_before: np.ndarray
    w_after: np.ndarray        # read with Projection.get after the run
    w_after_reset: np.ndarray  # read again after sim.reset()


def _first_spikes(segment: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.full(n, np.nan)
    count = np.zeros(n, dtype=int)
    for k, train in enumerate(segment.spiketrains):
        times = np.asarray(train.magnitude)
        count[k] = times.size
        if times.size:
            first[k] = times[0]
    return first, count


def _weights(projection: Any) -> np.ndarray:
    return np.asarray(projection.get("weight", format="list", with_address=False),
                      dtype=float).reshape(-1)


def stdp_pairs(sim: Any, offsets: np.ndarray, synapses: list[Any]) -> list[PairResult]:
    """One pre/post pair per connection; for every synapse type, one connection per
    offset, the post-synaptic cell kicked at T_PRE + offset.

    A late pre-synaptic spike at T_FLUSH makes NEST apply pending potentiation (it
    updates weights at pre-synaptic spikes); the traces have decayed by then (at most
    exp(-340 / 20) < 5e-8 of a spike), so it changes no weight measurably.
    """
    n, m = len(offsets), len(synapses)
    sim.setup(timestep=0.1, min_delay=0.1)
    pre = sim.Population(n * m, sim.SpikeSourceArray(spike_times=[T_PRE, T_FLUSH]),
                         label="pre")
    kicks = [[float(T_PRE + o)] for o in offsets] * m
    kick = sim.Population(n * m, sim.SpikeSourceArray(spike_times=kicks), label="kick")
    post = sim.Population(n * m, sim.IF_cond_exp(tau_refrac=5.0, tau_syn_E=TAU_SYN),
                          label="post")
    pre.record("spikes")
    post.record("spikes")
    sim.Projection(kick, post, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=KICK_WEIGHT, delay=0.1))
    projections = [sim.Projection(pre[k * n:(k + 1) * n], post[k * n:(k + 1) * n],
                                  sim.OneToOneConnector(), synapse)
                   for k, synapse in enumerate(synapses)]
    before = [_weights(p) for p in projections]
    sim.run(T_FLUSH + 10.0)
    after = [_weights(p) for p in projections]
    t_pre, _ = _first_spikes(pre.get_data().segments[0], n * m)
    t_post, n_post = _first_spikes(post.get_data().segments[0], n * m)
    sim.reset()
    after_reset = [_weights(p) for p in projections]
    sim.end()
    return [PairResult(t_pre[k * n:(k + 1) * n], t_post[k * n:(k + 1) * n],
                       n_post[k * n:(k + 1) * n], before[k], after[k], after_reset[k])
            for k in range(m)]


def tsodyks_markram_train(sim: Any, synapses: list[Any], times: np.ndarray,
                          delay: float) -> list[np.ndarray]:
    """Response amplitude to each spike of a train, one post cell per synapse type.

    The post cells are IF_cond_exp far below threshold with gsyn_exc recorded every
    step; the amplitude of the response to a spike arriving at ``a`` is the largest
    sample g(t_k) in the 5 ms after it, extrapolated back to the arrival,
    g(t_k) exp((t_k - a) / tau_syn) (the sample may lie a step after the jump). The
    residue of the previous response (>= 30 ms earlier) is below exp(-6) of it and
    cancels in ratios of amplitudes to within 0.1 %.
    """
    sim.setup(timestep=0.1, min_delay=0.1)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=list(times)), label="pre")
    post = sim.Population(len(synapses), sim.IF_cond_exp(v_thresh=100.0, tau_syn_E=TAU_SYN),
                          label="post")
    post.record("gsyn_exc")
    for k, synapse in enumerate(synapses):
        sim.Projection(pre, post[k:k + 1], sim.AllToAllConnector(), synapse)
    sim.run(float(times[-1]) + 20.0)
    g = post.get_data().segments[0].filter(name="gsyn_exc")[0]
    t = np.asarray(g.times.rescale("ms").magnitude)
    values = np.asarray(g.magnitude)
    sim.end()
    amplitudes = []
    for k in range(len(synapses)):
        out = []
        for arrival in np.asarray(times) + delay:
            window = np.flatnonzero((t >= arrival - 1e-9) & (t <= arrival + 5.0))
            best = window[np.argmax(values[window, k])]
            out.append(values[best, k] * np.exp((t[best] - arrival) / TAU_SYN))
        amplitudes.append(np.array(out))
    return amplitudes
