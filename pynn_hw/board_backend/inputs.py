"""Spike sources played into the board: spike times per run window -> input events.

Spike times are drawn or read for one run window at a time, so that a change of
a source's parameters between runs acts from the next run on. Poisson trains are
drawn on the host from one seeded numpy generator (``setup(rng_seed=...)``).
Times are quantised to time-stamp ticks (3.125 us biological).
"""

from __future__ import annotations

import numpy as np

from firmware_io import EVENT_DTYPE, units
from firmware_io.constants import TICK_BIO_MS
from pynn_hw.errors import NoModelAvailableError
from pynn_hw.network import PopulationSpec, expand
from pynn_hw.standardmodels import cells

#: The spike-source types the board backends can play in.
SUPPORTED_SOURCES = (cells.SpikeSourceArray, cells.SpikeSourcePoisson)


def check_source_type(pop: PopulationSpec) -> None:
    """Refuse spike-source types that have no host-side generator here."""
    if not issubclass(pop.celltype, SUPPORTED_SOURCES):
        raise NoModelAvailableError(
            f"population {pop.label!r}: {pop.celltype.__name__} cannot be played into the board; "
            f"supported spike sources: {', '.join(t.__name__ for t in SUPPORTED_SOURCES)}")


def source_spikes(pop: PopulationSpec, params: dict[str, np.ndarray], t0: float, t1: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Spikes of one source population in ``[t0, t1)`` ms.

    Returns
    -------
    cells, ticks
        Local cell indices and spike times in ticks (quantised, inside the window).
    """
    if issubclass(pop.celltype, cells.SpikeSourceArray):
        return _array_spikes(pop, params["spike_times"], t0, t1)
    return _poisson_spikes(pop, params, t0, t1, rng)


def _array_spikes(pop: PopulationSpec, spike_times, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
    seqs = np.asarray(spike_times, dtype=object)
    one = seqs.ndim == 0
    parts_c, parts_t = [], []
    for i in range(1 if one else pop.size):  # one array per source, never a loop per spike
        s = seqs.item() if one else seqs[i]
        t = np.asarray(getattr(s, "value", s), dtype=np.float64).ravel()
        ticks = units.ms_to_ticks(t[t >= 0]).astype(np.int64) if t.size else np.zeros(0, np.int64)
        ticks = ticks[(ticks >= _tick(t0)) & (ticks < _tick(t1))]
        if one:
            parts_c.append(np.repeat(np.arange(pop.size), ticks.size))
            parts_t.append(np.tile(ticks, pop.size))
        else:
            parts_c.append(np.full(ticks.size, i, np.int64))
            parts_t.append(ticks)
    if not parts_c:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(parts_c).astype(np.int64), np.concatenate(parts_t)


def _poisson_spikes(pop: PopulationSpec, params: dict[str, np.ndarray], t0: float, t1: float,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = pop.size
    rate = expand(np.asarray(params["rate"], float), n)
    start = expand(np.asarray(params["start"], float), n)
    stop = start + expand(np.asarray(params["duration"], float), n)
    lo, hi = np.maximum(start, t0), np.minimum(stop, t1)
    length = np.maximum(hi - lo, 0.0)
    counts = rng.poisson(rate * length / 1000.0)
    cell = np.repeat(np.arange(n), counts)
    t = lo[cell] + rng.random(cell.size) * length[cell]
    ticks = units.ms_to_ticks(t).astype(np.int64) if t.size else np.zeros(0, np.int64)
    inside = (ticks >= _tick(t0)) & (ticks < _tick(t1))   # a time rounded up onto t1 is dropped
    return cell[inside], ticks[inside]


def _tick(t_ms: float) -> int:
    return int(round(t_ms / TICK_BIO_MS))


def input_events(inputs, sources: np.ndarray, ticks: np.ndarray) -> np.ndarray:
    """Board input events for source spikes (global source indices, ticks), via the mapping's fan-out.

    ``inputs`` is the mapping's ``InputAddresses``: every spike becomes one event
    per address of its source, delayed by the address's delay.
    """
    event, addr = inputs.expand(sources)
    out = np.empty(event.size, dtype=EVENT_DTYPE)
    out["t"] = ticks[event] + inputs.delay_ticks[addr]
    out["chip"] = inputs.chip[addr]
    out["addr"] = inputs.row[addr]
    return out[np.argsort(out["t"], kind="stable")]
