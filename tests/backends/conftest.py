"""Tests that are the same on every software backend: the ``backend`` fixture runs a
test once per backend, ``net`` makes hand-built networks (tests/support/networks.py)
for it, and :data:`UNSUPPORTED` lists, per backend, the tests that do not apply and
why. Backend-specific behaviour stays in tests/nest, tests/brian2 and tests/neuron."""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest

from ..support.networks import ignore_brian2_deprecations, net_factory

#: Backend name -> (module to import first, backend class path, options of every test).
#: NEST runs on the grid, the convention the other two share.
BACKENDS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "nest": ("nest", "software_backends.nest:NestBackend", {"spike_precision": "on_grid"}),
    "brian2": ("brian2", "software_backends.brian2:Brian2Backend", {}),
    "neuron": ("neuron", "software_backends.neuron:NeuronBackend", {}),
}

#: Per backend: test function name -> why it does not run there.
UNSUPPORTED: dict[str, dict[str, str]] = {
    "nest": {},
    "brian2": {
        "test_records_every_recordable_starting_from_the_initial_values":
            "tests/brian2/test_errors_and_options.py builds every type in one network "
            "(a Brian build per type is slow) and checks the first samples there",
        "test_first_spike_is_the_first_step_after_threshold":
            "tests/brian2/test_neuron_dynamics.py builds the LIF types once per module "
            "(lif_runs) and checks this there: a Brian build per test is slow",
        "test_interspike_interval_on_the_grid_within_one_step":
            "checked on the shared lif_runs in tests/brian2/test_neuron_dynamics.py",
    },
    "neuron": {
        "test_dc_source_charges_the_membrane_from_its_start":
            "known difference, not yet explained: NEURON's recorded current switches on "
            "one sample late at 5 ms (on time at 10 ms, tests/neuron/test_current_sources.py)",
        "test_ac_source_follows_its_formula":
            "known difference, not yet explained: NEURON's recorded sine is still on in "
            "the sample at its stop time (80 ms)",
        "test_psp_of_current_based_exponential_synapse":
            "Crank-Nicolson is not exact to 1e-9 mV; tests/neuron/test_neuron_dynamics.py "
            "checks the PSP peak to 0.5 % and its time to one step",
        "test_recording_can_start_and_stop_after_build":
            "NEURON attaches a recording only when it initialises, so one added "
            "mid-run starts at the next reset (tests/neuron/test_runs_and_reset.py)",
        "test_off_grid_spike_times_are_rounded_with_a_warning":
            "NEURON plays back off-grid spike times exactly "
            "(tests/neuron/test_spike_sources.py)",
        "test_gamma_shape_must_be_a_whole_number":
            "NEURON draws gamma intervals of any shape "
            "(tests/neuron/test_spike_sources.py, alpha = 0.5)",
    },
}

os.environ.setdefault("PYNEST_QUIET", "1")
os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")


@pytest.fixture(params=list(BACKENDS))
def backend(request) -> str:
    """The name of the software backend the test runs on."""
    name = request.param
    reason = UNSUPPORTED[name].get(request.function.__name__)
    if reason is not None:
        pytest.skip(f"{name}: {reason}")
    pytest.importorskip(BACKENDS[name][0])
    return name


@pytest.fixture
def net(backend):
    """Makes a fresh NetBuilder for ``backend`` (dt = 0.1 ms, min_delay = 0.1 ms);
    the backends it builds are ended after the test."""
    _, path, options = BACKENDS[backend]
    module, name = path.split(":")
    yield from net_factory(getattr(importlib.import_module(module), name), **options)


def pytest_collection_modifyitems(items):
    ignore_brian2_deprecations(items, __file__.rsplit("/", 1)[0])
