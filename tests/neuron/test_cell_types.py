"""Every cell type the NEURON backend supports fires and behaves (that each builds and
records: tests/backends/test_common_cell_types.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import NoModelAvailableError, NonExistentParameterError, RecordingError
from pynn_hw.parameters import Sequence
from pynn_hw.standardmodels import cells as std


@pytest.mark.parametrize("celltype, current", [
    (std.EIF_cond_exp_isfa_ista, 1.0), (std.EIF_cond_alpha_isfa_ista, 1.0),
    (std.HH_cond_exp, 1.0), (std.Izhikevich, 0.01), (std.IF_cond_exp_gsfa_grr, 1.0),
    (std.IF_facets_hardware1, None),
], ids=lambda x: getattr(x, "__name__", str(x)))
def test_a_steady_drive_makes_every_model_fire(net, celltype, current):
    builder = net()
    params = {} if current is None else {"i_offset": current}
    builder.population(celltype, 1, record={"spikes": "all"}, **params)
    if current is None:    # IF_facets_hardware1 has no i_offset: drive it with a DC source
        from pynn_hw.standardmodels.electrodes import DCSource
        builder.current(DCSource, [0], amplitude=0.5)
    backend = builder.build()
    backend.run_until(200.0)
    assert backend.get_spikes(0, clear=False).times.size >= 3


def test_adaptation_lengthens_the_interspike_intervals(net):
    # each spike adds q_sfa to g_s (decaying with 100 ms): the intervals grow
    builder = net()
    builder.population(std.IF_cond_exp_gsfa_grr, 1, record={"spikes": "all", "g_s": "all"},
                       i_offset=1.0)
    backend = builder.build()
    backend.run_until(300.0)
    isi = np.diff(backend.get_spikes(0, clear=False).times)
    assert isi[-1] > 1.3 * isi[0]
    assert backend.get_signal(0, "g_s", clear=False).values.max() > 15.0   # nS


def test_izhikevich_regular_spiking_reset_to_c(net):
    builder = net()
    builder.population(std.Izhikevich, 1, record={"spikes": "all", "v": "all", "u": "all"},
                       i_offset=0.01)
    backend = builder.build()
    backend.run_until(100.0)
    spikes = backend.get_spikes(0, clear=False).times
    v = backend.get_signal(0, "v", clear=False).values[:, 0]
    step = int(round(spikes[0] / 0.1))
    assert v[step] >= 30.0 and v[step + 1] == pytest.approx(-65.0, abs=1.0)


def test_izhikevich_weight_is_a_voltage_jump_in_mv(net):
    builder = net()
    builder.population(std.SpikeSourceArray, 1, spike_times=Sequence([5.0]))
    builder.population(std.Izhikevich, 1, record={"v": "all"}, a=0.0, b=0.0,
                       initial={"v": -70.0, "u": -14.0})
    # with a = b = 0, u stays at -14 and v' = 0.04 v^2 + 5 v + 140 - u = 0 at -70 mV
    builder.projection(0, 1, [0], [0], 3.0, 1.0)
    backend = builder.build()
    backend.run_until(10.0)
    v = backend.get_signal(1, "v", clear=False).values[:, 0]
    # arrival at 6 ms: a 3 mV jump, then relaxation back at about 0.6 /ms
    # (dv'/dv = 0.08 v + 5 = -0.6 /ms at -70 mV), i.e. < 0.2 mV within one step
    np.testing.assert_allclose(v[:60], -70.0, atol=1e-6)
    assert 2.8 < v[61] - v[59] <= 3.0


@pytest.mark.parametrize("celltype", [std.IF_curr_delta, std.GIF_cond_exp],
                         ids=lambda c: c.__name__)
def test_models_pynn_lacks_on_neuron_raise_no_model_available(net, celltype):
    builder = net()
    builder.population(celltype, 1)
    with pytest.raises(NoModelAvailableError, match=celltype.__name__) as info:
        builder.build()
    assert "IF_cond_exp" in str(info.value) and "SpikeSourceArray" in str(info.value)


def test_unknown_recordable_and_state_errors(net):
    builder = net()
    builder.population(std.IF_cond_exp, 1, record={"w": "all"})
    with pytest.raises(RecordingError, match="'w'"):
        builder.build()
    builder = net()
    builder.population(std.IF_cond_exp, 1)
    backend = builder.build()
    with pytest.raises(NonExistentParameterError):
        backend.set_state(0, np.array([0]), "u", np.array([1.0]))
