"""One translation table per standard neuron model: PyNN -> the backend's mechanisms.

Units are PyNN's inside the mechanisms (mV, ms, nA, uS), so most rules copy values.
Exceptions: leak conductances come from ``cm / tau_m`` (uS from nF/ms), the AdEx
``a`` goes from nS to uS, and IF_facets_hardware1's ``g_leak`` from nS to uS.
"""

from __future__ import annotations

from pynn_hw.standardmodels import cells as std

from software_backends.neuron.translation import (SECTION_CM, CellModel, StateVariable,
                                                  computed, fixed, scaled)

_V = {"v": StateVariable("v", "v_init")}
_GSYN = {"gsyn_exc": StateVariable("syn_exc", "syn_exc0"),
         "gsyn_inh": StateVariable("syn_inh", "syn_inh0")}
_ISYN = {"isyn_exc": StateVariable("syn_exc", "syn_exc0"),
         "isyn_inh": StateVariable("syn_inh", "syn_inh0")}


def _leak(cm, tau_m):
    return cm / tau_m


_LIF_CORE = (
    scaled("cm", SECTION_CM),
    computed("g_leak", ("cm", "tau_m"), _leak),
    scaled("v_rest"), scaled("v_reset"), scaled("v_thresh"), scaled("tau_refrac"),
    scaled("i_offset"), scaled("tau_syn_E"), scaled("tau_syn_I"),
)
_LIF_CURR = _LIF_CORE + (fixed("conductance", 0.0),)
_LIF_COND = _LIF_CORE + (scaled("e_rev_E"), scaled("e_rev_I"), fixed("conductance", 1.0))

_ADEX = (
    scaled("cm", SECTION_CM),
    computed("g_leak", ("cm", "tau_m"), _leak),
    scaled("v_rest"), scaled("v_reset"), scaled("v_thresh"), scaled("v_spike"),
    scaled("tau_refrac"), scaled("i_offset"),
    scaled("a", "a", 0.001),            # nS -> uS
    scaled("b"), scaled("delta_T"), scaled("tau_w"),
    scaled("tau_syn_E"), scaled("tau_syn_I"), scaled("e_rev_E"), scaled("e_rev_I"),
)
_ADEX_STATE = {**_V, "w": StateVariable("w", "w0"), **_GSYN}
_THRESHOLD = scaled("v_thresh", "threshold")

CELL_MODELS: dict[type, CellModel] = {
    std.IF_curr_exp: CellModel("PynnHwLifExp", _LIF_CURR, {**_V, **_ISYN}, _THRESHOLD),
    std.IF_curr_alpha: CellModel("PynnHwLifAlpha", _LIF_CURR, {**_V, **_ISYN}, _THRESHOLD),
    std.IF_cond_exp: CellModel("PynnHwLifExp", _LIF_COND, {**_V, **_GSYN}, _THRESHOLD),
    std.IF_cond_alpha: CellModel("PynnHwLifAlpha", _LIF_COND, {**_V, **_GSYN}, _THRESHOLD),
    std.IF_cond_exp_gsfa_grr: CellModel(
        "PynnHwLifSfaRr",
        _LIF_CORE + (scaled("e_rev_E"), scaled("e_rev_I"), scaled("tau_sfa"),
                     scaled("e_rev_sfa"), scaled("q_sfa"), scaled("tau_rr"),
                     scaled("e_rev_rr"), scaled("q_rr")),
        {**_V, **_GSYN, "g_r": StateVariable("g_r", "g_r0"),
         "g_s": StateVariable("g_s", "g_s0")}, _THRESHOLD),
    # The FACETS Stage 1 neuron as PyNN documents it for software simulators:
    # cm = 0.2 nF, tau_refrac = 1 ms, e_rev_E = 0 mV; g_leak is given in nS.
    std.IF_facets_hardware1: CellModel(
        "PynnHwLifExp",
        (fixed(SECTION_CM, 0.2), scaled("g_leak", "g_leak", 0.001), scaled("v_rest"),
         scaled("v_reset"), scaled("v_thresh"), scaled("e_rev_I"), scaled("tau_syn_E"),
         scaled("tau_syn_I"), fixed("tau_refrac", 1.0), fixed("e_rev_E", 0.0),
         fixed("i_offset", 0.0), fixed("conductance", 1.0)),
        {**_V, **_GSYN}, _THRESHOLD),
    std.EIF_cond_exp_isfa_ista: CellModel("PynnHwAdex", _ADEX + (fixed("alpha", 0.0),),
                                          _ADEX_STATE, scaled("v_spike", "threshold")),
    std.EIF_cond_alpha_isfa_ista: CellModel("PynnHwAdex", _ADEX + (fixed("alpha", 1.0),),
                                            _ADEX_STATE, scaled("v_spike", "threshold")),
    std.HH_cond_exp: CellModel(
        "PynnHwHHTraub",
        (scaled("cm", SECTION_CM), scaled("gbar_Na"), scaled("gbar_K"), scaled("g_leak"),
         scaled("v_offset"), scaled("e_rev_Na"), scaled("e_rev_K"), scaled("e_rev_leak"),
         scaled("e_rev_E"), scaled("e_rev_I"), scaled("tau_syn_E"), scaled("tau_syn_I"),
         scaled("i_offset")),
        {**_V, **_GSYN, "m": StateVariable("m", "m0"), "h": StateVariable("h", "h0"),
         "n": StateVariable("n", "n0")},
        computed("threshold", ("v_offset",), lambda v_offset: v_offset + 30.0), resets=False),
    # 1 nA of injected current counts as 1000 mV/ms in the Izhikevich model (as with
    # NEST's pA): a membrane of 1 pF gives exactly that.
    std.Izhikevich: CellModel(
        "PynnHwIzhikevich",
        (fixed(SECTION_CM, 0.001), scaled("a"), scaled("b"), scaled("c"), scaled("d"),
         scaled("i_offset")),
        {**_V, "u": StateVariable("u", "u0")}, fixed("threshold", 30.0)),
}

#: Standard cell types NEURON cannot run, with the reason.
UNSUPPORTED_CELLS: dict[type, str] = {
    std.IF_curr_delta: "PyNN provides no IF_curr_delta model for NEURON",
    std.GIF_cond_exp: "PyNN provides no GIF_cond_exp model for NEURON",
    std.SpikeSourceInhGamma: "the NEURON backend has no inhomogeneous gamma source",
}
