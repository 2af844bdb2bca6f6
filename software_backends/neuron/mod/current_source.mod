COMMENT
An injected current (nA, positive depolarises) of one of four shapes:

kind = 0: amplitude in [start, stop)                               (DC)
kind = 1: offset + amplitude sin(2 pi frequency t / 1000 + phase)  (AC, phase in deg)
          in [start, stop)
kind = 2: amplitude, set by events that Python queues at the switching times
          (NetCon weights (amplitude, generation); only events of the
          current generation count, so a new list replaces queued ones)   (steps)
kind = 3: mean + stdev N(0, 1), redrawn every noise_dt ms in
          [start, stop), the same draw for every cell of the source (noise)

With a fixed step NEURON evaluates currents in the middle of each step, which is
what the injection uses; `reported` holds the value at the start of the step, so
that a recording of it reads as the current from each time step on.
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwCurrentSource
    ELECTRODE_CURRENT i
    RANGE kind, amplitude, start, stop, frequency, offset, phase
    RANGE mean, stdev, noise_dt, level, reported, fixed_step, generation
    RANDOM stream
    THREADSAFE
}

UNITS {
    (nA) = (nanoamp)
    PI = (pi) (1)
}

PARAMETER {
    kind = 0
    amplitude = 0 (nA)
    start = 0 (ms)
    stop = 1e12 (ms)
    frequency = 10 (/s)
    offset = 0 (nA)
    phase = 0
    mean = 0 (nA)
    stdev = 1 (nA)
    noise_dt = 0.1 (ms)
    fixed_step = 1
    generation = 0
}

ASSIGNED {
    dt (ms)
    i (nA)
    level (nA)
    reported (nA)
}

INITIAL {
    level = 0
    if (kind == 2) {
        amplitude = 0
    }
    if (kind == 3) {
        random_setseq(stream, 0)
        net_send(start, 1)
    }
}

BREAKPOINT {
    at_time(start)
    at_time(stop)
    i = value_at(t)
    if (fixed_step) {
        reported = value_at(t - dt / 2)
    } else {
        reported = i
    }
}

FUNCTION value_at(time (ms)) (nA) {
    if (kind == 2) {
        value_at = amplitude
    } else if (time < start || time >= stop) {
        value_at = 0
    } else if (kind == 0) {
        value_at = amplitude
    } else if (kind == 1) {
        value_at = offset + amplitude * sin(2 * PI * frequency * time / 1000 + phase * PI / 180)
    } else {
        value_at = level
    }
}

NET_RECEIVE (w, tag) {
    : NEURON zeroes extra NetCon arguments at initialisation unless told otherwise
    INITIAL {
        tag = tag
    }
    if (flag == 0) {
        if (kind == 2 && tag == generation) {
            amplitude = w
        }
    } else if (flag == 1) {
        level = mean + stdev * random_normal(stream)
        if (t + noise_dt < stop) {
            net_send(noise_dt, 1)
        }
    }
}
