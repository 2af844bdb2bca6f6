"""A balanced random network of a few hundred conductance-based neurons.

160 excitatory and 40 inhibitory IF_cond_exp cells, connected at random with
probability 0.1 (drawn once, in the front-end, from a seeded RNG), driven by
50 Poisson sources at 20 Hz; inhibition (0.051 uS, Vogels-Abbott's value)
balances the recurrent excitation, so the network fires irregularly at
20-30 Hz instead of running away. The same script
runs on every backend::

    pynn-hw run examples/balanced_network.py --backend emulator
    pynn-hw run examples/balanced_network.py --backend nest

The membranes start at rest (v_rest is the IF_cond_exp default initial value), as
the board cannot set a membrane to an arbitrary initial value.
"""

N_EXC = 160
N_INH = 40
N_EXT = 50
P_CONNECT = 0.1
RATE_EXT = 20.0      # Hz
T_STOP = 1000.0      # ms
CELL = dict(tau_m=20.0, cm=0.2, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, tau_refrac=5.0,
            tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0)
W_EXC = 0.004        # uS
W_INH = 0.051        # uS
W_EXT = 0.004        # uS
DELAY = 0.5          # ms
SEED = 4242


def build(sim):
    """Create the network; return (excitatory, inhibitory, external) populations."""
    rng = sim.NumpyRNG(seed=SEED)
    cell = sim.IF_cond_exp(**CELL)
    exc = sim.Population(N_EXC, cell, label="exc")
    inh = sim.Population(N_INH, cell, label="inh")
    ext = sim.Population(N_EXT, sim.SpikeSourcePoisson(rate=RATE_EXT), label="ext")
    conn = sim.FixedProbabilityConnector(P_CONNECT, rng=rng)
    for source, weight, receptor in ((exc, W_EXC, "excitatory"), (inh, W_INH, "inhibitory"),
                                     (ext, W_EXT, "excitatory")):
        for target in (exc, inh):
            sim.Projection(source, target, conn, sim.StaticSynapse(weight=weight, delay=DELAY),
                           receptor_type=receptor)
    exc.record("spikes")
    inh.record("spikes")
    return exc, inh, ext


def rate(pop, t_stop=T_STOP):
    """Mean firing rate (Hz) of a population over the last segment."""
    trains = pop.get_data("spikes").segments[-1].spiketrains
    return sum(len(st) for st in trains) / len(pop) / (t_stop / 1000.0)


def main(sim):
    sim.setup(timestep=0.1, min_delay=0.1, rng_seed=SEED)
    exc, inh, _ = build(sim)
    sim.run(T_STOP)
    print(f"rates: excitatory {rate(exc):.2f} Hz, inhibitory {rate(inh):.2f} Hz")
    sim.end()


if __name__ == "__main__":
    import pyNN.nest as sim   # under `pynn-hw run --backend X` this is pynn_hw.X
    main(sim)
