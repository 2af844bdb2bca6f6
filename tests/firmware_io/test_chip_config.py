"""ChipConfig: defaults, validation messages, equality."""

import numpy as np
import pytest

from firmware_io import ARRAY_FIELDS, ChipConfig, ConfigError
from firmware_io.constants import NO_READOUT, ROW_SOURCE


def test_empty_defaults():
    c = ChipConfig.empty(42)
    assert c.serial == 42
    assert c.weights.shape == (2, 256, 192) and c.weights.dtype == np.uint8 and not c.weights.any()
    assert c.row_stdp.dtype == np.bool_
    assert c.g_leak.dtype == np.uint16 and c.g_leak.shape == (384,)
    assert c.v_rest.shape == (4,)
    # identity STDP tables: a sweep changes nothing
    assert np.array_equal(c.stdp_lut_causal, np.arange(16)) and np.array_equal(c.stdp_lut_acausal, np.arange(16))
    assert (c.readout == NO_READOUT).all()
    for name, spec in ARRAY_FIELDS.items():
        assert getattr(c, name).shape == spec.shape


def test_coerces_lists_and_other_integer_dtypes():
    c = ChipConfig(serial=1, v_rest=[1, 2, 3, 1023], g_leak=np.full(384, 7, dtype=np.int64))
    assert c.v_rest.dtype == np.uint16 and c.v_rest.tolist() == [1, 2, 3, 1023]
    assert c.g_leak.dtype == np.uint16


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        (
            {"weights": np.full((2, 256, 192), 16)},
            "ChipConfig.weights[0, 0, 0]: value 16 is out of range; valid: 0..15",
        ),
        (
            {"g_leak": np.r_[np.zeros(383), -1].astype(int)},
            "ChipConfig.g_leak[383]: value -1 is out of range; valid: 0..1023",
        ),
        ({"v_thresh": [0, 0, 1024, 0]}, "ChipConfig.v_thresh[2]: value 1024"),
        ({"row_stp": np.full((2, 256), 3)}, "ChipConfig.row_stp[0, 0]: value 3 is out of range; valid: 0..2"),
        ({"row_sign": np.full((2, 256), 2)}, "valid: 0..1"),
        ({"g_leak": np.zeros(383, int)}, "ChipConfig.g_leak: shape (383,) is invalid; expected (384,)"),
        ({"g_leak": np.zeros(384)}, "ChipConfig.g_leak: dtype float64 is invalid"),
        ({"serial": 2**32}, "ChipConfig.serial: value 4294967296 is out of range; valid: 0..4294967295"),
        ({"serial": 1.0}, "ChipConfig.serial: value 1.0 is not an integer code"),
        ({"stp_u": 1024}, "ChipConfig.stp_u: value 1024 is out of range; valid: 0..1023"),
        (
            {"readout": [0, 383, 384, NO_READOUT]},
            "ChipConfig.readout[2]: value 384 is out of range; valid: 0..383 or NO_READOUT=511",
        ),
    ],
)
def test_validation_messages(kwargs, fragment):
    with pytest.raises(ConfigError) as err:
        ChipConfig(**kwargs)
    assert fragment in str(err.value)
    assert isinstance(err.value, ValueError)


def test_feedback_only_on_wired_rows():
    src = np.zeros((2, 256), np.uint8)
    src[:, :192] = ROW_SOURCE.FEEDBACK_OTHER  # allowed
    ChipConfig(row_source=src)
    src[1, 255] = ROW_SOURCE.FEEDBACK_SAME
    with pytest.raises(ConfigError, match=r"row_source\[1, 255\]: value FEEDBACK_SAME is invalid: rows 192..255"):
        ChipConfig(row_source=src)


def test_external_row_limit():
    src = np.zeros((2, 256), np.uint8)
    src.reshape(-1)[:256] = ROW_SOURCE.EXTERNAL
    ChipConfig(row_source=src)
    src[1, 200] = ROW_SOURCE.EXTERNAL
    with pytest.raises(ConfigError, match="257 rows set to EXTERNAL; a chip takes at most 256"):
        ChipConfig(row_source=src)


def test_validate_after_mutation():
    c = ChipConfig.empty(1)
    c.tau_refrac[0] = 2000  # uint16 holds it, the 10-bit code does not
    with pytest.raises(ConfigError, match=r"tau_refrac\[0\]: value 2000"):
        c.validate()


def test_equality_and_copy():
    a = ChipConfig.empty(3)
    b = a.copy()
    assert a == b and a is not b
    b.weights[1, 2, 3] = 1
    assert a != b and a.weights[1, 2, 3] == 0  # deep copy
    assert ChipConfig.empty(3) != ChipConfig.empty(4)
    assert (a == "x") is False


def test_neuron_group_vectorised():
    assert ChipConfig.neuron_group(np.array([0, 1, 2, 192, 193, 383])).tolist() == [0, 1, 0, 2, 3, 3]
