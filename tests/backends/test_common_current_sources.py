"""Current sources on every software backend: timing and recording of the injected
current, changes between runs and resets, what may receive a current."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels import electrodes as el

from .backend_facts import TRACE_ATOL

#: A passive cell each backend integrates exactly (Brian 2: the conductance-based LIF
#: without synaptic input builds faster than IF_curr_exp, whose exact integrator Brian
#: derives with sympy).
PASSIVE = {"nest": std.IF_curr_exp, "brian2": std.IF_cond_exp, "neuron": std.IF_curr_exp}
#: Absolute tolerance (nA) of a recorded sine current against its formula.
CURRENT_ATOL = {"nest": 1e-9, "brian2": 1e-12, "neuron": 1e-9}


DT = 0.1


def passive_cell(builder, backend):
    """One cell that never fires: R = tau_m / cm = 20 MOhm, tau_m = 10 ms."""
    return builder.population(PASSIVE[backend], 1, record={"v": "all"}, v_thresh=100.0,
                              tau_m=10.0, cm=0.5)


def test_dc_source_charges_the_membrane_from_its_start(net, backend):
    # u(t) = R I (1 - exp(-(t - start) / tau_m)) for start <= t <= stop, R I = 5 mV
    builder = net()
    passive_cell(builder, backend)
    builder.current(el.DCSource, [0], record=True, amplitude=0.25, start=5.0, stop=15.0)
    sim = builder.build()
    sim.run_until(20.0)
    v = sim.get_signal(0, "v", clear=False).values[:, 0]
    t = np.arange(v.size) * DT
    on = (t >= 5.0) & (t <= 15.0 + 1e-9)
    expected = -65.0 + 5.0 * (1.0 - np.exp(-(t[on] - 5.0) / 10.0))
    np.testing.assert_allclose(v[on], expected, atol=TRACE_ATOL[backend])
    assert np.all(v[t < 5.0] == -65.0)
    current = sim.get_current(0, clear=False)
    assert current.values.shape == (201, 1)
    np.testing.assert_array_equal(current.values[:, 0],
                                  np.where((t >= 5.0 - 1e-9) & (t < 15.0 - 1e-9), 0.25, 0.0))


def test_ac_source_follows_its_formula(net, backend):
    builder = net()
    passive_cell(builder, backend)
    builder.current(el.ACSource, [0], record=True, amplitude=0.2, offset=0.05,
                    frequency=40.0, phase=30.0, start=2.0, stop=80.0)
    sim = builder.build()
    sim.run_until(100.0)
    i = sim.get_current(0, clear=False).values[:, 0]
    t = np.arange(i.size) * DT
    on = (t >= 2.0 - 1e-9) & (t < 80.0 - 1e-9)
    expected = 0.05 + 0.2 * np.sin(2 * np.pi * 40.0 * t[on] / 1000.0 + np.deg2rad(30.0))
    np.testing.assert_allclose(i[on], expected, atol=CURRENT_ATOL[backend])
    assert np.all(i[~on] == 0.0)


def test_changing_a_source_between_runs_and_reset(net, backend):
    builder = net()
    passive_cell(builder, backend)
    builder.current(el.DCSource, [0], record=True, amplitude=0.1, start=1.0, stop=1e12)
    sim = builder.build()
    sim.run_until(5.0)
    sim.set_current_source(0, {"amplitude": 0.4, "start": 1.0, "stop": 1e12})
    sim.run_until(10.0)
    i = sim.get_current(0, clear=False).values[:, 0]
    assert i[30] == pytest.approx(0.1) and i[-1] == pytest.approx(0.4)
    sim.reset()
    sim.run_until(3.0)
    i = sim.get_current(0, clear=False).values[:, 0]
    np.testing.assert_array_equal(i, np.where(np.arange(31) >= 10, 0.4, 0.0))
    # R = tau_m / cm = 20 MOhm: 0.4 nA from 1 ms charges towards 8 mV with tau_m = 10 ms
    v = sim.get_signal(0, "v", clear=False).values[:, 0]
    assert v[-1] == pytest.approx(-65.0 + 8.0 * (1.0 - np.exp(-0.2)), abs=TRACE_ATOL[backend])


def test_spike_sources_take_no_current(net):
    builder = net()
    builder.population(std.SpikeSourcePoisson, 2)
    builder.current(el.DCSource, [0, 1])
    with pytest.raises(TypeError, match="spike sources take no current"):
        builder.build()
