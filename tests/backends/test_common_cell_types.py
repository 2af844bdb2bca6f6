"""Every neuron type a software backend provides builds, runs and records each of its
variables from the initial values on."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from pynn_hw.standardmodels import cells as std

NEURON_TYPES = [cls for cls in std.STANDARD_CELL_TYPES if not cls.is_source]


@pytest.mark.parametrize("celltype", NEURON_TYPES, ids=lambda cls: cls.__name__)
def test_records_every_recordable_starting_from_the_initial_values(net, backend, celltype):
    # the backend's own registry says which types it has
    if celltype not in importlib.import_module(f"software_backends.{backend}.cells").CELL_MODELS:
        pytest.skip(f"{backend} has no {celltype.__name__}")
    builder = net()
    variables = [v for v in celltype.recordable if v != "spikes"]
    builder.population(celltype, 2, record={v: "all" for v in ["spikes", *variables]})
    sim = builder.build()
    sim.run_until(5.0)
    for var in variables:
        signal = sim.get_signal(0, var, clear=False)
        assert signal.values.shape == (51, 2), var
        assert np.isfinite(signal.values).all(), var
        initial = celltype.default_initial_values.get(var, 0.0)
        assert signal.values[0] == pytest.approx([initial, initial]), var
