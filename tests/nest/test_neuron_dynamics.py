"""Single-neuron dynamics on NEST checked against closed-form solutions."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std

DT = 0.1


def first_spike_time(tau_m, cm, i_offset, v_rest, v_thresh):
    """Time for V to climb from v_rest to v_thresh under a constant current.

    V(t) = v_rest + R I (1 - exp(-t / tau_m)) with R = tau_m / cm, so
    t* = tau_m ln(R I / (R I - (v_thresh - v_rest))).
    """
    ri = tau_m / cm * i_offset
    return tau_m * np.log(ri / (ri - (v_thresh - v_rest)))


LIF = dict(tau_m=20.0, cm=0.5, i_offset=1.2, v_rest=-65.0, v_thresh=-50.0, v_reset=-70.0,
           tau_refrac=2.0)


@pytest.mark.parametrize("celltype", [std.IF_cond_exp, std.IF_curr_exp, std.IF_cond_alpha,
                                      std.IF_curr_alpha])
def test_first_spike_on_the_grid_is_the_first_step_after_threshold(net, celltype):
    # R I = 40 * 1.2 = 48 mV, gap 15 mV: t* = 20 ln(48/33) = 7.494 ms -> spike at 7.5
    builder = net()
    builder.population(celltype, 1, record={"spikes": "all"}, **LIF)
    backend = builder.build()
    backend.run_until(10.0)
    t_star = first_spike_time(20.0, 0.5, 1.2, -65.0, -50.0)
    times = backend.get_spikes(0, clear=False).times
    assert times.size == 1
    assert t_star <= times[0] < t_star + DT
    assert times[0] == pytest.approx(7.5)


def test_first_spike_off_grid_is_exact(net):
    builder = net(spike_precision="off_grid")
    builder.population(std.IF_curr_exp, 1, record={"spikes": "all"}, **LIF)
    backend = builder.build()
    backend.run_until(10.0)
    times = backend.get_spikes(0, clear=False).times
    assert times.size == 1
    assert times[0] == pytest.approx(first_spike_time(20.0, 0.5, 1.2, -65.0, -50.0), abs=1e-9)


def test_interspike_interval_is_refractory_period_plus_charging_time(net):
    # after a spike V sits at v_reset for tau_refrac, then charges towards
    # v_rest + R I = -17 mV: t_c = tau_m ln((-17 + 70) / (-17 + 50)) = 9.477 ms
    builder = net(spike_precision="off_grid")
    builder.population(std.IF_curr_exp, 1, record={"spikes": "all"}, **LIF)
    backend = builder.build()
    backend.run_until(100.0)
    isi = np.diff(backend.get_spikes(0, clear=False).times)
    charging = 20.0 * np.log((-17.0 + 70.0) / (-17.0 + 50.0))
    assert isi.size >= 7
    np.testing.assert_allclose(isi, 2.0 + charging, atol=1e-6)


def test_interspike_interval_on_the_grid_within_one_step(net):
    builder = net()
    builder.population(std.IF_cond_exp, 1, record={"spikes": "all"}, **LIF)
    backend = builder.build()
    backend.run_until(100.0)
    isi = np.diff(backend.get_spikes(0, clear=False).times)
    charging = 20.0 * np.log((-17.0 + 70.0) / (-17.0 + 50.0))
    assert np.all(np.abs(isi - (2.0 + charging)) <= DT + 1e-9)


def psp_exp(t, weight, cm, tau_m, tau_syn):
    """Membrane response to a current w exp(-t / tau_syn) starting at t = 0:
    u(t) = w / cm * tau_m tau_syn / (tau_m - tau_syn) (exp(-t/tau_m) - exp(-t/tau_syn))."""
    t = np.maximum(t, 0.0)
    return weight / cm * tau_m * tau_syn / (tau_m - tau_syn) * (
        np.exp(-t / tau_m) - np.exp(-t / tau_syn))


@pytest.mark.parametrize("precision", ["on_grid", "off_grid"])
def test_psp_of_current_based_exponential_synapse(net, precision):
    # spike at 2.0 ms, delay 1.5 ms: the current starts at 3.5 ms
    builder = net(spike_precision=precision)
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([2.0]))
    cell = builder.population(std.IF_curr_exp, 1, record={"v": "all"}, tau_m=20.0, cm=0.25,
                              tau_syn_E=2.0, v_rest=-65.0, v_thresh=0.0)
    builder.projection(src, cell, [0], [0], 0.5, 1.5)
    backend = builder.build()
    backend.run_until(40.0)
    signal = backend.get_signal(cell, "v", clear=False)
    t = np.arange(signal.values.shape[0]) * DT
    expected = -65.0 + psp_exp(t - 3.5, 0.5, 0.25, 20.0, 2.0)
    np.testing.assert_allclose(signal.values[:, 0], expected, atol=1e-9)
    # peak at tau_m tau_s / (tau_m - tau_s) ln(tau_m / tau_s) = 4.605 ms after onset
    t_peak = 20.0 * 2.0 / 18.0 * np.log(10.0)
    peak = psp_exp(t_peak, 0.5, 0.25, 20.0, 2.0)
    assert signal.values[:, 0].max() + 65.0 == pytest.approx(peak, abs=2e-3)


def test_psp_of_an_off_grid_spike_with_precise_timing(net):
    # off-grid spike at 2.03 ms, delay 1.5 ms: the current starts at 3.53 ms exactly
    builder = net(spike_precision="off_grid")
    src = builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                             spike_times=Sequence([2.03]))
    cell = builder.population(std.IF_curr_exp, 1, record={"v": "all"}, tau_m=20.0, cm=0.25,
                              tau_syn_E=2.0, v_rest=-65.0, v_thresh=0.0)
    builder.projection(src, cell, [0], [0], 0.5, 1.5)
    backend = builder.build()
    backend.run_until(20.0)
    np.testing.assert_allclose(backend.get_spikes(src, clear=False).times, [2.03])
    v = backend.get_signal(cell, "v", clear=False).values[:, 0]
    t = np.arange(v.size) * DT
    np.testing.assert_allclose(v, -65.0 + psp_exp(t - 3.53, 0.5, 0.25, 20.0, 2.0), atol=1e-9)


def test_conductance_is_recorded_in_microsiemens(net):
    # a 0.012 uS synapse: g_ex jumps to 0.012 uS at arrival (2.0 + 1.0 ms), then
    # decays with tau_syn_E = 4 ms
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([2.0]))
    cell = builder.population(std.IF_cond_exp, 1, record={"gsyn_exc": "all", "gsyn_inh": "all"},
                              tau_syn_E=4.0)
    builder.projection(src, cell, [0], [0], 0.012, 1.0)
    backend = builder.build()
    backend.run_until(10.0)
    g = backend.get_signal(cell, "gsyn_exc", clear=False).values[:, 0]
    assert np.all(g[:30] == 0.0)
    expected = 0.012 * np.exp(-(np.arange(30, 101) * DT - 3.0) / 4.0)
    np.testing.assert_allclose(g[30:], expected, rtol=1e-6)
    assert np.all(backend.get_signal(cell, "gsyn_inh", clear=False).values == 0.0)


def test_inhibitory_conductance_pulls_towards_reversal(net):
    # positive PyNN weight on the inhibitory receptor: gsyn_inh > 0 and V falls
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([1.0]))
    cell = builder.population(std.IF_cond_exp, 1, record={"gsyn_inh": "all", "v": "all"},
                              v_rest=-60.0, e_rev_I=-80.0)
    builder.projection(src, cell, [0], [0], 0.05, 1.0, receptor="inhibitory")
    backend = builder.build()
    backend.run_until(10.0)
    assert backend.get_signal(cell, "gsyn_inh", clear=False).values[20, 0] == pytest.approx(0.05)
    assert backend.get_signal(cell, "v", clear=False).values[:, 0].min() < -61.0


def test_initial_values_are_the_first_sample(net):
    builder = net()
    builder.population(std.IF_cond_exp, 3, record={"v": "all"},
                       initial={"v": np.array([-70.0, -60.0, -55.0])})
    backend = builder.build()
    backend.run_until(1.0)
    signal = backend.get_signal(0, "v", clear=False)
    assert signal.values.shape == (11, 3)
    np.testing.assert_array_equal(signal.values[0], [-70.0, -60.0, -55.0])
    # relaxation towards v_rest = -65 mV with tau_m = 20 ms
    expected = -65.0 + (np.array([-70.0, -60.0, -55.0]) + 65.0) * np.exp(-0.1 / 20.0)
    np.testing.assert_allclose(signal.values[1], expected, atol=1e-6)
