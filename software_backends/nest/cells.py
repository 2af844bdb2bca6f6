"""One translation table per standard neuron model: PyNN name -> NEST name and units.

Units: PyNN uses nF, nA, uS, mV, ms; NEST uses pF, pA, nS, mV, ms. Leaky IF models
with conductances (and the AdEx, GIF models) take a leak conductance instead of a
membrane time constant: ``g_L = cm / tau_m`` (nS from nF/ms, hence x1000).
"""

from __future__ import annotations

from pynn_hw.standardmodels import cells as std

from software_backends.nest.translation import (CellModel, StateVariable, computed,
                                                fixed, scaled)

_V = {"v": StateVariable("V_m")}
_GSYN = {"gsyn_exc": StateVariable("g_ex", 1000.0), "gsyn_inh": StateVariable("g_in", 1000.0)}
_ISYN = {"isyn_exc": StateVariable("I_syn_ex", 1000.0),
         "isyn_inh": StateVariable("I_syn_in", 1000.0)}


def _leak_conductance(cm, tau_m):
    return cm / tau_m * 1000.0


_LIF_CORE = (
    scaled("v_rest", "E_L"),
    scaled("v_reset", "V_reset"),
    scaled("cm", "C_m", 1000.0),
    scaled("tau_refrac", "t_ref"),
    scaled("v_thresh", "V_th"),
    scaled("i_offset", "I_e", 1000.0),
)
_TAU_SYN = (scaled("tau_syn_E", "tau_syn_ex"), scaled("tau_syn_I", "tau_syn_in"))
_E_REV = (scaled("e_rev_E", "E_ex"), scaled("e_rev_I", "E_in"))
_LIF_CURR = _LIF_CORE + (scaled("tau_m", "tau_m"),) + _TAU_SYN
_LIF_COND = (_LIF_CORE + (computed("g_L", ("cm", "tau_m"), _leak_conductance),)
             + _TAU_SYN + _E_REV)

_ADEX = (
    scaled("cm", "C_m", 1000.0),
    scaled("tau_refrac", "t_ref"),
    scaled("v_spike", "V_peak"),
    scaled("v_reset", "V_reset"),
    scaled("v_rest", "E_L"),
    computed("g_L", ("cm", "tau_m"), _leak_conductance),
    scaled("i_offset", "I_e", 1000.0),
    scaled("a", "a"),                  # nS in both
    scaled("b", "b", 1000.0),          # nA -> pA
    scaled("delta_T", "Delta_T"),
    scaled("tau_w", "tau_w"),
    scaled("v_thresh", "V_th"),
) + _TAU_SYN + _E_REV
_ADEX_STATE = {**_V, "w": StateVariable("w", 1000.0), **_GSYN}

CELL_MODELS: dict[type, CellModel] = {
    std.IF_curr_alpha: CellModel(
        "iaf_psc_alpha", "iaf_psc_alpha", _LIF_CURR, {**_V, **_ISYN},
        signed_inhibition=False),
    std.IF_curr_exp: CellModel(
        "iaf_psc_exp", "iaf_psc_exp_ps", _LIF_CURR, {**_V, **_ISYN},
        signed_inhibition=False),
    std.IF_curr_delta: CellModel(
        "iaf_psc_delta", "iaf_psc_delta_ps", _LIF_CORE + (scaled("tau_m", "tau_m"),), _V,
        weight_factor=1.0, signed_inhibition=False),
    std.IF_cond_alpha: CellModel("iaf_cond_alpha", "iaf_cond_alpha", _LIF_COND,
                                 {**_V, **_GSYN}),
    std.IF_cond_exp: CellModel("iaf_cond_exp", "iaf_cond_exp", _LIF_COND, {**_V, **_GSYN}),
    std.IF_cond_exp_gsfa_grr: CellModel(
        "iaf_cond_exp_sfa_rr", "iaf_cond_exp_sfa_rr",
        _LIF_COND + (
            scaled("tau_sfa", "tau_sfa"), scaled("e_rev_sfa", "E_sfa"),
            scaled("q_sfa", "q_sfa"),          # nS in both
            scaled("tau_rr", "tau_rr"), scaled("e_rev_rr", "E_rr"),
            scaled("q_rr", "q_rr"),
        ),
        {**_V, **_GSYN, "g_r": StateVariable("g_rr"), "g_s": StateVariable("g_sfa")}),
    # The FACETS Stage 1 neuron as documented by PyNN for software simulators:
    # cm = 0.2 nF, tau_refrac = 1 ms, e_rev_E = 0 mV; g_leak is given in nS.
    std.IF_facets_hardware1: CellModel(
        "iaf_cond_exp", "iaf_cond_exp",
        (scaled("g_leak", "g_L"), scaled("v_rest", "E_L"), scaled("v_reset", "V_reset"),
         scaled("v_thresh", "V_th"), scaled("e_rev_I", "E_in")) + _TAU_SYN
        + (fixed("C_m", 200.0), fixed("t_ref", 1.0), fixed("E_ex", 0.0)),
        {**_V, **_GSYN}),
    std.EIF_cond_alpha_isfa_ista: CellModel("aeif_cond_alpha", "aeif_cond_alpha", _ADEX,
                                            _ADEX_STATE),
    std.EIF_cond_exp_isfa_ista: CellModel("aeif_cond_exp", "aeif_cond_exp", _ADEX,
                                          _ADEX_STATE),
    std.HH_cond_exp: CellModel(
        "hh_cond_exp_traub", "hh_cond_exp_traub",
        (scaled("gbar_Na", "g_Na", 1000.0), scaled("gbar_K", "g_K", 1000.0),
         scaled("g_leak", "g_L", 1000.0), scaled("cm", "C_m", 1000.0),
         scaled("v_offset", "V_T"), scaled("e_rev_Na", "E_Na"), scaled("e_rev_K", "E_K"),
         scaled("e_rev_leak", "E_L"), scaled("i_offset", "I_e", 1000.0)) + _E_REV + _TAU_SYN,
        {**_V, **_GSYN, "m": StateVariable("Act_m"), "n": StateVariable("Act_n"),
         "h": StateVariable("Inact_h")},
        notes="the 'source_section.gap' receptor (gap junctions) is not available"),
    std.Izhikevich: CellModel(
        "izhikevich", "izhikevich",
        (scaled("a", "a"), scaled("b", "b"), scaled("c", "c"), scaled("d", "d"),
         scaled("i_offset", "I_e", 1000.0)),
        {**_V, "u": StateVariable("U_m")},
        weight_factor=1.0, signed_inhibition=False),
    std.GIF_cond_exp: CellModel(
        "gif_cond_exp", "gif_cond_exp",
        (scaled("v_rest", "E_L"), scaled("cm", "C_m", 1000.0),
         computed("g_L", ("cm", "tau_m"), _leak_conductance),
         scaled("tau_refrac", "t_ref"), scaled("v_reset", "V_reset"),
         scaled("i_offset", "I_e", 1000.0), scaled("delta_v", "Delta_V"),
         scaled("v_t_star", "V_T_star"), scaled("lambda0", "lambda_0"),
         scaled("tau_eta", "tau_stc"), scaled("tau_gamma", "tau_sfa"),
         scaled("a_eta", "q_stc", 1000.0), scaled("a_gamma", "q_sfa")) + _TAU_SYN + _E_REV,
        # E_sfa is NEST's total moving threshold (V_T_star plus the gamma kernels);
        # both are outputs of the model, so v_t and i_eta are recordable only.
        {**_V, **_GSYN, "i_eta": StateVariable("I_stc", 1000.0),
         "v_t": StateVariable("E_sfa")}),
}

#: State variables NEST computes itself: they can be recorded but not set.
READ_ONLY_STATE: dict[type, frozenset[str]] = {
    std.GIF_cond_exp: frozenset({"v_t", "i_eta"}),
}
