"""STDP on the emulator (through ``pynn_hw.emulator``): weight codes vs spike-pair timing.

Seven synapses, one per timing ``dt`` (post spike minus pre arrival), each a
pre-synaptic source and a target neuron made to fire by a strong static input;
12 pairings 200 ms apart. The block then has 7 STDP rows, swept once per
7 x 15 ms = 105 ms < 200 ms, so every pairing is read before the next one. The
expected codes follow the documented rule (docs/hardware.md 2.6, section
"STDP" of the emulator): pairing amplitudes ``round(1024 exp(-dt / tau))``
(nearest neighbour, from the recorded spike times), a flag once an
accumulator reaches ``threshold << 4``, the table entry applied and the
accumulators cleared. The mapping's tables for the additive rule are ``w+1`` and
``w-1``; its threshold is fitted below ``1 / (15 A)`` pairings (mapping.plasticity.fit_threshold).
"""

from __future__ import annotations

import numpy as np
import pytest

from firmware_io.constants import TICK_BIO_MS
from mapping.plasticity import stdp_tables
from pynn_hw.errors import MappingError

CELL = dict(tau_m=10.0, cm=0.2, v_rest=-65.0, v_reset=-65.0, v_thresh=-55.0, tau_refrac=5.0,
            tau_syn_E=2.0, tau_syn_I=2.0, e_rev_E=0.0, e_rev_I=-80.0)
DT = np.array([-30.0, -15.0, -5.0, 5.0, 15.0, 30.0, 60.0])
N_PAIRS, PERIOD = 12, 200.0
TAU, A, W_MAX, W0 = 20.0, 0.04, 0.015, 0.008     # code step 0.001 uS, initial code 8
DELAY = 0.1


def lut_rule(pre_arrival_ms: np.ndarray, post_ms: np.ndarray, theta_code: int, w0: int) -> int:
    """Final code under the documented rule, one sweep after every pairing (see module docstring)."""
    ev = sorted([(round(t / TICK_BIO_MS), 0) for t in pre_arrival_ms] + [(round(t / TICK_BIO_MS), 1) for t in post_ms])
    causal = acausal = 0
    last_pre = last_post = None
    w, thr = w0, theta_code << 4
    for tick, is_post in ev:
        if is_post:
            if last_pre is not None:
                causal += round(1024 * np.exp(-(tick - last_pre) * TICK_BIO_MS / TAU))
            last_post = tick
        else:
            if last_post is not None:
                acausal += round(1024 * np.exp(-(tick - last_post) * TICK_BIO_MS / TAU))
            last_pre = tick
        c, a = causal >= thr, acausal >= thr
        if c or a:
            if c and (not a or causal > acausal):
                w = min(w + 1, 15)
            elif a and (not c or acausal > causal):
                w = max(w - 1, 0)
            causal = acausal = 0
    return w


def _network(sim, label="plastic", **rule):
    n = DT.size
    post_target = 20.0 + PERIOD * np.arange(N_PAIRS) + 50.0
    cells = sim.Population(n, sim.IF_cond_exp(**CELL), label="post")
    drive = sim.Population(n, sim.SpikeSourceArray(spike_times=list(post_target - 1.0)), label="drive")
    pre = sim.Population(n, sim.SpikeSourceArray(), label="pre")
    pre_times = [post_target - d for d in DT]
    for i in range(n):
        pre[i:i + 1].set(spike_times=sim.Sequence(list(pre_times[i])))
    sim.Projection(drive, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.05, delay=0.1))
    params = dict(tau_plus=TAU, tau_minus=TAU, A_plus=A, A_minus=A)
    params.update(rule)
    stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(**params),
                             weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=W_MAX),
                             weight=W0, delay=DELAY)
    prj = sim.Projection(pre, cells, sim.OneToOneConnector(), stdp, label=label)
    cells.record("spikes")
    return cells, prj, pre_times


def test_weight_change_follows_the_lut_rule_within_one_step(emu):
    cells, prj, pre_times = _network(emu)
    emu.run(N_PAIRS * PERIOD + 20.0)
    learned = prj.get("weight", format="array").diagonal()
    codes = learned / (W_MAX / 15)
    np.testing.assert_allclose(codes, np.rint(codes), atol=1e-9)      # whole codes of w_max / 15
    cfg = emu.session.backend.mapped.configs[0]
    theta = int(cfg.stdp_threshold)
    assert theta == 89              # fitted below the nominal 1 / (15 A) pairings = 107/64 (test_stdp_analytic)
    assert list(cfg.stdp_lut_causal) == [0] + list(range(2, 16)) + [15]
    assert list(cfg.stdp_lut_acausal) == [0] + list(range(0, 15))
    trains = cells.get_data().segments[0].spiketrains
    expected = np.array([lut_rule(pre_times[i] + DELAY, np.asarray(trains[i].magnitude), theta, 8)
                         for i in range(DT.size)])
    assert np.all(np.abs(codes - expected) <= 1), (codes, expected)
    # the shape of the window: depression for post-before-pre, potentiation for
    # pre-before-post, strongest at |dt| = 5 ms, none at 60 ms (codes 7 4 2 14 12 9 8;
    # the rule from code 8: 6.4 4.6 2.4 13.6 11.4 9.6 8.4)
    assert codes[2] < codes[1] < codes[0] < 8 < codes[5] < codes[4] < codes[3]
    assert codes[6] == 8


def test_get_weight_returns_learned_weights_and_reset_restores_them(emu):
    _, prj, _ = _network(emu)
    before = prj.get("weight", format="array").diagonal().copy()
    np.testing.assert_allclose(before, W0)
    emu.run(N_PAIRS * PERIOD + 20.0)
    learned = prj.get("weight", format="array").diagonal().copy()
    assert np.count_nonzero(np.abs(learned - W0) > 1e-12) >= 5
    emu.reset()
    np.testing.assert_allclose(prj.get("weight", format="array").diagonal(), W0)
    emu.run(N_PAIRS * PERIOD + 20.0)
    np.testing.assert_allclose(prj.get("weight", format="array").diagonal(), learned)


def test_additive_tables_and_soft_bound_approximation():
    up, down, exact_up, exact_down = stdp_tables(0.01, 0.01, 0.0, 0.0, 0, 1 / 0.15)
    assert list(up) == [0] + list(range(2, 16)) + [15] and list(down) == [0] + list(range(0, 15))
    # multiplicative: w + 15 A theta (15 - w) / 15 with 15 A theta = 1 -> w + (15 - w)/15, rounded
    up, down, exact_up, exact_down = stdp_tables(0.01, 0.01, 1.0, 1.0, 0, 1 / 0.15)
    np.testing.assert_allclose(exact_up, np.arange(16) + (15 - np.arange(16)) / 15)
    assert list(up[1:]) == list(np.rint(exact_up[1:]).astype(int))


def test_unsupported_stdp_is_refused(emu):
    n = 1
    cells = emu.Population(n, emu.IF_cond_exp(**CELL))
    pre = emu.Population(n, emu.SpikeSourceArray(spike_times=[1.0]))
    stdp = emu.STDPMechanism(timing_dependence=emu.SpikePairRule(),
                             weight_dependence=emu.AdditiveWeightDependence(w_min=0.0, w_max=1.0), weight=0.01)
    emu.Projection(pre, cells, emu.OneToOneConnector(), stdp, label="huge")
    with pytest.raises(MappingError, match=r"'huge': STDP w_max is 1 uS .* more than one row can hold"):
        emu.run(1.0)


def test_mapping_report_lists_what_is_approximated(emu):
    _network(emu, tau_minus=30.0)
    emu.run(1.0)
    text = "\n".join(emu.session.backend.report.warnings)
    assert "projection 'plastic': one chip-wide time constant: tau_plus=20 and tau_minus=30 ms -> 25 ms" in text
    assert "nearest-neighbour pairing" in text and "dendritic_delay_fraction=1 realised as 0" in text
