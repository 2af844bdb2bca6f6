"""Exact row, feedback, group and weight assignments on hand-made networks."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import pynn_hw.nest as sim
from firmware_io import BoardSpec, parse_board_image, units
from firmware_io.constants import NEURONS_PER_BLOCK, ROW_SOURCE, ROWS_PER_BLOCK
from mapping import LossCause, map_network
from mapping.boards import torus_board

sys.path.insert(0, str(Path(__file__).parent))

import mapping_nets as nets

SINGLE = BoardSpec.load("single_chip")


def cond(**kw):
    base = dict(tau_m=20.0, cm=0.2, v_rest=-65.0, v_reset=-70.0, v_thresh=-55.0, tau_refrac=2.0,
                tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0)
    base.update(kw)
    return sim.IF_cond_exp(**base)


def test_synfire_chain_fits_one_chip_with_feedback_rows():
    net = nets.synfire()
    m = map_network(net, SINGLE)
    r = m.report
    assert r.chips_used == 1 and r.chips_lower_bound == 1
    assert r.synapses_lost_total == 0 and r.synapses_realised == r.synapses_requested == 4820
    # 180 neurons, each the source of a row of its own block: 180 FEEDBACK_SAME rows at the
    # neuron's column; the 20 stimulus sources take external rows 192..211
    cfg = m.configs[0]
    assert r.rows_feedback == 180 and r.rows_external == 20
    cells = np.flatnonzero(m.placement.chip == 0)
    local = m.placement.neuron[cells]
    block, col = np.divmod(local.astype(int), NEURONS_PER_BLOCK)
    assert np.all(cfg.row_source[block, col] == ROW_SOURCE.FEEDBACK_SAME)
    ext = np.argwhere(cfg.row_source == ROW_SOURCE.EXTERNAL)
    assert ext.shape[0] == 20 and np.all(ext[:, 1] >= 192)
    assert m.routes.size == 0  # nothing leaves the chip
    # the image round-trips through the firmware contract
    image = parse_board_image(m.image())
    assert image.configs[0] == cfg


def test_feedback_same_row_and_weight_position():
    nets.fresh()
    a = sim.Population(2, cond(), label="a")
    sim.Projection(a[0:1], a[1:2], sim.AllToAllConnector(), sim.StaticSynapse(weight=0.003, delay=0.1),
                   receptor_type="excitatory")
    m = map_network(nets.network(), SINGLE)
    cfg = m.configs[0]
    n0, n1 = (int(x) for x in m.placement.neuron[:2])
    b0, c0 = divmod(n0, NEURONS_PER_BLOCK)
    b1, c1 = divmod(n1, NEURONS_PER_BLOCK)
    assert (b0, b1) == (0, 0)
    assert cfg.row_source[0, c0] == ROW_SOURCE.FEEDBACK_SAME
    # 0.003 uS = 768 LSB of 3.90625e-6 uS: exactly 12 x code 64 or 15 x ... the chosen pair is exact
    w, s = int(cfg.weights[0, c0, c1]), int(cfg.row_strength[0, c0])
    assert w * s == 768
    assert m.projections[0].delay_realised[0] == pytest.approx(0.1)  # one cycle of feedback


def test_source_used_with_both_signs_gets_a_feedback_and_an_external_row():
    nets.fresh()
    a = sim.Population(2, cond(), label="a")
    one = sim.OneToOneConnector()
    src, tgt = a[0:1], a[1:2]
    sim.Projection(src, tgt, one, sim.StaticSynapse(weight=0.002), receptor_type="excitatory")
    sim.Projection(src, tgt, one, sim.StaticSynapse(weight=0.032), receptor_type="inhibitory")
    m = map_network(nets.network(), SINGLE)
    cfg = m.configs[0]
    c0 = int(m.placement.neuron[0])
    c1 = int(m.placement.neuron[1])
    fb = np.argwhere(cfg.row_source == ROW_SOURCE.FEEDBACK_SAME)
    ext = np.argwhere(cfg.row_source == ROW_SOURCE.EXTERNAL)
    assert fb.tolist() == [[0, c0]] and ext.shape[0] == 1
    # excitatory key < inhibitory key: the excitatory one gets the feedback row
    assert cfg.row_sign[0, c0] == 0 and cfg.row_sign[tuple(ext[0])] == 1
    # the inhibitory row is fed back to the chip itself through a route
    assert m.routes.size == 1
    route = m.routes[0]
    assert (route["src_chip"], route["src_neuron"], route["dst_chip"]) == (0, c0, 0)
    assert route["dst_row"] == ext[0][0] * ROWS_PER_BLOCK + ext[0][1]
    assert cfg.weights[tuple(ext[0]) + (c1,)] > 0


def test_three_parameter_sets_fill_groups_and_feedback_other():
    nets.fresh()
    p = [sim.Population(4, cond(v_thresh=v), label=f"p{i}") for i, v in enumerate((-55.0, -54.0, -53.0))]
    # p2 (alone in block 1) drives p0 (block 0): a FEEDBACK_OTHER row of block 0 at column ^ 1
    sim.Projection(p[2][0:1], p[0][0:1], sim.AllToAllConnector(), sim.StaticSynapse(weight=0.002),
                   receptor_type="excitatory")
    m = map_network(nets.network(), SINGLE)
    cfg = m.configs[0]
    local = m.placement.neuron.astype(int)
    block, col = np.divmod(local, NEURONS_PER_BLOCK)
    # p0 on even columns of block 0, p1 on odd columns of block 0, p2 in block 1 from column 0
    assert block[:4].tolist() == [0] * 4 and col[:4].tolist() == [0, 2, 4, 6]
    assert block[4:8].tolist() == [0] * 4 and col[4:8].tolist() == [1, 3, 5, 7]
    assert block[8:].tolist() == [1] * 4 and col[8:].tolist() == [0, 1, 2, 3]
    assert units.code_to_voltage(cfg.v_thresh).round(1).tolist() == [-55.0, -54.0, -53.0, -53.0]
    src_col = col[8]
    assert cfg.row_source[0, src_col ^ 1] == ROW_SOURCE.FEEDBACK_OTHER
    assert cfg.weights[0, src_col ^ 1, col[0]] > 0
    assert m.report.rows_feedback == 1 and m.report.rows_external == 0


def test_five_parameter_sets_need_two_chips():
    nets.fresh()
    for i in range(5):
        sim.Population(2, cond(v_thresh=-55.0 + i), label=f"p{i}")
    m = map_network(nets.network(), BoardSpec.load("board_4x4"))
    assert m.report.chips_used == 2
    # lower bound: 5 sets need 5 groups, 4 per chip
    assert m.report.chips_lower_bound == 2
    # every (chip, group) holds one parameter set (a set alone in a block uses both groups)
    owner: dict[tuple[int, int], set[int]] = {}
    for cell, (c, n) in enumerate(zip(m.placement.chip, m.placement.neuron)):
        owner.setdefault((int(c), int(n) // NEURONS_PER_BLOCK * 2 + int(n) % 2), set()).add(cell // 2)
    assert all(len(v) == 1 for v in owner.values())
    assert {p for v in owner.values() for p in v} == set(range(5))


def test_large_weight_is_split_over_rows_of_one_source_and_inputs_duplicate():
    # 2.0 uS inhibitory > 15 x 0.06394 uS: ceil(2.0 / 0.959) = 3 rows of the same source
    nets.fresh()
    a = sim.Population(1, cond(), label="a")
    s = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]), label="s")
    sim.Projection(s, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=2.0, delay=0.5),
                   receptor_type="inhibitory")
    m = map_network(nets.network(), SINGLE)
    pm = m.projections[0]
    assert pm.n_rows[0] == 3
    chips, rows, delay = m.inputs.addresses(1)
    assert chips.tolist() == [0, 0, 0] and len(set(rows.tolist())) == 3
    assert np.all(delay == units.ms_to_ticks(0.5))  # the host adds the requested delay
    cfg = m.configs[0]
    b, r = np.divmod(rows.astype(int), ROWS_PER_BLOCK)
    codes = cfg.weights[b, r, int(m.placement.neuron[0])].astype(int)
    strength = units.code_to_strength(cfg.row_strength[b, r], 1)
    assert len(set(cfg.row_strength[b, r].tolist())) == 1
    assert abs(2.0 - float(np.sum(codes * strength))) <= strength[0] / 2
    assert codes.max() - codes.min() <= 1  # spread evenly
    assert pm.delay_realised[0] == pytest.approx(0.5)


def test_quantisation_error_within_half_a_strength_step():
    nets.fresh()
    rng = np.random.default_rng(3)
    tgt = sim.Population(150, cond(), label="t")
    src = sim.Population(3, sim.SpikeSourcePoisson(rate=5.0), label="s")
    w = rng.uniform(0.01, 0.05, size=(3, 150))  # 1:5 range: no weight rounds to zero
    sim.Projection(src, tgt, sim.AllToAllConnector(), sim.StaticSynapse(weight=w), receptor_type="excitatory")
    m = map_network(nets.network(), SINGLE)
    pm = m.projections[0]
    cfg = m.configs[0]
    row = pm.row.astype(int)
    strength = units.code_to_strength(cfg.row_strength[row // 256, row % 256], 0)
    requested = net_weights = nets.network().projections[0].parameter("weight")
    err = np.abs(pm.weight_realised - requested)
    assert np.all(err <= strength / 2 * (1 + 1e-9))
    assert m.report.weight_rel_max_error == pytest.approx(float(np.max(err / net_weights)))
    assert 0 < m.report.weight_rel_rms_error < m.report.weight_rel_max_error


def test_cond_alpha_and_capacitance_translation():
    nets.fresh()
    a = sim.Population(2, sim.IF_cond_alpha(cm=0.4, tau_m=10.0, tau_syn_E=2.0, v_rest=-65.0, v_thresh=-50.0,
                                            v_reset=-65.0, e_rev_E=10.0), label="a")
    s = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]), label="s")
    sim.Projection(s, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.004), receptor_type="excitatory")
    m = map_network(nets.network(), SINGLE)
    tr = m.translations[0]
    # g_leak = 0.2 nF / 10 ms = 20 nS = code 200; weights scaled by 0.2 / 0.4
    assert tr.codes["g_leak"].tolist() == [200, 200]
    assert tr.weight_scale.tolist() == [0.5, 0.5]
    # alpha -> exponential with tau' = e * tau = 5.4366 ms -> code 109 (5.45 ms)
    assert tr.codes["tau_syn_E"].tolist() == [109, 109]
    assert tr.max_abs_error["e_rev_E"] == pytest.approx(10.0)
    cfg = m.configs[0]
    row = int(m.projections[0].row[0])
    assert cfg.row_tau[row // 256, row % 256] == 109
    # realised weight is reported in the user's units (scale undone)
    assert m.projections[0].weight_realised == pytest.approx([0.004, 0.004], rel=1e-3)


def test_route_delays_follow_the_board_paths():
    # each neuron listens to ~150 of 300 host sources: two neurons per chip; the recurrent
    # events are routed, with one cycle plus 0.2 ms per hop of delay
    nets.fresh()
    rng = sim.random.NumpyRNG(seed=5)
    a = sim.Population(40, cond(), label="a")
    s = sim.Population(300, sim.SpikeSourcePoisson(rate=1.0), label="s")
    sim.Projection(a, a, sim.FixedProbabilityConnector(0.3, rng=rng), sim.StaticSynapse(weight=0.002),
                   receptor_type="excitatory")
    sim.Projection(s, a, sim.FixedProbabilityConnector(0.5, rng=rng), sim.StaticSynapse(weight=0.002),
                   receptor_type="excitatory")
    net = nets.network()
    board = torus_board(5, 5)
    m = map_network(net, board)
    assert m.report.chips_used >= 15
    pm = m.projections[0]
    prj = net.projections[0]
    pre_chip = m.placement.chip[prj.global_pre()]
    post_chip = m.placement.chip[prj.global_post()]
    hops = np.array([len(board.path(int(a), int(b))) for a, b in zip(pre_chip, post_chip)])
    assert np.allclose(pm.delay_realised, 0.1 + 0.2 * hops)
    assert (hops > 0).any()
    # router entries agree with the board's own count
    assert m.report.router_entries_max == int(board.router_entries_used(m.routes).max())
    # every chip's codes pass ChipConfig validation, and the image carries the routes
    image = parse_board_image(m.image())
    board.check_configs(image.configs)
    assert np.array_equal(np.sort(image.routes), np.sort(m.routes))
    used = np.unique(m.placement.chip[m.placement.chip >= 0])
    assert all(image.configs[c].weights.any() for c in used)


def test_zero_weights_are_realised_as_no_synapse():
    nets.fresh()
    a = sim.Population(3, cond(), label="a")
    sim.Projection(a, a, sim.AllToAllConnector(allow_self_connections=False),
                   sim.StaticSynapse(weight=0.0), receptor_type="excitatory")
    m = map_network(nets.network(), SINGLE)
    assert m.report.synapses_lost_total == 0
    assert int(m.configs[0].weights.sum()) == 0
    assert np.all(m.projections[0].lost == LossCause.REALISED)
