"""Shared fixtures: a synthetic table with known transforms, and one real calibration of a chip."""

from __future__ import annotations

import numpy as np
import pytest

from calibration import PARAMETERS, CalibrationTable, Transform
from firmware_io.units import CM_NF

SERIAL = 0x51C00001          # the chip of the shipped single_chip board


def nominal_transforms(gain: float = 1.0) -> dict[str, Transform]:
    """Transforms of a chip whose every circuit has ``gain`` times the nominal LSB (exact inverses)."""
    def poly(n, c0, c1, domain):
        return Transform("polynomial", np.tile([c0, c1], (n, 1)), domain)

    return {
        "tau_m": Transform("inverse_polynomial", np.tile([0.0, CM_NF * 1e3 / (0.1 * gain)], (384, 1)), (2.5, 60.0)),
        "tau_refrac": poly(384, 0.0, 1 / (0.025 * gain), (0.0, 20.0)),
        **{v: poly(4, 1023.0, 10.0, (-100.0, -10.0)) for v in ("v_rest", "v_reset", "v_thresh", "e_rev_I")},
        "w_exc": poly(512, 0.0, 256 / 0.001 / gain, (0.0, 0.003)),
        "w_inh": poly(512, 0.0, 256 / 0.016 / gain, (0.0, 0.05)),
    }


def make_table(serial: int = SERIAL, gain: float = 1.0) -> CalibrationTable:
    assert set(nominal_transforms()) == set(PARAMETERS)
    return CalibrationTable(serial=serial, transforms=nominal_transforms(gain),
                            neuron_weight_gain={"exc": np.ones(384), "inh": np.ones(384)}, board="test", chip_id=0)


@pytest.fixture
def table() -> CalibrationTable:
    return make_table()


@pytest.fixture(scope="session")
def calibrated_chip(tmp_path_factory):
    """``pynn-hw calibrate`` run once on the emulated single_chip board (mismatch on): (folder, table)."""
    from calibration import load_table
    from pynn_hw.cli import main

    folder = tmp_path_factory.mktemp("tables")
    assert main(["calibrate", "--board", "single_chip", "--dir", str(folder), "--no-spread", "--quiet"]) == 0
    return folder, load_table(SERIAL, folder)
