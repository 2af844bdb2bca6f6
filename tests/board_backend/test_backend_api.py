"""PyNN semantics of pynn_hw.emulator: recording limits, runs, reset, changes, board choice."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pytest

from firmware_io import BoardSpec
from pynn_hw.errors import InvalidParameterValueError, RecordingError

CELL = dict(tau_m=20.0, cm=0.2, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, tau_refrac=2.0,
            tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0)
DRIVE_MS = list(np.arange(5.0, 200.0, 4.0))


def _driven(sim, n=3, weight=0.03):
    """n cells, each driven by its own regular spike train (one source per cell)."""
    cells = sim.Population(n, sim.IF_cond_exp(**CELL), label="cells")
    src = sim.Population(n, sim.SpikeSourceArray(spike_times=DRIVE_MS), label="src")
    prj = sim.Projection(src, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=weight, delay=0.1),
                         receptor_type="excitatory")
    cells.record("spikes")
    return cells, src, prj


def _times(pop, segment=-1):
    return [np.asarray(st.magnitude) for st in pop.get_data("spikes").segments[segment].spiketrains]


def test_recording_more_membranes_than_channels_raises(emu):
    cells = emu.Population(5, emu.IF_cond_exp(**CELL), label="five")
    cells.record("v")
    with pytest.raises(RecordingError) as err:
        emu.run(1.0)
    text = str(err.value)
    # the variable, the number asked and the number available
    assert "'v'" in text and "5 cells asked" in text and "4 read-out channels" in text


def test_recording_four_membranes_and_conductances(emu):
    cells, _, _ = _driven(emu, n=1, weight=0.01)
    cells.record(["v", "gsyn_exc"])
    emu.run(20.0)
    seg = cells.get_data().segments[0]
    v = seg.filter(name="v")[0]
    g = seg.filter(name="gsyn_exc")[0]
    assert v.shape == (201, 1) and float(v.sampling_period) == pytest.approx(0.1)
    assert float(v[0, 0]) == pytest.approx(-65.0)            # the board starts at rest
    g = np.asarray(g)[:, 0]
    # the input at 5.0 ms arrives at 5.1 ms (cycle 51); the read-out samples at the end of
    # the cycle (5.2 ms, row 52): the realised weight (weight 15 at a strength near 0.01/15 uS:
    # within 0.2 %) after one cycle of decay, then exponential decay with tau_syn_E = 5 ms
    k = 52
    assert g[k - 1] == 0.0
    assert g[k] == pytest.approx(0.01 * math.exp(-0.1 / 5.0), rel=2e-3)   # sampled at the cycle's end
    assert g[k + 10] / g[k] == pytest.approx(math.exp(-1.0 / 5.0), rel=1e-4)


def test_two_runs_equal_one_run_and_reset_repeats(emu):
    cells, _, _ = _driven(emu)
    emu.run(30.0)
    emu.run(50.0)
    two = _times(cells)
    emu.reset()
    emu.run(80.0)
    one = _times(cells)
    blocks = cells.get_data()
    assert len(blocks.segments) == 2
    assert sum(t.size for t in one) > 10
    # state (membranes, conductances, queued input) is kept across runs, so splitting a run
    # changes no bit; after reset() the same input gives the same spikes
    for a, b in zip(two, one):
        np.testing.assert_array_equal(a, b)


def test_set_threshold_between_runs_keeps_state(emu):
    cells, _, _ = _driven(emu)
    emu.run(40.0)
    before = sum(t.size for t in _times(cells))
    assert before > 3
    cells.set(v_thresh=-2.0)                 # unreachable: e_rev_E is 0 mV
    emu.run(40.0)
    after = sum(t.size for t in _times(cells))
    assert after == before
    assert emu.session.backend.cycle == 800
    assert cells.get("v_thresh") == -2.0


def test_weight_change_between_runs_rewrites_weights_and_get_returns_requested(emu):
    cells, _, prj = _driven(emu, weight=0.03)
    emu.run(40.0)
    n1 = sum(t.size for t in _times(cells))
    prj.set(weight=0.001)                    # the drive no longer reaches threshold
    emu.run(40.0)
    # the conductance of the last strong inputs decays over a few tau_syn_E: count from 60 ms
    n2 = sum(int((t > 60.0).sum()) for t in _times(cells))
    assert n1 > 3 and n2 == 0
    # the front-end keeps the requested weights; the mapping reports the realised ones
    np.testing.assert_array_equal(prj.get("weight", format="array").diagonal(), [0.001] * 3)
    realised = emu.session.backend.mapped.projections[0].weight_realised
    assert np.allclose(realised, 0.001, rtol=0.01)


def test_layout_change_after_t0_refused_then_allowed_after_reset(emu):
    cells, _, _ = _driven(emu)
    emu.run(10.0)
    with pytest.raises(InvalidParameterValueError, match="reset"):
        cells.set(tau_syn_E=2.0)
    emu.reset()
    cells.set(tau_syn_E=2.0)
    emu.run(10.0)


def test_poisson_input_follows_rng_seed():
    import pynn_hw.emulator as sim

    def spikes(seed):
        sim.setup(timestep=0.1, min_delay=0.1, rng_seed=seed)
        src = sim.Population(5, sim.SpikeSourcePoisson(rate=200.0), label="p")
        cells = sim.Population(5, sim.IF_cond_exp(**CELL))
        sim.Projection(src, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.01, delay=0.1))
        src.record("spikes")
        sim.run(200.0)
        out = _times(src)
        sim.end()
        return out

    a, b, c = spikes(1), spikes(1), spikes(2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))
    n = sum(t.size for t in a)
    assert abs(n - 200) < 4 * math.sqrt(200)        # 5 cells x 200 Hz x 0.2 s, Poisson spread
    ticks = np.concatenate(a) / 0.003125
    np.testing.assert_allclose(ticks, np.round(ticks), atol=1e-6)   # quantised to ticks


@pytest.mark.parametrize("board", ["single_chip", "board_4x4"])
def test_setup_board_by_name(board):
    import pynn_hw.emulator as sim
    sim.setup(board=board)
    _driven(sim, n=1)
    sim.run(1.0)
    report = sim.session.backend.report
    assert report.board == board and report.chips_on_board == BoardSpec.load(board).n_chips
    sim.end()


def test_setup_board_by_file(tmp_path):
    import pynn_hw.emulator as sim
    from importlib import resources
    path = tmp_path / "my_board.toml"
    with resources.as_file(resources.files("firmware_io") / "boards" / "single_chip.toml") as src:
        shutil.copy(src, path)
    sim.setup(board=str(path))
    _driven(sim, n=1)
    sim.run(1.0)
    assert sim.session.backend.report.chips_on_board == 1
    sim.end()


def test_setup_bad_board_name_lists_shipped_boards():
    import pynn_hw.emulator as sim
    sim.setup(board="no_such_board")
    _driven(sim, n=1)
    with pytest.raises(InvalidParameterValueError) as err:
        sim.run(1.0)
    assert "no_such_board" in str(err.value) and "board_4x4" in str(err.value) \
        and "single_chip" in str(err.value)
    sim.setup()


def test_record_v_after_the_first_run_moves_a_channel(emu):
    cells, _, _ = _driven(emu, n=2, weight=0.01)
    emu.run(10.0)
    cells[1:2].record("v")
    emu.run(10.0)
    v = np.asarray(cells.get_data().segments[0].filter(name="v")[0])
    assert v.shape == (201, 1)
    # samples exist from the moment the channel was switched (end of cycle 101, 10.1 ms) on
    assert np.isnan(v[:101, 0]).all() and np.isfinite(v[101:, 0]).all()
    assert v[101:, 0].max() > -65.0            # the input moves the membrane


def test_mismatch_option_emulates_the_chips_spread():
    import pynn_hw.emulator as sim

    def rest_potentials(mismatch):
        sim.setup(mismatch=mismatch)
        cells = sim.Population(4, sim.IF_cond_exp(**CELL))
        cells.record("v")
        sim.run(5.0)
        v = np.asarray(cells.get_data().segments[0].filter(name="v")[0])[-1]
        sim.end()
        return v

    nominal, spread = rest_potentials(False), rest_potentials(True)
    np.testing.assert_allclose(nominal, -65.0, atol=1e-9)      # nominal chip: the code's value
    # per-neuron and per-group offsets of 1 and 2 mV (sigma): the cells rest at different values
    assert np.ptp(spread) > 0.05 and np.abs(spread + 65.0).max() < 12.0


def test_synapse_loss_raises_with_report_unless_allowed():
    import pynn_hw.emulator as sim
    from pynn_hw.errors import MappingError

    def build():
        src = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
        cells = sim.Population(2, sim.IF_cond_exp(**CELL))
        # one source row, one strength: 1e-5 uS is far below one LSB of the strength 0.03 needs
        sim.Projection(src, cells, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=np.array([[0.03, 1e-5]]), delay=0.1))

    sim.setup()
    build()
    with pytest.raises(MappingError) as err:
        sim.run(1.0)
    assert err.value.report.synapses_lost_total == 1 and err.value.report.synapses_requested == 2
    sim.setup(allow_synapse_loss=0.5)
    build()
    with pytest.warns(UserWarning, match="cannot be realised"):
        sim.run(1.0)
    assert sim.session.backend.report.synapses_realised == 1
    sim.end()


def test_spike_source_changes_act_from_the_next_run(emu):
    cells, src, _ = _driven(emu, n=2)
    src.record("spikes")
    emu.run(20.0)
    src.set(spike_times=emu.Sequence([25.0, 30.0]))
    emu.run(20.0)
    trains = _times(src)
    # before the change: the regular drive (5, 9, 13, 17 ms); after it: only 25 and 30 ms
    for t in trains:
        np.testing.assert_allclose(t, [5.0, 9.0, 13.0, 17.0, 25.0, 30.0])
    assert all(np.any((t > 25.0) & (t < 27.0)) for t in _times(cells))   # and they drive the cells
