"""The integer emulator against the float64 reference of the same equations.

Documented quantisation bounds (docs/hardware.md, "Emulator arithmetic"):
membrane within 0.01 mV, first spikes within 1 tick when the threshold is
crossed with a rise of at least 0.1 mV per cycle, PSP peaks within 0.1 % + 0.001 mV,
STP factors within 50 / (1 - (1 - U) x) / 65536.
"""

from __future__ import annotations

import numpy as np
import pytest

from emulator import Board, ReferenceBoard
from firmware_io.constants import SIGN, STP_MODES

MV_BOUND = 0.01


def _both(config, n_cycles, times, rows, ideal=True):
    b = Board(ideal=ideal, strict=True)
    b.load([config])
    ev = __import__("firmware_io").packets.make_events(np.asarray(times), 0, np.asarray(rows))
    emu = b.run(n_cycles, ev)
    ref = ReferenceBoard([config], ideal=ideal).run(n_cycles, np.asarray(rows), np.asarray(times))
    return emu, ref


@pytest.mark.parametrize("ideal", [True, False])
def test_membrane_under_constant_input(chip_factory, to_mv, ideal):
    # one event per cycle on an excitatory and an inhibitory row: after a few tau_syn the
    # conductances are constant and V settles at their weighted mean of reversal potentials
    # exc: 1 LSB at code 20 = 0.078 nS per cycle -> ~3.9 nS steady (tau 5 ms);
    # inh: 1 LSB at code 2 = 0.125 nS per cycle -> ~6.3 nS; with 10 nS leak V settles near
    # (10 * -65 + 3.9 * 0 + 6.3 * -80) / 20.2 = -57 mV, below threshold
    c = chip_factory(ext_rows=(200, 201), weight=1, strength=20)
    c.row_sign[0, 201] = SIGN.INHIBITORY
    c.row_strength[0, 201] = 2
    n = 600
    emu, ref = _both(c, n, np.repeat(np.arange(n) * 32, 2), np.tile([200, 201], n), ideal)
    v_emu = to_mv(emu.traces[:, 0, :])
    v_ref = ref.v_mv[:, [0, 1, 192, 193]]
    assert emu.output_events.size == 0
    assert np.abs(v_emu - v_ref).max() < MV_BOUND
    assert v_ref[-1, 0] - v_ref[0, 0] > 5.0                     # it did move


def test_first_spike_times(chip_factory):
    # columns get weights 4..15: twelve different first-spike times
    c = chip_factory(ext_rows=(200, 201, 202))
    c.weights[0, 200:203, :] = 4 + np.arange(192) % 12
    n = 400
    emu, ref = _both(c, n, np.repeat(np.arange(0, n, 2) * 32 + 5, 3), np.tile([200, 201, 202], n // 2))
    cols = np.arange(12)
    first_emu = np.array([emu.output_events["t"][emu.output_events["addr"] == i].min() for i in cols])
    first_ref = np.array([ref.spike_ticks[ref.spike_neurons == i].min() for i in cols])
    assert np.unique(first_ref).size >= 10
    assert np.abs(first_emu.astype(np.int64) - first_ref).max() <= 1


@pytest.mark.parametrize("sign", [SIGN.EXCITATORY, SIGN.INHIBITORY])
@pytest.mark.parametrize("strength", [64, 256, 1023])
def test_psp_peak_per_weight_and_strength(chip_factory, sign, strength):
    # one event; neurons of block 0 see weights 1..15 (column % 16) on the same row
    c = chip_factory(ext_rows=(200,), sign=sign, strength=strength)
    c.weights[0, 200, :] = np.arange(192) % 16
    emu_b = Board(ideal=True)
    emu_b.load([c])
    ev = __import__("firmware_io").packets.make_events(np.array([64]), 0, np.array([200]))
    emu_b.write_input(ev)
    v_emu = []
    for _ in range(300):
        emu_b.run(1)
        v_emu.append(emu_b.membrane()[0, :16])
    v_emu = np.array(v_emu) / 4096.0 * 0.1
    ref = ReferenceBoard([c], ideal=True).run(300, np.array([200]), np.array([64]))
    v_ref = ref.v_mv[:, :16] + 102.3
    rest = 37.3
    peak_emu = np.abs(v_emu - rest).max(axis=0)
    peak_ref = np.abs(v_ref - rest).max(axis=0)
    assert peak_emu[0] < 1e-9 and peak_ref[0] < 1e-9            # weight 0: no PSP
    assert np.all(np.abs(peak_emu - peak_ref) <= 1e-3 * peak_ref + 1e-3)
    # below threshold (10 mV above rest) the peak grows strictly with the weight code
    sub = peak_ref[1:] < 9.5
    assert np.all(np.diff(peak_emu[1:][sub]) > 0)


def test_stp_factors_agree_with_the_reference(chip_factory):
    c = chip_factory(ext_rows=(200, 201))
    c.row_stp[0, 200] = STP_MODES.DEPRESSING
    c.row_stp[0, 201] = STP_MODES.FACILITATING
    c.stp_u, c.stp_tau_rec, c.stp_tau_facil = 300, 200, 100
    times = np.repeat(np.arange(0, 2000, 40) * 32 + 3, 2)
    rows = np.tile([200, 201], times.size // 2)
    ref = ReferenceBoard([c], ideal=True).run(2000, rows, times)
    from emulator.coefficients import chip_coefficients
    from emulator.synapse_rows import RowState, build_rows, decay_stp, stp_factors
    arr = build_rows([chip_coefficients(c, ideal=True)])
    st = RowState.zeros(arr)
    got = []
    for k in range(2000):
        sel = times // 32 == k
        if sel.any():
            got.extend(stp_factors(arr, st, rows[sel], times[sel]).tolist())
        decay_stp(arr, st)
    got = np.array(got) / 65536.0
    u = 300 / 1023
    bound = 40 / (1 - (1 - u) * np.exp(-4.0 / 200)) / 65536
    assert got.size == ref.stp_factor.size == times.size
    assert np.abs(got - ref.stp_factor).max() < bound
    # depressing amplitudes fall, facilitating ones grow
    assert got[-2] < 0.6 < 1.4 < got[-1]
