"""The ``net`` fixture: Network descriptions built by hand (tests/support/networks.py),
so the NEURON backend is tested without the front-end; ``sim``: the PyNN API on NEURON."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
pytest.importorskip("neuron")

from software_backends.neuron import NeuronBackend  # noqa: E402

from ..support.networks import net_factory  # noqa: E402


@pytest.fixture
def net():
    """Makes a fresh NetBuilder (dt = 0.1 ms, min_delay = 0.1 ms)."""
    yield from net_factory(NeuronBackend)


@pytest.fixture
def sim():
    """The PyNN API on NEURON, freshly set up."""
    import pynn_hw.neuron as simulator
    simulator.setup(timestep=0.1)
    yield simulator
    simulator.end()
