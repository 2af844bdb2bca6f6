"""Current sources on every software backend: changes between runs and resets, what
may receive a current."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels import electrodes as el

from .backend_facts import TRACE_ATOL

#: A passive cell each backend integrates exactly (Brian 2: the conductance-based LIF
#: without synaptic input builds faster than IF_curr_exp, whose exact integrator Brian
#: derives with sympy).
PASSIVE = {"nest": std.IF_curr_exp, "brian2": std.IF_cond_exp, "neuron": std.IF_curr_exp}


def test_changing_a_source_between_runs_and_reset(net, backend):
    builder = net()
    builder.population(PASSIVE[backend], 1, record={"v": "all"}, v_thresh=100.0, tau_m=10.0,
                       cm=0.5)
    builder.current(el.DCSource, [0], record=True, amplitude=0.1, start=1.0, stop=1e12)
    sim = builder.build()
    sim.run_until(5.0)
    sim.set_current_source(0, {"amplitude": 0.4, "start": 1.0, "stop": 1e12})
    sim.run_until(10.0)
    i = sim.get_current(0, clear=False).values[:, 0]
    assert i[30] == pytest.approx(0.1) and i[-1] == pytest.approx(0.4)
    sim.reset()
    sim.run_until(3.0)
    i = sim.get_current(0, clear=False).values[:, 0]
    np.testing.assert_array_equal(i, np.where(np.arange(31) >= 10, 0.4, 0.0))
    # R = tau_m / cm = 20 MOhm: 0.4 nA from 1 ms charges towards 8 mV with tau_m = 10 ms
    v = sim.get_signal(0, "v", clear=False).values[:, 0]
    assert v[-1] == pytest.approx(-65.0 + 8.0 * (1.0 - np.exp(-0.2)), abs=TRACE_ATOL[backend])


def test_spike_sources_take_no_current(net):
    builder = net()
    builder.population(std.SpikeSourcePoisson, 2)
    builder.current(el.DCSource, [0, 1])
    with pytest.raises(TypeError, match="spike sources take no current"):
        builder.build()
