"""Single-neuron dynamics on NEURON checked against closed-form solutions (with
tests/backends/test_common_neuron_dynamics.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels import electrodes as el

from ..support.analytic import DT, LIF, T_STAR, psp_exp


def test_dc_source_gives_the_same_first_spike_as_i_offset(net):
    builder = net()
    builder.population(std.IF_cond_exp, 1, record={"spikes": "all"}, **{**LIF, "i_offset": 0.0})
    builder.current(el.DCSource, [0], amplitude=1.2, start=0.0)
    backend = builder.build()
    backend.run_until(10.0)
    times = backend.get_spikes(0, clear=False).times
    assert times.size == 1 and T_STAR <= times[0] < T_STAR + DT


def test_membrane_is_held_at_v_reset_during_the_refractory_period(net):
    builder = net()
    builder.population(std.IF_cond_exp, 1, record={"spikes": "all", "v": "all"},
                       **{**LIF, "tau_refrac": 5.0})
    backend = builder.build()
    backend.run_until(20.0)
    spike = backend.get_spikes(0, clear=False).times[0]
    v = backend.get_signal(0, "v", clear=False).values[:, 0]
    step = int(round(spike / DT))
    # the sample at the spike time is taken before the reset (NEURON resets at the
    # start of the next step); the next 5 ms sit at v_reset
    assert v[step] > -50.0
    held = v[step + 1:step + 50]
    np.testing.assert_allclose(held, -70.0, atol=1e-6)
    assert v[step + 52] > -70.0 + 0.05  # charging again once the period is over


def test_membrane_trace_follows_the_exponential_charging_curve(net):
    # V(t) = v_rest + R I (1 - exp(-t / tau_m)); Crank-Nicolson is second order
    builder = net()
    builder.population(std.IF_curr_exp, 1, record={"v": "all"},
                       **{**LIF, "v_thresh": 0.0})
    backend = builder.build()
    backend.run_until(50.0)
    signal = backend.get_signal(0, "v", clear=False)
    t = np.arange(signal.values.shape[0]) * DT
    assert signal.values.shape == (501, 1) and signal.t_start == 0.0
    expected = -65.0 + 48.0 * (1.0 - np.exp(-t / 20.0))
    np.testing.assert_allclose(signal.values[:, 0], expected, atol=2e-3)


def test_psp_of_if_curr_exp_has_the_analytic_peak(net):
    # the spike at 10 ms arrives after 1 ms: the current starts at 11 ms;
    # peak at t_p = ln(tau_m / tau_syn) tau_m tau_syn / (tau_m - tau_syn) = 3.662 ms later
    weight, cm, tau_m, tau_syn = 0.5, 1.0, 20.0, 2.0
    builder = net()
    builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([10.0]))
    builder.population(std.IF_curr_exp, 1, record={"v": "all"}, cm=cm, tau_m=tau_m,
                       tau_syn_E=tau_syn, v_rest=-65.0, v_thresh=0.0, initial={"v": -65.0})
    builder.projection(0, 1, [0], [0], weight, 1.0)
    backend = builder.build()
    backend.run_until(40.0)
    v = backend.get_signal(1, "v", clear=False).values[:, 0] + 65.0
    t = np.arange(v.size) * DT
    expected = psp_exp(t - 11.0, weight, cm, tau_m, tau_syn)
    t_peak = 11.0 + np.log(tau_m / tau_syn) * tau_m * tau_syn / (tau_m - tau_syn)
    assert v.max() == pytest.approx(expected.max(), rel=5e-3)
    assert abs(t[np.argmax(v)] - t_peak) <= DT
    np.testing.assert_allclose(v[:110], 0.0, atol=1e-9)   # nothing before arrival


def test_alpha_conductance_peaks_at_the_weight_tau_after_arrival(net):
    builder = net()
    builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([5.0]))
    builder.population(std.IF_cond_alpha, 1, record={"gsyn_inh": "all"}, tau_syn_I=2.0)
    builder.projection(0, 1, [0], [0], 0.02, 1.0, receptor="inhibitory")
    backend = builder.build()
    backend.run_until(20.0)
    g = backend.get_signal(1, "gsyn_inh", clear=False).values[:, 0]
    assert g.max() == pytest.approx(0.02, rel=2e-3)
    assert np.argmax(g) * DT == pytest.approx(8.0, abs=DT + 1e-9)
