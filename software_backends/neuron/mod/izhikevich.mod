COMMENT
Izhikevich (2003) neuron:
  v' = 0.04 v^2 + 5 v + 140 - u + I,   u' = a (b v - u)
with v in mV, time in ms and I in mV/ms. As in the standard model, 1 nA of
injected current counts as 1000 mV/ms: the section's capacitance is 1 pF, and
this point process draws -C (0.04 v^2 + 5 v + 140 - u) with C = 0.001 nF.
When v reaches 30 mV a spike is emitted (detected as in lif_exp.mod), v goes
to c and u grows by d.
Synapses are delta pulses: a weight (mV) is added to v.
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwIzhikevich
    NONSPECIFIC_CURRENT i
    RANGE a, b, c, d, i_offset, v_init, u0, u, fixed_step
    THREADSAFE
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
}

PARAMETER {
    a = 0.02 (/ms)
    b = 0.2 (/ms)
    c = -65 (mV)
    d = 2 (mV/ms)
    i_offset = 0 (nA)
    v_init = -70 (mV)
    u0 = -14 (mV/ms)
    capacitance = 0.001 (nA ms/mV)
    : accepted like the other cell mechanisms; nothing here depends on the method
    fixed_step = 1
}

ASSIGNED {
    v (mV)
    i (nA)
    slope (uS)
}

STATE {
    u (mV/ms)
}

INITIAL {
    u = u0
}

BREAKPOINT {
    : cnexp divides by a, which may be 0
    SOLVE kinetics METHOD derivimplicit
    : di/dv, the tangent of the quadratic: NEURON then evaluates this block once
    CONDUCTANCE slope
    slope = -capacitance * (0.08 * v + 5)
    i = -capacitance * (0.04 * v * v + 5 * v + 140 - u) - i_offset
}

PROCEDURE refresh() {
    : nothing is derived from the parameters (the other mechanisms need this)
}

DERIVATIVE kinetics {
    u' = a * (b * v - u)
}

NET_RECEIVE (weight, receptor) {
    : NEURON zeroes extra NetCon arguments at initialisation unless told otherwise
    INITIAL {
        receptor = receptor
    }
    if (flag == 0 && receptor < 0) {
        : the cell's own spike, from the NetCon that watches v (see the header)
        v = c
        u = u + d
    } else if (flag == 0) {
        v = v + weight
    }
}
