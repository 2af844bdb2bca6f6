"""Fixtures shared by the whole test suite."""

import pytest


@pytest.fixture
def sim():
    """The PyNN API on NEST, freshly set up (the front-end's reference backend)."""
    import pynn_hw.nest as simulator
    simulator.setup(timestep=0.1)
    yield simulator
    simulator.end()


@pytest.fixture(autouse=True)
def _private_calibration_dir(tmp_path_factory, monkeypatch):
    """Keep tests away from the user's calibration tables (and from each other's)."""
    import os
    if "PYNN_HW_CALIBRATION_DIR" not in os.environ:
        monkeypatch.setenv("PYNN_HW_CALIBRATION_DIR",
                           str(tmp_path_factory.mktemp("calibration")))
