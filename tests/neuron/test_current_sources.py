"""Current sources on NEURON: recorded currents and their effect on the membrane (with
tests/backends/test_common_current_sources.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels import electrodes as el

DT = 0.1


def _passive(net, **params):
    # no spikes: threshold far away; R = tau_m / cm = 20 MOhm
    builder = net()
    builder.population(std.IF_curr_exp, 2, record={"v": "all"}, v_thresh=100.0,
                       tau_m=20.0, cm=1.0, **params)
    return builder


def test_dc_window_is_recorded_and_charges_the_membrane(net):
    builder = _passive(net)
    builder.current(el.DCSource, [0], record=True, amplitude=0.5, start=10.0, stop=30.0)
    backend = builder.build()
    backend.run_until(50.0)
    current = backend.get_current(0, clear=False)
    t = np.arange(current.values.shape[0]) * DT
    assert current.values.shape == (501, 1) and current.t_start == 0.0
    np.testing.assert_allclose(current.values[:, 0], np.where((t >= 10) & (t < 30), 0.5, 0.0),
                               atol=1e-12)
    v = backend.get_signal(0, "v", clear=False).values
    # V(30) = -65 + R I (1 - exp(-20 / 20)) with R I = 10 mV; cell 1 gets nothing
    assert v[300, 0] == pytest.approx(-65.0 + 10.0 * (1 - np.exp(-1.0)), abs=0.05)
    np.testing.assert_allclose(v[:, 1], -65.0)


def test_step_current_follows_the_amplitudes_and_can_be_changed(net):
    builder = _passive(net)
    builder.current(el.StepCurrentSource, [0, 1], record=True, times=np.array([5.0, 15.0]),
                    amplitudes=np.array([0.2, -0.1]))
    backend = builder.build()
    backend.run_until(20.0)
    i = backend.get_current(0, clear=False).values[:, 0]
    t = np.arange(i.size) * DT
    np.testing.assert_allclose(i, np.select([t >= 15, t >= 5], [-0.1, 0.2], 0.0), atol=1e-12)
    backend.set_current_source(0, {"times": np.array([25.0]), "amplitudes": np.array([0.3])})
    backend.run_until(30.0)
    i = backend.get_current(0, clear=False).values[:, 0]
    # the new list describes the whole current: 0 before its first time
    np.testing.assert_allclose(i[:200], np.select([t[:200] >= 15, t[:200] >= 5], [-0.1, 0.2], 0.0))
    assert i[240] == 0.0 and i[250] == pytest.approx(0.3) and i[260] == pytest.approx(0.3)


def test_ac_source_is_a_sine_with_offset_and_phase(net):
    builder = _passive(net)
    builder.current(el.ACSource, [1], record=True, amplitude=0.3, offset=0.1, frequency=50.0,
                    phase=90.0, start=0.0)
    backend = builder.build()
    backend.run_until(40.0)
    i = backend.get_current(0, clear=False).values[:, 0]
    t = np.arange(i.size) * DT
    expected = 0.1 + 0.3 * np.sin(2 * np.pi * 50.0 * t / 1000.0 + np.pi / 2)
    np.testing.assert_allclose(i[1:], expected[1:], atol=1e-9)


def test_noisy_current_has_the_requested_mean_and_spread(net):
    builder = _passive(net)
    builder.current(el.NoisyCurrentSource, [0, 1], record=True, mean=0.2, stdev=0.5,
                    dt=1.0, start=0.0, stop=2000.0)
    backend = builder.build()
    backend.run_until(2000.0)
    i = backend.get_current(0, clear=False).values[:-1, 0]
    levels = i[::10]          # a new value every 1 ms from t = 0: 2000 draws
    assert levels.mean() == pytest.approx(0.2, abs=4 * 0.5 / np.sqrt(2000))
    assert levels.std() == pytest.approx(0.5, rel=0.08)
    # each value is held for 1 ms
    assert np.all(i[:10] == i[0]) and i[10] != i[0] and np.all(i[10:20] == i[10])
    # both cells get the same noise: their membranes move together
    v = backend.get_signal(0, "v", clear=False).values
    np.testing.assert_allclose(v[:, 0], v[:, 1])
