"""Standard cell and synapse types: the PyNN table, validation, description."""

import numpy as np
import pytest

import pynn_hw.standardmodels as sm
from pynn_hw.errors import InvalidParameterValueError, NonExistentParameterError
from pynn_hw.parameters import ArrayParameter, Sequence
from pynn_hw.standardmodels import StandardCellType, list_standard_models

# -- the PyNN 0.13 table (pynn-api.md section 1.4), transcribed by hand ------------------
_IF_CURR = dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.1, tau_syn_E=0.5,
                tau_syn_I=0.5, i_offset=0.0, v_reset=-65.0, v_thresh=-50.0)
_IF_COND = dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.1, tau_syn_E=0.3,
                tau_syn_I=0.5, e_rev_E=0.0, e_rev_I=-70.0, v_thresh=-50.0, v_reset=-65.0,
                i_offset=0.0)
_EIF = dict(cm=0.281, tau_refrac=0.1, v_spike=-40.0, v_reset=-70.6, v_rest=-70.6,
            tau_m=9.3667, i_offset=0.0, a=4.0, b=0.0805, delta_T=2.0, tau_w=144.0,
            v_thresh=-50.4, e_rev_E=0.0, tau_syn_E=5.0, e_rev_I=-80.0, tau_syn_I=5.0)
_COND_REC = ["spikes", "v", "gsyn_exc", "gsyn_inh"]
_COND_INIT = dict(v=-65.0, gsyn_exc=0.0, gsyn_inh=0.0)
_START = dict(start=0.0, duration=1e10)

# name: (parameters, recordable, initial values)
TABLE = {
    "IF_curr_alpha": (_IF_CURR, ["spikes", "v"], dict(v=-65.0, isyn_exc=0.0, isyn_inh=0.0)),
    "IF_curr_exp": ({**_IF_CURR, "tau_syn_E": 5.0, "tau_syn_I": 5.0}, ["spikes", "v"],
                    dict(v=-65.0, isyn_exc=0.0, isyn_inh=0.0)),
    "IF_curr_delta": (dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.1, i_offset=0.0,
                           v_reset=-65.0, v_thresh=-50.0), ["spikes", "v"], dict(v=-65.0)),
    "IF_cond_alpha": (_IF_COND, _COND_REC, _COND_INIT),
    "IF_cond_exp": ({**_IF_COND, "tau_syn_E": 5.0, "tau_syn_I": 5.0}, _COND_REC, _COND_INIT),
    "IF_cond_exp_gsfa_grr": (
        {**_IF_COND, "tau_syn_E": 5.0, "tau_syn_I": 5.0, "tau_sfa": 100.0, "e_rev_sfa": -75.0,
         "q_sfa": 15.0, "tau_rr": 2.0, "e_rev_rr": -75.0, "q_rr": 3000.0},
        _COND_REC + ["g_r", "g_s"], {**_COND_INIT, "g_r": 0.0, "g_s": 0.0}),
    "EIF_cond_alpha_isfa_ista": (_EIF, ["spikes", "v", "w", "gsyn_exc", "gsyn_inh"],
                                 dict(v=-70.6, w=0.0, gsyn_exc=0.0, gsyn_inh=0.0)),
    "EIF_cond_exp_isfa_ista": (_EIF, ["spikes", "v", "w", "gsyn_exc", "gsyn_inh"],
                               dict(v=-70.6, w=0.0, gsyn_exc=0.0, gsyn_inh=0.0)),
    "HH_cond_exp": (dict(gbar_Na=20.0, gbar_K=6.0, g_leak=0.01, cm=0.2, v_offset=-63.0,
                         e_rev_Na=50.0, e_rev_K=-90.0, e_rev_leak=-65.0, e_rev_E=0.0,
                         e_rev_I=-80.0, tau_syn_E=0.2, tau_syn_I=2.0, i_offset=0.0),
                    _COND_REC, {**_COND_INIT, "h": 1.0, "m": 0.0, "n": 0.0}),
    "Izhikevich": (dict(a=0.02, b=0.2, c=-65.0, d=2.0, i_offset=0.0), ["spikes", "v", "u"],
                   dict(v=-70.0, u=-14.0)),
    "GIF_cond_exp": (
        dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=4.0, tau_syn_E=5.0, tau_syn_I=5.0,
             e_rev_E=0.0, e_rev_I=-70.0, v_reset=-65.0, i_offset=0.0, delta_v=0.5,
             v_t_star=-48.0, lambda0=1.0, tau_eta=ArrayParameter([1, 10, 100]),
             tau_gamma=ArrayParameter([1, 10, 100]), a_eta=ArrayParameter([1, 1, 1]),
             a_gamma=ArrayParameter([1, 1, 1])),
        _COND_REC + ["i_eta", "v_t"], {**_COND_INIT, "v_t": -48.0, "i_eta": 0.0}),
    # 'gsyn' of the table is recorded as gsyn_exc and gsyn_inh
    "IF_facets_hardware1": (dict(g_leak=40.0, tau_syn_E=30.0, tau_syn_I=30.0, v_reset=-80.0,
                                 e_rev_I=-80.0, v_rest=-65.0, v_thresh=-55.0),
                            _COND_REC, dict(v=-65.0)),
    "SpikeSourcePoisson": (dict(rate=1.0, **_START), ["spikes"], {}),
    "SpikeSourcePoissonRefractory": (dict(rate=1.0, tau_refrac=0.0, **_START), ["spikes"], {}),
    "SpikeSourceGamma": (dict(alpha=2.0, beta=1.0, **_START), ["spikes"], {}),
    "SpikeSourceInhGamma": (dict(a=Sequence([1.0]), b=Sequence([1.0]), tbins=Sequence([0.0]),
                                 **_START), ["spikes"], {}),
    "SpikeSourceArray": (dict(spike_times=Sequence([])), ["spikes"], {}),
}

# Units: "mV, nF, ms, nA, uS, Hz unless stated", with the table's stated exceptions.
UNITS = dict(
    v_rest="mV", v_reset="mV", v_thresh="mV", v_spike="mV", v_offset="mV", v_t_star="mV",
    e_rev_E="mV", e_rev_I="mV", e_rev_sfa="mV", e_rev_rr="mV", e_rev_Na="mV", e_rev_K="mV",
    e_rev_leak="mV", delta_T="mV", delta_v="mV", c="mV", a_gamma="mV",
    cm="nF", i_offset="nA", b="nA", a_eta="nA",
    tau_m="ms", tau_refrac="ms", tau_syn_E="ms", tau_syn_I="ms", tau_sfa="ms", tau_rr="ms",
    tau_w="ms", tau_eta="ms", tau_gamma="ms", start="ms", duration="ms", tbins="ms",
    spike_times="ms",
    q_sfa="nS", q_rr="nS", a="nS", gbar_Na="uS", gbar_K="uS", g_leak="uS",
    rate="Hz", beta="Hz", lambda0="Hz", alpha="dimensionless",
    v="mV", gsyn_exc="uS", gsyn_inh="uS", isyn_exc="nA", isyn_inh="nA", w="nA",
    g_r="nS", g_s="nS", u="mV/ms", h="dimensionless", m="dimensionless", n="dimensionless",
    i_eta="nA", v_t="mV",
)
UNIT_EXCEPTIONS = {
    "Izhikevich": dict(a="/ms", b="/ms", d="mV/ms"),
    "IF_facets_hardware1": dict(g_leak="nS"),
    "SpikeSourceInhGamma": dict(a="dimensionless", b="s"),
}

CELL_TYPES = [getattr(sm, name) for name in TABLE]
SOURCES = [c for c in CELL_TYPES if c.__name__.startswith("SpikeSource")]
NEURONS = [c for c in CELL_TYPES if c not in SOURCES]


@pytest.mark.parametrize("name", TABLE)
def test_defaults_recordables_initial_values(name):
    cls = getattr(sm, name)
    parameters, recordable, initial = TABLE[name]
    assert cls.default_parameters == parameters
    assert cls.recordable == recordable
    assert cls.default_initial_values == initial
    assert set(cls.get_parameter_names()) == set(parameters)


@pytest.mark.parametrize("name", TABLE)
def test_units(name):
    cls = getattr(sm, name)
    parameters, recordable, initial = TABLE[name]
    expected = {**UNITS, **UNIT_EXCEPTIONS.get(name, {})}
    for variable in [*parameters, *initial, *recordable[1:]]:
        assert cls.units[variable] == expected[variable], variable


def test_list_standard_models_gives_every_cell_type_once():
    models = list_standard_models()
    assert sorted(m.__name__ for m in models) == sorted(TABLE)
    assert all(issubclass(m, StandardCellType) for m in models)


def test_no_cell_type_derives_from_another():
    # a backend registry keyed on the class must not mistake one model for another
    for cls in CELL_TYPES:
        for other in CELL_TYPES:
            assert other is cls or not issubclass(cls, other)


@pytest.mark.parametrize("cls", NEURONS, ids=lambda c: c.__name__)
def test_neuron_flags(cls):
    expected_receptors = ("excitatory", "inhibitory")
    if cls is sm.HH_cond_exp:
        expected_receptors += ("source_section.gap",)
    assert cls.receptor_types == expected_receptors
    assert cls.injectable and not cls.is_source and not cls.always_local
    current_based = {"IF_curr_alpha", "IF_curr_exp", "IF_curr_delta", "Izhikevich"}
    assert cls.conductance_based == (cls.__name__ not in current_based)
    delta = {"IF_curr_delta", "Izhikevich"}
    expected_weight_units = "mV" if cls.__name__ in delta else (
        "nA" if cls.__name__ in current_based else "uS")
    assert cls.weight_units == expected_weight_units


@pytest.mark.parametrize("cls", SOURCES, ids=lambda c: c.__name__)
def test_spike_source_flags(cls):
    assert cls.receptor_types == ()
    assert not cls.injectable and cls.is_source and cls.always_local
    assert cls.recordable == ["spikes"] and cls.can_record("spikes") and not cls.can_record("v")


@pytest.mark.parametrize("cls", CELL_TYPES, ids=lambda c: c.__name__)
def test_default_instance_evaluates_to_defaults(cls):
    values = cls().parameter_space.evaluate(simplify=True)
    assert values == cls.default_parameters


def test_schema_and_has_parameter():
    assert sm.SpikeSourceArray.get_schema() == {"spike_times": Sequence}
    assert sm.GIF_cond_exp.get_schema()["tau_eta"] is ArrayParameter
    assert sm.IF_cond_exp.get_schema()["tau_m"] is float
    assert sm.IF_cond_exp.has_parameter("tau_m") and not sm.IF_cond_exp.has_parameter("tau")


# -- validation ---------------------------------------------------------------------------
@pytest.mark.parametrize("cls, name, value, fragment", [
    (sm.IF_cond_exp, "tau_m", 0.0, "IF_cond_exp.tau_m must be > 0 ms (got 0.0)"),
    (sm.IF_cond_exp, "cm", -1.0, "IF_cond_exp.cm must be > 0 nF (got -1.0)"),
    (sm.IF_curr_exp, "tau_syn_E", -0.5, "IF_curr_exp.tau_syn_E must be > 0 ms (got -0.5)"),
    (sm.IF_curr_alpha, "tau_refrac", -0.1, "IF_curr_alpha.tau_refrac must be >= 0 ms (got -0.1)"),
    (sm.EIF_cond_exp_isfa_ista, "tau_w", 0.0, "tau_w must be > 0 ms"),
    (sm.HH_cond_exp, "gbar_Na", -1.0, "HH_cond_exp.gbar_Na must be >= 0 uS (got -1.0)"),
    (sm.SpikeSourcePoisson, "rate", -5.0, "SpikeSourcePoisson.rate must be >= 0 Hz (got -5.0)"),
    (sm.SpikeSourcePoisson, "duration", -1.0, "duration must be >= 0 ms (got -1.0)"),
    (sm.SpikeSourceGamma, "alpha", 0.0, "SpikeSourceGamma.alpha must be > 0 (got 0.0)"),
    (sm.IF_cond_exp, "v_rest", float("nan"), "v_rest must be a number (not NaN)"),
])
def test_out_of_range_scalar(cls, name, value, fragment):
    with pytest.raises(InvalidParameterValueError) as info:
        cls(**{name: value})
    assert fragment in str(info.value)


def test_valid_edge_values_are_accepted():
    sm.IF_cond_exp(tau_refrac=0.0, v_thresh=np.inf)
    sm.SpikeSourcePoisson(rate=0.0, duration=0.0)
    sm.SpikeSourceArray(spike_times=[1.0, 1.0, 2.0])  # equal times do not decrease


def test_out_of_range_array_element_names_index_and_count():
    with pytest.raises(InvalidParameterValueError,
                       match=r"tau_m must be > 0 ms \(got -3\.0 at index 2 and 1 other\(s\)\)"):
        sm.IF_cond_exp(tau_m=np.array([10.0, 5.0, -3.0, 0.0]))


def test_invalid_parameter_value_error_is_a_value_error():
    with pytest.raises(ValueError):
        sm.IF_cond_exp(tau_m=-1.0)


def test_spike_times_must_increase():
    with pytest.raises(InvalidParameterValueError,
                       match=r"SpikeSourceArray.spike_times must be in increasing order "
                             r"\(got Sequence\(\[5.0, 3.0\]\)\)"):
        sm.SpikeSourceArray(spike_times=Sequence([5.0, 3.0]))
    with pytest.raises(InvalidParameterValueError, match="for element 1"):
        sm.SpikeSourceArray(spike_times=[Sequence([1.0, 2.0]), Sequence([4.0, 3.0])])
    with pytest.raises(InvalidParameterValueError, match=r"every element must be >= 0 ms"):
        sm.SpikeSourceArray(spike_times=[-1.0, 2.0])


def test_array_parameter_elements_checked():
    with pytest.raises(InvalidParameterValueError,
                       match=r"GIF_cond_exp.tau_eta: every element must be > 0 ms"):
        sm.GIF_cond_exp(tau_eta=ArrayParameter([1.0, -10.0, 100.0]))
    cell = sm.GIF_cond_exp(tau_eta=[2.0, 20.0], a_eta=[1.0, 1.0])  # lists become ArrayParameters
    assert cell.parameter_space["tau_eta"].evaluate(simplify=True) == ArrayParameter([2, 20])


def test_wrong_type_and_unknown_name():
    with pytest.raises(InvalidParameterValueError,
                       match=r"IF_cond_exp.tau_m: expected a value of type float.*'abc'"):
        sm.IF_cond_exp(tau_m="abc")
    with pytest.raises(InvalidParameterValueError, match="type Sequence"):
        sm.SpikeSourceArray(spike_times=5.0)
    with pytest.raises(NonExistentParameterError) as info:
        sm.IF_cond_exp(tau_mem=10.0)
    assert "IF_cond_exp has no parameter 'tau_mem'" in str(info.value)
    assert "tau_m" in info.value.valid_parameter_names


def test_function_values_checked_when_shape_known():
    cell = sm.IF_cond_exp(tau_m=lambda i: 10.0 - i)  # cell 10 gets tau_m = 0
    space = cell.parameter_space.copy()
    with pytest.raises(InvalidParameterValueError,
                       match=r"tau_m must be > 0 ms \(got 0.0 at index 10"):
        space.shape = (12,)


def test_random_values_from_the_project_rng_are_checked():
    random = pytest.importorskip("pynn_hw.random")
    rd = random.RandomDistribution("normal", (0.0, 1.0), rng=random.NumpyRNG(seed=5))
    space = sm.IF_cond_exp(cm=rd).parameter_space.copy()
    with pytest.raises(InvalidParameterValueError, match="IF_cond_exp.cm must be > 0 nF"):
        space.shape = (100,)


def test_initial_value_space():
    space = sm.EIF_cond_exp_isfa_ista.initial_value_space(shape=(3,))
    assert space.evaluate() == {"v": -70.6, "w": 0.0, "gsyn_exc": 0.0, "gsyn_inh": 0.0}
    space["v"] = np.array([-70.0, -60.0, -50.0])
    np.testing.assert_array_equal(space.evaluate(mask=slice(1, None))["v"], [-60.0, -50.0])
    with pytest.raises(NonExistentParameterError,
                       match=r"EIF_cond_exp_isfa_ista \(initial values\) has no parameter 'u'"):
        space.update(u=1.0)
    with pytest.raises(InvalidParameterValueError, match=r"\(initial values\)\.w must be a number"):
        space.update(w=float("nan"))
    with pytest.raises(InvalidParameterValueError, match="type float"):
        space.update(v="rest")


def test_initial_value_names():
    assert sm.HH_cond_exp.get_initial_value_names() == ["v", "gsyn_exc", "gsyn_inh",
                                                        "h", "m", "n"]
    sm.Izhikevich.check_initial_value_name("u")
    with pytest.raises(NonExistentParameterError, match="'w'"):
        sm.Izhikevich.check_initial_value_name("w")


# -- description ---------------------------------------------------------------------------
def test_repr_shows_changed_parameters():
    assert repr(sm.IF_cond_exp(tau_m=10.0)) == "IF_cond_exp(tau_m=10.0)"
    assert repr(sm.SpikeSourceArray()) == "SpikeSourceArray()"


def test_describe():
    text = sm.IF_cond_exp(tau_m=12.5).describe()
    assert text.startswith("IF_cond_exp:")
    assert "tau_m = 12.5 ms" in text and "cm = 1.0 nF" in text
    assert "v = -65.0 mV" in text
    assert "recordable: spikes, v, gsyn_exc, gsyn_inh" in text
    assert "receptor types: excitatory, inhibitory" in text
    assert "receptor types: (none)" in sm.SpikeSourcePoisson().describe()


# -- synapses ------------------------------------------------------------------------------
class TestStaticSynapse:
    def test_defaults(self):
        syn = sm.StaticSynapse()
        assert sm.StaticSynapse.default_parameters == {"weight": 0.0, "delay": None}
        assert syn.has_default_delay and not syn.is_plastic
        assert syn.resolved_parameter_space(0.25).as_dict() == {"weight": 0.0, "delay": 0.25}

    def test_given_delay_is_kept(self):
        syn = sm.StaticSynapse(weight=0.5, delay=1.5)
        assert not syn.has_default_delay
        assert syn.resolved_parameter_space(0.1).as_dict() == {"weight": 0.5, "delay": 1.5}

    def test_array_weights_and_validation(self):
        syn = sm.StaticSynapse(weight=np.array([0.1, 0.2]))
        np.testing.assert_array_equal(syn.parameter_space["weight"].evaluate(), [0.1, 0.2])
        with pytest.raises(InvalidParameterValueError, match="StaticSynapse.delay must be >= 0 ms"):
            sm.StaticSynapse(delay=-1.0)
        assert sm.StaticSynapse.units["delay"] == "ms"

    def test_distance_expressions_are_kept_for_the_projection(self):
        syn = sm.StaticSynapse(weight=0.1, delay="0.5 + 0.01*d")
        assert syn.parameter_space["delay"].base_value == "0.5 + 0.01*d"
        with pytest.raises(InvalidParameterValueError, match="IF_cond_exp.tau_m: expected"):
            sm.IF_cond_exp(tau_m="0.5 + 0.01*d")  # cells take no expressions


# -- parameters that belong together ------------------------------------------------------
def test_gif_kernel_lengths_must_match():
    with pytest.raises(InvalidParameterValueError,
                       match=r"GIF_cond_exp: tau_eta and a_eta must have the same length "
                             r"\(got 2 and 3\)"):
        sm.GIF_cond_exp(tau_eta=[1.0, 10.0])
    sm.GIF_cond_exp(tau_eta=[1.0, 10.0], a_eta=[0.5, 0.5])


def test_inh_gamma_bins_per_cell_lengths_checked_when_shape_known():
    cell = sm.SpikeSourceInhGamma(a=[[1.0, 2.0], [1.0]], b=[[1.0, 1.0], [1.0]],
                                  tbins=[[0.0, 5.0], [0.0]])
    space = cell.parameter_space.copy()
    space.shape = (2,)
    with pytest.raises(InvalidParameterValueError,
                       match=r"a and b and tbins must have the same length \(got 2 and 1 and 2 "
                             r"for element 0\)"):
        space.update(b=[[1.0], [1.0]])
    assert space["b"][0] == Sequence([1.0, 1.0])  # the rejected value was not stored


def test_convert_gives_a_checked_lazy_value_for_part_of_the_cells():
    space = sm.SpikeSourceArray().parameter_space.copy()
    space.shape = (10,)
    lazy = space.convert("spike_times", [1.0, 2.0, 3.0], shape=(2,))
    assert lazy.shape == (2,) and lazy.evaluate()[1] == Sequence([1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameterValueError, match="increasing order"):
        space.convert("spike_times", [3.0, 2.0], shape=(2,))
    with pytest.raises(NonExistentParameterError):
        space.convert("rate", 1.0)
