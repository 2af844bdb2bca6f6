"""The plastic synapse types of the front-end: tables, validation, composition,
the float references of the rules, and the deprecated 0.7 forms."""

import pickle
import warnings

import numpy as np
import pytest

from pynn_hw.errors import (ConnectionError, InvalidParameterValueError,
                            NoModelAvailableError, NonExistentParameterError)
from pynn_hw.standardmodels import plasticity as stdp
from pynn_hw.standardmodels.deprecated_synapses import SynapseDynamics, TsodyksMarkramMechanism
from pynn_hw.standardmodels.synapses import TsodyksMarkramSynapse

NAMES = ["TsodyksMarkramSynapse", "STDPMechanism", "SpikePairRule", "AdditiveWeightDependence",
         "MultiplicativeWeightDependence", "AdditivePotentiationMultiplicativeDepression",
         "GutigWeightDependence", "SynapseDynamics", "TsodyksMarkramMechanism"]


def test_backend_modules_export_the_types():
    import pynn_hw.brian2
    import pynn_hw.nest
    import pynn_hw.neuron
    for module in (pynn_hw.nest, pynn_hw.brian2, pynn_hw.neuron):
        for name in NAMES:
            assert getattr(module, name) is not None, (module.__name__, name)


def test_defaults_are_pynn_s():
    assert TsodyksMarkramSynapse.default_parameters == {
        "weight": 0.0, "delay": None, "U": 0.5, "tau_rec": 100.0, "tau_facil": 0.0}
    assert TsodyksMarkramSynapse.default_initial_values == {"u": 0.0}
    assert TsodyksMarkramSynapse.is_plastic
    assert stdp.SpikePairRule.default_parameters == {
        "tau_plus": 20.0, "tau_minus": 20.0, "A_plus": 0.01, "A_minus": 0.01}
    for cls in stdp.STDP_WEIGHT_DEPENDENCES:
        assert cls.default_parameters["w_min"] == 0.0 and cls.default_parameters["w_max"] == 1.0
    assert stdp.GutigWeightDependence.default_parameters["mu_plus"] == 0.5
    assert stdp.GutigWeightDependence.default_parameters["mu_minus"] == 0.5


def test_stdp_mechanism_is_composed_from_its_components():
    s = stdp.STDPMechanism(stdp.SpikePairRule(tau_plus=15.0), stdp.GutigWeightDependence(),
                           weight=0.2, delay=1.5)
    cls = type(s)
    assert isinstance(s, stdp.STDPMechanism) and s.is_plastic
    assert cls.timing_dependence_type is stdp.SpikePairRule
    assert cls.weight_dependence_type is stdp.GutigWeightDependence
    assert cls.get_parameter_names() == [
        "weight", "delay", "dendritic_delay_fraction", "tau_plus", "tau_minus", "A_plus",
        "A_minus", "w_min", "w_max", "mu_plus", "mu_minus"]
    assert s.parameter_space["tau_plus"].base_value == 15.0
    assert s.parameter_space["weight"].base_value == 0.2
    # one class per pair of component classes, found again by name (pickle)
    again = stdp.STDPMechanism(stdp.SpikePairRule(), stdp.GutigWeightDependence())
    assert type(again) is cls
    assert pickle.loads(pickle.dumps(cls)) is cls
    copy = pickle.loads(pickle.dumps(s))
    assert type(copy) is cls and copy.parameter_space["tau_plus"].base_value == 15.0
    assert "GutigWeightDependence" in s.describe()


def test_stdp_mechanism_errors():
    with pytest.raises(TypeError, match="timing_dependence must be"):
        stdp.STDPMechanism(None, stdp.AdditiveWeightDependence())
    with pytest.raises(TypeError, match="weight_dependence must be"):
        stdp.STDPMechanism(stdp.SpikePairRule(), stdp.SpikePairRule())
    with pytest.raises(NoModelAvailableError, match="voltage_dependence"):
        stdp.STDPMechanism(stdp.SpikePairRule(), stdp.AdditiveWeightDependence(),
                           voltage_dependence=object())
    with pytest.raises(InvalidParameterValueError,
                       match=r"dendritic_delay_fraction must be <= 1 \(got 1.5\)"):
        stdp.STDPMechanism(stdp.SpikePairRule(), stdp.AdditiveWeightDependence(),
                           dendritic_delay_fraction=1.5)


@pytest.mark.parametrize("make, message", [
    (lambda: TsodyksMarkramSynapse(U=1.5), r"TsodyksMarkramSynapse.U must be <= 1 \(got 1.5\)"),
    (lambda: TsodyksMarkramSynapse(tau_rec=0.0), r"tau_rec must be > 0"),
    (lambda: TsodyksMarkramSynapse(tau_facil=-1.0), r"tau_facil must be >= 0"),
    (lambda: stdp.SpikePairRule(tau_minus=-2.0), r"SpikePairRule.tau_minus must be > 0"),
    (lambda: stdp.SpikePairRule(A_plus=-0.1), r"A_plus must be >= 0"),
    (lambda: stdp.MultiplicativeWeightDependence(w_min=0.5, w_max=0.2),
     r"w_min <= w_max \(got w_min=0.5, w_max=0.2\)"),
])
def test_invalid_values(make, message):
    with pytest.raises(InvalidParameterValueError, match=message):
        make()


def test_unknown_parameter(sim):
    with pytest.raises(TypeError, match="tau"):
        stdp.SpikePairRule(tau=3.0)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
    post = sim.Population(1, sim.IF_cond_exp())
    prj = sim.Projection(pre, post, sim.OneToOneConnector(),
                         sim.STDPMechanism(sim.SpikePairRule(), sim.AdditiveWeightDependence()))
    with pytest.raises(NonExistentParameterError, match="mu_plus"):
        prj.get("mu_plus", format="list")


def test_exponents_of_the_weight_dependences():
    assert [tuple(map(float, cls.exponents({}))) for cls in stdp.STDP_WEIGHT_DEPENDENCES[:3]] \
        == [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    mu = stdp.GutigWeightDependence.exponents({"mu_plus": 0.3, "mu_minus": 0.7})
    assert tuple(map(float, mu)) == (0.3, 0.7)


def test_pair_update_golden_values():
    p = dict(tau_plus=20.0, tau_minus=10.0, A_plus=0.1, A_minus=0.2, w_min=0.0, w_max=2.0)
    e = np.exp(-0.5)            # dt = +10 (tau_plus 20) and dt = -5 (tau_minus 10)
    w = 0.5
    update = stdp.stdp_pair_update
    # additive: +A_plus K w_max, -A_minus K w_max
    assert update(w, 10.0, p, stdp.AdditiveWeightDependence) == pytest.approx(w + 0.1 * e * 2)
    assert update(w, -5.0, p, stdp.AdditiveWeightDependence) == pytest.approx(w - 0.2 * e * 2)
    # multiplicative: +A_plus K (w_max - w), -A_minus K (w - w_min)
    assert update(w, 10.0, p, stdp.MultiplicativeWeightDependence) == \
        pytest.approx(w + 0.1 * e * 1.5)
    assert update(w, -5.0, p, stdp.MultiplicativeWeightDependence) == \
        pytest.approx(w - 0.2 * e * 0.5)
    # additive potentiation, multiplicative depression
    assert update(w, 10.0, p, stdp.AdditivePotentiationMultiplicativeDepression) == \
        pytest.approx(w + 0.1 * e * 2)
    assert update(w, -5.0, p, stdp.AdditivePotentiationMultiplicativeDepression) == \
        pytest.approx(w - 0.2 * e * 0.5)
    # Gutig, mu = 0.5: w_max ((w_max - w)/w_max)^0.5 = 2 sqrt(0.75); w_max (w/w_max)^0.5 = 1
    g = dict(p, mu_plus=0.5, mu_minus=0.5)
    assert update(w, 10.0, g, stdp.GutigWeightDependence) == \
        pytest.approx(w + 0.1 * e * 2 * np.sqrt(0.75))
    assert update(w, -5.0, g, stdp.GutigWeightDependence) == pytest.approx(w - 0.2 * e * 1.0)
    # no change at dt = 0, clipping at the bounds
    assert update(w, 0.0, p, stdp.AdditiveWeightDependence) == w
    big = dict(p, A_plus=5.0, A_minus=5.0)
    assert update(w, 1.0, big, stdp.AdditiveWeightDependence) == 2.0
    assert update(w, -1.0, big, stdp.AdditiveWeightDependence) == 0.0


def test_deprecated_synapse_dynamics():
    with pytest.warns(DeprecationWarning, match="TsodyksMarkramMechanism is deprecated"):
        fast = TsodyksMarkramMechanism(U=0.2, tau_rec=50.0, u0=0.1)
    with pytest.warns(DeprecationWarning, match="SynapseDynamics"):
        dynamics = SynapseDynamics(fast=fast)
    synapse = dynamics.synapse_type(0.3, 2.0)
    assert isinstance(synapse, TsodyksMarkramSynapse)
    assert {k: synapse.parameter_space[k].base_value for k in ("weight", "delay", "U",
                                                                "tau_rec", "u")} == \
        {"weight": 0.3, "delay": 2.0, "U": 0.2, "tau_rec": 50.0, "u": 0.1}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        slow = stdp.STDPMechanism(stdp.SpikePairRule(), stdp.AdditiveWeightDependence())
        assert SynapseDynamics(slow=slow).synapse_type() is slow
        with pytest.raises(NoModelAvailableError, match="not available"):
            SynapseDynamics(fast=fast, slow=slow)
        with pytest.raises(TypeError, match="fast must be a TsodyksMarkramMechanism"):
            SynapseDynamics(fast=slow)
        with pytest.raises(NoModelAvailableError, match="x0=0.5"):
            TsodyksMarkramMechanism(x0=0.5)


def test_projection_with_synapse_dynamics(sim):
    pre = sim.Population(3, sim.SpikeSourceArray(spike_times=[1.0]))
    post = sim.Population(3, sim.IF_cond_exp())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        connector = sim.OneToOneConnector(weights=0.02, delays=1.5)
        dynamics = sim.SynapseDynamics(fast=sim.TsodyksMarkramMechanism(U=0.3))
    with pytest.warns(DeprecationWarning, match="synapse_dynamics"):
        prj = sim.Projection(pre, post, connector, synapse_dynamics=dynamics)
    assert isinstance(prj.synapse_type, sim.TsodyksMarkramSynapse)
    assert prj.get("weight", format="list", with_address=False) == [0.02] * 3
    assert prj.get("delay", format="list", with_address=False) == [1.5] * 3
    assert prj.get("U", format="list", with_address=False) == [0.3] * 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(ConnectionError, match="not both"):
            sim.Projection(pre, post, sim.OneToOneConnector(), sim.StaticSynapse(),
                           synapse_dynamics=dynamics)
