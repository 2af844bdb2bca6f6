"""Small networks for the mapping tests, built through the front-end (no simulator runs)."""

from __future__ import annotations

import pynn_hw.nest as sim
from pynn_hw.network import Network


def fresh() -> None:
    """Start a new front-end session (dt 0.1 ms, min delay 0.1 ms)."""
    sim.setup(timestep=0.1, min_delay=0.1)


def network() -> Network:
    """The frozen description of what was built since :func:`fresh`."""
    return sim.session.network()


def synfire(n_groups: int = 6, n_exc: int = 20, n_inh: int = 10) -> Network:
    """A synfire chain: group i excites group i+1 (exc and inh), inh inhibits its own group's exc."""
    fresh()
    cell = sim.IF_cond_exp(tau_m=20.0, cm=0.2, v_rest=-70.0, v_reset=-70.0, v_thresh=-55.0, tau_refrac=2.0,
                           tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0)
    exc = [sim.Population(n_exc, cell, label=f"exc{i}") for i in range(n_groups)]
    inh = [sim.Population(n_inh, cell, label=f"inh{i}") for i in range(n_groups)]
    stim = sim.Population(n_exc, sim.SpikeSourceArray(spike_times=[5.0, 10.0]), label="stim")
    allc = sim.AllToAllConnector()
    for i in range(n_groups):
        j = (i + 1) % n_groups
        sim.Projection(exc[i], exc[j], allc, sim.StaticSynapse(weight=0.002, delay=1.0), receptor_type="excitatory")
        sim.Projection(exc[i], inh[j], allc, sim.StaticSynapse(weight=0.002, delay=1.0), receptor_type="excitatory")
        sim.Projection(inh[i], exc[i], allc, sim.StaticSynapse(weight=0.02, delay=1.0), receptor_type="inhibitory")
    sim.Projection(stim, exc[0], sim.OneToOneConnector(), sim.StaticSynapse(weight=0.003, delay=1.0),
                   receptor_type="excitatory")
    return network()


def random_net(n: int, p: float, seed: int = 1, n_ext: int = 20, frac_exc: float = 0.8,
               w_exc: float = 0.004, w_inh: float = 0.051) -> Network:
    """A Vogels-Abbott-like random network with a Poisson kick-start."""
    fresh()
    cell = sim.IF_cond_exp(tau_m=20.0, cm=0.2, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0,
                           tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0, i_offset=0.0)
    n_exc = int(n * frac_exc)
    exc = sim.Population(n_exc, cell, label="exc")
    inh = sim.Population(n - n_exc, cell, label="inh")
    rng = sim.random.NumpyRNG(seed=seed)
    conn = sim.FixedProbabilityConnector(p, rng=rng)
    for src, w, rec in ((exc, w_exc, "excitatory"), (inh, w_inh, "inhibitory")):
        for tgt in (exc, inh):
            sim.Projection(src, tgt, conn, sim.StaticSynapse(weight=w, delay=0.2), receptor_type=rec)
    if n_ext:
        ext = sim.Population(n_ext, sim.SpikeSourcePoisson(rate=50.0, start=0.0, duration=50.0), label="ext")
        sim.Projection(ext, exc, sim.FixedProbabilityConnector(0.1, rng=rng),
                       sim.StaticSynapse(weight=0.1, delay=0.2), receptor_type="excitatory")
    return network()
