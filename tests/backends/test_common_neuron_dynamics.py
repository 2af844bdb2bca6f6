"""Single-neuron dynamics checked against closed-form solutions, on every software
backend (tests/support/analytic.py derives the expected values)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std

from ..support.analytic import (CHARGING, DT, LIF, T_STAR, check_psp_of_if_curr_exp,
                                psp_network)
from .backend_facts import ARRIVAL_LAG

#: Relative tolerance of a recorded conductance against its exact exponential decay.
CONDUCTANCE_RTOL = {"nest": 1e-6, "brian2": 1e-9, "neuron": 1e-9}
#: Absolute tolerance (mV) of one step of relaxation from the initial values.
RELAXATION_ATOL = {"nest": 1e-6, "brian2": 1e-9, "neuron": 1e-6}


@pytest.mark.parametrize("celltype", [std.IF_cond_exp, std.IF_curr_exp, std.IF_cond_alpha,
                                      std.IF_curr_alpha], ids=lambda c: c.__name__)
def test_first_spike_is_the_first_step_after_threshold(net, celltype):
    # t* = 7.494 ms (analytic.T_STAR): the spike is stamped at the end of its step, 7.5 ms
    builder = net()
    builder.population(celltype, 1, record={"spikes": "all"}, **LIF)
    sim = builder.build()
    sim.run_until(10.0)
    times = sim.get_spikes(0, clear=False).times
    assert times.size == 1
    assert T_STAR <= times[0] < T_STAR + DT
    assert times[0] == pytest.approx(7.5)


@pytest.mark.parametrize("celltype", [std.IF_cond_exp, std.IF_curr_exp],
                         ids=lambda c: c.__name__)
def test_interspike_interval_on_the_grid_within_one_step(net, celltype):
    # tau_refrac at v_reset, then the charging time (analytic.CHARGING)
    builder = net()
    builder.population(celltype, 1, record={"spikes": "all"}, **LIF)
    sim = builder.build()
    sim.run_until(100.0)
    isi = np.diff(sim.get_spikes(0, clear=False).times)
    assert isi.size >= 7
    assert np.all(np.abs(isi - (2.0 + CHARGING)) <= DT + 1e-9)


def test_psp_of_current_based_exponential_synapse(net):
    # spike at 2.0 ms, delay 1.5 ms: the current starts at 3.5 ms
    builder = net()
    _, cell = psp_network(builder, 2.0)
    sim = builder.build()
    sim.run_until(40.0)
    check_psp_of_if_curr_exp(sim.get_signal(cell, "v", clear=False).values[:, 0], 3.5,
                             argmax=True)


def test_conductance_is_recorded_in_microsiemens(net, backend):
    # a 0.012 uS synapse: g_ex jumps to 0.012 uS at arrival (2.0 + 1.0 ms), then
    # decays with tau_syn_E = 4 ms
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([2.0]))
    cell = builder.population(std.IF_cond_exp, 1, record={"gsyn_exc": "all", "gsyn_inh": "all"},
                              tau_syn_E=4.0)
    builder.projection(src, cell, [0], [0], 0.012, 1.0)
    sim = builder.build()
    sim.run_until(10.0)
    g = sim.get_signal(cell, "gsyn_exc", clear=False).values[:, 0]
    shown = 30 + ARRIVAL_LAG[backend]
    assert g.size == 101
    assert np.all(g[:shown] == 0.0)
    expected = 0.012 * np.exp(-(np.arange(shown, 101) * DT - 3.0) / 4.0)
    np.testing.assert_allclose(g[shown:], expected, rtol=CONDUCTANCE_RTOL[backend])
    assert np.all(sim.get_signal(cell, "gsyn_inh", clear=False).values == 0.0)


def test_inhibitory_conductance_pulls_towards_reversal(net, backend):
    # positive PyNN weight on the inhibitory receptor: gsyn_inh > 0 and V falls;
    # arrival at 2.0 ms, decay with tau_syn_I = 5 ms
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([1.0]))
    cell = builder.population(std.IF_cond_exp, 1, record={"gsyn_inh": "all", "v": "all"},
                              v_rest=-60.0, e_rev_I=-80.0)
    builder.projection(src, cell, [0], [0], 0.05, 1.0, receptor="inhibitory")
    sim = builder.build()
    sim.run_until(10.0)
    lag = ARRIVAL_LAG[backend]
    assert sim.get_signal(cell, "gsyn_inh", clear=False).values[20 + lag, 0] == \
        pytest.approx(0.05 * np.exp(-lag * DT / 5.0))
    assert sim.get_signal(cell, "v", clear=False).values[:, 0].min() < -61.0


def test_initial_values_are_the_first_sample(net, backend):
    builder = net()
    builder.population(std.IF_cond_exp, 3, record={"v": "all"},
                       initial={"v": np.array([-70.0, -60.0, -55.0])})
    sim = builder.build()
    sim.run_until(1.0)
    signal = sim.get_signal(0, "v", clear=False)
    assert signal.values.shape == (11, 3)
    np.testing.assert_array_equal(signal.values[0], [-70.0, -60.0, -55.0])
    # relaxation towards v_rest = -65 mV with tau_m = 20 ms
    expected = -65.0 + (np.array([-70.0, -60.0, -55.0]) + 65.0) * np.exp(-0.1 / 20.0)
    np.testing.assert_allclose(signal.values[1], expected, atol=RELAXATION_ATOL[backend])
