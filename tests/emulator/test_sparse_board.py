"""SparseBoard computes the same bits as Board: random multi-chip configurations compared
output for output (spikes, traces, conductance read-out, counters, drops)."""

from __future__ import annotations

import numpy as np
import pytest

from emulator import Board, SparseBoard
from firmware_io import ROUTE_DTYPE, BoardSpec, ChipConfig
from firmware_io.constants import NO_READOUT, ROW_SOURCE, STP_MODES
from firmware_io.errors import ConfigError
from firmware_io.packets import make_events


def random_board(spec: BoardSpec, seed: int, n_used: int = 40, stp: bool = False):
    """Chips with ``n_used`` random neurons each in block 0, random rows and weights, routes between chips."""
    rng = np.random.default_rng(seed)
    configs, routes = [], []
    for chip in spec.chips:
        c = ChipConfig.empty(chip.serial)
        c.g_leak[:] = rng.integers(60, 200, 384)
        c.tau_refrac[:] = rng.integers(0, 200, 384)
        c.v_rest[:] = [373, 380, 1023, 0]            # groups 2, 3 unused (never fire: rest 0 <= thresh)
        c.v_reset[:] = [353, 360, 0, 0]
        c.v_thresh[:] = [473, 470, 1023, 1023]
        c.e_rev_I[:] = [223, 230, 223, 223]
        used = rng.choice(192, n_used, replace=False)
        ext = rng.choice(np.arange(192, 256), 30, replace=False)
        fb = rng.choice(192, 40, replace=False)
        c.row_source[0, ext] = ROW_SOURCE.EXTERNAL
        c.row_source[0, fb] = rng.choice([ROW_SOURCE.FEEDBACK_SAME, ROW_SOURCE.FEEDBACK_OTHER], fb.size)
        rows = np.r_[ext, fb]
        c.row_sign[0, rows] = rng.random(rows.size) < 0.25
        c.row_strength[0, rows] = rng.integers(100, 900, rows.size)
        c.row_tau[0, rows] = rng.choice([60, 100, 200], rows.size)
        if stp:
            c.row_stp[0, rows] = rng.choice([STP_MODES.OFF, STP_MODES.DEPRESSING, STP_MODES.FACILITATING], rows.size)
            c.stp_u, c.stp_tau_rec, c.stp_tau_facil = 200, 100, 300
        w = np.zeros((256, 192), np.uint8)
        w[np.ix_(rows, used)] = rng.integers(0, 16, (rows.size, used.size)) * (rng.random((rows.size, used.size)) < 0.5)
        c.weights[0] = w
        c.readout[:] = [used[0], used[1], 5, NO_READOUT]   # neuron 5 is used or idle, as drawn
        c.validate()
        configs.append(c)
        for _ in range(60):
            dst = int(rng.integers(spec.n_chips))
            routes.append((chip.id, int(rng.choice(used)), dst, int(rng.choice(ext))))
    r = np.array(sorted(set(routes)), dtype=[(f, np.int64) for f in ROUTE_DTYPE.names])
    routes = np.zeros(r.size, dtype=ROUTE_DTYPE)
    for f in ROUTE_DTYPE.names:
        routes[f] = r[f]
    # routes must end on EXTERNAL rows: keep those whose destination row is external there
    ok = np.array([configs[d].row_source[0, row] == ROW_SOURCE.EXTERNAL for d, row in zip(routes["dst_chip"],
                                                                                        routes["dst_row"])])
    host_t = np.sort(rng.integers(0, 32 * 2000, 6000))
    host_chip = rng.integers(spec.n_chips, size=host_t.size)
    host_row = np.array([rng.choice(np.flatnonzero(configs[c].row_source[0] == ROW_SOURCE.EXTERNAL))
                         for c in host_chip])
    return configs, routes[ok], make_events(host_t, host_chip, host_row)


def _compare(spec, configs, routes, host, ideal, splits=(700, 1300)):
    results = []
    for cls in (Board, SparseBoard):
        b = cls(spec, ideal=ideal)
        b.load(configs, routes)
        b.write_input(host)
        results.append([b.run(n) for n in splits] + [b.status()])
    for ra, rb in zip(results[0][:-1], results[1][:-1]):
        np.testing.assert_array_equal(ra.output_events, rb.output_events)
        np.testing.assert_array_equal(ra.traces, rb.traces)
        np.testing.assert_array_equal(ra.conductance_traces, rb.conductance_traces)
        assert (ra.row_events, ra.synaptic_events) == (rb.row_events, rb.synaptic_events)
        for name in ("input_bandwidth", "not_external", "late", "link_bandwidth"):
            np.testing.assert_array_equal(getattr(ra.dropped, name), getattr(rb.dropped, name))
    return results[0]


@pytest.mark.parametrize("ideal,stp", [(True, False), (False, True)])
def test_sparse_board_equals_board_on_4x4(ideal, stp):
    spec = BoardSpec.load("board_4x4")
    configs, routes, host = random_board(spec, seed=7, stp=stp)
    res = _compare(spec, configs, routes, host, ideal)
    spikes = sum(r.output_events.size for r in res[:-1])
    assert spikes > 1000 and routes.size > 100                    # the comparison covers real traffic
    assert res[-1].routed_events > 1000


def _board_4x4_variant(tmp_path, rate: str, buffer: str, delay: str) -> BoardSpec:
    from importlib import resources
    src = (resources.files("firmware_io") / "boards" / "board_4x4.toml").read_text()
    path = tmp_path / "variant.toml"
    path.write_text(src.replace("link_events_per_s = 2.0e8", f"link_events_per_s = {rate}")
                    .replace("link_buffer_events = 256", f"link_buffer_events = {buffer}")
                    .replace("link_delay_cycles = 2", f"link_delay_cycles = {delay}"))
    return BoardSpec.load(path)


@pytest.mark.parametrize("delay", ["2", "0"])
def test_sparse_board_equals_board_with_link_drops(tmp_path, delay):
    spec = _board_4x4_variant(tmp_path, "2.0e6", "4", delay)
    configs, routes, host = random_board(spec, seed=3)
    res = _compare(spec, configs, routes, host, ideal=True)
    assert sum(int(r.dropped.link_bandwidth.sum()) for r in res[:-1]) > 100   # drops happen and agree


def test_sparse_board_equals_board_with_instant_links(tmp_path):
    # links without delay: events cross the board within the cycle (the shortcut of SparseBoard)
    spec = _board_4x4_variant(tmp_path, "2.0e9", "256", "0")
    configs, routes, host = random_board(spec, seed=5)
    res = _compare(spec, configs, routes, host, ideal=True)
    assert res[-1].routed_events > 1000 and res[-1].dropped.total() == 0


def test_sparse_board_reconfigure_and_readout_equal_board():
    spec = BoardSpec.load("board_4x4")
    configs, routes, host = random_board(spec, seed=11)
    boards = [cls(spec, ideal=True) for cls in (Board, SparseBoard)]
    out = []
    for b in boards:
        b.load(configs, routes)
        b.write_input(host)
        r1 = b.run(600)
        new = configs[3].copy()
        new.v_thresh[:2] = [500, 490]
        new.weights[0, :, 7] = 9                 # makes column 7 live on the sparse board
        new.readout[:] = [7, 8, NO_READOUT, NO_READOUT]
        b.reconfigure(3, new)
        out.append((r1, b.run(900)))
    for ra, rb in zip(*out):
        np.testing.assert_array_equal(ra.output_events, rb.output_events)
        np.testing.assert_array_equal(ra.traces, rb.traces)
    with pytest.raises(ConfigError, match="row_tau"):
        bad = configs[0].copy()
        bad.row_tau[0, 200] += 1
        boards[1].reconfigure(0, bad)


def test_sparse_board_takes_more_than_64_chips_and_refuses_stdp():
    from mapping.boards import torus_board
    spec = torus_board(9, 9)
    configs = [ChipConfig.empty(c.serial) for c in spec.chips]
    for c in configs:
        c.v_thresh[:] = 1023
    b = SparseBoard(spec, ideal=True)
    b.load(configs)
    assert b.run(10).output_events.size == 0 and b.membrane().shape == (81, 384)
    configs[0].row_source[0, 200] = ROW_SOURCE.EXTERNAL
    configs[0].row_stdp[0, 200] = True
    with pytest.raises(ConfigError, match="STDP"):
        SparseBoard(spec).load(configs)
