"""Single-neuron dynamics on NEST off the grid, against closed-form solutions (on the
grid: tests/backends/test_common_neuron_dynamics.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.standardmodels import cells as std

from ..support.analytic import CHARGING, LIF, T_STAR, check_psp_of_if_curr_exp, psp_network


def test_first_spike_off_grid_is_exact(net):
    builder = net(spike_precision="off_grid")
    builder.population(std.IF_curr_exp, 1, record={"spikes": "all"}, **LIF)
    backend = builder.build()
    backend.run_until(10.0)
    times = backend.get_spikes(0, clear=False).times
    assert times.size == 1
    assert times[0] == pytest.approx(T_STAR, abs=1e-9)


def test_interspike_interval_is_refractory_period_plus_charging_time(net):
    # tau_refrac at v_reset, then the charging time (analytic.CHARGING), exactly
    builder = net(spike_precision="off_grid")
    builder.population(std.IF_curr_exp, 1, record={"spikes": "all"}, **LIF)
    backend = builder.build()
    backend.run_until(100.0)
    isi = np.diff(backend.get_spikes(0, clear=False).times)
    assert isi.size >= 7
    np.testing.assert_allclose(isi, 2.0 + CHARGING, atol=1e-6)


def test_psp_of_current_based_exponential_synapse_off_grid(net):
    # spike at 2.0 ms, delay 1.5 ms: the current starts at 3.5 ms
    builder = net(spike_precision="off_grid")
    _, cell = psp_network(builder, 2.0)
    backend = builder.build()
    backend.run_until(40.0)
    check_psp_of_if_curr_exp(backend.get_signal(cell, "v", clear=False).values[:, 0], 3.5)


def test_psp_of_an_off_grid_spike_with_precise_timing(net):
    # off-grid spike at 2.03 ms, delay 1.5 ms: the current starts at 3.53 ms exactly
    builder = net(spike_precision="off_grid")
    src, cell = psp_network(builder, 2.03)
    backend = builder.build()
    backend.run_until(20.0)
    np.testing.assert_allclose(backend.get_spikes(src, clear=False).times, [2.03])
    check_psp_of_if_curr_exp(backend.get_signal(cell, "v", clear=False).values[:, 0], 3.53)
