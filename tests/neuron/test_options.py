"""setup() options of the NEURON backend."""

from __future__ import annotations

import numpy as np
import pytest

from pynn_hw.errors import InvalidParameterValueError
from pynn_hw.standardmodels import cells as std

from software_backends.neuron import NeuronBackend


def test_unknown_option_names_the_valid_ones():
    with pytest.raises(TypeError, match="threads") as info:
        NeuronBackend(threads=2)
    for name in ("use_cvode", "rtol", "atol", "default_maxstep", "native_rng_baseseed"):
        assert name in str(info.value)


@pytest.mark.parametrize("option, value", [("rtol", 0.0), ("atol", -1.0),
                                           ("default_maxstep", "x"),
                                           ("native_rng_baseseed", -3)])
def test_bad_option_values(option, value):
    with pytest.raises(InvalidParameterValueError, match=option):
        NeuronBackend(**{option: value})


def test_cvode_reaches_the_analytic_first_spike(net):
    # R I = 48 mV, gap 15 mV: t* = 20 ln(48/33) = 7.494 ms; CVODE finds it between steps
    builder = net(use_cvode=True, rtol=1e-6, atol=1e-8)
    builder.population(std.IF_curr_exp, 1, record={"spikes": "all", "v": "all"},
                       tau_m=20.0, cm=0.5, i_offset=1.2, v_reset=-70.0, tau_refrac=2.0)
    backend = builder.build()
    backend.run_until(10.0)
    times = backend.get_spikes(0, clear=False).times
    assert times.size == 1
    assert times[0] == pytest.approx(20.0 * np.log(48.0 / 33.0), abs=0.01)
    assert times[0] != pytest.approx(7.5, abs=1e-6)       # not on the time grid
    v = backend.get_signal(0, "v", clear=False)
    assert v.values.shape == (101, 1)


def test_cvode_interspike_interval(net):
    # 2 ms refractory + charging from -70 towards -17 mV: 20 ln(53/33) = 9.476 ms
    builder = net(use_cvode=True, rtol=1e-6, atol=1e-8)
    builder.population(std.IF_cond_exp, 1, record={"spikes": "all"},
                       tau_m=20.0, cm=0.5, i_offset=1.2, v_reset=-70.0, tau_refrac=2.0)
    backend = builder.build()
    backend.run_until(100.0)
    isi = np.diff(backend.get_spikes(0, clear=False).times)
    assert isi.size >= 7
    np.testing.assert_allclose(isi, 2.0 + 20.0 * np.log(53.0 / 33.0), atol=0.02)
