"""Serial-derived fixed-pattern mismatch and chip_physics."""

import math

import numpy as np
import pytest

from firmware_io import ChipConfig, ChipMismatch, ConfigError, chip_physics, units
from firmware_io.constants import SIGN
from firmware_io.mismatch import MISMATCH_SPECS, splitmix64, standard_deviates

M64 = (1 << 64) - 1


def splitmix64_reference(x: int) -> int:
    """The documented SplitMix64 finaliser in plain Python integers."""
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def test_splitmix64_matches_published_sequence():
    # SplitMix64 seeded with 0 outputs mix(gamma), mix(2 gamma), ...: our f(x) = mix(x + gamma)
    gamma = 0x9E3779B97F4A7C15
    out = splitmix64(np.array([0, gamma], dtype=np.uint64))
    assert [int(v) for v in out] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4]


def test_deviates_follow_the_documented_generator():
    serial, pid = 0xDEADBEEF, 16
    got = standard_deviates(serial, pid, 3)
    for i in range(3):
        u = [(splitmix64_reference((serial << 32) | (pid << 24) | (i << 2) | k) >> 11) * 2.0**-53 for k in range(4)]
        z = (((u[0] + u[1]) + u[2]) + u[3] - 2.0) * math.sqrt(3.0)
        assert got[i] == z  # bit-exact


def test_pinned_values_for_one_serial():
    # regression pin: any change of the generator changes every emulated chip
    m = ChipMismatch.from_serial(0xDEADBEEF)
    assert m.g_leak_gain[:3].tolist() == [1.1135315208507, 1.1732930770669092, 1.1384841270671944]
    assert m.synapse_gain[1, 255, 191] == 1.0081264961302316


def test_deterministic_and_serial_dependent():
    assert ChipMismatch.from_serial(5) == ChipMismatch.from_serial(5)
    assert ChipMismatch.from_serial(5) != ChipMismatch.from_serial(6)
    assert not np.array_equal(ChipMismatch.from_serial(5).g_leak_gain, ChipMismatch.from_serial(5).tau_refrac_gain)


def test_deviate_statistics():
    # Irwin-Hall(4) standardised: mean 0, variance 1, |z| <= 2 sqrt(3).
    # n = 98304: sd of the mean 0.0032 (tolerance 0.02 ~ 6 sd); sd of the variance
    # sqrt((3 - 0.3 - 1) / n) = 0.0042 (tolerance 0.03 ~ 7 sd)
    z = standard_deviates(123, 16, 98304)
    assert abs(z.mean()) < 0.02
    assert abs(z.var() - 1) < 0.03
    assert np.abs(z).max() <= 2 * math.sqrt(3)


@pytest.mark.parametrize("name", ["synapse_gain", "g_leak_gain", "row_tau_gain", "v_rest_offset"])
def test_widths(name):
    spec = MISMATCH_SPECS[name]
    m = ChipMismatch.from_serial(99)
    x = getattr(m, name)
    assert x.shape == spec.shape
    center = 1.0 if spec.kind == "gain" else 0.0
    # sample sd within 25 % of sigma (n >= 384: sd of the sd estimate ~ 3.5 %)
    assert np.std(x - center) == pytest.approx(spec.sigma, rel=0.25)
    if spec.kind == "gain":
        assert (x > 0).all()


def test_serial_range():
    with pytest.raises(ConfigError, match="serial 4294967296 is out of range"):
        ChipMismatch.from_serial(2**32)


def _config():
    c = ChipConfig.empty(0xABC)
    c.g_leak[:] = 100
    c.tau_refrac[:] = 200
    c.v_rest[:] = [400, 410, 420, 430]
    c.v_thresh[:] = 523
    c.row_tau[:] = 100
    c.row_strength[:] = 256
    c.row_sign[1, :] = SIGN.INHIBITORY
    c.weights[0, 3, 7] = 15
    c.weights[1, 4, 9] = 2
    return c


def test_ideal_chip_physics_is_nominal():
    p = chip_physics(_config(), ChipMismatch.ideal())
    assert p.g_leak_nS == pytest.approx(np.full(384, 10.0))
    assert p.tau_refrac_ms == pytest.approx(np.full(384, 5.0))
    # neuron 193 is block 1, odd column -> group 3 -> code 430 -> -59.3 mV
    assert p.v_rest_mV[193] == pytest.approx(-59.3) and p.v_rest_mV[0] == pytest.approx(-62.3)
    assert (p.e_rev_E_mV == 0).all()
    assert p.syn_weight_uS[0, 3, 7] == pytest.approx(0.015)  # 15 * 0.001 uS
    assert p.syn_weight_uS[1, 4, 9] == pytest.approx(0.032)  # 2 * 0.016 uS
    assert np.count_nonzero(p.syn_weight_uS) == 2


def test_chip_physics_applies_every_term():
    c = _config()
    m = ChipMismatch.from_serial(c.serial)
    p = chip_physics(c)  # default: the chip's own serial
    n = 193  # group 3
    assert p.g_leak_nS[n] == pytest.approx(10.0 * m.g_leak_gain[n])
    assert p.v_rest_mV[n] == pytest.approx(units.code_to_voltage(430) + m.v_rest_group_offset[3] + m.v_rest_offset[n])
    assert p.e_rev_E_mV[n] == pytest.approx(m.e_rev_E_offset[n])
    assert p.row_tau_ms[1, 4] == pytest.approx(5.0 * m.row_tau_gain[1, 4])
    expected = 2 * 0.016 * m.row_strength_gain[1, 4] * m.neuron_gain_inh[192 + 9] * m.synapse_gain[1, 4, 9]
    assert p.syn_weight_uS[1, 4, 9] == pytest.approx(expected)
    expected = 15 * 0.001 * m.row_strength_gain[0, 3] * m.neuron_gain_exc[7] * m.synapse_gain[0, 3, 7]
    assert p.syn_weight_uS[0, 3, 7] == pytest.approx(expected)
