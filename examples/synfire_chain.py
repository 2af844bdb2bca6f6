"""A synfire chain with feed-forward inhibition, runnable on every pynn-hw backend.

Six groups of 20 excitatory and 10 inhibitory neurons. The excitatory cells of
group ``i`` excite both the excitatory and the inhibitory cells of group
``i + 1``; the inhibitory cells of a group inhibit that group's excitatory cells,
so each group fires one short volley and is then silenced (feed-forward
inhibition). A pulse of SpikeSourceArrays starts the chain at group 0.

Run it unmodified on any backend::

    pynn-hw run examples/synfire_chain.py --backend emulator
    pynn-hw run examples/synfire_chain.py --backend nest

Delays are 0.1 ms, the delay the board realises between neurons of one chip, so
that every backend runs the same network.
"""

N_GROUPS = 6
N_EXC = 20
N_INH = 10
PULSE_MS = (10.0, 10.5, 11.0)
T_STOP = 60.0

CELL = dict(tau_m=20.0, cm=0.2, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, tau_refrac=5.0,
            tau_syn_E=2.0, tau_syn_I=5.0, e_rev_E=0.0, e_rev_I=-80.0)
W_STIM = 0.02       # uS, one source per cell of group 0
W_STIM_INH = 0.015  # uS, one source per inhibitory cell of group 0
W_EXC = 0.0025      # uS, group i excitatory -> group i+1 (all to all)
W_INH = 0.02        # uS, inhibitory -> excitatory of the same group (all to all)
DELAY = 0.1         # ms


def build(sim):
    """Create the chain; return (excitatory groups, inhibitory groups, stimulus)."""
    cell = sim.IF_cond_exp(**CELL)
    exc = [sim.Population(N_EXC, cell, label=f"exc{i}") for i in range(N_GROUPS)]
    inh = [sim.Population(N_INH, cell, label=f"inh{i}") for i in range(N_GROUPS)]
    stim = sim.Population(N_EXC, sim.SpikeSourceArray(spike_times=list(PULSE_MS)), label="stim")
    all_to_all = sim.AllToAllConnector()
    sim.Projection(stim, exc[0], sim.OneToOneConnector(), sim.StaticSynapse(weight=W_STIM, delay=DELAY),
                   receptor_type="excitatory")
    # a pulse of its own for the inhibitory cells of group 0: a source's row has one strength, so
    # sharing the stimulus rows would round this smaller weight coarsely on the board
    stim_inh = sim.Population(N_INH, sim.SpikeSourceArray(spike_times=list(PULSE_MS)), label="stim_inh")
    sim.Projection(stim_inh, inh[0], sim.OneToOneConnector(), sim.StaticSynapse(weight=W_STIM_INH, delay=DELAY),
                   receptor_type="excitatory")
    for i in range(N_GROUPS):
        sim.Projection(inh[i], exc[i], all_to_all, sim.StaticSynapse(weight=W_INH, delay=DELAY),
                       receptor_type="inhibitory")
        if i + 1 < N_GROUPS:
            for target in (exc[i + 1], inh[i + 1]):
                sim.Projection(exc[i], target, all_to_all, sim.StaticSynapse(weight=W_EXC, delay=DELAY),
                               receptor_type="excitatory")
    for pop in exc + inh:
        pop.record("spikes")
    exc[0].sample(1, rng=sim.NumpyRNG(seed=1)).record("v")
    return exc, inh, stim


def group_spikes(groups):
    """Per group: (number of spikes, first spike time in ms or None)."""
    out = []
    for pop in groups:
        trains = pop.get_data("spikes").segments[-1].spiketrains
        times = [float(t) for st in trains for t in st.magnitude]
        out.append((len(times), min(times) if times else None))
    return out


def main(sim):
    sim.setup(timestep=0.1, min_delay=0.1)
    exc, inh, _ = build(sim)
    sim.run(T_STOP)
    for i, ((n_e, t_e), (n_i, t_i)) in enumerate(zip(group_spikes(exc), group_spikes(inh))):
        first = "-" if t_e is None else f"{t_e:.2f} ms"
        print(f"group {i}: {n_e:3d} excitatory spikes (first at {first}), {n_i:3d} inhibitory spikes")
    sim.end()


if __name__ == "__main__":
    import pyNN.nest as sim   # under `pynn-hw run --backend X` this is pynn_hw.X
    main(sim)
