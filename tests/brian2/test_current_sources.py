"""Current sources on Brian 2: timing, units, recording of the injected current (with
tests/backends/test_common_current_sources.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels import electrodes as el

DT = 0.1


def _cell(builder, **params):
    # without synaptic input the conductance-based LIF is integrated exactly (and
    # builds faster than IF_curr_exp, whose exact integrator Brian derives with sympy)
    return builder.population(std.IF_cond_exp, 1, record={"v": "all"}, v_thresh=100.0,
                              tau_m=10.0, cm=0.5, **params)


def test_dc_source_from_time_zero_acts_in_the_first_step(net):
    builder = net()
    _cell(builder)
    builder.current(el.DCSource, [0], record=True, amplitude=0.25)
    backend = builder.build()
    backend.run_until(2.0)
    v = backend.get_signal(0, "v", clear=False).values[:, 0]
    assert v[1] == pytest.approx(-65.0 + 5.0 * (1.0 - np.exp(-0.01)), abs=1e-12)
    np.testing.assert_array_equal(backend.get_current(0, clear=False).values[:, 0], 0.25)


def test_step_source_switches_at_its_times(net):
    builder = net()
    _cell(builder)
    builder.current(el.StepCurrentSource, [0], record=True, times=[1.0, 3.0, 6.0],
                    amplitudes=[0.3, -0.1, 0.0])
    backend = builder.build()
    backend.run_until(8.0)
    i = backend.get_current(0, clear=False).values[:, 0]
    t = np.arange(i.size) * DT
    expected = np.select([t < 1.0 - 1e-9, t < 3.0 - 1e-9, t < 6.0 - 1e-9], [0.0, 0.3, -0.1], 0.0)
    np.testing.assert_allclose(i, expected, atol=1e-12)
    # the membrane integrates exactly that current (R = 20 MOhm, tau_m = 10 ms)
    v = backend.get_signal(0, "v", clear=False).values[:, 0]
    assert v[30] == pytest.approx(-65.0 + 6.0 * (1.0 - np.exp(-0.2)), abs=1e-9)


def test_noisy_source_mean_and_spread_independent_per_cell(net):
    builder = net(rng_seed=3)
    builder.population(std.IF_cond_exp, 2, record={"v": "all"}, v_thresh=100.0)
    builder.current(el.NoisyCurrentSource, [0, 1], record=True, mean=0.1, stdev=0.4, dt=1.0,
                    start=0.0, stop=5000.0)
    backend = builder.build()
    backend.run_until(5000.0)
    i = backend.get_current(0, clear=False).values[:50000, 0]
    # values are drawn every 1 ms: 5000 independent draws (sd of the mean 0.006)
    assert i.mean() == pytest.approx(0.1, abs=0.03)
    assert i.std() == pytest.approx(0.4, rel=0.05)
    assert np.unique(i[:1000]).size == 100
    v = backend.get_signal(0, "v", clear=False).values
    assert not np.allclose(v[:, 0], v[:, 1])


def test_two_sources_add_up(net):
    builder = net()
    _cell(builder)
    builder.current(el.DCSource, [0], amplitude=0.1)
    builder.current(el.DCSource, [0], amplitude=0.15)
    backend = builder.build()
    backend.run_until(1.0)
    v = backend.get_signal(0, "v", clear=False).values[-1, 0]
    assert v == pytest.approx(-65.0 + 5.0 * (1.0 - np.exp(-0.1)), abs=1e-9)
