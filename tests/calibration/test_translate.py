"""Nominal codes -> calibrated codes of a chip."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from calibration import CalibrationFileError, NominalCalibrationWarning, calibrate_config, calibrate_configs
from firmware_io import ChipConfig
from firmware_io.constants import ROW_SOURCE, SIGN
from pynn_hw.errors import InvalidParameterValueError

from .conftest import SERIAL, make_table


def _config() -> ChipConfig:
    c = ChipConfig.empty(SERIAL)
    c.g_leak[:10] = 100            # 20 ms
    c.tau_refrac[:10] = 200        # 5 ms
    c.tau_refrac[5] = 0
    c.v_rest[:] = [373, 373, 0, 0]         # groups 2, 3 unused (no neuron of block 1 is used)
    c.v_thresh[:] = [523, 523, 1023, 1023]
    c.v_reset[:] = [373, 373, 0, 0]
    c.e_rev_I[:] = [223, 223, 0, 0]
    c.row_source[0, :2] = ROW_SOURCE.EXTERNAL
    c.row_sign[0, 1] = SIGN.INHIBITORY
    c.row_strength[0, :2] = [68, 54]
    c.row_strength[0, 2] = 99      # row off: untouched
    c.weights[0, :2, :10] = 15
    return c


def test_gain_two_chip_gets_half_the_codes():
    out = calibrate_config(_config(), make_table(gain=2.0))
    assert out.g_leak[:10].tolist() == [50] * 10 and out.g_leak[10:].max() == 0
    assert out.tau_refrac[:5].tolist() == [100] * 5 and out.tau_refrac[5] == 0
    assert out.row_strength[0, :3].tolist() == [34, 27, 99]
    # voltages are offsets only in the test table: used groups keep their codes, unused ones too
    assert out.v_rest.tolist() == [373, 373, 0, 0] and out.v_thresh.tolist() == [523, 523, 1023, 1023]


def test_neuron_weight_factors_requantise_weights():
    t = make_table()
    t.neuron_weight_gain["exc"][:5] = 1.25
    out = calibrate_config(_config(), t, neuron_weights=True)
    assert out.weights[0, 0, :10].tolist() == [12] * 5 + [15] * 5     # 15 / 1.25 = 12
    assert out.weights[0, 1, :10].tolist() == [15] * 10              # inhibitory row: gains 1


def test_out_of_domain_value_raises_pynn_error():
    c = _config()
    c.g_leak[0] = 10               # 200 ms, outside 2.5..60 ms
    with pytest.raises(InvalidParameterValueError, match="tau_m = 200 ms is outside"):
        calibrate_config(c, make_table())


def test_other_chips_table_is_refused():
    with pytest.raises(CalibrationFileError, match="0x51C40000 cannot translate the codes of chip 0x51C00001"):
        calibrate_config(_config(), make_table(serial=0x51C40000))


def test_missing_table_keeps_nominal_codes_with_a_warning():
    c = _config()
    with pytest.warns(NominalCalibrationWarning, match="chip 0x51C00001 has no calibration table"):
        out = calibrate_config(c, None)
    assert np.array_equal(out.g_leak, c.g_leak) and out is not c
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # the board's tables were looked up (and warned about) before
        out = calibrate_configs([c, c], [None, make_table(gain=2.0)])
    assert np.array_equal(out[0].g_leak, c.g_leak) and out[1].g_leak[0] == 50
