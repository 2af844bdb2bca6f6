"""Short-term plasticity and STDP: integer rules against Tsodyks-Markram and by-hand pairings."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator import Board
from emulator import stdp as stdp_mod
from emulator.coefficients import chip_coefficients
from emulator.synapse_rows import RowState, build_rows, decay_stp, stp_factors
from firmware_io.chip_config import ChipConfig
from firmware_io.constants import ROW_SOURCE, STP_MODES

U_CODE, TAU_REC_CODE, TAU_FACIL_CODE = 200, 100, 50        # U = 0.1955, 100 ms, 50 ms


def _stp_rows(chip_factory, mode):
    c = chip_factory(ext_rows=(200,))
    c.row_stp[0, 200] = mode
    c.stp_u, c.stp_tau_rec, c.stp_tau_facil = U_CODE, TAU_REC_CODE, TAU_FACIL_CODE
    rows = build_rows([chip_coefficients(c, ideal=True)])
    return rows, RowState.zeros(rows)


def _train(rows, state, n, interval):
    factors = []
    for _ in range(n):
        factors.append(int(stp_factors(rows, state, np.array([200]), np.array([0]))[0]))
        for _ in range(interval):
            decay_stp(rows, state)
    return np.array(factors) / 65536.0


def _tsodyks_markram(n, interval_ms, tau_ms, sign):
    u, i, out = U_CODE / 1023, 0.0, []
    for _ in range(n):
        out.append(1.0 + sign * i)
        i = (i + u * (1.0 - i)) * math.exp(-interval_ms / tau_ms)
    return np.array(out)


@pytest.mark.parametrize("mode, tau, sign", [(STP_MODES.DEPRESSING, 100.0, -1),
                                             (STP_MODES.FACILITATING, 50.0, +1)])
def test_stp_amplitude_ratios_follow_tsodyks_markram(chip_factory, mode, tau, sign):
    # 10 events every 5 ms (50 cycles). Quantisation: the Q16 state loses < 1 LSB per
    # floored decay step, < 50 LSB per interval; an event multiplies an earlier error by
    # (1 - U) x (x = exp(-interval / tau)), so the error stays below
    # 50 / (1 - (1 - U) x) / 65536 (3.3e-3 depressing, 2.8e-3 facilitating).
    rows, state = _stp_rows(chip_factory, mode)
    got = _train(rows, state, 10, 50)
    want = _tsodyks_markram(10, 5.0, tau, sign)
    u, x = U_CODE / 1023, math.exp(-5.0 / tau)
    assert got[0] == 1.0
    assert np.abs(got - want).max() < 50 / (1 - (1 - u) * x) / 65536
    # depression: the train settles at 1 - I* with I* = U x / (1 - (1 - U) x)
    if mode == STP_MODES.DEPRESSING:       # a long train settles (0.765**60 ~ 1e-7)
        settled = _train(*_stp_rows(chip_factory, mode), 60, 50)[-1]
        assert settled == pytest.approx(1 - u * x / (1 - (1 - u) * x), abs=3.3e-3)


def test_stp_events_of_one_row_in_one_cycle_apply_in_tick_order(chip_factory):
    rows, state = _stp_rows(chip_factory, STP_MODES.DEPRESSING)
    f = stp_factors(rows, state, np.array([200, 200, 200]), np.array([9, 1, 5]))
    # tick 1 first (factor 1), then 5 (1 - U), then 9 (1 - U - U(1 - U))
    u = 12813
    i1 = u
    i2 = i1 + ((u * (65536 - i1) + 32768) >> 16)
    assert f.tolist() == [65536 - i2, 65536, 65536 - i1]


def _stdp_chip(chip_factory, threshold_code=1):
    c = chip_factory(ext_rows=(200, 201, 202, 203, 210))
    c.row_stdp[0, 210] = True
    c.weights[0, 210, :] = 5
    c.stdp_tau, c.stdp_threshold = 200, threshold_code          # 20 ms, 1/64 pairing
    c.stdp_lut_causal[:] = np.minimum(np.arange(16) + 1, 15)
    c.stdp_lut_acausal[:] = np.maximum(np.arange(16) - 1, 0)
    return c


def test_stdp_pairing_amounts_by_hand(chip_factory):
    c = _stdp_chip(chip_factory)
    coeffs = [chip_coefficients(c, ideal=True)]
    arr = stdp_mod.build_stdp(coeffs)
    st = stdp_mod.StdpState.zeros(arr, 512, 384)
    # pre on row 210 at tick 1000, spike of neuron 3 at tick 1640 (640 ticks = 2 ms later):
    # causal += T[640] = round(1024 exp(-640/6400)) = round(926.6) = 927
    stdp_mod.on_pre(arr, st, np.array([210]), np.array([1000]))
    stdp_mod.on_post(arr, st, np.array([3]), np.array([1640]))
    # another pre 320 ticks after that spike: acausal of neuron 3 += T[320] = round(974.1) = 974
    stdp_mod.on_pre(arr, st, np.array([210]), np.array([1960]))
    # a spike in the same cycle (93) as a later pre adds nothing (negative difference) ...
    stdp_mod.on_pre(arr, st, np.array([210]), np.array([3000]))
    stdp_mod.on_post(arr, st, np.array([4]), np.array([2990]))
    causal, acausal = stdp_mod.materialise(arr, st, np.array([210]), 99)
    assert causal[0, 3] == 927 == coeffs[0].stdp_table[640]
    assert causal[0, 4] == 0
    # ... and the pre of tick 3000 pairs acausally with nothing of neuron 4 (same cycle),
    # but with neuron 3's spike 1360 ticks earlier: T[1360] = round(1024 exp(-0.2125)) = 828
    assert acausal[0, 4] == 0
    assert acausal[0, 3] == 974 + 828
    assert stdp_mod.materialise(arr, st, np.array([210]), 99)[0][0, 3] == 927   # no double counting


def test_stdp_pre_pairs_with_the_latest_earlier_spike_only(chip_factory):
    c = _stdp_chip(chip_factory)
    coeffs = [chip_coefficients(c, ideal=True)]
    arr = stdp_mod.build_stdp(coeffs)
    st = stdp_mod.StdpState.zeros(arr, 512, 384)
    stdp_mod.on_post(arr, st, np.array([3]), np.array([100]))
    stdp_mod.on_post(arr, st, np.array([3]), np.array([1640]))
    stdp_mod.on_pre(arr, st, np.array([210]), np.array([1960]))     # nearest spike: 1640
    stdp_mod.on_pre(arr, st, np.array([210]), np.array([2280]))     # again 1640: T[640]
    _, acausal = stdp_mod.materialise(arr, st, np.array([210]), 80)
    assert acausal[0, 3] == coeffs[0].stdp_table[320] + coeffs[0].stdp_table[640] == 974 + 927


def test_stdp_controller_rewrites_through_the_lut(chip_factory, ev):
    # Pre events on row 210 one cycle before strong input makes block 0 fire: causal flags
    # everywhere in block 0; at the end of cycle 149 the controller rewrites row 210 (the
    # block's only STDP row): 5 -> lut_causal[5] = 6 for flagged synapses.
    c = _stdp_chip(chip_factory)
    b = Board(ideal=True, strict=True)
    b.load([c])
    t_pre = np.arange(20, 120, 10) * 32
    strong = np.repeat(t_pre + 32, 4)
    times = np.concatenate([t_pre, strong])
    rows = np.concatenate([np.full(t_pre.size, 210), np.tile([200, 201, 202, 203], t_pre.size)])
    order = np.argsort(times, kind="stable")
    r = b.run(149, ev(times[order], rows[order]))
    assert b.read_weights(0)[0, 210, 0] == 5                # not yet swept
    fired = np.unique(r.output_events["addr"])
    assert fired.size == 192                                # all of block 0 (identical neurons)
    b.run(1)                                                # cycle 149: sweep
    w = b.read_weights(0)[0, 210]
    assert np.all(w == 6)
    assert np.all(b._sst.causal[210] == 0)                  # flagged accumulators cleared
    assert b._sst.swept_until[210] == 149


def test_stdp_both_flags_larger_wins_and_tie_keeps(chip_factory):
    c = _stdp_chip(chip_factory)
    coeffs = [chip_coefficients(c, ideal=True)]
    rows = build_rows(coeffs)
    arr = stdp_mod.build_stdp(coeffs)
    st = stdp_mod.StdpState.zeros(arr, 512, 384)
    st.causal[210, :3] = [100, 50, 70]
    st.acausal[210, :3] = [50, 100, 70]
    stdp_mod.controller_step(arr, rows, st, 149)
    assert rows.weights[210, :4].tolist() == [6, 4, 5, 5]  # causal wins, acausal wins, tie, no flag
    assert st.causal[210, :3].tolist() == [0, 0, 0]


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2**31))
def test_stdp_accumulators_equal_the_per_event_rule(seed):
    # a scalar model applies the rule event by event (module docstring); the emulator
    # evaluates it when rows are swept: both must agree exactly, saturation included
    rng = np.random.default_rng(seed)
    c = ChipConfig.empty(1)
    c.row_source[0, 200:204] = ROW_SOURCE.EXTERNAL
    c.row_stdp[0, 200:204] = True
    c.stdp_tau = int(rng.integers(1, 400))
    arr = stdp_mod.build_stdp([chip_coefficients(c, ideal=True)])
    table = chip_coefficients(c, ideal=True).stdp_table
    win = lambda d: int(table[d]) if 0 <= d < table.size else 0  # noqa: E731
    state = stdp_mod.StdpState.zeros(arr, 512, 384)
    causal = np.zeros((4, 192), dtype=np.int64)
    acausal = np.zeros((4, 192), dtype=np.int64)
    last_pre, last_post = [None] * 4, [None] * 192
    for k in range(int(rng.integers(50, 400))):
        n_pre = int(rng.poisson(1.0))
        rows, ticks = rng.integers(200, 204, n_pre), 32 * k + rng.integers(0, 32, n_pre)
        for r, t in zip(rows, ticks):
            for n in range(192):
                if last_post[n] is not None:
                    acausal[r - 200, n] = min(acausal[r - 200, n] + win(t - last_post[n]), 65535)
        for r, t in zip(rows, ticks):
            last_pre[r - 200] = t if last_pre[r - 200] is None else max(last_pre[r - 200], t)
        stdp_mod.on_pre(arr, state, rows, ticks)
        fired = np.flatnonzero(rng.random(192) < 0.05)
        fticks = 32 * k + rng.integers(0, 32, fired.size)
        for n, t in zip(fired, fticks):
            for r in range(4):
                if last_pre[r] is not None:
                    causal[r, n] = min(causal[r, n] + win(t - last_pre[r]), 65535)
            last_post[n] = t
        stdp_mod.on_post(arr, state, fired, fticks)
        if rng.random() < 0.05:          # an early look at some rows must not change the result
            stdp_mod.materialise(arr, state, np.array([200 + int(rng.integers(0, 4))]), k)
    got_c, got_a = stdp_mod.materialise(arr, state, np.arange(200, 204), k)
    assert np.array_equal(got_c, causal) and np.array_equal(got_a, acausal)
