"""Board API: loading, persistence across runs, reset, determinism, errors."""

from __future__ import annotations

import numpy as np
import pytest

from emulator import Board, InvalidEventError
import firmware_io
from firmware_io.board import BoardSpec
from firmware_io.errors import ConfigError
from firmware_io.image import ROUTE_DTYPE, build_image
from firmware_io.packets import EVENT_DTYPE, decode_events, encode_events


BOARDS = __import__("pathlib").Path(firmware_io.__path__[0]) / "boards"


def _input(rng, n=300, cycles=2000, rows=(200, 201)):
    t = np.sort(rng.integers(0, cycles * 32, n))
    return t, rng.choice(rows, n)


def test_bit_accurate_tag():
    assert Board.bit_accurate is True


def test_two_runs_equal_one_long_run(chip_factory, ev):
    rng = np.random.default_rng(3)
    t, rows = _input(rng)
    cfg = chip_factory(ext_rows=(200, 201))
    one = Board()
    one.load([cfg])
    r = one.run(2000, ev(t, rows))
    two = Board()
    two.load([cfg])
    two.write_input(ev(t, rows))
    a, b = two.run(700), two.run(1300)
    assert r.output_events.size > 0
    assert np.array_equal(np.concatenate([a.output_events, b.output_events]), r.output_events)
    assert np.array_equal(np.concatenate([a.traces, b.traces]), r.traces)
    assert b.start_cycle == 700 and two.status().cycle == 2000


def test_reset_clears_state_and_time(chip_factory, ev):
    rng = np.random.default_rng(4)
    t, rows = _input(rng)
    b = Board()
    b.load([chip_factory(ext_rows=(200, 201))])
    first = b.run(2000, ev(t, rows))
    b.reset()
    assert b.status().cycle == 0 and b.status().output_events == 0
    assert np.array_equal(b.membrane(), first.traces[0:1, :, 0].repeat(384, 1) * 0 + b.membrane())
    again = b.run(2000, ev(t, rows))
    assert np.array_equal(first.output_events, again.output_events)
    assert np.array_equal(first.traces, again.traces)


def test_image_bytes_load_like_configs(chip_factory, ev):
    cfgs = [chip_factory(serial=11, ext_rows=(200,)), chip_factory(serial=12, ext_rows=(210,))]
    routes = np.zeros(1, dtype=ROUTE_DTYPE)
    routes[0] = (0, 0, 1, 210)
    a, b = Board(), Board()
    a.load(cfgs, routes)
    b.load(build_image(cfgs, routes))
    inp = ev(np.arange(0, 32 * 500, 40), 200)
    ra, rb = a.run(600, inp), b.run(600, inp)
    assert np.array_equal(ra.output_events, rb.output_events)
    assert (ra.output_events["chip"] == 1).any()          # the route carried spikes over


def test_mismatch_changes_behaviour_and_ideal_switches_it_off(chip_factory, ev):
    cfg = chip_factory(ext_rows=(200,))
    inp = ev([100], 200)
    real, ideal = Board(), Board(ideal=True)
    real.load([cfg])
    ideal.load([cfg])
    tr, ti = real.run(50, inp).traces, ideal.run(50, inp).traces
    assert not np.array_equal(tr, ti)
    # on the ideal chip the four channels of block 0/1 neurons with identical weights agree
    assert ti[-1, 0, 0] == ti[-1, 0, 1]


def test_output_events_round_trip_through_the_packet_codec(chip_factory, ev):
    b = Board(ideal=True)
    b.load([chip_factory(ext_rows=(200, 201, 202, 203))])
    times = np.repeat(np.arange(200) * 32, 4)
    r = b.run(200, encode_and_decode(ev(times, np.tile([200, 201, 202, 203], 200))))
    assert r.output_events.dtype == EVENT_DTYPE and r.output_events.size > 0
    assert np.array_equal(decode_events(encode_events(r.output_events)), r.output_events)


def encode_and_decode(events):
    return decode_events(encode_events(events))


def test_invalid_events_raise_and_late_or_misaddressed_are_counted(chip_factory, ev):
    b = Board()
    b.load([chip_factory(ext_rows=(200,))])
    with pytest.raises(InvalidEventError, match="chip 3 does not exist"):
        b.write_input(ev([0], 200, chip=3))
    with pytest.raises(InvalidEventError, match="dtype"):
        b.write_input(np.zeros(3))
    b.run(10)
    b.write_input(ev([5, 400, 400], [200, 200, 17]))     # 5 is in the past, row 17 is OFF
    r = b.run(20)
    assert r.dropped.late.tolist() == [1]
    assert r.dropped.not_external.tolist() == [1]
    assert r.row_events == 1
    assert b.status().dropped.total() == 2
    assert r.dropped.lost_input().tolist() == [2]


def test_events_beyond_the_run_stay_queued(chip_factory, ev):
    b = Board()
    b.load([chip_factory(ext_rows=(200,))])
    b.write_input(ev([10, 32 * 150], [200, 200]))
    assert b.run(100).row_events == 1
    assert b.status().pending_input == 1
    assert b.run(100).row_events == 1


def test_board_spec_serials_and_router_capacity(chip_factory):
    spec = BoardSpec.load(BOARDS / "single_chip.toml")
    b = Board(spec)
    with pytest.raises(ConfigError, match="serial"):
        b.load([chip_factory(serial=5)])
    b.load([chip_factory(serial=int(spec.serials[0]))])
    assert b.n_chips == 1


def test_routes_must_end_on_external_rows(chip_factory):
    routes = np.zeros(1, dtype=ROUTE_DTYPE)
    routes[0] = (0, 3, 0, 17)                     # row 17 is OFF
    with pytest.raises(ConfigError, match="EXTERNAL"):
        Board().load([chip_factory()], routes)


def test_write_and_read_weights(chip_factory, ev):
    b = Board(ideal=True)
    b.load([chip_factory(ext_rows=(200,))])
    w = b.read_weights(0)
    assert w.shape == (2, 256, 192) and w[0, 200, 0] == 15
    w[0, 200, :] = 0
    b.write_weights(0, w)
    r = b.run(20, ev([0], 200))
    assert r.synaptic_events == 0 and np.all(r.traces[:, 0, 0] == 373 << 12)
    with pytest.raises(ConfigError):
        b.write_weights(0, w + 16)
    with pytest.raises(RuntimeError, match="load"):
        Board().run(1)
    with pytest.raises(ValueError, match="1..64"):
        Board().load([])
