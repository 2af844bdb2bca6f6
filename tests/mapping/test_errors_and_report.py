"""Impossible mappings, losses, determinism, the report, read-out and the lower bound."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import pynn_hw.nest as sim
from firmware_io import BoardSpec
from mapping import MappingReport, map_network
from mapping.boards import torus_board
from pynn_hw.errors import MappingError

sys.path.insert(0, str(Path(__file__).parent))
import mapping_nets as nets  # noqa: E402

SINGLE = BoardSpec.load("single_chip")


def cond(**kw):
    base = dict(tau_m=20.0, cm=0.2, v_rest=-65.0, v_reset=-70.0, v_thresh=-55.0, tau_refrac=2.0,
                tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0)
    base.update(kw)
    return sim.IF_cond_exp(**base)


def test_unsupported_cell_type_names_the_supported_ones():
    nets.fresh()
    sim.Population(3, sim.IF_curr_exp(), label="curr")
    with pytest.raises(MappingError, match=r"population 'curr': cell type IF_curr_exp cannot be mapped .* "
                                           r"supported: IF_facets_hardware1, IF_cond_exp, IF_cond_alpha"):
        map_network(nets.network(), SINGLE)


def test_parameter_outside_the_code_range():
    nets.fresh()
    sim.Population(1, cond(v_thresh=10.0), label="hot")
    with pytest.raises(MappingError, match=r"population 'hot' \(IF_cond_exp\): parameter v_thresh .* "
                                           r"valid: -102.3..0 mV"):
        map_network(nets.network(), SINGLE)


def test_offset_current_is_refused():
    nets.fresh()
    sim.Population(1, cond(i_offset=0.5), label="driven")
    with pytest.raises(MappingError, match=r"'driven'.*i_offset = 0.5 nA .*valid: 0"):
        map_network(nets.network(), SINGLE)


def test_current_source_is_refused():
    nets.fresh()
    p = sim.Population(1, cond(), label="p")
    sim.DCSource(amplitude=0.1).inject_into(p)
    with pytest.raises(MappingError, match="DCSource .* no current input"):
        map_network(nets.network(), SINGLE)


def test_too_many_sources_for_the_rows():
    # 300 distinct sources feed one neuron: 300 rows > 256 rows of a block
    nets.fresh()
    a = sim.Population(1, cond(), label="target")
    s = sim.Population(300, sim.SpikeSourcePoisson(rate=1.0), label="s")
    sim.Projection(s, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.002), receptor_type="excitatory")
    with pytest.raises(MappingError, match=r"population 'target' \(IF_cond_exp\): cell 0 needs 300 driver rows"
                                           r".* a block has 256 rows"):
        map_network(nets.network(), SINGLE)


def test_board_too_small():
    nets.fresh()
    for i in range(5):  # five parameter sets: five groups, four per chip
        sim.Population(1, cond(v_thresh=-55.0 + i), label=f"p{i}")
    with pytest.raises(MappingError, match=r"board 'single_chip' is too small: .* need 2 chips .* the board has 1"
                       ) as err:
        map_network(nets.network(), SINGLE)
    assert err.value.report.chips_lower_bound == 2


def test_input_bandwidth():
    # 40 sources x 1000 Hz = 40,000 events/s > 30,000 events/s of one chip's input port
    nets.fresh()
    a = sim.Population(1, cond(), label="a")
    s = sim.Population(40, sim.SpikeSourcePoisson(rate=1000.0), label="s")
    sim.Projection(s, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.002), receptor_type="excitatory")
    with pytest.raises(MappingError, match=r"population 'a' \(IF_cond_exp\): cell 0 alone needs 40000 input "
                                           r"events/s .* the input bandwidth of a chip is 30000 events/s"):
        map_network(nets.network(), SINGLE)


def test_input_bandwidth_spreads_neurons_over_chips():
    # two neurons with 20 private sources at 1000 Hz each: 20,000 events/s apiece, 40,000
    # together: rows would fit one chip, the input port does not, so they take two chips
    nets.fresh()
    a = sim.Population(2, cond(), label="a")
    s = sim.Population(40, sim.SpikeSourcePoisson(rate=1000.0), label="s")
    pre = np.arange(40)
    sim.Projection(s, a, sim.FromListConnector(np.c_[pre, pre // 20]), sim.StaticSynapse(weight=0.002),
                   receptor_type="excitatory")
    m = map_network(nets.network(), BoardSpec.load("board_4x4"))
    assert m.report.chips_used == 2
    assert m.report.input_load_max == pytest.approx(20000.0)


def test_router_table_capacity():
    net = nets.random_net(300, 0.3, n_ext=0)
    board = torus_board(8, 8, router_entries=8)
    with pytest.raises(MappingError, match=r"router table of chip \d+ too small: \d+ source neurons .* "
                                           r"holds 8 entries"):
        map_network(net, board)


def test_link_bandwidth():
    net = nets.random_net(300, 0.3, n_ext=0)
    board = torus_board(8, 8, link_events_per_s=1.0e4)  # 1 event/s biological
    with pytest.raises(MappingError, match=r"link bandwidth exceeded on link \d+ -> \d+: .* bandwidth 1 events/s"):
        map_network(net, board)


def _lossy():
    # one source, weights 0.001 .. 0.05 uS on one row: strength about 0.05/15, so
    # weights below half a step (~0.0017 uS) round to zero
    nets.fresh()
    a = sim.Population(50, cond(), label="a")
    s = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]), label="s")
    w = np.linspace(0.0005, 0.05, 50).reshape(1, 50)
    sim.Projection(s, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=w), receptor_type="excitatory")
    return nets.network()


def test_loss_raises_by_default_and_carries_the_report():
    with pytest.raises(MappingError, match=r"2 of 50 synapses \(4.000%\) cannot be realised "
                                           r"\(weight_rounds_to_zero: 2\); allowed: 0.000%") as err:
        map_network(_lossy(), SINGLE)
    assert err.value.report.synapses_lost == {"weight_rounds_to_zero": 2, "no_row": 0, "target_is_source": 0}


def test_bounded_loss_is_allowed_with_a_warning():
    with pytest.warns(UserWarning, match="within allow_synapse_loss=0.05"):
        m = map_network(_lossy(), SINGLE, allow_synapse_loss=0.05)
    assert m.report.synapses_realised == 48 and m.report.synapses_lost_total == 2
    lost = m.projections[0].lost
    assert np.flatnonzero(lost).tolist() == [0, 1]  # the two smallest weights
    with pytest.raises(MappingError):
        map_network(_lossy(), SINGLE, allow_synapse_loss=0.03)


def test_same_network_and_seed_give_the_same_mapping():
    a = map_network(nets.random_net(300, 0.2, seed=4), torus_board(8, 8), seed=7)
    b = map_network(nets.random_net(300, 0.2, seed=4), torus_board(8, 8), seed=7)
    assert np.array_equal(a.routes, b.routes)
    assert np.array_equal(a.placement.chip, b.placement.chip)
    assert np.array_equal(a.placement.neuron, b.placement.neuron)
    for name in a.chip_data.__dataclass_fields__:
        assert np.array_equal(getattr(a.chip_data, name), getattr(b.chip_data, name)), name
    assert a.configs == b.configs


def test_report_json_round_trip_and_table():
    m = map_network(nets.synfire(), SINGLE)
    text = m.report.to_json()
    back = MappingReport.from_json(text)
    assert back == m.report
    assert json.loads(text)["version"] == 1
    table = str(m.report)
    assert "synapses requested     4820" in table and "chips used             1 (lower bound 1)" in table
    with pytest.raises(ValueError, match="unknown keys"):
        MappingReport.from_json(json.dumps({**json.loads(text), "bogus": 1}))


def test_readout_channels_split_over_runs():
    nets.fresh()
    p = sim.Population(10, cond(), label="p")
    p.record("v")
    m = map_network(nets.network(), SINGLE)
    ro = m.readout
    assert ro.cells.tolist() == list(range(10))
    assert ro.run.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2] and ro.runs_needed == 3
    assert ro.channel.tolist() == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
    assert m.configs[0].readout.tolist() == m.placement.neuron[:4].tolist()
    assert m.configs_for_run(2)[0].readout.tolist() == [*m.placement.neuron[8:10].tolist(), 511, 511]
    assert m.report.readout_runs == 3


def test_output_events_map_back_to_cells():
    m = map_network(nets.synfire(), SINGLE)
    cells = np.arange(180)
    back = m.placement.global_index(m.placement.chip[cells], m.placement.neuron[cells])
    assert back.tolist() == cells.tolist()
    assert m.placement.chip[180:].tolist() == [-1] * 20  # the stimulus sources are not on the board


def test_lower_bound_is_exact_for_private_sources():
    # every neuron has 200 private host sources: no two neurons share a block (400 > 256
    # rows) nor a chip (400 > 256 external rows), so 3 neurons need exactly 3 chips
    nets.fresh()
    a = sim.Population(3, cond(), label="a")
    s = sim.Population(600, sim.SpikeSourcePoisson(rate=1.0), label="s")
    pre = np.arange(600)
    sim.Projection(s, a, sim.FromListConnector(np.c_[pre, pre // 200]), sim.StaticSynapse(weight=0.002),
                   receptor_type="excitatory")
    m = map_network(nets.network(), BoardSpec.load("board_4x4"))
    assert m.report.chips_used == 3 and m.report.chips_lower_bound == 3


@pytest.mark.parametrize("n,p", [(300, 0.1), (600, 0.05)])
def test_lower_bound_never_exceeds_the_chips_used(n, p):
    m = map_network(nets.random_net(n, p), torus_board(8, 8, router_entries=4096))
    assert 1 <= m.report.chips_lower_bound <= m.report.chips_used


def test_input_events_fan_out_to_every_row_with_its_delay():
    # cell 2 drives the neuron with a split weight (3 rows), delay 0.5 ms = 160 ticks; cell 1
    # has no synapse and therefore no input address
    nets.fresh()
    a = sim.Population(1, cond(), label="a")
    s = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0]), label="s")
    sim.Projection(s[1:2], a, sim.AllToAllConnector(), sim.StaticSynapse(weight=2.0, delay=0.5),
                   receptor_type="inhibitory")
    m = map_network(nets.network(), SINGLE)
    ev = m.inputs.events(np.array([1, 2, 2, 1]), np.array([3.0, 1.0, 2.0, 0.0]))
    # spikes of cell 2 at 1.0 and 2.0 ms: 320 + 160 and 640 + 160 ticks, once per row
    assert ev["t"].tolist() == [480, 480, 480, 800, 800, 800]
    rows = m.inputs.addresses(2)[1]
    assert ev["addr"].tolist() == rows.tolist() * 2 and ev["chip"].tolist() == [0] * 6
    assert m.inputs.addresses(1)[0].size == 0


def test_native_hardware_neuron():
    nets.fresh()
    sim.Population(2, sim.IF_facets_hardware1(g_leak=40.0, v_thresh=-55.0), label="hw")
    m = map_network(nets.network(), SINGLE)
    tr = m.translations[0]
    # 40 nS = code 400; -55 mV = code 473; tau_refrac fixed at 1 ms = code 40
    assert tr.codes["g_leak"].tolist() == [400, 400]
    assert tr.codes["v_thresh"].tolist() == [473, 473]
    assert tr.codes["tau_refrac"].tolist() == [40, 40]
    assert max(tr.max_abs_error.values()) < 1e-9  # every value is a whole number of LSBs
    cfg = m.configs[0]
    assert cfg.g_leak[:2].tolist() == [400, 400] and cfg.v_thresh[0] == 473


def test_progress_callback_sees_every_step(capsys):
    from mapping import progress_bar

    seen = []
    map_network(nets.synfire(), SINGLE, progress=lambda step, f: seen.append((step, f)))
    steps = [s for s, _ in seen]
    assert steps[0] == "translate" and "partition" in steps and steps[-1] == "codes"
    assert all(0.0 <= f <= 1.0 for _, f in seen)
    map_network(nets.synfire(), SINGLE, progress=progress_bar())
    assert "partition" in capsys.readouterr().out
