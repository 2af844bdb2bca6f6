COMMENT
Leaky integrate-and-fire point neuron with alpha-shaped synaptic conductances
(conductance = 1) or currents (conductance = 0): a weight w gives
w (t/tau) exp(1 - t/tau), which peaks at w after tau.

The kernel solves syn' = rise - syn/tau, rise' = -rise/tau, with rise jumping by
w e / tau on each event. With a fixed step (fixed_step = 1) two constants per
time constant make the step exact (see the refresh procedure):
cnexp advances rise first and then syn with k rise in place of rise, and the
membrane current uses the mean of syn over the step.

Units: mV, ms, nA, uS; NetCon weights are (weight, receptor), receptor 0 =
excitatory, 1 = inhibitory. Spikes and refractoriness as in lif_exp.mod.
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwLifAlpha
    NONSPECIFIC_CURRENT i
    RANGE g_leak, v_rest, v_thresh, v_reset, tau_refrac, i_offset, v_init
    RANGE tau_syn_E, tau_syn_I, e_rev_E, e_rev_I, conductance, fixed_step
    RANGE syn_exc, syn_inh, syn_exc0, syn_inh0, refractory, g_clamp
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
    tau_syn_E = 0.3 (ms)
    tau_syn_I = 0.5 (ms)
    e_rev_E = 0 (mV)
    e_rev_I = -70 (mV)
    conductance = 1
    fixed_step = 1
    syn_exc0 = 0
    syn_inh0 = 0
    g_clamp = 1e6 (uS)
}

ASSIGNED {
    dt (ms)
    v (mV)
    i (nA)
    refractory
    k_E
    k_I
    m0_E
    m0_I
    m1_E (ms)
    m1_I (ms)
    g_total (uS)
}

STATE {
    rise_exc
    rise_inh
    syn_exc
    syn_inh
}

INITIAL {
    rise_exc = 0
    rise_inh = 0
    syn_exc = syn_exc0
    syn_inh = syn_inh0
    refractory = 0
    refresh()
}

PROCEDURE refresh() {
    LOCAL e
    : called at initialisation and by Python after a parameter changes.
    : over one step, rise decays by e = exp(-dt/tau) and syn becomes
    : (syn + rise dt) e; cnexp gives syn e + r tau (1 - e) for a constant r, so
    : r = k rise(t + dt) with k = dt / (tau (1 - e)). The mean of
    : (syn + rise s) exp(-s/tau) over the step is syn m0 + rise m1.
    if (fixed_step) {
        e = exp(-dt / tau_syn_E)
        k_E = dt / (tau_syn_E * (1 - e))
        m0_E = (1 - e) * tau_syn_E / dt
        m1_E = (tau_syn_E * tau_syn_E * (1 - e) - tau_syn_E * dt * e) / dt
        e = exp(-dt / tau_syn_I)
        k_I = dt / (tau_syn_I * (1 - e))
        m0_I = (1 - e) * tau_syn_I / dt
        m1_I = (tau_syn_I * tau_syn_I * (1 - e) - tau_syn_I * dt * e) / dt
    } else {
        k_E = 1
        k_I = 1
        m0_E = 1
        m0_I = 1
        m1_E = 0
        m1_I = 0
    }
}

BREAKPOINT {
    LOCAL g_exc, g_inh
    SOLVE kinetics METHOD cnexp
    g_exc = syn_exc * m0_E + rise_exc * m1_E
    g_inh = syn_inh * m0_I + rise_inh * m1_I
    : the slope di/dv is given, so NEURON evaluates this block once per step
    CONDUCTANCE g_total
    if (refractory) {
        g_total = g_clamp
        i = g_clamp * (v - v_reset)
    } else if (conductance) {
        g_total = g_leak + g_exc + g_inh
        i = g_leak * (v - v_rest) + g_exc * (v - e_rev_E) + g_inh * (v - e_rev_I) - i_offset
    } else {
        g_total = g_leak
        i = g_leak * (v - v_rest) - g_exc - g_inh - i_offset
    }
}

DERIVATIVE kinetics {
    rise_exc' = -rise_exc / tau_syn_E
    rise_inh' = -rise_inh / tau_syn_I
    syn_exc' = k_E * rise_exc - syn_exc / tau_syn_E
    syn_inh' = k_I * rise_inh - syn_inh / tau_syn_I
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
                net_send(tau_refrac, 2)
            }
        } else if (receptor == 0) {
            rise_exc = rise_exc + weight * exp(1) / tau_syn_E
        } else {
            rise_inh = rise_inh + weight * exp(1) / tau_syn_I
        }
    } else if (flag == 2) {
        refractory = 0
    }
}
