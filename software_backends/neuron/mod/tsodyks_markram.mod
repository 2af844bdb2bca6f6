COMMENT
Tsodyks-Markram short-term plasticity of one connection.

A pre-synaptic spike reaches this point process after the connection's delay; it
updates the resources x (from the fraction released at the previous spike) and
the utilisation u, then passes the spike on at once through its outgoing NetCon,
whose weight it has set through the pointer wout to w * u * x. Units: PyNN's.
Recursion (h = time since the previous spike; the first spike: time since 0):
    x = 1 + (x - released - 1) exp(-h / tau_rec)
    u = U + u (1 - U) exp(-h / tau_facil)        (0 when tau_facil = 0)
    released = u x
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwTsodyksMarkram
    RANGE w, U, tau_rec, tau_facil, u0, u, x, released, t_last
    POINTER wout
}

PARAMETER {
    w = 0
    U = 0.5
    tau_rec = 100 (ms)
    tau_facil = 0 (ms)
    u0 = 0
}

ASSIGNED {
    u
    x
    released
    t_last (ms)
    wout
}

INITIAL {
    u = u0
    x = 1
    released = 0
    t_last = 0
}

NET_RECEIVE (dummy) {
    LOCAL h, facil
    h = t - t_last
    if (tau_facil > 0) {
        facil = exp(-h / tau_facil)
    } else {
        facil = 0
    }
    x = 1 + (x - released - 1) * exp(-h / tau_rec)
    u = U + u * (1 - U) * facil
    released = u * x
    t_last = t
    wout = w * released
    net_event(t)
}
