"""Tsodyks-Markram synapses on depressing and facilitating driver rows (emulator).

PSP amplitudes are read from the membrane read-out of one target neuron per
projection under a regular train (one spike every 40 ms; tau_m = 5 ms, so a
PSP has decayed to exp(-8) before the next). The row's documented recursion
(docs/hardware.md 2.5) predicts the n-th amplitude relative to the first:
``1 - I_n`` (depressing) or ``1 + I_n`` (facilitating) with ``I <- I + U (1 - I)``
at an event and decay with the row's time constant in between. Tolerance per
event: the emulator's quantisation bound for the STP factor (docs/hardware.md,
"Quantisation error": ``Delta / (1 - (1 - U) exp(-Delta dt / tau)) / 65536``
with ``Delta`` = 400 cycles), plus 0.5 % of the factor for the conductance
synapse's driving force, which falls by about 0.4 mV of 65 mV at these PSPs.
"""

from __future__ import annotations

import numpy as np
import pytest

from firmware_io.constants import STP_MODES
from pynn_hw.errors import MappingError
from pynn_hw.standardmodels.synapses import tsodyks_markram_release

CELL = dict(tau_m=5.0, cm=0.2, v_rest=-65.0, v_reset=-65.0, v_thresh=-40.0, tau_refrac=2.0,
            tau_syn_E=1.0, tau_syn_I=1.0, e_rev_E=0.0, e_rev_I=-80.0)
PERIOD_MS = 40.0
TRAIN = 10.0 + PERIOD_MS * np.arange(12)
DT_MS = 0.1


def row_factors(times: np.ndarray, U: float, tau: float, facilitating: bool) -> np.ndarray:
    """The documented row recursion in float: the factor of each event."""
    state, out = 0.0, []
    for k, t in enumerate(times):
        if k:
            state *= np.exp(-(t - times[k - 1]) / tau)
        out.append(1.0 + state if facilitating else 1.0 - state)
        state += U * (1.0 - state)
    return np.array(out)


def bound(U: float, tau: float) -> float:
    delta = PERIOD_MS / DT_MS
    return delta / (1.0 - (1.0 - U) * np.exp(-delta * DT_MS / tau)) / 65536


def psp_ratios(sim, synapses) -> tuple[np.ndarray, list]:
    """Amplitude of each PSP / the first one, one target neuron per synapse type."""
    n = len(synapses)
    cells = sim.Population(n, sim.IF_cond_exp(**CELL), label="targets")
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=list(TRAIN)), label="train")
    prjs = [sim.Projection(src, cells[i:i + 1], sim.AllToAllConnector(), syn, label=f"tm{i}")
            for i, syn in enumerate(synapses)]
    cells.record("v")
    sim.run(TRAIN[-1] + PERIOD_MS)
    v = np.asarray(cells.get_data().segments[0].filter(name="v")[0].magnitude)
    idx = np.rint(TRAIN / DT_MS).astype(int)
    amp = np.stack([v[i:i + 150].max(axis=0) - v[i] for i in idx])   # (spikes, cells)
    assert np.all(amp[0] > 0.2) and np.all(amp[0] < 0.6)             # small PSPs (see docstring)
    return amp / amp[0], prjs


def test_depressing_and_facilitating_rows_follow_the_documented_recursion(emu):
    U, tau_rec, tau_facil = 0.4, 150.0, 200.0
    u_q = np.rint(U * 1023) / 1023        # the stp_u code's value
    ratios, _ = psp_ratios(emu, [
        emu.TsodyksMarkramSynapse(weight=0.004, delay=0.1, U=U, tau_rec=tau_rec),
        emu.TsodyksMarkramSynapse(weight=0.004, delay=0.1, U=U, tau_rec=5.0, tau_facil=tau_facil)])
    dep = row_factors(TRAIN, u_q, tau_rec, facilitating=False)
    fac = row_factors(TRAIN, u_q, tau_facil, facilitating=True)
    tol_d = bound(U, tau_rec) + 0.005 * dep
    tol_f = bound(U, tau_facil) + 0.005 * fac
    assert np.all(np.abs(ratios[:, 0] - dep) <= tol_d), (ratios[:, 0], dep)
    assert np.all(np.abs(ratios[:, 1] - fac) <= tol_f), (ratios[:, 1], fac)
    # depressing rows are the model exactly: the float reference within the same bound
    ref = tsodyks_markram_release(TRAIN, U, tau_rec, 0.0) / U
    assert np.all(np.abs(ratios[:, 0] - ref) <= tol_d + abs(u_q - U) * 5)
    # the steady states differ clearly: about 0.43 vs 1.64 of the first PSP
    assert ratios[-1, 0] < 0.46 and ratios[-1, 1] > 1.6


def test_facilitating_row_matches_the_model_at_U_one_half(emu):
    # for U = 0.5 the row's 1 + I equals the model's (U + (1 - U) I) / U
    ratios, _ = psp_ratios(emu, [emu.TsodyksMarkramSynapse(weight=0.004, delay=0.1, U=0.5, tau_rec=1.0,
                                                           tau_facil=100.0)])
    ref = tsodyks_markram_release(TRAIN, 0.5, 1e-9, 100.0) / 0.5
    assert np.all(np.abs(ratios[:, 0] - ref) <= bound(0.5, 100.0) + 0.005 * ref)


def test_rows_and_chip_codes_in_the_mapping(emu):
    cells = emu.Population(2, emu.IF_cond_exp(**CELL))
    src = emu.Population(1, emu.SpikeSourceArray(spike_times=[1.0]))
    emu.Projection(src, cells[0:1], emu.AllToAllConnector(),
                   emu.TsodyksMarkramSynapse(weight=0.004, U=0.25, tau_rec=300.0))
    emu.Projection(src, cells[1:2], emu.AllToAllConnector(),
                   emu.TsodyksMarkramSynapse(weight=0.004, U=0.25, tau_rec=2.0, tau_facil=80.0))
    emu.run(1.0)
    cfg = emu.session.backend.mapped.configs[0]
    modes = sorted(int(m) for m in cfg.row_stp[cfg.row_source != 0])
    assert modes == [int(STP_MODES.DEPRESSING), int(STP_MODES.FACILITATING)]
    # codes: U 0.25 -> rint(255.75) = 256; 300 ms and 80 ms at 1 ms per code
    assert (cfg.stp_u, cfg.stp_tau_rec, cfg.stp_tau_facil) == (256, 300, 80)


def test_two_parameter_sets_on_one_chip_are_refused(emu):
    cells = emu.Population(2, emu.IF_cond_exp(**CELL))
    src = emu.Population(1, emu.SpikeSourceArray(spike_times=[1.0]))
    emu.Projection(src, cells[0:1], emu.AllToAllConnector(),
                   emu.TsodyksMarkramSynapse(weight=0.004, U=0.5, tau_rec=100.0), label="fast")
    emu.Projection(src, cells[1:2], emu.AllToAllConnector(),
                   emu.TsodyksMarkramSynapse(weight=0.004, U=0.2, tau_rec=100.0), label="slow")
    with pytest.raises(MappingError, match=r"chip 0: projections 'fast' and 'slow' need different chip-wide "
                                           r"stp_u codes \(512 and 205\)"):
        emu.run(1.0)


def test_depressing_and_facilitating_in_one_row_are_refused(emu):
    cells = emu.Population(1, emu.IF_cond_exp(**CELL))
    src = emu.Population(1, emu.SpikeSourceArray(spike_times=[1.0]))
    emu.Projection(src, cells, emu.AllToAllConnector(),
                   emu.TsodyksMarkramSynapse(weight=0.004, U=0.1, tau_rec=100.0, tau_facil=500.0), label="mixed")
    with pytest.raises(MappingError, match=r"'mixed'.*tau_facil=500 ms and tau_rec=100 ms .* a hardware row "
                                           r"does one of the two"):
        emu.run(1.0)
