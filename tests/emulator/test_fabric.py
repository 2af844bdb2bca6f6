"""Event network and input ports: delays, token buckets, drops counted (never silent)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator import Board, FabricSpec
from emulator.network_fabric import TokenBuckets, rate_per_cycle
from firmware_io.image import ROUTE_DTYPE

HALF = 1 << 15            # half an event per cycle, Q16


def test_rate_per_cycle():
    # 3e8 events/s at 1e8 cycles/s = 3 events per cycle = 3 * 65536
    assert rate_per_cycle(3.0e8) == 196608
    assert rate_per_cycle(None) == -1


def test_token_bucket_by_hand():
    tb = TokenBuckets(np.array([HALF]), np.array([2]))       # starts full: 2 events
    ok = tb.admit(np.zeros(5, dtype=np.int64), 0, np.arange(5))
    assert ok.tolist() == [True, True, False, False, False]
    assert tb.dropped.tolist() == [3]
    # four cycles later: 4 * 0.5 = 2 tokens again (capped at the depth 2)
    assert tb.admit(np.zeros(3, dtype=np.int64), 4, np.arange(3)).tolist() == [True, True, False]
    # order by time stamp, not by position
    assert tb.admit(np.zeros(2, dtype=np.int64), 6, np.array([9, 3])).tolist() == [False, True]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 60)), max_size=80),
       st.lists(st.integers(1, 3 * 65536), min_size=3, max_size=3),
       st.lists(st.integers(1, 6), min_size=3, max_size=3))
def test_whole_run_admission_equals_cycle_by_cycle(events, rates, depths):
    bucket = np.array([e[0] for e in events], dtype=np.int64)
    cycle = np.array([e[1] for e in events], dtype=np.int64)
    order = np.argsort(cycle, kind="stable")
    bucket, cycle = bucket[order], cycle[order]
    fast = TokenBuckets(np.array(rates), np.array(depths))
    slow = TokenBuckets(np.array(rates), np.array(depths))
    lossless = fast.admit_run_if_lossless(bucket, cycle, 0, 64)
    for c in np.unique(cycle):
        sel = cycle == c
        slow.admit(bucket[sel], int(c), None)
    slow._refill(64)
    assert lossless == (slow.dropped.sum() == 0)
    if lossless:
        assert np.array_equal(fast.tokens, slow.tokens) and fast.cycle == 64


def _two_chips(chip_factory, delay_ticks=64, rate=-1, depth=1, tau=100):
    fabric = FabricSpec(n_chips=2, link_ends=np.array([[0, 1], [1, 0]]),
                        link_delay_ticks=np.array([delay_ticks, delay_ticks]),
                        link_rate=np.array([rate, rate]), link_depth=np.array([depth, depth]))
    b = Board(fabric, ideal=True)
    cfgs = [chip_factory(serial=1, ext_rows=(200, 201, 202, 203), tau=tau),
            chip_factory(serial=2, ext_rows=(210,))]
    return b, cfgs


def test_link_delay(chip_factory, ev):
    # neuron 0 of chip 0 fires at tick t; its event leaves 32 ticks later, crosses the link
    # in 64 ticks and reaches row 210 of chip 1 at tick t + 96
    b, cfgs = _two_chips(chip_factory)
    routes = np.zeros(1, dtype=ROUTE_DTYPE)
    routes[0] = (0, 0, 1, 210)
    b.load(cfgs, routes)
    times = np.repeat(np.arange(40) * 32, 4)
    r = b.run(60, ev(times, np.tile([200, 201, 202, 203], 40)))
    out0 = r.output_events[(r.output_events["chip"] == 0) & (r.output_events["addr"] == 0)]
    t = int(out0["t"][0])
    arrival = (t + 96) // 32
    chip1 = r.traces[:, 1, 0]
    assert np.all(chip1[:arrival] == 373 << 12)
    assert chip1[arrival] > 373 << 12


def test_link_overflow_is_counted(chip_factory, ev):
    # 192 neurons of block 0 fire together; all are routed over one link that passes half
    # an event per cycle with a 4-event buffer: the excess is dropped and counted per link
    b, cfgs = _two_chips(chip_factory, rate=HALF, depth=4, tau=0)   # no conductance tail: no late spikes
    routes = np.zeros(192, dtype=ROUTE_DTYPE)
    routes["src_chip"], routes["src_neuron"], routes["dst_chip"], routes["dst_row"] = 0, np.arange(192), 1, 210
    b.load(cfgs, routes)
    times = np.repeat(np.arange(12) * 32, 4)
    r = b.run(40, ev(times, np.tile([200, 201, 202, 203], 12)))
    routed = int(((r.output_events["chip"] == 0) & (r.output_events["addr"] < 192)).sum())
    delivered = r.row_events - times.size
    dropped = int(r.dropped.link_bandwidth.sum())
    assert dropped > 0
    assert routed == delivered + dropped
    assert r.dropped.link_bandwidth.tolist()[1] == 0           # nothing went 1 -> 0


def test_input_port_overflow_is_counted(chip_factory, ev):
    fabric = FabricSpec(n_chips=1, input_rate=np.array([HALF]), input_depth=np.array([3]))
    b = Board(fabric, ideal=True)
    b.load([chip_factory(ext_rows=(200, 201))])
    # 10 events in cycle 5, then 1 per cycle: 3 + nothing refilled... 2.5 tokens by cycle 10
    times = np.concatenate([np.full(10, 5 * 32), np.arange(6, 30) * 32])
    r = b.run(40, ev(times, 200))
    assert r.dropped.input_bandwidth.sum() + r.row_events == times.size
    # cycle 5: 3 pass (full bucket), 7 dropped; afterwards 0.5 per cycle: every other passes
    assert r.dropped.input_bandwidth[0] == 7 + 12


def _board_4x4():
    import firmware_io
    from pathlib import Path
    from firmware_io.board import BoardSpec
    return BoardSpec.load(Path(firmware_io.__path__[0]) / "boards" / "board_4x4.toml")


def test_board_spec_paths_and_delays(chip_factory, ev):
    # chip 0 at (0, 0) to chip 5 at (1, 1): two hops of 2 cycles (64 ticks) each on the torus
    spec = _board_4x4()
    assert len(spec.path(0, 5)) == 2
    cfgs = [chip_factory(serial=int(s), ext_rows=(200, 201, 202, 203, 300)) for s in spec.serials]
    routes = np.zeros(1, dtype=ROUTE_DTYPE)
    routes[0] = (0, 0, 5, 300)
    b = Board(spec, ideal=True)
    b.load(cfgs, routes)
    times = np.repeat(np.arange(20) * 32, 4)
    r = b.run(40, ev(times, np.tile([200, 201, 202, 203], 20)))
    first = int(r.output_events[(r.output_events["chip"] == 0) & (r.output_events["addr"] == 0)]["t"][0])
    arrival = (first + 32 + 2 * 64) // 32
    trace = r.traces[:, 5, 2]                     # chip 5, channel 2 = neuron 192 (row 300's block)
    assert np.all(trace[:arrival] == 373 << 12) and trace[arrival] > 373 << 12
    # the board's input ports (30,000 events/s bio = 3 per cycle, 256 buffered) passed everything
    assert r.dropped.total() == 0


def test_router_table_overflow_is_refused(chip_factory):
    import dataclasses

    import pytest

    from firmware_io.errors import ConfigError
    spec = _board_4x4()
    small = dataclasses.replace(spec, chips=tuple(dataclasses.replace(c, router_entries=1) for c in spec.chips))
    cfgs = [chip_factory(serial=int(s), ext_rows=(300,)) for s in spec.serials]
    routes = np.zeros(2, dtype=ROUTE_DTYPE)
    routes[0] = (0, 0, 1, 300)
    routes[1] = (0, 1, 1, 300)                   # a second source neuron: 2 entries on chips 0 and 1
    with pytest.raises(ConfigError, match="router entries"):
        Board(small).load(cfgs, routes)
