"""Shared fixture of the hardware plasticity tests: ``pynn_hw.emulator`` on nominal chips."""

from __future__ import annotations

import pytest


@pytest.fixture
def emu():
    """``pynn_hw.emulator`` after ``setup()`` (mismatch off); ``end()`` afterwards."""
    import pynn_hw.emulator as sim
    sim.setup(timestep=0.1, min_delay=0.1, mismatch=False)
    yield sim
    sim.end()
