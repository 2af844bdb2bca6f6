"""Transforms and the domain check of the translation."""

from __future__ import annotations

import numpy as np
import pytest

from calibration import CalibrationFileError, Transform
from pynn_hw.errors import InvalidParameterValueError


def test_polynomial_and_inverse_polynomial_values():
    p = Transform("polynomial", np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]]), (-5.0, 5.0))
    # 1 + 2x + 3x^2 at x = 2 is 17; the second circuit is the identity
    assert np.allclose(p.codes(2.0), [17.0, 2.0])
    q = Transform("inverse_polynomial", np.array([[0.0, 2000.0]]), (1.0, 100.0))
    assert np.allclose(q.codes([20.0], [0]), [100.0])          # 2000 / 20


def test_lookup_interpolates_per_circuit():
    t = Transform("lookup", np.array([[0.0, 100.0, 300.0], [10.0, 20.0, 30.0]]), (0.0, 2.0),
                  points=np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]))
    # circuit 0 at 1.5: halfway between 100 and 300; circuit 1 at 0.25: 10 + 0.25 * 10
    assert np.allclose(t.codes([1.5, 0.25], [0, 1]), [200.0, 12.5])


@pytest.mark.parametrize("kwargs, match", [
    (dict(kind="spline", coefficients=np.ones((1, 2)), domain=(0, 1)), "kind 'spline' is unknown"),
    (dict(kind="polynomial", coefficients=np.ones((1, 2)), domain=(1, 1)), "domain"),
    (dict(kind="polynomial", coefficients=np.array([[np.nan, 1.0]]), domain=(0, 1)), "finite"),
    (dict(kind="lookup", coefficients=np.ones((1, 2)), domain=(0, 1), points=np.array([[1.0, 0.0]])), "increasing"),
])
def test_invalid_transforms_are_refused(kwargs, match):
    with pytest.raises(CalibrationFileError, match=match):
        Transform(**kwargs)


def test_value_outside_the_domain_names_parameter_value_and_range(table):
    with pytest.raises(InvalidParameterValueError,
                       match=r"tau_m = 1 ms is outside the calibrated range of chip 0x51C00001; allowed: 2.5..60 ms"):
        table.to_codes("tau_m", [20.0, 1.0])
    with pytest.raises(InvalidParameterValueError, match=r"v_thresh = -101 mV .* allowed: -100..-10 mV"):
        table.to_codes("v_thresh", -101.0)
    with pytest.raises(ValueError):       # the PyNN error is also a ValueError
        table.to_codes("w_exc", np.nan)


def test_codes_round_to_nearest(table):
    # nominal transforms: tau_m 20 ms -> g 10 nS -> code 100; v -65 mV -> code 373; w 0.001 uS -> 256
    assert table.to_codes("tau_m", 20.0, [3]).tolist() == [100]
    assert table.to_codes("v_rest", -65.0).tolist() == [373] * 4
    assert table.to_codes("w_exc", 0.001, [7]).tolist() == [256]
