"""Shared helpers of the hardware-backend tests: example scripts as modules, a run on a backend."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

def load_example(name: str):
    """Import ``examples/<name>.py`` as a module (its ``__main__`` block does not run)."""
    spec = importlib.util.spec_from_file_location(f"hw_example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spike_trains(populations) -> list[np.ndarray]:
    """Spike times (ms) of every cell of the populations, in order."""
    return [np.asarray(st.magnitude) for pop in populations
            for st in pop.get_data("spikes").segments[-1].spiketrains]


def same_trains(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))
