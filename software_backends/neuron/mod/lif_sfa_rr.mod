COMMENT
Conductance-based leaky integrate-and-fire neuron with exponential synapses,
spike-frequency adaptation (g_s) and relative refractoriness (g_r): each spike
raises g_s by q_sfa and g_r by q_rr, which then decay with tau_sfa and tau_rr
and pull the membrane towards e_rev_sfa and e_rev_rr.

With a fixed step the membrane current uses each conductance's mean over the
step (see lif_exp.mod). Units: mV, ms, nA, uS; the adaptation increments and the recorded g_s, g_r are
in nS as in the standard model, hence the factor 0.001 in the currents.
NetCon weights are (weight, receptor). Spikes and refractoriness as in
lif_exp.mod.
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwLifSfaRr
    NONSPECIFIC_CURRENT i
    RANGE g_leak, v_rest, v_thresh, v_reset, tau_refrac, i_offset, v_init
    RANGE tau_syn_E, tau_syn_I, e_rev_E, e_rev_I
    RANGE tau_sfa, e_rev_sfa, q_sfa, tau_rr, e_rev_rr, q_rr
    RANGE syn_exc, syn_inh, g_s, g_r, syn_exc0, syn_inh0, g_s0, g_r0
    RANGE refractory, g_clamp, fixed_step
    THREADSAFE
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (uS) = (microsiemens)
}

PARAMETER {
    g_leak = 0.05 (uS)
    v_rest = -65 (mV)
    v_thresh = -50 (mV)
    v_reset = -65 (mV)
    tau_refrac = 0.1 (ms)
    i_offset = 0 (nA)
    v_init = -65 (mV)
    tau_syn_E = 5 (ms)
    tau_syn_I = 5 (ms)
    e_rev_E = 0 (mV)
    e_rev_I = -70 (mV)
    tau_sfa = 100 (ms)
    e_rev_sfa = -75 (mV)
    q_sfa = 15
    tau_rr = 2 (ms)
    e_rev_rr = -75 (mV)
    q_rr = 3000
    syn_exc0 = 0
    syn_inh0 = 0
    g_s0 = 0
    g_r0 = 0
    g_clamp = 1e6 (uS)
    fixed_step = 1
}

ASSIGNED {
    dt (ms)
    v (mV)
    i (nA)
    refractory
    mean_E
    mean_I
    mean_s
    mean_r
    g_total (uS)
}

STATE {
    syn_exc
    syn_inh
    g_s
    g_r
}

INITIAL {
    syn_exc = syn_exc0
    syn_inh = syn_inh0
    g_s = g_s0
    g_r = g_r0
    refractory = 0
    refresh()
}

BREAKPOINT {
    SOLVE kinetics METHOD cnexp
    : the slope di/dv is given, so NEURON evaluates this block once per step
    CONDUCTANCE g_total
    if (refractory) {
        g_total = g_clamp
        i = g_clamp * (v - v_reset)
    } else {
        g_total = g_leak + mean_E * syn_exc + mean_I * syn_inh
        g_total = g_total + 0.001 * (mean_s * g_s + mean_r * g_r)
        i = g_leak * (v - v_rest) + mean_E * syn_exc * (v - e_rev_E)
        i = i + mean_I * syn_inh * (v - e_rev_I) - i_offset
        i = i + 0.001 * (mean_s * g_s * (v - e_rev_sfa) + mean_r * g_r * (v - e_rev_rr))
    }
}

PROCEDURE refresh() {
    : called at initialisation and by Python after a parameter changes
    mean_E = step_mean(tau_syn_E)
    mean_I = step_mean(tau_syn_I)
    mean_s = step_mean(tau_sfa)
    mean_r = step_mean(tau_rr)
}

FUNCTION step_mean(tau (ms)) {
    LOCAL x
    if (fixed_step) {
        x = dt / tau
        step_mean = (1 - exp(-x)) / x
    } else {
        step_mean = 1
    }
}

DERIVATIVE kinetics {
    syn_exc' = -syn_exc / tau_syn_E
    syn_inh' = -syn_inh / tau_syn_I
    g_s' = -g_s / tau_sfa
    g_r' = -g_r / tau_rr
}

NET_RECEIVE (weight, receptor) {
    : NEURON zeroes extra NetCon arguments at initialisation unless told otherwise
    INITIAL {
        receptor = receptor
    }
    if (flag == 0) {
        if (receptor < 0) {
            : the cell's own spike, from the NetCon that watches v (see the header)
            if (refractory == 0) {
                refractory = 1
                v = v_reset
                g_s = g_s + q_sfa
                g_r = g_r + q_rr
                net_send(tau_refrac, 2)
            }
        } else if (receptor == 0) {
            syn_exc = syn_exc + weight
        } else {
            syn_inh = syn_inh + weight
        }
    } else if (flag == 2) {
        refractory = 0
    }
}
