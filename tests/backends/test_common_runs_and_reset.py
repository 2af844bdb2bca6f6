"""Running in pieces, clearing, resetting and recording changes, on every software
backend."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import RecordingError
from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std

from ..support.networks import small_network, sorted_spikes
from .backend_facts import ARRIVAL_LAG, SEED_OPTION, TRACE_ATOL

@pytest.fixture(scope="module")
def whole_runs():
    """Per backend: spikes and v of small_network run to 60 ms in one go (made once)."""
    return {}


@pytest.fixture
def whole_run(whole_runs, backend, net):
    if backend not in whole_runs:
        builder = net()
        cells = small_network(builder)
        one = builder.build()
        one.run_until(60.0)
        whole_runs[backend] = (sorted_spikes(one.get_spikes(cells, clear=False)),
                               one.get_signal(cells, "v", clear=False).values)
        one.end()
    return whole_runs[backend]


def test_run_in_pieces_equals_one_run(net, whole_run):
    spikes, v = whole_run
    pieces = net()
    cells = small_network(pieces)
    backend = pieces.build()
    for t in (7.3, 20.0, 20.05, 45.0, 60.0):
        reached = backend.run_until(t)
    assert reached == pytest.approx(60.0)
    split = sorted_spikes(backend.get_spikes(cells, clear=False))
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
    again = sorted_spikes(backend.get_spikes(cells, clear=True))
    assert whole_run[0][0].size > 20
    np.testing.assert_array_equal(whole_run[0][0], again[0])
    np.testing.assert_array_equal(whole_run[0][1], again[1])
    np.testing.assert_array_equal(whole_run[1], backend.get_signal(cells, "v", clear=True).values)


def test_samples_cover_zero_to_t_and_clear_starts_after_it(net, backend):
    builder = net()
    builder.population(std.IF_curr_exp, 2, record={"v": "all"}, interval=0.5,
                       initial={"v": -60.0})
    sim = builder.build()
    sim.run_until(10.0)
    first = sim.get_signal(0, "v", clear=True)
    # round(10 / 0.5) + 1 samples at 0, 0.5, ..., 10; v relaxes from -60 to -65 mV
    # with tau_m = 20 ms
    assert first.values.shape == (21, 2) and first.t_start == 0.0
    assert first.sampling_interval == 0.5
    expected = -65.0 + 5.0 * np.exp(-np.arange(21) * 0.5 / 20.0)
    np.testing.assert_allclose(first.values[:, 0], expected, atol=TRACE_ATOL[backend])
    sim.run_until(12.0)
    second = sim.get_signal(0, "v", clear=False)
    assert second.t_start == pytest.approx(10.5) and second.values.shape == (4, 2)
    assert not np.isnan(second.values).any()
    np.testing.assert_allclose(second.values[:, 1],
                               -65.0 + 5.0 * np.exp(-np.arange(21, 25) * 0.5 / 20.0),
                               atol=TRACE_ATOL[backend])


def test_reset_keeps_changes_and_restores_initial_values(net, backend):
    builder = net()
    builder.population(std.IF_curr_exp, 2, record={"v": "all", "spikes": "all"},
                       initial={"v": -65.0})
    sim = builder.build()
    sim.run_until(5.0)
    sim.set_state(0, np.array([1]), "v", np.array([-55.0]))
    sim.set_parameters(0, np.array([0]), "i_offset", np.array([2.0]))
    sim.reset()
    sim.run_until(5.0)
    v = sim.get_signal(0, "v", clear=False).values
    np.testing.assert_array_equal(v[0], [-65.0, -55.0])
    # cell 0 keeps i_offset = 2 nA: R I = 40 mV, v(5) = -65 + 40 (1 - exp(-5/20))
    atol = TRACE_ATOL[backend]
    assert v[-1, 0] == pytest.approx(-65.0 + 40.0 * (1 - np.exp(-0.25)), abs=atol)
    assert v[-1, 1] == pytest.approx(-65.0 + 10.0 * np.exp(-0.25), abs=atol)


def test_poisson_sources_give_a_new_realisation_after_reset(net, backend):
    builder = net(**{SEED_OPTION[backend]: 11})
    builder.population(std.SpikeSourcePoisson, 5, record={"spikes": "all"}, rate=100.0)
    sim = builder.build()
    sim.run_until(200.0)
    first = sim.get_spikes(0, clear=True).times
    sim.reset()
    sim.run_until(200.0)
    second = sim.get_spikes(0, clear=True).times
    assert first.size > 50 and not np.array_equal(np.sort(first), np.sort(second))


#: Rows of a recording started at 10 ms that have no sample: NEST's multimeter joins
#: when NEST is at 10 ms + min_delay, so its first sample is one step later (row 0 is
#: the initial value, known without NEST); Brian's monitor joins at 10 ms and its first
#: sample is the state at 10 ms.
NO_SAMPLE_ROWS = {"nest": slice(1, 102), "brian2": slice(0, 100)}


def test_recording_can_start_and_stop_after_build(net, backend):
    builder = net()
    builder.population(std.IF_curr_exp, 3, i_offset=np.array([2.0, 2.0, 0.0]))
    sim = builder.build()
    sim.run_until(10.0)
    sim.set_recording(0, "spikes", np.array([0]), 0.1)
    sim.set_recording(0, "v", np.array([1, 2]), 0.1)
    sim.run_until(40.0)
    sim.set_recording(0, "spikes", np.array([], dtype=int), 0.1)
    sim.run_until(80.0)
    spikes = sim.get_spikes(0, clear=False)
    assert set(spikes.cells) == {0}
    assert spikes.times.min() > 10.0 and spikes.times.max() <= 40.0
    v = sim.get_signal(0, "v", clear=False)
    np.testing.assert_array_equal(v.cells, [1, 2])
    assert v.values.shape == (801, 2)
    missing = NO_SAMPLE_ROWS[backend]
    assert np.isnan(v.values[missing]).all() and not np.isnan(v.values[missing.stop:]).any()


def test_unrecorded_variable_is_a_recording_error(net):
    builder = net()
    builder.population(std.IF_curr_exp, 1)
    sim = builder.build()
    with pytest.raises(RecordingError, match="not recorded"):
        sim.get_signal(0, "v", clear=False)


def test_weights_changed_before_reset_stay_changed(net, backend):
    builder = net()
    src = builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([1.0]))
    cell = builder.population(std.IF_cond_exp, 1, record={"gsyn_exc": "all"})
    builder.projection(src, cell, [0], [0], 0.01, 1.0)
    sim = builder.build()
    sim.run_until(5.0)
    sim.set_synapse_parameter(0, "weight", np.array([0.03]))
    sim.reset()
    sim.run_until(5.0)
    # arrival at 2.0 ms; the conductance then decays with tau_syn_E = 5 ms
    lag = ARRIVAL_LAG[backend]
    assert sim.get_signal(cell, "gsyn_exc", clear=False).values[20 + lag, 0] == \
        pytest.approx(0.03 * np.exp(-lag * 0.1 / 5.0))


def test_empty_populations_build_run_reset_and_record_nothing(net):
    builder = net()
    builder.population(std.IF_cond_exp, 0, record={"spikes": "all", "v": "all"})
    builder.population(std.SpikeSourceArray, 0, record={"spikes": "all"})
    builder.population(std.IF_cond_exp, 2, record={"v": "all"})
    sim = builder.build()
    sim.run_until(5.0)
    assert sim.get_spikes(0, clear=False).times.size == 0
    assert sim.get_spikes(1, clear=False).times.size == 0
    assert sim.get_signal(0, "v", clear=False).values.shape == (51, 0)
    assert sim.get_signal(2, "v", clear=False).values.shape == (51, 2)
    sim.reset()
    sim.run_until(0.5)
    assert sim.get_signal(2, "v", clear=False).values.shape == (6, 2)
