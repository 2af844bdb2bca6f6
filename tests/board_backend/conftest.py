"""Shared helpers of the board-backend tests: the example scripts as modules."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_example(name: str):
    """Import ``examples/<name>.py`` as a module (its ``__main__`` block does not run)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def emu():
    """``pynn_hw.emulator`` after a fresh ``setup()``; ``end()`` afterwards."""
    import pynn_hw.emulator as sim
    sim.setup(timestep=0.1, min_delay=0.1)
    yield sim
    sim.end()
