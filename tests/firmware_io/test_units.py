"""Nominal code <-> value transfer functions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_io import CodeRangeError
from firmware_io import units as u
from firmware_io.constants import SIGN

ALL_CODES = [
    u.VOLTAGE,
    u.G_LEAK,
    u.TAU_REFRAC,
    u.ROW_TAU,
    u.ROW_STRENGTH_EXC,
    u.ROW_STRENGTH_INH,
    u.STP_U,
    u.STP_TAU_REC,
    u.STP_TAU_FACIL,
    u.STDP_TAU,
    u.STDP_THRESHOLD,
]


def test_voltage_golden_codes():
    # code = (mV + 102.3) / 0.1: -60 -> 423, -50 -> 523, -80 -> 223, 0 -> 1023
    assert u.voltage_to_code([-60, -50, -80, 0, -102.3]).tolist() == [423, 523, 223, 1023, 0]
    assert u.code_to_voltage(1023) == pytest.approx(u.E_REV_E_MV)
    assert u.VOLTAGE.max_value == 0.0


def test_common_pynn_parameters_fit():
    # Vogels-Abbott: tau_m 20 ms (g_leak 10 nS = code 100), tau_syn 5 / 10 ms, tau_refrac 5 ms
    assert u.tau_m_to_code(20.0) == 100
    assert u.g_leak_to_code(40.0) == 400  # IF_facets_hardware1 g_leak default
    assert u.row_tau_to_code([5.0, 10.0, 30.0]).tolist() == [100, 200, 600]
    assert u.tau_refrac_to_code([5.0, 0.1]).tolist() == [200, 4]
    # weights 0.004 uS exc / 0.051 uS inh at weight 15: 0.004/15/3.90625e-6 = 68.27 -> 68;
    # 0.051/15/6.25e-5 = 54.4 -> 54
    assert u.strength_to_code([0.004 / 15, 0.051 / 15], [SIGN.EXCITATORY, SIGN.INHIBITORY]).tolist() == [68, 54]


def test_nominal_strength_matches_facts():
    assert u.code_to_strength([256, 256], [0, 1]) == pytest.approx([0.001, 0.016])
    assert u.synapse_conductance(15, 256, 0) == pytest.approx(0.015)


def test_rounding_is_to_nearest_ties_to_even():
    # STP_TAU_REC has an exact 1 ms LSB, so these are exact ties / near-ties
    assert u.STP_TAU_REC.to_code([0.5, 1.5, 2.5, 3.5, 2.49, 2.51]).tolist() == [0, 2, 2, 4, 2, 3]


def test_out_of_range_is_an_error_naming_quantity_and_range():
    with pytest.raises(
        CodeRangeError, match=r"voltage -110.0 mV cannot be represented; valid: -102.3..0 mV \(LSB 0.1 mV\)"
    ):
        u.voltage_to_code(-110.0)
    with pytest.raises(CodeRangeError, match="tau_refrac 30.0 ms"):
        u.tau_refrac_to_code([1.0, 30.0])
    with pytest.raises(
        CodeRangeError, match="row_strength 0.1 uS per weight LSB cannot be represented; valid: 0..0.00399609 uS"
    ):
        u.strength_to_code(0.1, SIGN.EXCITATORY)
    with pytest.raises(CodeRangeError, match="g_leak nan"):
        u.g_leak_to_code(np.nan, clip=True)
    with pytest.raises(CodeRangeError, match="row_sign 2 is invalid"):
        u.code_to_strength(1, 2)
    with pytest.raises(CodeRangeError, match="g_leak code 1024 is out of range; valid: 0..1023"):
        u.code_to_g_leak(1024)


def test_half_lsb_outside_still_rounds_in():
    # -102.34 mV is 0.4 LSB below code 0: rounds to code 0, not an error
    assert u.voltage_to_code(-102.34) == 0
    assert u.voltage_to_code(0.04) == 1023


def test_clip_saturates():
    assert u.voltage_to_code([-200.0, 50.0], clip=True).tolist() == [0, 1023]
    assert u.strength_to_code([1.0, 1.0], [0, 1], clip=True).tolist() == [1023, 1023]


def test_tau_m_round_trip_and_zero_code():
    assert u.code_to_tau_m(100) == pytest.approx(20.0)
    assert np.isinf(u.code_to_tau_m(0))


def test_vectorised_shapes_and_dtypes():
    codes = u.voltage_to_code(np.full((2, 3), -65.0))
    assert codes.shape == (2, 3) and codes.dtype == np.uint16
    assert u.code_to_voltage(codes).dtype == np.float64


@pytest.mark.parametrize("q", ALL_CODES, ids=lambda q: q.name)
def test_every_code_round_trips_exactly(q):
    codes = np.arange(1024)
    assert np.array_equal(q.to_code(q.to_value(codes)), codes)


@given(st.floats(0.0, 1.0), st.sampled_from(ALL_CODES))
def test_value_round_trip_within_half_lsb(frac, q):
    value = q.min_value + frac * (q.max_value - q.min_value)
    back = q.to_value(q.to_code(value))
    assert abs(back - value) <= q.lsb / 2 * (1 + 1e-9)


def test_time_conversions():
    # 1 ms = 320 ticks of 3.125 us; 0.1 ms = one cycle = 32 ticks
    assert u.ms_to_ticks([0.0, 0.1, 1.0, 1000.0]).tolist() == [0, 32, 320, 320_000]
    assert u.ms_to_ticks([0.0015, 0.0016, 1.0 - 0.0016]).tolist() == [0, 1, 319]  # 0.48, 0.512, 319.488 ticks
    assert u.ms_to_ticks(0.5).dtype == np.uint64
    assert u.ticks_to_ms(np.array([320, 2**40], np.uint64)).tolist() == [1.0, 2**40 * 0.003125]
    assert u.ticks_to_cycles([0, 31, 32, 65]).tolist() == [0, 0, 1, 2]
    assert u.hardware_rate_to_bio(3.0e8) == 30_000
    with pytest.raises(CodeRangeError, match=r"time -1.0 ms cannot be a time stamp; valid: >= 0 ms"):
        u.ms_to_ticks([1.0, -1.0])
    with pytest.raises(CodeRangeError, match="time nan ms"):
        u.ms_to_ticks(np.nan)
