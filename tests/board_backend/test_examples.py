"""The examples behave on the emulator as on NEST."""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import load_example


def _synfire(sim):
    ex = load_example("synfire_chain")
    sim.setup(timestep=0.1, min_delay=0.1)
    exc, inh, _ = ex.build(sim)
    sim.run(ex.T_STOP)
    out = ex.group_spikes(exc), ex.group_spikes(inh)
    sim.end()
    return out


def test_synfire_chain_propagates_as_on_nest():
    import pynn_hw.emulator as emu
    import pynn_hw.nest as nest
    exc_e, inh_e = _synfire(emu)
    exc_n, inh_n = _synfire(nest)
    first_e = [t for _, t in exc_e]
    first_n = [t for _, t in exc_n]
    assert None not in first_e and None not in first_n
    # every group fires after the previous one (delays differ: the board realises 0.1 ms
    # per connection; NEST the requested 0.1 ms on its own grid)
    assert np.all(np.diff(first_e) > 0.5) and np.all(np.diff(first_n) > 0.5)
    # each group's volley starts within 1.5 ms of NEST's
    assert np.max(np.abs(np.array(first_e) - np.array(first_n))) < 1.5
    # spike counts per group: each of the 20 excitatory cells fires once per volley on both;
    # tolerance 2 spikes per group (threshold grazing in the last group)
    for (ne, _), (nn, _) in zip(exc_e, exc_n):
        assert abs(ne - nn) <= 2 and ne >= 18
    for (ne, _), (nn, _) in zip(inh_e, inh_n):
        assert abs(ne - nn) <= 2


def _balanced(sim, t_stop):
    ex = load_example("balanced_network")
    sim.setup(timestep=0.1, min_delay=0.1, **({"rng_seed": ex.SEED} if sim.simulator_name == "emulator" else {}))
    exc, inh, _ = ex.build(sim)
    sim.run(t_stop)
    rates = ex.rate(exc, t_stop), ex.rate(inh, t_stop)
    sim.end()
    return rates


@pytest.mark.parametrize("t_stop", [1000.0])
def test_balanced_network_rates_within_20_percent_of_nest(t_stop):
    import pynn_hw.emulator as emu
    import pynn_hw.nest as nest
    rates_e = _balanced(emu, t_stop)
    rates_n = _balanced(nest, t_stop)
    # measured: NEST 29.1 / 23.3 Hz, emulator 27.4 / 23.2 Hz; the network is irregular,
    # so one second of 160 + 40 cells gives rates with a few % of sampling spread
    for re_, rn in zip(rates_e, rates_n):
        assert rn > 5.0
        assert abs(re_ - rn) / rn < 0.20
