"""Closed-form single-neuron responses the backend tests compare against."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std

DT = 0.1

#: A LIF cell driven above threshold by i_offset: R = tau_m / cm = 40 MOhm, R I = 48 mV.
LIF = dict(tau_m=20.0, cm=0.5, i_offset=1.2, v_rest=-65.0, v_thresh=-50.0, v_reset=-70.0,
           tau_refrac=2.0)
# after a spike V sits at v_reset for tau_refrac, then charges towards
# v_rest + R I = -17 mV: t_c = tau_m ln((-17 + 70) / (-17 + 50)) = 9.477 ms
CHARGING = 20.0 * np.log((-17.0 + 70.0) / (-17.0 + 50.0))


def first_spike_time(tau_m, cm, current, v_rest, v_thresh):
    """Time for V to climb from v_rest to v_thresh under a constant current.

    V(t) = v_rest + R I (1 - exp(-t / tau_m)) with R = tau_m / cm, so
    t* = tau_m ln(R I / (R I - (v_thresh - v_rest))).
    """
    ri = tau_m / cm * current
    return tau_m * np.log(ri / (ri - (v_thresh - v_rest)))


#: R I = 40 * 1.2 = 48 mV, gap 15 mV: t* = 20 ln(48/33) = 7.494 ms
T_STAR = first_spike_time(20.0, 0.5, 1.2, -65.0, -50.0)


def psp_exp(t, weight, cm, tau_m, tau_syn):
    """Membrane response to a current w exp(-t / tau_syn) starting at t = 0:
    u(t) = w / cm * tau_m tau_syn / (tau_m - tau_syn) (exp(-t/tau_m) - exp(-t/tau_syn))."""
    t = np.maximum(t, 0.0)
    return weight / cm * tau_m * tau_syn / (tau_m - tau_syn) * (
        np.exp(-t / tau_m) - np.exp(-t / tau_syn))


def check_psp_of_if_curr_exp(v: np.ndarray, onset: float, *, argmax: bool = False) -> None:
    """Check the trace ``v`` (one sample a step from t = 0) of an IF_curr_exp cell
    (tau_m = 20 ms, cm = 0.25 nF, tau_syn_E = 2 ms, v_rest = -65 mV) whose 0.5 nA
    synaptic current starts at ``onset`` ms, against the exact solution (to 1e-9 mV).
    With ``argmax``, the sample of the peak is checked too (to one step)."""
    t = np.arange(v.size) * DT
    np.testing.assert_allclose(v, -65.0 + psp_exp(t - onset, 0.5, 0.25, 20.0, 2.0), atol=1e-9)
    # peak at tau_m tau_s / (tau_m - tau_s) ln(tau_m / tau_s) = 4.605 ms after onset
    t_peak = 20.0 * 2.0 / 18.0 * np.log(10.0)
    peak = psp_exp(t_peak, 0.5, 0.25, 20.0, 2.0)
    assert v.max() + 65.0 == pytest.approx(peak, abs=2e-3)
    if argmax:
        assert t[np.argmax(v)] == pytest.approx(onset + t_peak, abs=DT)


def psp_network(builder, spike_time: float) -> tuple[int, int]:
    """A spike at ``spike_time`` into an IF_curr_exp cell through 0.5 nA and 1.5 ms, the
    cell :func:`check_psp_of_if_curr_exp` describes; returns (source, cell)."""
    src = builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                             spike_times=Sequence([spike_time]))
    cell = builder.population(std.IF_curr_exp, 1, record={"v": "all"}, tau_m=20.0, cm=0.25,
                              tau_syn_E=2.0, v_rest=-65.0, v_thresh=0.0)
    builder.projection(src, cell, [0], [0], 0.5, 1.5)
    return src, cell
