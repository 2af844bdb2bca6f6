"""The software backends the plasticity tests run on."""

import importlib

import pytest

BACKENDS = ("nest", "brian2", "neuron")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """A software backend module (``pynn_hw.nest``, ...), set up by each test."""
    return importlib.import_module(f"pynn_hw.{request.param}")
