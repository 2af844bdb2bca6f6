COMMENT
An injected current (nA, positive depolarises) of one of four shapes:

kind = 0: amplitude in [start, stop)                               (DC)
kind = 1: offset + amplitude sin(2 pi frequency t / 1000 + phase)  (AC, phase in deg)
          in [start, stop)
kind = 2: amplitude, which Python drives with Vector.play          (steps)
kind = 3: mean + stdev N(0, 1), redrawn every noise_dt ms in
          [start, stop), the same draw for every cell of the source (noise)
ENDCOMMENT

NEURON {
    POINT_PROCESS PynnHwCurrentSource
    ELECTRODE_CURRENT i
    RANGE kind, amplitude, start, stop, frequency, offset, phase
    RANGE mean, stdev, noise_dt, level
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
}

ASSIGNED {
    i (nA)
    level (nA)
}

INITIAL {
    level = 0
    if (kind == 3) {
        random_setseq(stream, 0)
        net_send(start, 1)
    }
}

BREAKPOINT {
    at_time(start)
    at_time(stop)
    if (kind == 2) {
        i = amplitude
    } else if (t < start || t >= stop) {
        i = 0
    } else if (kind == 0) {
        i = amplitude
    } else if (kind == 1) {
        i = offset + amplitude * sin(2 * PI * frequency * t / 1000 + phase * PI / 180)
    } else {
        i = level
    }
}

NET_RECEIVE (w) {
    if (flag == 1) {
        level = mean + stdev * random_normal(stream)
        if (t + noise_dt < stop) {
            net_send(noise_dt, 1)
        }
    }
}
