"""The NEST extras of setup()."""

from __future__ import annotations

import nest
import pytest

from pynn_hw.errors import InvalidParameterValueError, NoModelAvailableError
from pynn_hw.standardmodels import cells as std
from pynn_hw.standardmodels.base import StandardCellType

from software_backends.nest import NestBackend


def test_unknown_option_names_it_and_the_valid_ones():
    with pytest.raises(TypeError, match=r"use_cvode.*valid NEST options are: threads, rng_seed"):
        NestBackend(threads=1, use_cvode=True)


@pytest.mark.parametrize("option, value, fragment", [
    ("threads", 0, "threads must be a whole number >= 1"),
    ("spike_precision", "exact", "spike_precision must be 'on_grid' or 'off_grid'"),
    ("verbosity", "loud", "verbosity must be one of"),
    ("rng_seed", -3, "rng_seed must be"),
    ("recording_precision", -1, "recording_precision"),
])
def test_bad_option_values(option, value, fragment):
    with pytest.raises(InvalidParameterValueError, match=fragment):
        NestBackend(**{option: value})


def test_kernel_settings_follow_the_network_and_options(net):
    builder = net(dt=0.05, min_delay=0.5, max_delay=4.0, threads=2, rng_seed=77)
    builder.population(std.IF_cond_exp, 3)
    builder.build()
    status = nest.GetKernelStatus(["resolution", "min_delay", "max_delay",
                                   "local_num_threads", "rng_seed"])
    # NEST's min_delay is one step: devices are connected with one-step delays
    assert status == pytest.approx((0.05, 0.05, 4.0, 2, 77))


def test_precise_models_with_off_grid_precision(net):
    builder = net(spike_precision="off_grid")
    builder.population(std.IF_curr_exp, 1)
    builder.population(std.SpikeSourcePoisson, 1)
    backend = builder.build()
    assert backend.populations[0].model == "iaf_psc_exp_ps"
    assert backend.populations[1].model == "poisson_generator_ps"
    assert backend.populations[1].nodes.get("model") == "parrot_neuron_ps"


def test_unknown_rng_type(net):
    builder = net(rng_type="dice")
    builder.population(std.IF_cond_exp, 1)
    with pytest.raises(InvalidParameterValueError, match="rng_type.*mt19937"):
        builder.build()


def test_unsupported_cell_class_is_named():
    class Custom(StandardCellType):
        pass
    from software_backends.nest.populations import builder_for
    with pytest.raises(NoModelAvailableError, match="Custom.*IF_cond_exp"):
        builder_for(Custom)
