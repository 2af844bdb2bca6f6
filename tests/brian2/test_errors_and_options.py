"""What the Brian 2 backend refuses, and how it says so."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import InvalidParameterValueError, NoModelAvailableError
from pynn_hw.standardmodels import cells as std

from software_backends.brian2 import Brian2Backend


def test_unknown_option_names_the_valid_ones():
    with pytest.raises(TypeError, match="threads.*valid Brian 2 options are: "
                                        "codegen_target, rng_seed"):
        Brian2Backend(threads=2)


def test_bad_codegen_target():
    with pytest.raises(InvalidParameterValueError, match="numpy, cython.*'cpp_standalone'"):
        Brian2Backend(codegen_target="cpp_standalone")


def test_bad_seed():
    with pytest.raises(InvalidParameterValueError, match="rng_seed"):
        Brian2Backend(rng_seed=-1)


@pytest.mark.parametrize("celltype, fragment", [
    (std.GIF_cond_exp, "GIF_cond_exp is not available on Brian 2"),
    (std.SpikeSourceInhGamma, "SpikeSourceInhGamma is not available on Brian 2"),
])
def test_unsupported_cell_types_name_the_supported_ones(net, celltype, fragment):
    builder = net()
    builder.population(celltype, 1)
    with pytest.raises(NoModelAvailableError, match=fragment) as info:
        builder.build()
    assert "IF_cond_exp" in str(info.value) and "SpikeSourceArray" in str(info.value)


def test_adex_needs_a_positive_slope_factor(net):
    builder = net()
    builder.population(std.EIF_cond_exp_isfa_ista, 2, delta_T=np.array([2.0, 0.0]))
    with pytest.raises(InvalidParameterValueError, match="delta_T must be > 0 mV.*0.0"):
        builder.build()


def test_parameter_change_to_a_bad_value_is_refused_and_not_kept(net):
    builder = net()
    builder.population(std.EIF_cond_exp_isfa_ista, 2, record={"v": "all"})
    backend = builder.build()
    with pytest.raises(InvalidParameterValueError, match="delta_T"):
        backend.set_parameters(0, np.array([1]), "delta_T", np.array([0.0]))
    backend.set_parameters(0, np.array([0]), "a", np.array([2.0]))   # still usable
    backend.run_until(1.0)


def test_running_after_end_is_refused(net):
    builder = net()
    builder.population(std.IF_cond_exp, 1)
    backend = builder.build()
    backend.end()
    with pytest.raises(RuntimeError, match="end\\(\\) was called"):
        backend.run_until(1.0)


def test_every_other_standard_type_builds_and_runs(net):
    supported = [std.IF_curr_alpha, std.IF_curr_exp, std.IF_curr_delta, std.IF_cond_alpha,
                 std.IF_cond_exp, std.IF_cond_exp_gsfa_grr, std.IF_facets_hardware1,
                 std.EIF_cond_alpha_isfa_ista, std.EIF_cond_exp_isfa_ista, std.HH_cond_exp,
                 std.Izhikevich, std.SpikeSourcePoisson, std.SpikeSourcePoissonRefractory,
                 std.SpikeSourceGamma, std.SpikeSourceArray]
    builder = net()
    for celltype in supported:
        record = ("spikes", *celltype.recordable) if hasattr(celltype, "recordable") \
            else ("spikes",)
        builder.population(celltype, 2, record={v: "all" for v in dict.fromkeys(record)})
    backend = builder.build()
    backend.run_until(2.0)
    for index, celltype in enumerate(supported):
        for variable in celltype.recordable:
            if variable == "spikes":
                continue
            values = backend.get_signal(index, variable, clear=False).values
            assert values.shape == (21, 2) and np.isfinite(values).all(), (celltype, variable)
            initial = celltype.default_initial_values.get(variable, 0.0)
            assert values[0] == pytest.approx([initial, initial]), (celltype, variable)
