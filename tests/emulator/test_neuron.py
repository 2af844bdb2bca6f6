"""Membrane, threshold, reset and refractoriness on an ideal chip, against analytic values."""

from __future__ import annotations

import math

import numpy as np

from emulator import Board
from firmware_io.constants import ROW_SOURCE

V_REST = 373 << 12
V_RESET = 323 << 12
G_L = 5382153               # 10 nS, see test_arithmetic
ONE = 1 << 30


def _board(config):
    b = Board(ideal=True, strict=True)
    b.load([config])
    return b


def test_single_event_first_cycle_by_hand(chip_factory, ev):
    # Weight 15 at strength 256: increment = 15 * 536871 = 8053065 (gain 1024 and STP 65536
    # cancel the 26-bit shift exactly). In the arrival cycle, from rest:
    #   V = (V_rest * (2**30 + G_L) + G * E_E + den // 2) // den,  den = 2**30 + G_L + G
    b = _board(chip_factory())
    r = b.run(12, ev([32 * 10 + 7], [200]))
    g = 15 * 536871
    e_e = 1023 << 12
    den = ONE + G_L + g
    expected = (V_REST * (ONE + G_L) + g * e_e + den // 2) // den
    assert expected == V_REST + 19721        # 8053065 * 2662400 / 1087172434 = 19721.24
    trace = r.traces[:, 0, 0]
    assert trace[:10].tolist() == [V_REST] * 10
    assert trace[10] == expected
    # next cycle: G decayed to floor(8053065 * 16445005 / 2**24) = 7893603
    g2 = (g * 16445005) >> 24
    assert g2 == 7893603
    den2 = ONE + G_L + g2
    assert trace[11] == (expected * ONE + G_L * V_REST + g2 * e_e + den2 // 2) // den2


def test_leak_relaxation_is_exponential(chip_factory, ev):
    # row_tau code 0: the conductance lives for one cycle; afterwards V - V_rest shrinks by
    # 2**30 / (2**30 + G_L) = exp(-0.005) per cycle (tau_m = 20 ms), up to rounding:
    # at most 1/2 LSB per step, so |error| <= 0.5 / (1 - exp(-0.005)) = 100.5 LSB.
    b = _board(chip_factory(tau=0))
    r = b.run(400, ev([5], [200]))
    dev = r.traces[1:, 0, 0] - V_REST
    k = np.arange(dev.size)
    analytic = dev[0] * np.exp(-0.005 * k)
    assert dev[0] > 19000
    assert np.abs(dev - analytic).max() <= 101
    # and it really relaxes: after 20 ms the deviation is e**-1 of the start
    assert dev[200] / dev[0] == __import__("pytest").approx(math.exp(-1), abs=2e-3)


def test_threshold_reset_and_refractory_clamp(chip_factory, ev):
    # 4 strong rows firing every cycle drive neuron 0 over threshold; tau_refrac code 40
    # = 1 ms = 320 ticks: after a spike at tick t the neuron stays at V_reset in every
    # cycle k with 32 k < t + 320 and may fire again only after that.
    rows = (200, 201, 202, 203)
    b = _board(chip_factory(ext_rows=rows, tau_refrac=40))
    n = 300
    times = np.repeat(np.arange(n) * 32, len(rows))
    r = b.run(n, ev(times, np.tile(rows, n)))
    spikes = r.output_events[r.output_events["addr"] == 0]["t"].astype(np.int64)
    assert spikes.size >= 3
    trace = r.traces[:, 0, 0]
    for t in spikes:
        k = t // 32
        assert trace[k] == V_RESET
        free = -(-(t + 320) // 32)              # first cycle not clamped
        assert np.all(trace[k:free] == V_RESET)
        assert not np.any((spikes > t) & (spikes < free * 32))
    assert np.all(np.diff(spikes) >= 320)


def test_reset_above_threshold_fires_right_after_refractoriness(chip_factory):
    # v_reset above v_thresh: a clamped neuron sits above threshold but cannot fire; it fires
    # in the first free cycle, whose fine time interpolates from V_reset: f = 0.
    c = chip_factory(tau_refrac=8)              # 8 * 8 = 64 ticks = 2 cycles
    c.v_rest[:] = 480                           # above threshold 473: fires in cycle 0
    c.v_reset[:] = 480
    b = _board(c)
    r = b.run(10)
    t = r.output_events[r.output_events["addr"] == 0]["t"].astype(np.int64)
    # cycle 0 fires at tick 0 (no rise: f = 0); clamped while 32 k < 0 + 64, i.e. in cycle 1;
    # free in cycle 2, where it fires again at tick 64; and so on every 64 ticks
    assert t.tolist() == [0, 64, 128, 192, 256]


def test_conductances_survive_refractoriness(chip_factory, ev):
    # input during refractoriness is integrated by the conductance, not lost
    c = chip_factory(tau_refrac=200)            # 5 ms clamp
    b = _board(c)
    b.run(5, ev([0], [200]))
    g_exc, _ = b.conductances()
    assert g_exc[0, 0] > 0
    assert c.row_source[0, 200] == ROW_SOURCE.EXTERNAL
