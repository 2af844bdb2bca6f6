COMMENT
Replays given spike times. The times are scheduled from Python as events of
NetCons whose first weight is a generation number; only events of the current
generation are passed on, so a new list of spike times simply moves to a new
generation and the events still queued for the old list are ignored.
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL PynnHwSpikePlayer
    RANGE generation
    THREADSAFE
}

PARAMETER {
    generation = 0
}

NET_RECEIVE (w) {
    if (flag == 0 && w == generation) {
        net_event(t)
    }
}
