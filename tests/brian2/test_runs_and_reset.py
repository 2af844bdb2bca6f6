"""Running in pieces, clearing, resetting and recording changes on Brian 2."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import RecordingError
from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels import electrodes as el


def small_network(builder, n=20, seed=3):
    """Deterministic recurrent network: DC-driven cells, a spike array, random wiring."""
    rng = np.random.default_rng(seed)
    src = builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                             spike_times=Sequence([5.0, 12.0, 30.0]))
    cells = builder.population(std.IF_cond_exp, n, record={"spikes": "all", "v": [0, 5]},
                               i_offset=rng.uniform(0.5, 1.5, n), tau_refrac=2.0, cm=0.25)
    i, j = rng.integers(0, n, 200), rng.integers(0, n, 200)
    builder.projection(cells, cells, i[:150], j[:150], rng.uniform(0.001, 0.01, 150),
                       rng.choice([0.5, 1.0, 2.0], 150))
    builder.projection(cells, cells, i[150:], j[150:], 0.02, 1.0, receptor="inhibitory")
    builder.projection(src, cells, np.zeros(n, int), np.arange(n), 0.05, 1.5)
    builder.current(el.StepCurrentSource, [1, 2, 3], times=[10.0, 20.0], amplitudes=[0.4, 0.0])
    return cells


def _sorted_spikes(data):
    order = np.lexsort((data.times, data.cells))
    return data.cells[order], data.times[order]


@pytest.fixture(scope="module")
def whole_run(net):
    builder = net()
    cells = small_network(builder)
    backend = builder.build()
    backend.run_until(60.0)
    return (_sorted_spikes(backend.get_spikes(cells, clear=False)),
            backend.get_signal(cells, "v", clear=False).values)


def test_run_in_pieces_equals_one_run(net, whole_run):
    spikes, v = whole_run
    pieces = net()
    cells = small_network(pieces)
    backend = pieces.build()
    for t in (7.3, 20.0, 20.05, 45.0, 60.0):
        reached = backend.run_until(t)
    assert reached == pytest.approx(60.0)
    split = _sorted_spikes(backend.get_spikes(cells, clear=False))
    assert spikes[0].size > 20
    np.testing.assert_array_equal(spikes[0], split[0])
    np.testing.assert_allclose(spikes[1], split[1])
    np.testing.assert_array_equal(v, backend.get_signal(cells, "v", clear=False).values)


def test_reset_replays_the_first_segment(net, whole_run):
    builder = net()
    cells = small_network(builder)
    backend = builder.build()
    backend.run_until(60.0)
    backend.get_spikes(cells, clear=True)
    backend.get_signal(cells, "v", clear=True)
    backend.reset()
    assert backend.t == 0.0
    backend.run_until(60.0)
    again = _sorted_spikes(backend.get_spikes(cells, clear=True))
    np.testing.assert_array_equal(whole_run[0][0], again[0])
    np.testing.assert_array_equal(whole_run[0][1], again[1])
    np.testing.assert_array_equal(whole_run[1], backend.get_signal(cells, "v", clear=True).values)


def test_samples_cover_zero_to_t_and_clear_starts_after_it(net):
    builder = net()
    builder.population(std.IF_curr_exp, 2, record={"v": "all"}, interval=0.5,
                       initial={"v": -60.0})
    backend = builder.build()
    backend.run_until(10.0)
    first = backend.get_signal(0, "v", clear=True)
    # round(10 / 0.5) + 1 samples at 0, 0.5, ..., 10
    assert first.values.shape == (21, 2) and first.t_start == 0.0
    assert first.sampling_interval == 0.5
    expected = -65.0 + 5.0 * np.exp(-np.arange(21) * 0.5 / 20.0)
    np.testing.assert_allclose(first.values[:, 0], expected, atol=1e-9)
    backend.run_until(12.0)
    second = backend.get_signal(0, "v", clear=False)
    assert second.t_start == pytest.approx(10.5) and second.values.shape == (4, 2)
    np.testing.assert_allclose(second.values[:, 1],
                               -65.0 + 5.0 * np.exp(-np.arange(21, 25) * 0.5 / 20.0), atol=1e-9)


def test_reset_keeps_changes_and_restores_initial_values(net):
    builder = net()
    builder.population(std.IF_curr_exp, 2, record={"v": "all", "spikes": "all"},
                       initial={"v": -65.0})
    backend = builder.build()
    backend.run_until(5.0)
    backend.set_state(0, np.array([1]), "v", np.array([-55.0]))
    backend.set_parameters(0, np.array([0]), "i_offset", np.array([2.0]))
    backend.reset()
    backend.run_until(5.0)
    v = backend.get_signal(0, "v", clear=False).values
    np.testing.assert_array_equal(v[0], [-65.0, -55.0])
    # cell 0 keeps i_offset = 2 nA: R I = 40 mV, v(5) = -65 + 40 (1 - exp(-5/20))
    assert v[-1, 0] == pytest.approx(-65.0 + 40.0 * (1 - np.exp(-0.25)), abs=1e-9)
    assert v[-1, 1] == pytest.approx(-65.0 + 10.0 * np.exp(-0.25), abs=1e-9)


def test_weights_changed_before_reset_stay_changed(net):
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([1.0]))
    cell = builder.population(std.IF_cond_exp, 1, record={"gsyn_exc": "all"})
    builder.projection(src, cell, [0], [0], 0.01, 1.0)
    backend = builder.build()
    backend.run_until(5.0)
    backend.set_synapse_parameter(0, "weight", np.array([0.03]))
    backend.reset()
    backend.run_until(5.0)
    assert backend.get_signal(cell, "gsyn_exc", clear=False).values[20, 0] == pytest.approx(0.03)


def test_poisson_sources_give_a_new_realisation_after_reset(net):
    builder = net(rng_seed=11)
    builder.population(std.SpikeSourcePoisson, 5, record={"spikes": "all"}, rate=100.0)
    backend = builder.build()
    backend.run_until(200.0)
    first = backend.get_spikes(0, clear=True).times
    backend.reset()
    backend.run_until(200.0)
    second = backend.get_spikes(0, clear=True).times
    assert first.size > 50 and not np.array_equal(np.sort(first), np.sort(second))


def test_recording_can_start_and_stop_after_build(net):
    builder = net()
    builder.population(std.IF_curr_exp, 3, i_offset=np.array([2.0, 2.0, 0.0]))
    backend = builder.build()
    backend.run_until(10.0)
    backend.set_recording(0, "spikes", np.array([0]), 0.1)
    backend.set_recording(0, "v", np.array([1, 2]), 0.1)
    backend.run_until(40.0)
    backend.set_recording(0, "spikes", np.array([], dtype=int), 0.1)
    backend.run_until(80.0)
    spikes = backend.get_spikes(0, clear=False)
    assert set(spikes.cells) == {0}
    assert spikes.times.min() > 10.0 and spikes.times.max() <= 40.0
    v = backend.get_signal(0, "v", clear=False)
    np.testing.assert_array_equal(v.cells, [1, 2])
    assert v.values.shape == (801, 2)
    # the monitor joins at 10 ms: its first sample is the state at 10 ms
    assert np.isnan(v.values[:100]).all() and not np.isnan(v.values[100:]).any()


def test_unrecorded_variable_is_a_recording_error(net):
    builder = net()
    builder.population(std.IF_curr_exp, 1)
    backend = builder.build()
    with pytest.raises(RecordingError, match="not recorded"):
        backend.get_signal(0, "v", clear=False)


def test_variable_the_model_lacks_is_a_recording_error(net):
    builder = net()
    builder.population(std.IF_cond_exp, 1, record={"w": "all"})
    with pytest.raises(RecordingError, match="'w' from IF_cond_exp"):
        builder.build()
