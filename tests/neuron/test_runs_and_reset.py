"""Several runs, reset, and changes between runs on NEURON (with
tests/backends/test_common_runs_and_reset.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std


def _network(net, **options):
    builder = net(**options)
    builder.population(std.SpikeSourcePoisson, 20, rate=80.0)
    builder.population(std.IF_cond_exp, 10, record={"spikes": "all", "v": [0, 3]},
                       i_offset=0.15, initial={"v": np.linspace(-65.0, -55.0, 10)})
    rng = np.random.default_rng(1)
    i, j = np.nonzero(rng.random((20, 10)) < 0.3)
    builder.projection(0, 1, i, j, 0.01, 1.0)
    k, m = np.nonzero(rng.random((10, 10)) < 0.2)
    builder.projection(1, 1, k, m, 0.02, 1.5, receptor="inhibitory")
    return builder.build()


def _spike_list(data):
    order = np.lexsort((data.times, data.cells))
    return data.cells[order], data.times[order]


def test_several_runs_give_the_spikes_of_one_run(net):
    one = _network(net)
    one.run_until(300.0)
    reference = _spike_list(one.get_spikes(1, clear=False))
    one.end()
    split = _network(net)
    for t in (50.0, 125.3, 200.0, 300.0):
        assert split.run_until(t) == pytest.approx(t)
    cells, times = _spike_list(split.get_spikes(1, clear=False))
    assert times.size > 20
    np.testing.assert_array_equal(cells, reference[0])
    np.testing.assert_allclose(times, reference[1])


def test_reset_restores_initial_values_and_deterministic_spikes(net):
    builder = net()
    builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([2.0, 4.0, 6.0]))
    builder.population(std.IF_cond_exp, 2, record={"spikes": "all", "v": "all"},
                       i_offset=0.5, initial={"v": np.array([-60.0, -52.0])})
    builder.projection(0, 1, [0, 0], [0, 1], 0.05, 1.0)
    backend = builder.build()
    backend.run_until(50.0)
    first = backend.get_spikes(1, clear=True)
    v_first = backend.get_signal(1, "v", clear=True)
    backend.reset()
    assert backend.t == 0.0
    backend.run_until(50.0)
    second = backend.get_spikes(1, clear=True)
    v_second = backend.get_signal(1, "v", clear=True)
    np.testing.assert_allclose(v_second.values[0], [-60.0, -52.0])
    np.testing.assert_array_equal(_spike_list(first)[1], _spike_list(second)[1])
    np.testing.assert_allclose(v_first.values, v_second.values)
    assert v_second.t_start == 0.0 and v_second.values.shape == (501, 2)


def test_state_and_parameter_changes_between_runs(net):
    builder = net()
    builder.population(std.IF_curr_exp, 1, record={"v": "all", "spikes": "all"},
                       v_thresh=0.0)
    backend = builder.build()
    backend.run_until(10.0)
    backend.set_state(0, np.array([0]), "v", np.array([-50.0]))
    backend.set_parameters(0, np.array([0]), "v_rest", np.array([-40.0]))
    backend.run_until(20.0)
    v = backend.get_signal(0, "v", clear=False).values[:, 0]
    assert v[100] == pytest.approx(-50.0, abs=1e-9) or v[101] > -50.0
    # relaxes towards the new rest: -40 + (-50 + 40) exp(-10 / 20)
    assert v[200] == pytest.approx(-40.0 - 10.0 * np.exp(-0.5), abs=0.01)
    backend.reset()       # the state set is also the new initial value
    backend.run_until(1.0)
    assert backend.get_signal(0, "v", clear=False).values[0, 0] == pytest.approx(-50.0)


def test_recording_added_mid_run_starts_at_the_next_reset(net):
    builder = net()
    builder.population(std.IF_cond_exp, 3, record={"v": [0]})
    backend = builder.build()
    backend.run_until(5.0)
    with pytest.warns(RuntimeWarning, match="next reset"):
        backend.set_recording(0, "v", np.array([0, 2]), 0.1)
    backend.set_recording(0, "spikes", np.array([1]), 0.1)
    backend.run_until(10.0)
    signal = backend.get_signal(0, "v", clear=True)
    np.testing.assert_array_equal(signal.cells, [0, 2])
    assert np.all(np.isnan(signal.values[:, 1])) and np.all(np.isfinite(signal.values[:, 0]))
    backend.reset()
    backend.run_until(1.0)
    assert np.all(np.isfinite(backend.get_signal(0, "v", clear=True).values))


def test_recording_added_at_time_zero_records_from_the_start(net):
    builder = net()
    builder.population(std.IF_cond_exp, 2, initial={"v": np.array([-60.0, -55.0])})
    backend = builder.build()
    backend.set_recording(0, "v", np.array([1]), 0.1)
    backend.run_until(2.0)
    signal = backend.get_signal(0, "v", clear=False)
    assert signal.values.shape == (21, 1) and signal.values[0, 0] == -55.0
