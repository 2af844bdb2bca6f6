"""Single-neuron dynamics on Brian 2 checked against closed-form solutions (with
tests/backends/test_common_neuron_dynamics.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std

from ..support.analytic import CHARGING, DT, LIF, T_STAR


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
    assert T_STAR <= spikes.times[0] < T_STAR + DT
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
