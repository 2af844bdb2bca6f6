"""The standard neuron models as Brian 2 equations, one :class:`CellModel` each.

Conventions: variables keep their PyNN names where Brian allows it (``cm`` is a
Brian unit, so the capacitance is ``c_m``); the injected current of all current
sources is ``i_inj``. Membrane potentials are clamped during the refractory period
while synaptic variables keep decaying (as in NEST).

Integration:

- ``exact`` for IF_curr_exp and IF_curr_delta (Brian solves the linear system
  symbolically, about 1 s per build);
- ``exponential_euler`` for the conductance-based and alpha-shaped models: exact
  decays, and the exact membrane response to the step mean of the synaptic
  variables (alpha kernels advance exactly in a step of their own, ``_alpha_step``);
- ``rk4`` for the exponential (AdEx) models;
- forward Euler for Izhikevich, as NEST does;
- ten exponential-Euler sub-steps per step for Hodgkin-Huxley (``_hh_step``).
"""

from __future__ import annotations

import numpy as np

from pynn_hw.standardmodels import cells as std

from software_backends.brian2.translation import (CellModel, Variable, computed, fixed,
                                                  same)

_E = float(np.e)

# -- equation fragments ---------------------------------------------------------------
_COND_EXP = """
dgsyn_exc/dt = -gsyn_exc / tau_syn_E : siemens
dgsyn_inh/dt = -gsyn_inh / tau_syn_I : siemens
"""
# Alpha shape: g(t) = w e t / tau exp(-t / tau), peak w at t = tau. It is the
# solution of g' = (x - g) / tau, x' = -x / tau with x(0) = e w, advanced exactly
# once per step after the membrane (Brian's exponential Euler would hold x fixed
# over the step and overshoot the peak by about 2 % at dt = tau / 20).
_COND_ALPHA = """
gsyn_exc : siemens
xsyn_exc : siemens
gsyn_inh : siemens
xsyn_inh : siemens
"""


def _alpha_step(kind: str) -> tuple[tuple[str, str], ...]:
    code = "\n".join(
        f"{kind}syn_{side} = ({kind}syn_{side} + xsyn_{side} * dt / {tau}) * exp(-dt / {tau})\n"
        f"xsyn_{side} = xsyn_{side} * exp(-dt / {tau})"
        for side, tau in (("exc", "tau_syn_E"), ("inh", "tau_syn_I")))
    return ((code, "after_groups"),)


_CURR_EXP = """
disyn_exc/dt = -isyn_exc / tau_syn_E : amp
disyn_inh/dt = -isyn_inh / tau_syn_I : amp
"""
_CURR_ALPHA = """
isyn_exc : amp
xsyn_exc : amp
isyn_inh : amp
xsyn_inh : amp
"""
_I_INJ = "i_inj : amp\n"


# The membrane is advanced with the synaptic variables of the step held fixed
# (exponential Euler, or RK4 for AdEx with alpha kernels). Holding them at their
# value from the start of the step overestimates an exponential decay by about
# dt / (2 tau) (1 % for tau = 5 ms, 25 % for HH's 0.2 ms); the membrane uses their
# exact mean over the step instead, which matches NEST's continuous solution to
# second order in dt.
def _mean_exp(var: str, tau: str) -> str:
    """Mean over a step of ``var`` decaying with ``tau``."""
    return f"{var} * {tau} / dt * (1 - exp(-dt / {tau}))"


def _mean_alpha(var: str, rise: str, tau: str) -> str:
    """Mean over a step of ``var`` following g' = (x - g) / tau, x' = -x / tau."""
    return (f"({_mean_exp(var, tau)}"
            f" + {rise} * {tau} / dt * (1 - exp(-dt / {tau}) * (1 + dt / {tau})))")


def _conductance_current(mean) -> str:
    return (f"{mean('exc', 'tau_syn_E')} * (e_rev_E - v)"
            f" + {mean('inh', 'tau_syn_I')} * (e_rev_I - v)")


def _exp_g(side: str, tau: str) -> str:
    return _mean_exp(f"gsyn_{side}", tau)


def _alpha_g(side: str, tau: str) -> str:
    return _mean_alpha(f"gsyn_{side}", f"xsyn_{side}", tau)


def _plain_g(side: str, tau: str) -> str:
    return f"gsyn_{side}"


def _lif_cond(mean) -> str:
    return (f"dv/dt = (c_m / tau_m * (v_rest - v) + {_conductance_current(mean)}"
            " + i_offset + i_inj) / c_m : volt (unless refractory)\n")


_ISYN_ALPHA = " + ".join(_mean_alpha(f"isyn_{side}", f"xsyn_{side}", tau)
                         for side, tau in (("exc", "tau_syn_E"), ("inh", "tau_syn_I")))
_LIF_CURR = ("dv/dt = (v_rest - v) / tau_m + (isyn_exc + isyn_inh + i_offset + i_inj) / c_m"
             " : volt (unless refractory)\n")
_LIF_CURR_ALPHA = (f"dv/dt = (v_rest - v) / tau_m + ({_ISYN_ALPHA} + i_offset + i_inj) / c_m"
                   " : volt (unless refractory)\n")
_LIF_DELTA = ("dv/dt = (v_rest - v) / tau_m + (i_offset + i_inj) / c_m"
              " : volt (unless refractory)\n")


def _adex(mean) -> str:
    return (f"dv/dt = (c_m / tau_m * (v_rest - v + delta_T * exp((v - v_thresh) / delta_T))"
            f" + {_conductance_current(mean)} - w + i_offset + i_inj) / c_m"
            " : volt (unless refractory)\n"
            "dw/dt = (a * (v - v_rest) - w) / tau_w : amp\n")


_GSFA_GRR = (f"dv/dt = (c_m / tau_m * (v_rest - v) + {_conductance_current(_exp_g)}"
             f" + {_mean_exp('g_s', 'tau_sfa')} * (e_rev_sfa - v)"
             f" + {_mean_exp('g_r', 'tau_rr')} * (e_rev_rr - v) + i_offset + i_inj) / c_m"
             " : volt (unless refractory)\n"
             "dg_s/dt = -g_s / tau_sfa : siemens\n"
             "dg_r/dt = -g_r / tau_rr : siemens\n")
# Traub-Miles kinetics as in NEST's hh_cond_exp_traub (rates in 1/ms of V - V_T in mV).
# At dt = 0.1 ms one exponential-Euler step per time step is too coarse for the
# sodium spike (spikes come ~0.5 ms late and drift), and RK4 is unstable, so the
# whole state advances in _HH_SUBSTEPS exponential-Euler sub-steps per step:
# gates at the sub-step's V, then V with the new gates, then the synaptic decays.
_HH_SUBSTEPS = 10
_HH = """
v : volt
m_act : 1
n_act : 1
h_inact : 1
gsyn_exc : siemens
gsyn_inh : siemens
v_before : volt
"""
_HH_GATES = (
    ("m_act", "0.32 * (13 - vt) / (exp((13 - vt) / 4) - 1)",
     "0.28 * (vt - 40) / (exp((vt - 40) / 5) - 1)"),
    ("n_act", "0.032 * (15 - vt) / (exp((15 - vt) / 5) - 1)", "0.5 * exp((10 - vt) / 40)"),
    ("h_inact", "0.128 * exp((17 - vt) / 18)", "4 / (1 + exp((40 - vt) / 5))"),
)


def _hh_step() -> str:
    lines = [f"h_sub = dt / {_HH_SUBSTEPS}"]
    for _ in range(_HH_SUBSTEPS):
        lines.append("vt = (v - v_offset) / mV")
        for gate, alpha, beta in _HH_GATES:
            lines += [f"rate_a = {alpha} / ms", f"rate_b = {beta} / ms",
                      f"{gate} = rate_a / (rate_a + rate_b) + ({gate} - rate_a / (rate_a + rate_b))"
                      " * exp(-(rate_a + rate_b) * h_sub)"]
        lines += [
            "g_na = gbar_Na * m_act**3 * h_inact",
            "g_k = gbar_K * n_act**4",
            "g_total = g_leak + g_na + g_k + gsyn_exc + gsyn_inh",
            "v_inf = (g_leak * e_rev_leak + g_na * e_rev_Na + g_k * e_rev_K"
            " + gsyn_exc * e_rev_E + gsyn_inh * e_rev_I + i_offset + i_inj) / g_total",
            "v = v_inf + (v - v_inf) * exp(-g_total * h_sub / c_m)",
            "gsyn_exc = gsyn_exc * exp(-h_sub / tau_syn_E)",
            "gsyn_inh = gsyn_inh * exp(-h_sub / tau_syn_I)",
        ]
    return "\n".join(lines)


# NEST's izhikevich: dimensionless equations in mV and ms, I_e in pA counted as mV/ms
_IZHIKEVICH = """
dv/dt = (0.04 * v**2 / mV + 5 * v + 140 * mV) / ms - u + (i_offset + i_inj) * (mV / ms / pA) : volt
du/dt = a * (b * v - u) : volt / second
"""

# -- translation fragments --------------------------------------------------------------
_MEMBRANE = (same("v_rest", "mV"), same("cm", "nF", "c_m"), same("tau_m", "ms"),
             same("tau_refrac", "ms"), same("v_thresh", "mV"), same("v_reset", "mV"),
             same("i_offset", "nA"))
_TAU_SYN = (same("tau_syn_E", "ms"), same("tau_syn_I", "ms"))
_E_REV = (same("e_rev_E", "mV"), same("e_rev_I", "mV"))

_V = {"v": Variable("v", "mV")}
_GSYN = {"gsyn_exc": Variable("gsyn_exc", "uS"), "gsyn_inh": Variable("gsyn_inh", "uS")}
_ISYN = {"isyn_exc": Variable("isyn_exc", "nA"), "isyn_inh": Variable("isyn_inh", "nA")}

_COND_RECEPTORS = {"excitatory": "gsyn_exc_post += w_syn", "inhibitory": "gsyn_inh_post += w_syn"}
_COND_ALPHA_RECEPTORS = {"excitatory": f"xsyn_exc_post += {_E!r} * w_syn",
                         "inhibitory": f"xsyn_inh_post += {_E!r} * w_syn"}
# current-based inhibitory weights are negative in PyNN: added with their sign
_CURR_RECEPTORS = {"excitatory": "isyn_exc_post += w_syn", "inhibitory": "isyn_inh_post += w_syn"}
_CURR_ALPHA_RECEPTORS = {"excitatory": f"xsyn_exc_post += {_E!r} * w_syn",
                         "inhibitory": f"xsyn_inh_post += {_E!r} * w_syn"}
# input arriving during the refractory period is lost (NEST's default)
_DELTA_RECEPTORS = {"excitatory": "v_post += w_syn * int(not_refractory_post)",
                    "inhibitory": "v_post += w_syn * int(not_refractory_post)"}

_LIF_RESET = "v = v_reset"
# Brian leaves the refractory state in the step whose start is tau_refrac after the
# spike's stamp, i.e. one step after the spike itself; NEST clamps for tau_refrac
# after the spike, hence the extra step.
_REFRACTORY = "tau_refrac + dt"
_THRESHOLD = "v >= v_thresh"


def _positive_delta_t(delta_t: np.ndarray) -> np.ndarray:
    return delta_t > 0


CELL_MODELS: dict[type, CellModel] = {
    std.IF_cond_exp: CellModel(
        _lif_cond(_exp_g) + _COND_EXP + _I_INJ, _THRESHOLD, _LIF_RESET, _REFRACTORY,
        "exponential_euler", _MEMBRANE + _TAU_SYN + _E_REV, {**_V, **_GSYN},
        _COND_RECEPTORS, "uS"),
    std.IF_cond_alpha: CellModel(
        _lif_cond(_alpha_g) + _COND_ALPHA + _I_INJ, _THRESHOLD, _LIF_RESET, _REFRACTORY,
        "exponential_euler", _MEMBRANE + _TAU_SYN + _E_REV, {**_V, **_GSYN},
        _COND_ALPHA_RECEPTORS, "uS", regular=_alpha_step("g")),
    std.IF_curr_exp: CellModel(
        _LIF_CURR + _CURR_EXP + _I_INJ, _THRESHOLD, _LIF_RESET, _REFRACTORY, "exact",
        _MEMBRANE + _TAU_SYN, {**_V, **_ISYN}, _CURR_RECEPTORS, "nA"),
    std.IF_curr_alpha: CellModel(
        _LIF_CURR_ALPHA + _CURR_ALPHA + _I_INJ, _THRESHOLD, _LIF_RESET, _REFRACTORY,
        "exponential_euler",
        _MEMBRANE + _TAU_SYN, {**_V, **_ISYN}, _CURR_ALPHA_RECEPTORS, "nA",
        regular=_alpha_step("i")),
    std.IF_curr_delta: CellModel(
        _LIF_DELTA + _I_INJ, _THRESHOLD, _LIF_RESET, _REFRACTORY, "exact", _MEMBRANE, _V,
        _DELTA_RECEPTORS, "mV", delta_synapses=True),
    std.IF_cond_exp_gsfa_grr: CellModel(
        _GSFA_GRR + _COND_EXP + _I_INJ, _THRESHOLD,
        "v = v_reset\ng_s += q_sfa\ng_r += q_rr", _REFRACTORY, "exponential_euler",
        _MEMBRANE + _TAU_SYN + _E_REV + (
            same("tau_sfa", "ms"), same("e_rev_sfa", "mV"), same("q_sfa", "nS"),
            same("tau_rr", "ms"), same("e_rev_rr", "mV"), same("q_rr", "nS")),
        {**_V, **_GSYN, "g_r": Variable("g_r", "nS"), "g_s": Variable("g_s", "nS")},
        _COND_RECEPTORS, "uS"),
    # The FACETS Stage 1 neuron as a conductance LIF: cm = 0.2 nF, e_rev_E = 0 mV,
    # tau_m = cm / g_leak, tau_refrac = 1 ms (the values the NEST backend uses too)
    std.IF_facets_hardware1: CellModel(
        _lif_cond(_exp_g) + _COND_EXP + _I_INJ, _THRESHOLD, _LIF_RESET, _REFRACTORY,
        "exponential_euler",
        (same("v_rest", "mV"), same("v_thresh", "mV"), same("v_reset", "mV"),
         same("e_rev_I", "mV"), fixed("c_m", 0.2, "nF"), fixed("e_rev_E", 0.0, "mV"),
         fixed("tau_refrac", 1.0, "ms"), fixed("i_offset", 0.0, "nA"),
         computed("tau_m", ("g_leak",), lambda g_leak: 0.2 / g_leak * 1000.0, "ms"))
        + _TAU_SYN,
        {**_V, **_GSYN}, _COND_RECEPTORS, "uS"),
    std.EIF_cond_exp_isfa_ista: CellModel(
        _adex(_plain_g) + _COND_EXP + _I_INJ, "v > v_spike", "v = v_reset\nw += b", _REFRACTORY,
        "rk4",
        _MEMBRANE + _TAU_SYN + _E_REV + (
            same("v_spike", "mV"), same("a", "nS"), same("b", "nA"), same("delta_T", "mV"),
            same("tau_w", "ms")),
        {**_V, "w": Variable("w", "nA"), **_GSYN}, _COND_RECEPTORS, "uS",
        checks=(("delta_T", _positive_delta_t,
                 "must be > 0 mV on Brian 2 (the exponential term divides by it)"),)),
    std.EIF_cond_alpha_isfa_ista: CellModel(
        _adex(_alpha_g) + _COND_ALPHA + _I_INJ, "v > v_spike", "v = v_reset\nw += b", _REFRACTORY,
        "rk4",
        _MEMBRANE + _TAU_SYN + _E_REV + (
            same("v_spike", "mV"), same("a", "nS"), same("b", "nA"), same("delta_T", "mV"),
            same("tau_w", "ms")),
        {**_V, "w": Variable("w", "nA"), **_GSYN}, _COND_ALPHA_RECEPTORS, "uS",
        regular=_alpha_step("g"), checks=(("delta_T", _positive_delta_t,
                 "must be > 0 mV on Brian 2 (the exponential term divides by it)"),)),
    # A spike is the peak of an action potential above V_T + 30 mV, followed by NEST's
    # default dead time of 2 ms (as hh_cond_exp_traub detects it).
    std.HH_cond_exp: CellModel(
        _HH + _I_INJ, "v >= v_offset + 30 * mV and v < v_before", "", "2 * ms", "euler",
        (same("gbar_Na", "uS"), same("gbar_K", "uS"), same("g_leak", "uS"),
         same("cm", "nF", "c_m"), same("v_offset", "mV"), same("e_rev_Na", "mV"),
         same("e_rev_K", "mV"), same("e_rev_leak", "mV"), same("i_offset", "nA"))
        + _E_REV + _TAU_SYN,
        {**_V, **_GSYN, "m": Variable("m_act", "1"), "n": Variable("n_act", "1"),
         "h": Variable("h_inact", "1")},
        _COND_RECEPTORS, "uS",
        regular=(("v_before = v", "before_groups"), (_hh_step(), "groups"))),
    std.Izhikevich: CellModel(
        _IZHIKEVICH + _I_INJ, "v >= 30 * mV", "v = c\nu += d", None, "euler",
        (same("a", "/ms"), same("b", "/ms"), same("c", "mV"), same("d", "mV/ms"),
         same("i_offset", "nA")),
        {**_V, "u": Variable("u", "mV/ms")},
        {"excitatory": "v_post += w_syn", "inhibitory": "v_post += w_syn"}, "mV",
        delta_synapses=True),
}

#: Standard neuron types Brian 2 cannot provide here, with the reason.
UNSUPPORTED_CELLS: dict[type, str] = {
    std.GIF_cond_exp: "its escape-noise threshold with sums of exponential kernels "
                      "(ArrayParameters) has no equation model in this backend",
}
