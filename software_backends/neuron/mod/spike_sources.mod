COMMENT
Random spike sources as artificial cells, with Random123 streams (RANDOM).

kind = 0: Poisson process with rate (Hz) and a dead time tau_refrac (ms) after
          every spike; the exponential part of each interval has the mean that
          keeps the output rate at `rate`: 1000 / rate - tau_refrac.
kind = 1: gamma process, intervals Gamma(alpha, scale 1000 / beta ms)
          (Marsaglia and Tsang 2000; alpha < 1 through the boost
          G(alpha) = G(alpha + 1) U^(1 / alpha)).

Spikes fall in (start, start + duration].
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL PynnHwRandomSource
    RANGE kind, rate, tau_refrac, alpha, beta, start, duration
    RANDOM stream
    THREADSAFE
}

PARAMETER {
    kind = 0
    rate = 1 (/s)
    tau_refrac = 0 (ms)
    alpha = 2
    beta = 1 (/s)
    start = 0 (ms)
    duration = 1e10 (ms)
}

ASSIGNED {
    next_t (ms)
}

INITIAL {
    random_setseq(stream, 0)
    next_t = start + first_interval()
    if (next_t <= start + duration) {
        net_send(next_t - t, 1)
    }
}

FUNCTION first_interval() (ms) {
    if (kind == 0) {
        if (rate <= 0) {
            first_interval = 1e30
        } else {
            : a process that began long before start is past its dead time
            first_interval = exponential_part()
        }
    } else {
        first_interval = interval()
    }
}

FUNCTION exponential_part() (ms) {
    LOCAL mean
    mean = 1000 / rate - tau_refrac
    if (mean <= 0) {
        exponential_part = 0
    } else {
        exponential_part = random_negexp(stream) * mean
    }
}

FUNCTION interval() (ms) {
    if (kind == 0) {
        if (rate <= 0) {
            interval = 1e30
        } else {
            interval = tau_refrac + exponential_part()
        }
    } else {
        if (beta <= 0) {
            interval = 1e30
        } else {
            interval = gamma_draw(alpha) * 1000 / beta
        }
    }
}

FUNCTION gamma_draw(shape) {
    LOCAL d, c, x, y, u, accepted, boost
    boost = 1
    if (shape < 1) {
        boost = pow(random_uniform(stream), 1 / shape)
        shape = shape + 1
    }
    d = shape - 1 / 3
    c = 1 / sqrt(9 * d)
    accepted = 0
    while (accepted == 0) {
        x = random_normal(stream)
        y = 1 + c * x
        if (y > 0) {
            y = y * y * y
            u = random_uniform(stream)
            if (log(u) < 0.5 * x * x + d - d * y + d * log(y)) {
                accepted = 1
            }
        }
    }
    gamma_draw = d * y * boost
}

NET_RECEIVE (w) {
    if (flag == 1) {
        net_event(t)
        next_t = t + interval()
        if (next_t <= start + duration) {
            net_send(next_t - t, 1)
        }
    }
}
