"""Integer helpers and code -> register conversions, against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from emulator.arithmetic import V_FRAC_BITS, V_MAX, decay_floor, power_table, round_shift
from emulator.coefficients import (
    chip_coefficients,
    conductance_register,
    decay_register,
    leak_register,
    refractory_ticks,
    stdp_window_table,
    voltage_register,
)
from firmware_io.chip_config import ChipConfig


def test_round_shift_rounds_half_up_also_for_negatives():
    x = np.array([5, 6, 7, -5, -6, -7])        # / 4 = 1.25 1.5 1.75 -1.25 -1.5 -1.75
    assert round_shift(x, 2).tolist() == [1, 2, 2, -1, -1, -2]


def test_floor_decay_reaches_zero():
    # floor(x * D / 2**24) < x for x >= 1 and D < 2**24: every register empties
    d = int(decay_register(np.array([5.0]))[0])  # tau = 50 cycles
    x = np.array([1 << 26], dtype=np.int64)
    steps = 0
    while x[0]:
        decay_floor(x, d, out=x)
        steps += 1
    # exact decay would need tau * ln(2**26) = 901 steps to fall below 1; flooring is faster
    assert 0 < steps <= 902


def test_power_table_is_exact_to_one_lsb():
    from decimal import Decimal
    d = int(decay_register(np.array([20.0]), Decimal("0.003125"), 30)[0])   # per tick, 20 ms
    table = power_table(d, 5000, 1024, 30)
    exact = 1024 * np.exp(-np.arange(5000) / 6400.0)
    assert table[0] == 1024
    assert np.abs(table - exact).max() <= 1.0
    assert np.all(np.diff(table) <= 0)


def test_voltage_register_by_hand():
    # -65 mV = code 373 (-102.3 + 37.3) -> 373 << 12; 0 mV = code 1023; rails clamp
    assert voltage_register(np.array([-65.0, 0.0, -102.3])).tolist() == [373 << 12, 1023 << 12, 0]
    assert voltage_register(np.array([-200.0, 500.0])).tolist() == [0, V_MAX]
    # half a register LSB (0.1 mV / 4096 / 2) rounds up
    assert voltage_register(np.array([-65.0 + 0.1 / 4096 * 0.5000001]))[0] == (373 << V_FRAC_BITS) + 1


def test_leak_register_by_hand():
    # 10 nS: g dt / C = 10 nS * 0.1 ms / 0.2 nF = 0.005; 2**30 * (e**0.005 - 1) = 5382153.29
    assert leak_register(np.array([10.0, 0.0])).tolist() == [5382153, 0]
    # 40 nS: 2**30 * (e**0.02 - 1) = 21691023.69 -> 21691024
    assert leak_register(np.array([40.0]))[0] == 21691024


def test_conductance_and_refractory_registers_by_hand():
    # 0.001 uS * 0.1 ms / 0.2 nF = 0.0005 of the gap per cycle; * 2**30 = 536870.912 -> 536871
    assert conductance_register(np.array([0.001]))[0] == 536871
    # 0.025 ms = 8 ticks of 3.125 us; 2 ms = 640 ticks
    assert refractory_ticks(np.array([0.025, 2.0, 0.0])).tolist() == [8, 640, 0]
    # 5 ms row: round(2**24 * exp(-0.02)) = 16445005; 0 ms: 0 (gone after one cycle)
    assert decay_register(np.array([5.0, 0.0])).tolist() == [16445005, 0]


def test_stdp_window_table():
    t = stdp_window_table(200)                  # 20 ms = 6400 ticks
    assert t[0] == 1024
    assert t[6400] == round(1024 * math.exp(-1.0))   # 376.7 -> 377
    assert t[-1] >= 1 and t.size < (1 << 16)
    assert stdp_window_table(0).tolist() == [1024]


def test_chip_coefficients_nominal_and_mismatch():
    c = ChipConfig.empty(7)
    c.g_leak[:] = 100
    c.v_rest[:] = 373
    c.stp_u = 200
    ideal = chip_coefficients(c, ideal=True)
    assert set(ideal.g_leak.tolist()) == {5382153}
    assert set(ideal.v_rest.tolist()) == {373 << 12}
    assert set(ideal.syn_gain.ravel().tolist()) == {1024}
    # U = round(2**16 * 200 / 1023) = round(12812.51) = 12813
    assert ideal.stp_u == 12813
    real = chip_coefficients(c)
    # mismatch spreads g_leak by 15 % and the resting potentials by ~2.2 mV
    assert np.std(real.g_leak) / np.mean(real.g_leak) == pytest.approx(0.15, rel=0.3)
    assert np.ptp(real.v_rest) > 4096 * 10       # more than 1 mV
    assert np.array_equal(real.g_leak, chip_coefficients(c).g_leak)   # deterministic
