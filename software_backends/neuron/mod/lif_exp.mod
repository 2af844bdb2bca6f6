COMMENT
Leaky integrate-and-fire point neuron with exponentially decaying synaptic
conductances (conductance = 1) or currents (conductance = 0).

The point process carries the whole neuron; its section supplies only the
membrane capacitance, and Python sets v to v_init at each initialisation.
Units: mV, ms, nA, uS. A NetCon weight vector is (weight, receptor) with
receptor 0 = excitatory, 1 = inhibitory.

With a fixed step (fixed_step = 1) the membrane current of a step uses each
synaptic variable's mean over the step, syn (1 - exp(-dt/tau)) tau/dt, rather
than its value at the start of the step: the latter would overstate every
post-synaptic potential by about dt / (2 tau).

Spikes: a NetCon watching the section's v with threshold v_thresh (made in
Python) is the cell's output and also delivers each crossing back to this point
process with receptor -1 and no delay. NEURON finds the crossing at the end of a
fixed step, or by interpolation with CVODE. The membrane is then set to v_reset
and held there for tau_refrac by a clamp conductance g_clamp that dwarfs every
other conductance of the cell.
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwLifExp
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
    tau_syn_E = 5 (ms)
    tau_syn_I = 5 (ms)
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
    mean_E
    mean_I
    g_total (uS)
}

STATE {
    syn_exc
    syn_inh
}

INITIAL {
    syn_exc = syn_exc0
    syn_inh = syn_inh0
    refractory = 0
    refresh()
}

BREAKPOINT {
    LOCAL g_exc, g_inh
    SOLVE kinetics METHOD cnexp
    g_exc = syn_exc * mean_E
    g_inh = syn_inh * mean_I
    : the current is linear in v: its slope is given, so NEURON evaluates this
    : block once per step instead of twice
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

PROCEDURE refresh() {
    : called at initialisation and by Python after a parameter changes
    mean_E = step_mean(tau_syn_E)
    mean_I = step_mean(tau_syn_I)
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
            syn_exc = syn_exc + weight
        } else {
            syn_inh = syn_inh + weight
        }
    } else if (flag == 2) {
        refractory = 0
    }
}
