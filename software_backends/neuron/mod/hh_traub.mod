COMMENT
Single-compartment Hodgkin-Huxley neuron with the Traub and Miles (1991)
sodium and potassium kinetics shifted by v_offset, and exponentially decaying
synaptic conductances.

  I_Na = gbar_Na m^3 h (v - e_rev_Na),  I_K = gbar_K n^4 (v - e_rev_K)

with, for u = v - v_offset (mV, rates in 1/ms),
  alpha_m = 0.32 (13 - u) / (exp((13 - u) / 4) - 1)
  beta_m  = 0.28 (u - 40) / (exp((u - 40) / 5) - 1)
  alpha_h = 0.128 exp((17 - u) / 18),  beta_h = 4 / (1 + exp((40 - u) / 5))
  alpha_n = 0.032 (15 - u) / (exp((15 - u) / 5) - 1)
  beta_n  = 0.5 exp((10 - u) / 40)

With a fixed step the synaptic current uses each conductance's mean over the
step (see lif_exp.mod). A spike is reported when v rises through v_offset + 30 mV (a NetCon watching v,
made in Python); the cell has no reset. Units: mV, ms, nA, uS.
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwHHTraub
    NONSPECIFIC_CURRENT i
    RANGE gbar_Na, gbar_K, g_leak, v_offset, e_rev_Na, e_rev_K, e_rev_leak
    RANGE e_rev_E, e_rev_I, tau_syn_E, tau_syn_I, i_offset, v_init
    RANGE syn_exc, syn_inh, syn_exc0, syn_inh0, m, h, n, m0, h0, n0, fixed_step
    THREADSAFE
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (uS) = (microsiemens)
}

PARAMETER {
    gbar_Na = 20 (uS)
    gbar_K = 6 (uS)
    g_leak = 0.01 (uS)
    v_offset = -63 (mV)
    e_rev_Na = 50 (mV)
    e_rev_K = -90 (mV)
    e_rev_leak = -65 (mV)
    e_rev_E = 0 (mV)
    e_rev_I = -80 (mV)
    tau_syn_E = 0.2 (ms)
    tau_syn_I = 2 (ms)
    i_offset = 0 (nA)
    v_init = -65 (mV)
    syn_exc0 = 0
    syn_inh0 = 0
    m0 = 0
    h0 = 1
    n0 = 0
    fixed_step = 1
}

ASSIGNED {
    dt (ms)
    v (mV)
    i (nA)
    alpha_m (/ms)
    beta_m (/ms)
    alpha_h (/ms)
    beta_h (/ms)
    alpha_n (/ms)
    beta_n (/ms)
    mean_E
    mean_I
    g_total (uS)
}

STATE {
    syn_exc
    syn_inh
    m
    h
    n
}

INITIAL {
    syn_exc = syn_exc0
    syn_inh = syn_inh0
    m = m0
    h = h0
    n = n0
    refresh()
}

BREAKPOINT {
    SOLVE kinetics METHOD cnexp
    : the slope di/dv at fixed gates is given, so NEURON evaluates this block once
    CONDUCTANCE g_total
    g_total = gbar_Na * m * m * m * h + gbar_K * n * n * n * n + g_leak
    g_total = g_total + mean_E * syn_exc + mean_I * syn_inh
    i = gbar_Na * m * m * m * h * (v - e_rev_Na) + gbar_K * n * n * n * n * (v - e_rev_K)
    i = i + g_leak * (v - e_rev_leak) + mean_E * syn_exc * (v - e_rev_E)
    i = i + mean_I * syn_inh * (v - e_rev_I)
    i = i - i_offset
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
    rates(v)
    syn_exc' = -syn_exc / tau_syn_E
    syn_inh' = -syn_inh / tau_syn_I
    m' = alpha_m * (1 - m) - beta_m * m
    h' = alpha_h * (1 - h) - beta_h * h
    n' = alpha_n * (1 - n) - beta_n * n
}

FUNCTION ratio(x (mV), k (mV)) {
    : x / (exp(x / k) - 1), continuous through x = 0
    if (fabs(x / k) < 1e-6) {
        ratio = k * (1 - x / k / 2)
    } else {
        ratio = x / (exp(x / k) - 1)
    }
}

PROCEDURE rates(v (mV)) {
    LOCAL u
    u = v - v_offset
    alpha_m = 0.32 * ratio(13 - u, 4)
    beta_m = 0.28 * ratio(u - 40, 5)
    alpha_h = 0.128 * exp((17 - u) / 18)
    beta_h = 4 / (1 + exp((40 - u) / 5))
    alpha_n = 0.032 * ratio(15 - u, 5)
    beta_n = 0.5 * exp((10 - u) / 40)
}

NET_RECEIVE (weight, receptor) {
    : NEURON zeroes extra NetCon arguments at initialisation unless told otherwise
    INITIAL {
        receptor = receptor
    }
    if (flag == 0) {
        if (receptor == 0) {
            syn_exc = syn_exc + weight
        } else {
            syn_inh = syn_inh + weight
        }
    }
}
