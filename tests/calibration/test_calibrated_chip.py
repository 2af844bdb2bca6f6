"""A chip calibrated by `pynn-hw calibrate` on the emulator, checked against its mismatch model.

The calibration only runs the board; here the model that the emulator realises
(``firmware_io.chip_physics`` with the chip's ``ChipMismatch``) is the ground truth.
"""

from __future__ import annotations

import numpy as np

from calibration import calibrate_config, measure_spreads
from emulator import Board
from firmware_io import BoardSpec, ChipConfig, ChipMismatch, chip_physics
from firmware_io.constants import ROW_SOURCE, SIGN, TICK_BIO_MS
from firmware_io.units import strength_to_code, tau_m_to_code, tau_refrac_to_code, voltage_to_code

from .conftest import SERIAL


def _charge(tau_ms):
    """Charge of a unit conductance step decaying with ``tau_ms``, in units of ``tau_ms``, as the emulator sums it."""
    return 0.1 / (1.0 - np.exp(-0.1 / tau_ms)) / tau_ms


def _truth_config(table, **targets) -> ChipConfig:
    c = ChipConfig.empty(SERIAL)
    c.g_leak[:] = table.to_codes("tau_m", targets["tau_m"])
    c.tau_refrac[:] = table.to_codes("tau_refrac", targets["tau_refrac"])
    for v in ("v_rest", "v_reset", "v_thresh", "e_rev_I"):
        getattr(c, v)[:] = table.to_codes(v, targets[v])
    return c


def test_table_file_was_written_for_the_chip(calibrated_chip):
    folder, table = calibrated_chip
    assert (folder / "51C00001.json").exists() and table.serial == SERIAL and table.board == "single_chip"
    lo, hi = table.domain("tau_m")
    assert lo < 5.0 and hi > 40.0          # IF_facets_hardware1 (5 ms) and Vogels-Abbott (20 ms) fit


def test_neuron_parameters_realise_their_targets(calibrated_chip):
    _, table = calibrated_chip
    m = ChipMismatch.from_serial(SERIAL)
    phys = chip_physics(_truth_config(table, tau_m=20.0, tau_refrac=5.0, v_rest=-65.0, v_reset=-70.0,
                                      v_thresh=-50.0, e_rev_I=-80.0), m)
    tau_m = 200.0 / phys.g_leak_nS
    # g_leak LSB at ~code 100 is 1 %: the quantisation alone allows 0.5 %
    assert np.abs(tau_m / 20.0 - 1).max() < 0.012
    refrac_ticks = np.rint(phys.tau_refrac_ms / TICK_BIO_MS)
    err = refrac_ticks * TICK_BIO_MS - 5.0
    # code LSB up to 0.038 ms (gain 1.5): 0.019 ms quantisation; the interval measurement resolves
    # one cycle (32 ticks) per code point, averaged over the fit: about 0.02 ms
    assert np.abs(err).max() < 0.08 and np.sqrt(np.mean(err ** 2)) < 0.03
    group = ChipConfig.neuron_group(np.arange(384))
    for name, target in (("v_rest_mV", -65.0), ("v_reset_mV", -70.0), ("v_thresh_mV", -50.0),
                         ("e_rev_I_mV", -80.0)):
        means = np.bincount(group, getattr(phys, name)) / np.bincount(group)
        # group mean on target within quantisation (0.05 mV) + measurement (0.05 mV)
        assert np.abs(means - target).max() < 0.1, name


def test_row_weights_realise_their_targets(calibrated_chip):
    _, table = calibrated_chip
    m = ChipMismatch.from_serial(SERIAL)
    c = ChipConfig.empty(SERIAL)
    c.row_source[:] = ROW_SOURCE.EXTERNAL
    c.weights[:] = 1
    for sign, name, target in ((SIGN.EXCITATORY, "w_exc", 0.004 / 15), (SIGN.INHIBITORY, "w_inh", 0.051 / 15)):
        c.row_sign[:] = sign
        c.row_strength[:] = table.to_codes(name, target).reshape(2, 256)
        phys = chip_physics(c, m)
        # efficacy per LSB: the charge of one event per nominal 5 ms decay, mean over the block; the
        # emulator sums a decaying conductance once per cycle: charge A dt / (1 - exp(-dt / tau))
        realised = phys.syn_weight_uS.mean(axis=2) * _charge(5.0 * m.row_tau_gain) / _charge(5.0) * m.row_tau_gain
        err = realised / target - 1
        # measurement ~0.9 % per row plus code quantisation (0.4 % SD at exc code ~68): 1.5 % RMS, 4 % worst row
        assert np.abs(err).max() < 0.04 and np.sqrt(np.mean(err ** 2)) < 0.015, name
        c.row_strength[:] = strength_to_code(target, sign)
        nominal = chip_physics(c, m).syn_weight_uS.mean(axis=2) * m.row_tau_gain
        assert np.std(nominal / target) > 5 * np.std(realised / target)


def test_measured_neuron_weight_gain_follows_the_model(calibrated_chip):
    _, table = calibrated_chip
    m = ChipMismatch.from_serial(SERIAL)
    truth = m.neuron_gain_inh.reshape(2, 192)
    truth = (truth / np.exp(np.log(truth).mean(axis=1, keepdims=True))).ravel()
    # 16 rows per neuron, 3 % synapse spread each: ~1 % noise; inhibitory probe sees no e_rev_E offset
    assert np.corrcoef(table.neuron_weight_gain["inh"], truth)[0, 1] > 0.95


def test_spreads_after_calibration_are_below_two_percent(calibrated_chip):
    _, table = calibrated_chip
    spec = BoardSpec.load("single_chip")
    board = Board(spec)
    after = measure_spreads(spec, board, [table])
    assert max(after["relative_sd"].values()) <= 0.02, after["relative_sd"]
    # voltages: only the per-neuron offsets (1 mV SD by the mismatch model) remain
    assert all(0.8 < sd < 1.2 for sd in after["sd_mV"].values()), after["sd_mV"]
    assert abs(after["mean"]["tau_m"] / 20.0 - 1) < 0.005 and abs(after["mean"]["v_thresh"] + 50.0) < 0.1


def test_calibrated_codes_differ_from_nominal_where_the_chip_deviates(calibrated_chip):
    _, table = calibrated_chip
    c = ChipConfig.empty(SERIAL)
    c.g_leak[:] = tau_m_to_code(20.0)
    c.tau_refrac[:] = tau_refrac_to_code(5.0)
    c.v_rest[:] = c.v_reset[:] = voltage_to_code(-65.0)
    c.v_thresh[:] = voltage_to_code(-50.0)
    c.e_rev_I[:] = voltage_to_code(-80.0)
    out = calibrate_config(c, table)
    m = ChipMismatch.from_serial(SERIAL)
    # a neuron with a larger leak gain needs a smaller code: codes anti-correlate with the gains
    assert np.corrcoef(out.g_leak.astype(float), m.g_leak_gain)[0, 1] < -0.95
    expected = voltage_to_code(-50.0) - np.rint(10 * (m.v_thresh_group_offset
                                                      + np.bincount(ChipConfig.neuron_group(np.arange(384)),
                                                                    m.v_thresh_offset) / 96))
    assert np.abs(out.v_thresh.astype(int) - expected).max() <= 1
