"""What only NEST does on runs and resets: the held-back spikes of its look-ahead,
threads, one kernel per process (the rest: tests/backends/test_common_runs_and_reset.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std

from ..support.networks import small_network, sorted_spikes


def test_spikes_are_held_until_the_user_clock_reaches_them(net):
    builder = net(min_delay=1.0)
    builder.population(std.SpikeSourceArray, 1, record={"spikes": "all"},
                       spike_times=Sequence([2.0, 10.1]))
    backend = builder.build()
    backend.run_until(10.0)       # NEST already simulated to 10.1 ms
    np.testing.assert_allclose(backend.get_spikes(0, clear=True).times, [2.0])
    backend.run_until(10.1)
    np.testing.assert_allclose(backend.get_spikes(0, clear=True).times, [10.1])


def test_initialize_after_a_run_changes_the_next_segment_only(net):
    builder = net()
    builder.population(std.IF_curr_exp, 1, record={"v": "all"})
    backend = builder.build()
    backend.set_state(0, np.array([0]), "v", np.array([-60.0]))   # before any run
    backend.run_until(2.0)
    backend.set_state(0, np.array([0]), "v", np.array([-55.0]))
    backend.run_until(4.0)
    v = backend.get_signal(0, "v", clear=True).values[:, 0]
    assert v[0] == -60.0 and v[20] < -60.0 and v[22] > -56.0
    backend.reset()
    backend.run_until(1.0)
    assert backend.get_signal(0, "v", clear=True).values[0, 0] == -55.0


def test_two_threads_give_the_same_spikes(net):
    results = []
    for threads in (1, 2):
        builder = net(threads=threads)
        cells = small_network(builder)
        backend = builder.build()
        backend.run_until(60.0)
        results.append(sorted_spikes(backend.get_spikes(cells, clear=False)))
        results.append(backend.get_signal(cells, "v", clear=False).values)
        backend.end()
    assert results[0][0].size > 20
    np.testing.assert_array_equal(results[0][0], results[2][0])
    np.testing.assert_allclose(results[0][1], results[2][1])
    np.testing.assert_allclose(results[1], results[3])


def test_a_second_build_takes_over_the_kernel(net):
    first = net()
    first.population(std.IF_curr_exp, 1)
    old = first.build()
    second = net()
    second.population(std.IF_curr_exp, 1)
    second.build().run_until(1.0)
    with pytest.raises(RuntimeError, match="taken over"):
        old.run_until(2.0)
