"""Property tests: registers stay in their widths, every event is accounted for."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator import Board, FabricSpec
from firmware_io.chip_config import ChipConfig
from firmware_io.constants import ROW_SOURCE
from firmware_io.image import ROUTE_DTYPE
from firmware_io.packets import make_events


def _random_chip(seed: int) -> ChipConfig:
    rng = np.random.default_rng(seed)
    c = ChipConfig.empty(int(rng.integers(0, 2**32)))
    c.g_leak[:] = rng.integers(0, 1024, 384)
    c.tau_refrac[:] = rng.integers(0, 1024, 384)
    for name in ("v_rest", "v_reset", "v_thresh", "e_rev_I"):
        getattr(c, name)[:] = rng.integers(0, 1024, 4)
    src = rng.integers(0, 4, (2, 256))
    src[:, 192:] = np.minimum(src[:, 192:], ROW_SOURCE.EXTERNAL)
    ext = np.argwhere(src == ROW_SOURCE.EXTERNAL)
    if len(ext) > 256:                                     # at most 256 external rows
        for b, r in ext[256:]:
            src[b, r] = ROW_SOURCE.OFF
    c.row_source[:] = src
    c.row_sign[:] = rng.integers(0, 2, (2, 256))
    c.row_stp[:] = rng.integers(0, 3, (2, 256))
    c.row_stdp[:] = rng.random((2, 256)) < 0.2
    c.row_strength[:] = rng.integers(0, 1024, (2, 256))
    c.row_tau[:] = rng.choice([0, 1, 100, 600, 1023], (2, 256))
    c.weights[:] = rng.integers(0, 16, (2, 256, 192))
    c.stp_u, c.stp_tau_rec, c.stp_tau_facil = (int(x) for x in rng.integers(0, 1024, 3))
    c.stdp_tau, c.stdp_threshold = (int(x) for x in rng.integers(0, 1024, 2))
    c.stdp_lut_causal[:] = rng.integers(0, 16, 16)
    c.stdp_lut_acausal[:] = rng.integers(0, 16, 16)
    c.readout[:] = rng.integers(0, 384, 4)
    c.validate()
    return c


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**31), st.integers(0, 3000), st.booleans())
def test_registers_stay_in_range_and_host_events_are_accounted(seed, n_events, limited):
    # strict mode checks every register against its width after every cycle
    rng = np.random.default_rng(seed)
    fabric = FabricSpec.crossbar(2)
    if limited:
        fabric.input_rate = np.array([1 << 15, 1 << 16])
        fabric.input_depth = np.array([4, 16])
    b = Board(fabric, strict=True)
    b.load([_random_chip(seed), _random_chip(seed + 1)])
    cycles = 300
    t = np.sort(rng.integers(0, cycles * 32 + 200, n_events))
    ev = make_events(t, rng.integers(0, 2, n_events), rng.integers(0, 512, n_events))
    b.run(100)
    b.write_input(ev)
    b.run(cycles - 100)
    s, d = b.status(), b.status().dropped
    assert n_events == (s.input_events + s.pending_input + d.late.sum() + d.not_external.sum()
                        + d.input_bandwidth.sum())
    assert s.routed_events == 0 and s.in_flight == 0


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**31))
def test_routed_events_are_accounted(seed):
    rng = np.random.default_rng(seed)
    cfgs = [_random_chip(seed), _random_chip(seed + 7)]
    fabric = FabricSpec(n_chips=2, link_ends=np.array([[0, 1], [1, 0]]), link_delay_ticks=np.array([64, 96]),
                        link_rate=np.array([1 << 14, 1 << 15]), link_depth=np.array([3, 8]))
    ext = [np.flatnonzero(c.row_source.ravel() == ROW_SOURCE.EXTERNAL) for c in cfgs]
    routes = np.zeros(60, dtype=ROUTE_DTYPE)
    routes["src_chip"] = rng.integers(0, 2, 60)
    routes["src_neuron"] = rng.integers(0, 384, 60)
    routes["dst_chip"] = rng.integers(0, 2, 60)
    routes["dst_row"] = [rng.choice(ext[d]) for d in routes["dst_chip"]]
    b = Board(fabric, strict=True)
    b.load(cfgs, routes)
    t = np.sort(rng.integers(0, 300 * 32, 3000))
    r = b.run(300, make_events(t, rng.integers(0, 2, 3000), rng.integers(0, 512, 3000)))
    # every spike of a routed neuron makes one event per route; each is delivered, dropped
    # on a link or still in flight (the input ports are unlimited here)
    fan_out = np.bincount(routes["src_chip"].astype(np.int64) * 384 + routes["src_neuron"], minlength=768)
    spikes = r.output_events["chip"].astype(np.int64) * 384 + r.output_events["addr"]
    generated = int(fan_out[spikes].sum())
    s = b.status()
    assert generated > 0
    assert generated == s.routed_events + int(s.dropped.link_bandwidth.sum()) + s.in_flight


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 2**31))
def test_same_input_same_output(seed):
    rng = np.random.default_rng(seed)
    cfg = _random_chip(seed)
    t = np.sort(rng.integers(0, 6400, 500))
    ev = make_events(t, 0, rng.integers(0, 512, 500))
    a, b = Board(), Board()
    a.load([cfg])
    b.load([cfg])
    ra, rb = a.run(200, ev), b.run(200, ev)
    assert np.array_equal(ra.output_events, rb.output_events)
    assert np.array_equal(ra.traces, rb.traces)
    assert np.array_equal(a.read_weights(0), b.read_weights(0))
