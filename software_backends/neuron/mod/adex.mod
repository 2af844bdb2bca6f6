COMMENT
Adaptive exponential integrate-and-fire neuron (Brette and Gerstner 2005) with
conductance-based synapses, exponential (alpha = 0) or alpha-shaped (alpha = 1).

  C v' = -g_leak (v - v_rest) + g_leak delta_T exp((v - v_thresh) / delta_T)
         - w - I_syn + i_offset
  tau_w w' = a (v - v_rest) - w

A spike is emitted when v passes v_spike (detected as in lif_exp.mod): v goes
to v_reset, w grows by b and the membrane is held at v_reset for tau_refrac. delta_T = 0 removes the
exponential term. Units: mV, ms, nA, uS (a is given in uS here).

With a fixed step (fixed_step = 1) the synaptic kinetics are advanced exactly
and the membrane current uses the conductances' means over the step, as in
lif_alpha.mod (an exponential synapse is the case rise = 0).
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwAdex
    NONSPECIFIC_CURRENT i
    RANGE g_leak, v_rest, v_thresh, v_spike, v_reset, tau_refrac, i_offset, v_init
    RANGE a, b, delta_T, tau_w, w0
    RANGE tau_syn_E, tau_syn_I, e_rev_E, e_rev_I, alpha
    RANGE syn_exc, syn_inh, syn_exc0, syn_inh0, w, refractory, g_clamp, fixed_step
    THREADSAFE
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (uS) = (microsiemens)
}

PARAMETER {
    g_leak = 0.03 (uS)
    v_rest = -70.6 (mV)
    v_thresh = -50.4 (mV)
    v_spike = -40 (mV)
    v_reset = -70.6 (mV)
    tau_refrac = 0.1 (ms)
    i_offset = 0 (nA)
    v_init = -70.6 (mV)
    a = 0.004 (uS)
    b = 0.0805 (nA)
    delta_T = 2 (mV)
    tau_w = 144 (ms)
    w0 = 0 (nA)
    tau_syn_E = 5 (ms)
    tau_syn_I = 5 (ms)
    e_rev_E = 0 (mV)
    e_rev_I = -80 (mV)
    alpha = 0
    syn_exc0 = 0
    syn_inh0 = 0
    g_clamp = 1e6 (uS)
    fixed_step = 1
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
    w (nA)
}

INITIAL {
    rise_exc = 0
    rise_inh = 0
    syn_exc = syn_exc0
    syn_inh = syn_inh0
    w = w0
    refractory = 0
    refresh()
}

BREAKPOINT {
    LOCAL g_exc, g_inh
    SOLVE kinetics METHOD cnexp
    g_exc = syn_exc * m0_E + rise_exc * m1_E
    g_inh = syn_inh * m0_I + rise_inh * m1_I
    : di/dv (the exponential term's derivative is spike_current / delta_T), so
    : NEURON evaluates this block once per step
    CONDUCTANCE g_total
    if (refractory) {
        g_total = g_clamp
        i = g_clamp * (v - v_reset)
    } else {
        g_total = g_leak + g_exc + g_inh
        if (delta_T > 0) {
            g_total = g_total - spike_current(v) / delta_T
        }
        i = g_leak * (v - v_rest) - spike_current(v) + w
        i = i + g_exc * (v - e_rev_E) + g_inh * (v - e_rev_I) - i_offset
    }
}

PROCEDURE refresh() {
    LOCAL e
    : called at initialisation and by Python after a parameter changes;
    : the constants are derived in lif_alpha.mod
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

FUNCTION spike_current(v (mV)) (nA) {
    LOCAL arg
    if (delta_T > 0) {
        arg = (v - v_thresh) / delta_T
        : the membrane leaves the model's range once it passes v_spike; the cap
        : only keeps one overshooting step finite
        if (arg > 50) {
            arg = 50
        }
        spike_current = g_leak * delta_T * exp(arg)
    } else {
        spike_current = 0
    }
}

DERIVATIVE kinetics {
    rise_exc' = -rise_exc / tau_syn_E
    rise_inh' = -rise_inh / tau_syn_I
    syn_exc' = k_E * rise_exc - syn_exc / tau_syn_E
    syn_inh' = k_I * rise_inh - syn_inh / tau_syn_I
    w' = (a * (v - v_rest) - w) / tau_w
}

NET_RECEIVE (weight, receptor) {
    : NEURON zeroes extra NetCon arguments at initialisation unless told otherwise
    INITIAL {
        receptor = receptor
    }
    if (flag == 0 && receptor < 0) {
        : the cell's own spike, from the NetCon that watches v (see the header)
        if (refractory == 0) {
            refractory = 1
            v = v_reset
            w = w + b
            net_send(tau_refrac, 2)
        }
    } else if (flag == 0) {
        if (alpha) {
            if (receptor == 0) {
                rise_exc = rise_exc + weight * exp(1) / tau_syn_E
            } else {
                rise_inh = rise_inh + weight * exp(1) / tau_syn_I
            }
        } else {
            if (receptor == 0) {
                syn_exc = syn_exc + weight
            } else {
                syn_inh = syn_inh + weight
            }
        }
    } else if (flag == 2) {
        refractory = 0
    }
}
