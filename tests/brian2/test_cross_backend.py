"""Brian 2 against NEST on the same small deterministic network, and the PyNN API
on Brian 2 end to end (Neo output with the same layout as NEST's)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std

DT = 0.1


def _network(builder, celltype, weights):
    """A spike array and DC-driven cells, recurrently wired: no randomness at run time."""
    rng = np.random.default_rng(21)
    n = 12
    src = builder.population(std.SpikeSourceArray, 1,
                             spike_times=Sequence([3.0, 9.0, 15.0, 27.5]))
    cells = builder.population(celltype, n, record={"spikes": "all", "v": [0, 7]},
                               i_offset=rng.uniform(0.45, 0.7, n), tau_refrac=2.0, cm=0.25,
                               tau_m=15.0)
    i, j = rng.integers(0, n, 60), rng.integers(0, n, 60)
    exc, inh = weights
    builder.projection(cells, cells, i[:45], j[:45], exc, rng.choice([1.0, 1.5, 2.0], 45))
    builder.projection(cells, cells, i[45:], j[45:], inh, 1.0, receptor="inhibitory")
    builder.projection(src, cells, np.zeros(n, int), np.arange(n), exc * 4, 1.0)
    return cells


def _spikes(backend, cells):
    data = backend.get_spikes(cells, clear=False)
    order = np.lexsort((data.times, data.cells))
    return data.cells[order], data.times[order]


@pytest.mark.parametrize("celltype, weights", [(std.IF_cond_exp, (0.004, 0.01)),
                                               (std.IF_curr_exp, (0.3, -0.6))])
def test_spike_times_agree_with_nest_within_one_step(net, celltype, weights):
    pytest.importorskip("nest")
    os.environ.setdefault("PYNEST_QUIET", "1")
    from software_backends.nest import NestBackend

    builder = net(min_delay=1.0)
    cells = _network(builder, celltype, weights)
    brian = builder.build()
    brian.run_until(80.0)
    ours = _spikes(brian, cells)
    v_ours = brian.get_signal(cells, "v", clear=False).values

    reference = NestBackend(spike_precision="on_grid")
    reference.build(builder.network())
    reference.run_until(80.0)
    theirs = _spikes(reference, cells)
    v_theirs = reference.get_signal(cells, "v", clear=False).values
    reference.end()

    assert ours[0].size > 30
    np.testing.assert_array_equal(ours[0], theirs[0])
    assert np.max(np.abs(ours[1] - theirs[1])) <= DT + 1e-9
    assert v_ours.shape == v_theirs.shape == (801, 2)
    # membrane traces away from spikes agree closely (NEST's solver is adaptive RKF45
    # for conductances, exact for currents)
    assert np.median(np.abs(v_ours - v_theirs)) < 0.05


# model, parameters, weight, tolerance on spike times (ms): one step where both
# integrate the same equations exactly or with the same scheme; AdEx (RK4 against
# NEST's adaptive RKF45) and HH (sub-stepped exponential Euler) within a few steps
SINGLE_CELLS = [
    (std.IF_curr_alpha, dict(i_offset=0.9), 0.5, DT),
    (std.IF_cond_alpha, dict(i_offset=0.9), 0.01, DT),
    (std.IF_curr_delta, dict(i_offset=1.0), 2.0, DT),
    (std.IF_cond_exp_gsfa_grr, dict(i_offset=1.0), 0.01, DT),
    (std.IF_facets_hardware1, dict(v_rest=-50.0, v_thresh=-55.0), 0.01, DT),
    (std.Izhikevich, dict(i_offset=0.008), 5.0, DT),
    (std.EIF_cond_exp_isfa_ista, dict(i_offset=0.8), 0.01, 3 * DT),
    (std.EIF_cond_alpha_isfa_ista, dict(i_offset=0.8), 0.01, 3 * DT),
    (std.HH_cond_exp, dict(i_offset=0.5), 0.05, 3 * DT),
]


@pytest.mark.parametrize("celltype, params, weight, tolerance", SINGLE_CELLS,
                         ids=[case[0].__name__ for case in SINGLE_CELLS])
def test_every_neuron_model_fires_as_on_nest(net, celltype, params, weight, tolerance):
    pytest.importorskip("nest")
    os.environ.setdefault("PYNEST_QUIET", "1")
    from software_backends.nest import NestBackend

    builder = net(min_delay=1.0)
    src = builder.population(std.SpikeSourceArray, 1,
                             spike_times=Sequence([3.0, 10.0, 11.0, 30.0, 31.0, 32.0]))
    cell = builder.population(celltype, 1, record={"spikes": "all"}, **params)
    builder.projection(src, cell, [0], [0], weight, 1.0)
    brian = builder.build()
    brian.run_until(200.0)
    reference = NestBackend(spike_precision="on_grid")
    reference.build(builder.network())
    reference.run_until(200.0)
    ours = brian.get_spikes(cell, clear=False).times
    theirs = reference.get_spikes(cell, clear=False).times
    reference.end()
    assert theirs.size >= 3
    assert ours.size == theirs.size
    assert np.max(np.abs(np.sort(ours) - np.sort(theirs))) <= tolerance + 1e-9


def test_pynn_script_on_brian2_gives_neo_blocks(tmp_path):
    import pynn_hw.brian2 as sim

    sim.setup(timestep=0.1, min_delay=0.5)
    cells = sim.Population(3, sim.IF_curr_exp(i_offset=[1.2, 1.0, 0.0], cm=0.5, tau_m=20.0,
                                               v_reset=-70.0, tau_refrac=2.0), label="cells")
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[2.0, 4.0]), label="src")
    prj = sim.Projection(src, cells, sim.FromListConnector([(0, 2)]),
                         sim.StaticSynapse(weight=0.5, delay=1.0))
    cells.record(["spikes", "v"])
    sim.run(30.0)
    block = cells.get_data()
    segment = block.segments[0]
    assert block.annotations["simulator"] == "brian2"
    v = segment.filter(name="v")[0]
    assert v.shape == (301, 3)
    assert float(v[0, 0]) == pytest.approx(-65.0)
    assert segment.spiketrains[0].times[0].item() == pytest.approx(7.5)   # as without input
    assert len(segment.spiketrains[2]) == 0
    assert prj.get("weight", format="array")[0, 2] == pytest.approx(0.5)
    prj.set(weight=0.25)
    np.testing.assert_allclose(prj.get("weight", format="list", with_address=False), 0.25)
    sim.reset()
    sim.run(10.0)
    block = cells.get_data()
    assert len(block.segments) == 2
    assert block.segments[1].filter(name="v")[0].shape == (101, 3)
    sim.end()
