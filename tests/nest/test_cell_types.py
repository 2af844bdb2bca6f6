"""Every standard cell type has a NEST model that receives its parameters (that each
builds, runs and records: tests/backends/test_common_cell_types.py)."""

from __future__ import annotations

import nest
import numpy as np
import pytest

from pynn_hw.errors import InvalidParameterValueError, RecordingError
from pynn_hw.standardmodels import cells as std

from software_backends.nest.cells import CELL_MODELS, READ_ONLY_STATE

NEURONS = sorted(CELL_MODELS, key=lambda cls: cls.__name__)


def test_every_standard_cell_type_has_a_nest_model():
    from software_backends.nest.sources import SOURCE_MODELS
    neurons = [cls for cls in std.STANDARD_CELL_TYPES if not cls.is_source]
    sources = [cls for cls in std.STANDARD_CELL_TYPES if cls.is_source]
    assert set(neurons) == set(CELL_MODELS)
    assert set(sources) == set(SOURCE_MODELS)


@pytest.mark.parametrize("celltype", NEURONS, ids=lambda cls: cls.__name__)
def test_every_parameter_reaches_nest(celltype):
    # each PyNN parameter feeds a NEST parameter that the NEST model knows
    table = CELL_MODELS[celltype]
    assert table.parameter_names() == set(celltype.default_parameters)
    defaults = nest.GetDefaults(table.nest_model)
    assert all(rule.nest_name in defaults for rule in table.rules)
    for name in set(table.state) - READ_ONLY_STATE.get(celltype, frozenset()):
        nest_name = table.state[name].nest_name
        assert nest_name in defaults or nest_name in defaults["recordables"], name


def test_translated_values_land_in_nest(net):
    builder = net()
    builder.population(std.IF_cond_exp, 2, cm=0.2, tau_m=np.array([10.0, 40.0]),
                       i_offset=0.3, e_rev_I=-75.0)
    builder.population(std.EIF_cond_exp_isfa_ista, 1, b=0.1, a=2.0)
    builder.population(std.IF_facets_hardware1, 1, g_leak=25.0)
    builder.population(std.HH_cond_exp, 1, gbar_Na=25.0)
    backend = builder.build()
    cond = backend.populations[0].nodes.get(["C_m", "g_L", "I_e", "E_in"])
    assert cond["C_m"] == pytest.approx([200.0, 200.0])           # nF -> pF
    assert cond["g_L"] == pytest.approx([20.0, 5.0])              # cm / tau_m in nS
    assert cond["I_e"] == pytest.approx([300.0, 300.0])           # nA -> pA
    eif = backend.populations[1].nodes.get(["b", "a"])
    assert (eif["b"], eif["a"]) == pytest.approx((100.0, 2.0))
    facets = backend.populations[2].nodes.get(["g_L", "C_m", "t_ref", "E_ex"])
    assert [facets[k] for k in ("g_L", "C_m", "t_ref", "E_ex")] == pytest.approx(
        [25.0, 200.0, 1.0, 0.0])
    assert backend.populations[3].nodes.get("g_Na") == pytest.approx(25000.0)


def test_parameter_change_recomputes_dependent_nest_values(net):
    builder = net()
    builder.population(std.IF_cond_exp, 3, cm=0.5, tau_m=10.0)
    backend = builder.build()
    backend.set_parameters(0, np.array([2, 0]), "tau_m", np.array([25.0, 50.0]))
    assert backend.populations[0].nodes.get("g_L") == pytest.approx([10.0, 50.0, 20.0])


def test_gif_array_parameters_per_cell(net):
    from pynn_hw.parameters import ArrayParameter
    taus = np.empty(2, dtype=object)
    taus[:] = [ArrayParameter([1.0, 10.0]), ArrayParameter([2.0, 20.0])]
    builder = net()
    builder.population(std.GIF_cond_exp, 2, tau_eta=taus,
                       a_eta=ArrayParameter([0.1, 0.2]), tau_gamma=ArrayParameter([5.0, 50.0]),
                       a_gamma=ArrayParameter([1.0, 2.0]))
    backend = builder.build()
    nodes = backend.populations[0].nodes
    assert list(nodes[1].get("tau_stc")) == [2.0, 20.0]
    assert list(nodes[0].get("q_stc")) == pytest.approx([100.0, 200.0])   # nA -> pA
    backend.run_until(2.0)


def test_state_nest_cannot_set_is_refused(net):
    builder = net()
    builder.population(std.IF_curr_exp, 1, initial={"isyn_exc": 0.5})
    with pytest.raises(InvalidParameterValueError, match="isyn_exc"):
        builder.build()


def test_spike_sources_record_spikes_only(net):
    builder = net()
    builder.population(std.SpikeSourcePoisson, 1, record={"v": "all"})
    with pytest.raises(RecordingError, match="'v'"):
        builder.build()
