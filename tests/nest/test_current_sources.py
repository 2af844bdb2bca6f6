"""Current sources on NEST: timing, units, recording of the injected current (with
tests/backends/test_common_current_sources.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import RoundingWarning
from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels import electrodes as el

DT = 0.1


def _cell(builder, **params):
    return builder.population(std.IF_curr_exp, 1, record={"v": "all"}, v_thresh=100.0,
                              tau_m=10.0, cm=0.5, **params)


def test_dc_source_from_time_zero_starts_at_two_steps_with_a_warning(net):
    builder = net(min_delay=0.5)
    _cell(builder)
    builder.current(el.DCSource, [0], record=True, amplitude=0.25, start=0.0, stop=1e12)
    with pytest.warns(RoundingWarning, match="2 dt = 0.2 ms"):
        backend = builder.build()
    backend.run_until(2.0)
    current = backend.get_current(0, clear=False).values[:, 0]
    np.testing.assert_array_equal(current[:2], 0.0)
    np.testing.assert_array_equal(current[2:], 0.25)
    # the membrane follows R I (1 - exp(-(t - 0.2) / tau_m)), R = 20 MOhm
    v = backend.get_signal(0, "v", clear=False).values[:, 0]
    t = np.arange(v.size) * DT
    np.testing.assert_allclose(v[2:], -65.0 + 5.0 * (1 - np.exp(-(t[2:] - 0.2) / 10.0)),
                               atol=1e-9)


def test_step_source_switches_at_its_times(net):
    builder = net(min_delay=0.2)
    _cell(builder)
    builder.current(el.StepCurrentSource, [0], record=True, times=[1.0, 3.04, 6.0],
                    amplitudes=[0.3, -0.1, 0.0])
    with pytest.warns(RoundingWarning):
        backend = builder.build()
    backend.run_until(8.0)
    i = backend.get_current(0, clear=False).values[:, 0]
    t = np.arange(i.size) * DT
    # 3.04 ms is rounded to the grid point 3.0 ms
    expected = np.select([t < 1.0 - 1e-9, t < 3.0 - 1e-9, t < 6.0 - 1e-9], [0.0, 0.3, -0.1], 0.0)
    np.testing.assert_allclose(i, expected, atol=1e-12)


def test_noisy_source_mean_and_spread(net):
    builder = net(rng_seed=3)
    _cell(builder)
    builder.current(el.NoisyCurrentSource, [0], record=True, mean=0.1, stdev=0.4, dt=1.0,
                    start=0.0, stop=5000.0)
    with pytest.warns(RoundingWarning):
        backend = builder.build()
    backend.run_until(5000.0)
    i = backend.get_current(0, clear=False).values[10:49990, 0]
    # values are drawn every 1 ms: about 5000 independent draws (sd of mean 0.006)
    assert i.mean() == pytest.approx(0.1, abs=0.03)
    assert i.std() == pytest.approx(0.4, rel=0.05)
    assert np.unique(i[:1000]).size <= 102
