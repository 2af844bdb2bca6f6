"""The standard cell types of the PyNN API.

Names, defaults, units, recordables and initial values are PyNN's. Units: mV, nF, ms,
nA, uS, Hz unless a table says otherwise. No concrete cell type derives from another,
so a backend's registry keyed on the class never confuses, e.g., ``IF_cond_exp`` with
``IF_cond_exp_gsfa_grr``; shared parts are shared as table fragments instead.
"""

from __future__ import annotations

from pynn_hw.parameters.sequence import ArrayParameter, Sequence
from pynn_hw.standardmodels.base import StandardCellType
from pynn_hw.standardmodels.spec import NON_DECREASING, NON_NEGATIVE, POSITIVE, State, p

# -- table fragments ------------------------------------------------------------------
_MEMBRANE = {
    "v_rest": p(-65.0, "mV", doc="resting membrane potential"),
    "cm": p(1.0, "nF", POSITIVE, doc="membrane capacitance"),
    "tau_m": p(20.0, "ms", POSITIVE, doc="membrane time constant"),
    "tau_refrac": p(0.1, "ms", NON_NEGATIVE, doc="refractory period"),
}
_THRESHOLD = {
    "i_offset": p(0.0, "nA", doc="constant injected current"),
    "v_reset": p(-65.0, "mV", doc="reset potential after a spike"),
    "v_thresh": p(-50.0, "mV", doc="spike threshold"),
}


def _tau_syn(tau_e: float, tau_i: float) -> dict:
    return {"tau_syn_E": p(tau_e, "ms", POSITIVE, doc="excitatory synaptic time constant"),
            "tau_syn_I": p(tau_i, "ms", POSITIVE, doc="inhibitory synaptic time constant")}


def _e_rev(e_exc: float, e_inh: float) -> dict:
    return {"e_rev_E": p(e_exc, "mV", doc="excitatory reversal potential"),
            "e_rev_I": p(e_inh, "mV", doc="inhibitory reversal potential")}


def _lif_curr(tau_syn: float) -> dict:
    return {**_MEMBRANE, **_tau_syn(tau_syn, tau_syn), **_THRESHOLD}


def _lif_cond(tau_e: float, tau_i: float) -> dict:
    return {**_MEMBRANE, **_tau_syn(tau_e, tau_i), **_e_rev(0.0, -70.0),
            "v_thresh": _THRESHOLD["v_thresh"], "v_reset": _THRESHOLD["v_reset"],
            "i_offset": _THRESHOLD["i_offset"]}


_V = State(-65.0, "mV")
_CURR_STATE = {"v": _V, "isyn_exc": State(0.0, "nA", recordable=False),
               "isyn_inh": State(0.0, "nA", recordable=False)}
_GSYN = {"gsyn_exc": State(0.0, "uS"), "gsyn_inh": State(0.0, "uS")}
_COND_STATE = {"v": _V, **_GSYN}


class _SpikeSource(StandardCellType):
    """Common settings of the spike sources (not a model by itself)."""

    receptor_types = ()
    injectable = False
    conductance_based = False
    weight_units = None
    is_source = True
    always_local = True


_START = {"start": p(0.0, "ms", NON_NEGATIVE, doc="start time"),
          "duration": p(1e10, "ms", NON_NEGATIVE, doc="duration of spike emission")}
_RATE = {"rate": p(1.0, "Hz", NON_NEGATIVE, doc="mean firing rate")}


# -- current-based integrate-and-fire -------------------------------------------------
class IF_curr_alpha(StandardCellType):
    """Leaky integrate-and-fire neuron, alpha-shaped post-synaptic currents."""

    parameter_table = _lif_curr(0.5)
    state_table = _CURR_STATE
    conductance_based = False
    weight_units = "nA"


class IF_curr_exp(StandardCellType):
    """Leaky integrate-and-fire neuron, exponentially decaying post-synaptic currents."""

    parameter_table = _lif_curr(5.0)
    state_table = _CURR_STATE
    conductance_based = False
    weight_units = "nA"


class IF_curr_delta(StandardCellType):
    """Leaky integrate-and-fire neuron, delta synapses (a weight is a voltage jump in mV)."""

    parameter_table = {**_MEMBRANE, **_THRESHOLD}
    state_table = {"v": _V}
    conductance_based = False
    weight_units = "mV"


# -- conductance-based integrate-and-fire ---------------------------------------------
class IF_cond_alpha(StandardCellType):
    """Leaky integrate-and-fire neuron, alpha-shaped post-synaptic conductances."""

    parameter_table = _lif_cond(0.3, 0.5)
    state_table = _COND_STATE


class IF_cond_exp(StandardCellType):
    """Leaky integrate-and-fire neuron, exponentially decaying post-synaptic conductances."""

    parameter_table = _lif_cond(5.0, 5.0)
    state_table = _COND_STATE


class IF_cond_exp_gsfa_grr(StandardCellType):
    """IF_cond_exp with spike-frequency adaptation and relative refractoriness."""

    parameter_table = {
        **_lif_cond(5.0, 5.0),
        "tau_sfa": p(100.0, "ms", POSITIVE, doc="adaptation time constant"),
        "e_rev_sfa": p(-75.0, "mV", doc="adaptation reversal potential"),
        "q_sfa": p(15.0, "nS", doc="adaptation conductance increment per spike"),
        "tau_rr": p(2.0, "ms", POSITIVE, doc="relative refractoriness time constant"),
        "e_rev_rr": p(-75.0, "mV", doc="relative refractoriness reversal potential"),
        "q_rr": p(3000.0, "nS", doc="relative refractoriness conductance increment"),
    }
    state_table = {**_COND_STATE, "g_r": State(0.0, "nS"), "g_s": State(0.0, "nS")}


class IF_facets_hardware1(StandardCellType):
    """Conductance-based LIF neuron of the FACETS Stage 1 hardware.

    The recordable conductances are named ``gsyn_exc`` and ``gsyn_inh`` (uS), as for
    the other conductance-based models; they have no settable initial value.
    """

    parameter_table = {
        "g_leak": p(40.0, "nS", POSITIVE, doc="leak conductance"),
        **_tau_syn(30.0, 30.0),
        "v_reset": p(-80.0, "mV", doc="reset potential after a spike"),
        "e_rev_I": p(-80.0, "mV", doc="inhibitory reversal potential"),
        "v_rest": p(-65.0, "mV", doc="resting membrane potential"),
        "v_thresh": p(-55.0, "mV", doc="spike threshold"),
    }
    state_table = {"v": _V, "gsyn_exc": State(None, "uS"), "gsyn_inh": State(None, "uS")}


# -- adaptive exponential integrate-and-fire ------------------------------------------
_ADEX = {
    "cm": p(0.281, "nF", POSITIVE, doc="membrane capacitance"),
    "tau_refrac": p(0.1, "ms", NON_NEGATIVE, doc="refractory period"),
    "v_spike": p(-40.0, "mV", doc="spike detection threshold"),
    "v_reset": p(-70.6, "mV", doc="reset potential after a spike"),
    "v_rest": p(-70.6, "mV", doc="resting potential (leak reversal)"),
    "tau_m": p(9.3667, "ms", POSITIVE, doc="membrane time constant"),
    "i_offset": p(0.0, "nA", doc="constant injected current"),
    "a": p(4.0, "nS", doc="sub-threshold adaptation conductance"),
    "b": p(0.0805, "nA", doc="spike-triggered adaptation increment"),
    "delta_T": p(2.0, "mV", NON_NEGATIVE, doc="slope factor"),
    "tau_w": p(144.0, "ms", POSITIVE, doc="adaptation time constant"),
    "v_thresh": p(-50.4, "mV", doc="spike initiation threshold"),
    "e_rev_E": p(0.0, "mV", doc="excitatory reversal potential"),
    "tau_syn_E": p(5.0, "ms", POSITIVE, doc="excitatory synaptic time constant"),
    "e_rev_I": p(-80.0, "mV", doc="inhibitory reversal potential"),
    "tau_syn_I": p(5.0, "ms", POSITIVE, doc="inhibitory synaptic time constant"),
}
_ADEX_STATE = {"v": State(-70.6, "mV"), "w": State(0.0, "nA"), **_GSYN}


class EIF_cond_exp_isfa_ista(StandardCellType):
    """Adaptive exponential integrate-and-fire neuron, exponential conductances."""

    parameter_table = _ADEX
    state_table = _ADEX_STATE


class EIF_cond_alpha_isfa_ista(StandardCellType):
    """Adaptive exponential integrate-and-fire neuron, alpha-shaped conductances."""

    parameter_table = _ADEX
    state_table = _ADEX_STATE


# -- others ---------------------------------------------------------------------------
class HH_cond_exp(StandardCellType):
    """Single-compartment Hodgkin-Huxley neuron (Traub), exponential conductances."""

    parameter_table = {
        "gbar_Na": p(20.0, "uS", NON_NEGATIVE, doc="maximal sodium conductance"),
        "gbar_K": p(6.0, "uS", NON_NEGATIVE, doc="maximal potassium conductance"),
        "g_leak": p(0.01, "uS", NON_NEGATIVE, doc="leak conductance"),
        "cm": p(0.2, "nF", POSITIVE, doc="membrane capacitance"),
        "v_offset": p(-63.0, "mV", doc="threshold offset of the gating kinetics"),
        "e_rev_Na": p(50.0, "mV", doc="sodium reversal potential"),
        "e_rev_K": p(-90.0, "mV", doc="potassium reversal potential"),
        "e_rev_leak": p(-65.0, "mV", doc="leak reversal potential"),
        **_e_rev(0.0, -80.0),
        **_tau_syn(0.2, 2.0),
        "i_offset": p(0.0, "nA", doc="constant injected current"),
    }
    state_table = {
        **_COND_STATE,
        "h": State(1.0, "dimensionless", recordable=False),
        "m": State(0.0, "dimensionless", recordable=False),
        "n": State(0.0, "dimensionless", recordable=False),
    }
    receptor_types = ("excitatory", "inhibitory", "source_section.gap")


class Izhikevich(StandardCellType):
    """Izhikevich (2003) quadratic model; delta synapses (weights in mV)."""

    parameter_table = {
        "a": p(0.02, "/ms", doc="recovery time scale"),
        "b": p(0.2, "/ms", doc="recovery sensitivity to v"),
        "c": p(-65.0, "mV", doc="reset potential after a spike"),
        "d": p(2.0, "mV/ms", doc="recovery increment after a spike"),
        "i_offset": p(0.0, "nA", doc="constant injected current"),
    }
    state_table = {"v": State(-70.0, "mV"), "u": State(-14.0, "mV/ms")}
    conductance_based = False
    weight_units = "mV"


class GIF_cond_exp(StandardCellType):
    """Generalised integrate-and-fire neuron, stochastic firing, exponential conductances.

    A spike-triggered current (``tau_eta``, ``a_eta``) and a moving threshold
    (``tau_gamma``, ``a_gamma``), each a sum of exponentials given as ArrayParameters
    (Pozzorini et al. 2015).
    """

    parameter_table = {
        **_lif_cond(5.0, 5.0),
        "tau_refrac": p(4.0, "ms", NON_NEGATIVE, doc="refractory period"),
        "delta_v": p(0.5, "mV", POSITIVE, doc="threshold sharpness"),
        "v_t_star": p(-48.0, "mV", doc="threshold baseline"),
        "lambda0": p(1.0, "Hz", NON_NEGATIVE, doc="firing intensity at threshold"),
        "tau_eta": p(ArrayParameter([1.0, 10.0, 100.0]), "ms", POSITIVE,
                     doc="time constants of the spike-triggered current"),
        "tau_gamma": p(ArrayParameter([1.0, 10.0, 100.0]), "ms", POSITIVE,
                       doc="time constants of the moving threshold"),
        "a_eta": p(ArrayParameter([1.0, 1.0, 1.0]), "nA",
                   doc="jumps of the spike-triggered current"),
        "a_gamma": p(ArrayParameter([1.0, 1.0, 1.0]), "mV",
                     doc="jumps of the moving threshold"),
    }
    del parameter_table["v_thresh"]
    same_length = (("tau_eta", "a_eta"), ("tau_gamma", "a_gamma"))
    state_table = {**_COND_STATE, "i_eta": State(0.0, "nA"), "v_t": State(-48.0, "mV")}


# -- spike sources --------------------------------------------------------------------
class SpikeSourcePoisson(_SpikeSource):
    """Spikes from a Poisson process of constant rate between start and start+duration."""

    parameter_table = {**_RATE, **_START}


class SpikeSourcePoissonRefractory(_SpikeSource):
    """Poisson process with a dead time after every spike."""

    parameter_table = {**_RATE, "tau_refrac": p(0.0, "ms", NON_NEGATIVE, doc="dead time"),
                       **_START}


class SpikeSourceGamma(_SpikeSource):
    """Spikes from a gamma process (shape alpha, rate beta)."""

    parameter_table = {"alpha": p(2.0, "dimensionless", POSITIVE, doc="shape"),
                       "beta": p(1.0, "Hz", NON_NEGATIVE, doc="rate parameter"),
                       **_START}


class SpikeSourceInhGamma(_SpikeSource):
    """Spikes from an inhomogeneous gamma process, parameters piecewise constant in time."""

    parameter_table = {
        "a": p(Sequence([1.0]), "dimensionless", POSITIVE, doc="shape per time bin"),
        "b": p(Sequence([1.0]), "s", NON_NEGATIVE, doc="scale per time bin"),
        "tbins": p(Sequence([0.0]), "ms", NON_NEGATIVE, NON_DECREASING,
                   doc="start times of the bins"),
        **_START,
    }
    same_length = (("a", "b", "tbins"),)


class SpikeSourceArray(_SpikeSource):
    """Spikes at given times (ms, non-negative and in increasing order)."""

    parameter_table = {
        "spike_times": p(Sequence([]), "ms", NON_NEGATIVE, NON_DECREASING, doc="spike times"),
    }


#: Every standard cell type, in the order PyNN's documentation lists them.
STANDARD_CELL_TYPES: tuple[type[StandardCellType], ...] = (
    IF_curr_alpha, IF_curr_exp, IF_curr_delta, IF_cond_alpha, IF_cond_exp,
    IF_cond_exp_gsfa_grr, IF_facets_hardware1, EIF_cond_alpha_isfa_ista,
    EIF_cond_exp_isfa_ista, HH_cond_exp, Izhikevich, GIF_cond_exp,
    SpikeSourcePoisson, SpikeSourcePoissonRefractory, SpikeSourceGamma,
    SpikeSourceInhGamma, SpikeSourceArray,
)

__all__ = [cls.__name__ for cls in STANDARD_CELL_TYPES] + ["STANDARD_CELL_TYPES"]
