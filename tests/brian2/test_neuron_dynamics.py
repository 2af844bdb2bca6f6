"""Single-neuron dynamics on Brian 2 checked against closed-form solutions."""

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
# after a spike V sits at v_reset for tau_refrac, then charges towards
# v_rest + R I = -17 mV: t_c = tau_m ln((-17 + 70) / (-17 + 50)) = 9.477 ms
CHARGING = 20.0 * np.log((-17.0 + 70.0) / (-17.0 + 50.0))


@pytest.fixture(scope="module")
def lif_runs(net):
    """One cell of each LIF type under i_offset, 100 ms (built once for the module)."""
    runs = {}
    for celltype in (std.IF_cond_exp, std.IF_curr_exp, std.IF_cond_alpha, std.IF_curr_alpha,
                     std.IF_curr_delta):
        builder = net()
        builder.population(celltype, 1, record={"spikes": "all", "v": "all"}, **LIF)
        backend = builder.build()
        backend.run_until(100.0)
        runs[celltype] = (backend.get_spikes(0, clear=False),
                          backend.get_signal(0, "v", clear=False))
    return runs


@pytest.mark.parametrize("celltype", [std.IF_cond_exp, std.IF_curr_exp, std.IF_cond_alpha,
                                      std.IF_curr_alpha, std.IF_curr_delta])
def test_first_spike_is_the_end_of_the_step_that_crosses_threshold(lif_runs, celltype):
    # R I = 40 * 1.2 = 48 mV, gap 15 mV: t* = 20 ln(48/33) = 7.494 ms -> spike at 7.5
    spikes, _ = lif_runs[celltype]
    t_star = first_spike_time(20.0, 0.5, 1.2, -65.0, -50.0)
    assert t_star <= spikes.times[0] < t_star + DT
    assert spikes.times[0] == pytest.approx(7.5)


@pytest.mark.parametrize("celltype", [std.IF_cond_exp, std.IF_curr_exp, std.IF_curr_delta])
def test_interspike_interval_is_refractory_period_plus_charging_time(lif_runs, celltype):
    # on the grid: 2 ms clamped + the charging time rounded up to the step = 11.5 ms
    spikes, _ = lif_runs[celltype]
    isi = np.diff(spikes.times)
    assert isi.size >= 7
    assert np.all(np.abs(isi - (2.0 + CHARGING)) <= DT + 1e-9)
    np.testing.assert_allclose(isi, 11.5, atol=1e-9)


def test_membrane_is_clamped_at_reset_for_the_refractory_period(lif_runs):
    spikes, v = lif_runs[std.IF_curr_exp]
    first = int(round(spikes.times[0] / DT))
    trace = v.values[:, 0]
    # samples at the spike time and the 2 ms after it stay at v_reset = -70 mV
    np.testing.assert_array_equal(trace[first:first + 21], -70.0)
    assert trace[first + 21] > -70.0


def test_subthreshold_trace_is_the_exact_solution(lif_runs):
    _, v = lif_runs[std.IF_curr_exp]
    t = np.arange(70) * DT
    expected = -65.0 + 48.0 * (1.0 - np.exp(-t / 20.0))
    np.testing.assert_allclose(v.values[:70, 0], expected, atol=1e-9)


def psp_exp(t, weight, cm, tau_m, tau_syn):
    """Membrane response to a current w exp(-t / tau_syn) starting at t = 0:
    u(t) = w / cm * tau_m tau_syn / (tau_m - tau_syn) (exp(-t/tau_m) - exp(-t/tau_syn))."""
    t = np.maximum(t, 0.0)
    return weight / cm * tau_m * tau_syn / (tau_m - tau_syn) * (
        np.exp(-t / tau_m) - np.exp(-t / tau_syn))


def test_psp_of_current_based_exponential_synapse(net):
    # spike at 2.0 ms, delay 1.5 ms: the current starts at 3.5 ms
    builder = net()
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
    assert t[np.argmax(signal.values[:, 0])] == pytest.approx(3.5 + t_peak, abs=DT)


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
    assert g.size == 101
    assert np.all(g[:30] == 0.0)
    expected = 0.012 * np.exp(-(np.arange(30, 101) * DT - 3.0) / 4.0)
    np.testing.assert_allclose(g[30:], expected, rtol=1e-9)
    assert np.all(backend.get_signal(cell, "gsyn_inh", clear=False).values == 0.0)


def test_alpha_conductance_peaks_at_the_weight_tau_syn_after_arrival(net):
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([1.0]))
    cell = builder.population(std.IF_cond_alpha, 1, record={"gsyn_exc": "all"}, tau_syn_E=2.0)
    builder.projection(src, cell, [0], [0], 0.02, 1.0)
    backend = builder.build()
    backend.run_until(15.0)
    g = backend.get_signal(cell, "gsyn_exc", clear=False).values[:, 0]
    # g(t) = w e (t / tau) exp(-t / tau) from the arrival at 2.0 ms: peak w at 4.0 ms
    assert np.argmax(g) * DT == pytest.approx(4.0, abs=DT)
    assert g.max() == pytest.approx(0.02, rel=0.01)


def test_inhibitory_conductance_pulls_towards_reversal(net):
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([1.0]))
    cell = builder.population(std.IF_cond_exp, 1, record={"gsyn_inh": "all", "v": "all"},
                              v_rest=-60.0, e_rev_I=-80.0)
    builder.projection(src, cell, [0], [0], 0.05, 1.0, receptor="inhibitory")
    backend = builder.build()
    backend.run_until(10.0)
    assert backend.get_signal(cell, "gsyn_inh", clear=False).values[20, 0] == pytest.approx(0.05)
    assert backend.get_signal(cell, "v", clear=False).values[:, 0].min() < -61.0


def test_delta_synapse_jump_fires_in_the_step_it_arrives(net):
    # v_rest -65, threshold -50: a 20 mV jump arriving at 2.0 + 1.0 ms fires at 3.0 ms
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([2.0, 5.0]))
    cell = builder.population(std.IF_curr_delta, 1, record={"spikes": "all", "v": "all"},
                              tau_refrac=1.0)
    builder.projection(src, cell, [0], [0], np.array([20.0]), 1.0)
    backend = builder.build()
    backend.run_until(10.0)
    np.testing.assert_allclose(backend.get_spikes(cell, clear=False).times, [3.0, 6.0])


def test_delta_synapse_jump_is_exact_below_threshold(net):
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([2.0]))
    cell = builder.population(std.IF_curr_delta, 1, record={"v": "all"})
    builder.projection(src, cell, [0], [0], 3.0, 1.0)
    backend = builder.build()
    backend.run_until(10.0)
    v = backend.get_signal(cell, "v", clear=False).values[:, 0]
    np.testing.assert_array_equal(v[:30], -65.0)
    t = np.arange(30, 101) * DT
    np.testing.assert_allclose(v[30:], -65.0 + 3.0 * np.exp(-(t - 3.0) / 20.0), atol=1e-9)


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
    np.testing.assert_allclose(signal.values[1], expected, atol=1e-9)
