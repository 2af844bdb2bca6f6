"""Fixtures shared by the whole test suite."""

import pytest


@pytest.fixture
def sim():
    """The PyNN API on NEST, freshly set up (the front-end's reference backend)."""
    import pynn_hw.nest as simulator
    simulator.setup(timestep=0.1)
    yield simulator
    simulator.end()
