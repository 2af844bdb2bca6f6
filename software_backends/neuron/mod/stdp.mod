COMMENT
Pair-based STDP of one connection (all-to-all pairing through traces), the rule of
pynn_hw.standardmodels.plasticity:
    post spike: w = min(w_max, w + A_plus  K_plus  w_max ((w_max - w)/w_max)^mu_plus)
    pre spike:  w = max(w_min, w - A_minus K_minus w_max ((w - w_min)/w_max)^mu_minus)
K_plus (tau_plus) counts pre-synaptic, K_minus (tau_minus) post-synaptic spikes.

Events (second NetCon weight = kind): kind 0, a pre-synaptic spike after the
connection's delay d: depress, then pass the spike on at once through the
outgoing NetCon, whose weight the pointer wout holds at w; kind 1, a
post-synaptic spike after 2 f d (f = dendritic delay fraction). Both are late by
f d compared with the synapse's own times (t_pre + (1 - f) d, t_post + f d), which
keeps every delay >= d >= the minimum delay and leaves the spike-time
differences as they are.
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwStdp
    RANGE w, w_init, w_min, w_max, A_plus, A_minus, tau_plus, tau_minus
    RANGE mu_plus, mu_minus, K_plus, K_minus, t_plus, t_minus
    POINTER wout
}

PARAMETER {
    w_init = 0
    w_min = 0
    w_max = 1
    A_plus = 0.01
    A_minus = 0.01
    tau_plus = 20 (ms)
    tau_minus = 20 (ms)
    mu_plus = 0
    mu_minus = 0
}

ASSIGNED {
    w
    K_plus
    K_minus
    t_plus (ms)
    t_minus (ms)
    wout
}

INITIAL {
    w = w_init
    K_plus = 0
    K_minus = 0
    t_plus = 0
    t_minus = 0
}

NET_RECEIVE (dummy, kind) {
    LOCAL trace, room
    INITIAL {
        kind = kind
    }
    if (kind == 0) {
        trace = K_minus * exp(-(t - t_minus) / tau_minus)
        room = w - w_min
        if (room < 0) { room = 0 }
        w = w - A_minus * trace * w_max * pow(room / w_max, mu_minus)
        if (w < w_min) { w = w_min }
        K_plus = K_plus * exp(-(t - t_plus) / tau_plus) + 1
        t_plus = t
        wout = w
        net_event(t)
    } else {
        trace = K_plus * exp(-(t - t_plus) / tau_plus)
        room = w_max - w
        if (room < 0) { room = 0 }
        w = w + A_plus * trace * w_max * pow(room / w_max, mu_plus)
        if (w > w_max) { w = w_max }
        K_minus = K_minus * exp(-(t - t_minus) / tau_minus) + 1
        t_minus = t
    }
}
