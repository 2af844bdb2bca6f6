"""Running measurement configurations on a board, and reading spikes and traces back.

A board here is anything with the board interface shared by ``emulator.Board``
and ``firmware_io.protocol.BoardClient``: ``load(configs)``,
``set_readout(readout)``, ``reset()``, ``write_input(events)``,
``run(n_cycles)`` returning ``output_events`` and ``traces``. Only what a real
board returns over its protocol is used: output spikes with their time stamps
and the membrane traces of the 4 read-out channels per chip. No register of
the emulator is read directly.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from firmware_io import EVENT_DTYPE, ChipConfig
from firmware_io.constants import (CYCLE_BIO_MS, NEURONS_PER_BLOCK, NEURONS_PER_CHIP, READOUT_CHANNELS_PER_CHIP,
                                   TICKS_PER_CYCLE)
from firmware_io.units import VOLTAGE

from .errors import CalibrationError

#: Fraction bits of the membrane register below the voltage code (docs/hardware.md, read-out traces).
TRACE_FRAC_BITS = 12
DT = CYCLE_BIO_MS


class BoardLike(Protocol):
    """The part of the board interface the measurements use."""

    def load(self, configs: Any, routes: Any = None) -> None: ...
    def set_readout(self, readout: np.ndarray) -> None: ...
    def reset(self) -> None: ...
    def write_input(self, events: np.ndarray) -> Any: ...
    def run(self, n_cycles: int) -> Any: ...


def run_probe(board: BoardLike, n_cycles: int, events: np.ndarray | None = None,
              readout: np.ndarray | None = None) -> Any:
    """Reset the board (time 0), queue ``events``, run ``n_cycles``; refuse lost input.

    Raises
    ------
    CalibrationError
        If the board dropped input events: a measurement with lost input is wrong.
    """
    if readout is not None:
        board.set_readout(readout)
    board.reset()
    if events is not None and len(events):
        board.write_input(events)
    result = board.run(int(n_cycles))
    dropped = getattr(result, "dropped", None)
    if dropped is not None and dropped.total():
        raise CalibrationError(f"the board dropped {dropped.total()} input events of a calibration run; "
                               "the measurement would be wrong (input bandwidth exceeded?)")
    return result


def events(t: np.ndarray, chip: np.ndarray, addr: np.ndarray) -> np.ndarray:
    """EVENT_DTYPE array sorted by time."""
    ev = np.empty(np.size(t), dtype=EVENT_DTYPE)
    ev["t"], ev["chip"], ev["addr"] = t, chip, addr
    return ev[np.argsort(ev["t"], kind="stable")]


def traces_mv(result: Any) -> np.ndarray:
    """Read-out traces in nominal mV, shape (n_cycles, chips, 4)."""
    reg = np.asarray(result.traces, dtype=np.float64)
    return VOLTAGE.zero + VOLTAGE.lsb * reg / float(1 << TRACE_FRAC_BITS)


def readout_positions(positions: np.ndarray, n_chips: int) -> list[np.ndarray]:
    """Read-out selections so that channel ``c`` shows a neuron of parameter group ``c``.

    Position ``p`` (0..95) shows neurons ``2p``, ``2p + 1``, ``192 + 2p``,
    ``193 + 2p``: group ``2 * block + (column & 1)`` equals the channel.
    """
    out = []
    for p in positions:
        row = np.array([2 * p, 2 * p + 1, NEURONS_PER_BLOCK + 2 * p, NEURONS_PER_BLOCK + 2 * p + 1])
        out.append(np.tile(row, (n_chips, 1)))
    return out


def base_configs(serials: np.ndarray) -> list[ChipConfig]:
    """One empty configuration per chip (rows off, no read-out)."""
    return [ChipConfig.empty(int(s)) for s in serials]


def spike_table(result: Any) -> tuple[np.ndarray, np.ndarray]:
    """(global neuron ``chip * 384 + addr``, tick) of every output spike, sorted by neuron then time."""
    ev = result.output_events
    neuron = ev["chip"].astype(np.int64) * NEURONS_PER_CHIP + ev["addr"].astype(np.int64)
    t = ev["t"].astype(np.int64)
    order = np.lexsort((t, neuron))
    return neuron[order], t[order]


def crossing_times(result: Any, n_neurons: int, t_from_ms: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Mean integration time (ms) from a reset to the next threshold crossing, per neuron.

    A neuron reset in cycle ``k`` integrates from the end of that cycle; a spike
    in cycle ``k'`` with fine time ``f`` crossed the threshold about
    ``(f + 0.5) / 32`` into cycle ``k'``. So each inter-spike interval of
    ``k' - k`` cycles holds ``(k' - k - 1 + (f + 0.5) / 32) * dt`` of integration
    (no refractory period). Only intervals starting at or after ``t_from_ms``.

    Returns
    -------
    mean_ms, count : ndarray (n_neurons,)
        NaN where a neuron has no such interval.
    """
    neuron, t = spike_table(result)
    same = neuron[1:] == neuron[:-1]
    start_ok = t[:-1] >= t_from_ms / DT * TICKS_PER_CYCLE
    use = same & start_ok
    k0, k1 = t[:-1] // TICKS_PER_CYCLE, t[1:] // TICKS_PER_CYCLE
    f1 = t[1:] % TICKS_PER_CYCLE
    span = (k1 - k0 - 1 + (f1 + 0.5) / TICKS_PER_CYCLE) * DT
    who = neuron[:-1][use]
    count = np.bincount(who, minlength=n_neurons)
    total = np.bincount(who, weights=span[use], minlength=n_neurons)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan), count


def refractory_ticks(result: Any, n_neurons: int, free_cycles: np.ndarray) -> np.ndarray:
    """Mean refractory period (ticks) per neuron from its inter-spike intervals.

    ``free_cycles`` is each neuron's interval in cycles with a zero refractory
    period (same voltages and leak). A neuron that spiked at tick ``t`` (fine
    time ``f``) is held until the first cycle ``k1`` with ``32 k1 >= t + r``; its
    interval grows by ``m - 1`` cycles with ``m = ceil((f + r) / 32)``, so ``r``
    lies in ``(32 (m - 1) - f, 32 m - f]``: the estimate is the middle.
    """
    neuron, t = spike_table(result)
    same = neuron[1:] == neuron[:-1]
    k0, k1 = t[:-1] // TICKS_PER_CYCLE, t[1:] // TICKS_PER_CYCLE
    f0 = t[:-1] % TICKS_PER_CYCLE
    who = neuron[:-1][same]
    m = (k1 - k0)[same] - free_cycles[who] + 1
    est = TICKS_PER_CYCLE * m - f0[same] - TICKS_PER_CYCLE / 2
    count = np.bincount(who, minlength=n_neurons)
    total = np.bincount(who, weights=est, minlength=n_neurons)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def interval_cycles(result: Any, n_neurons: int) -> np.ndarray:
    """Median inter-spike interval in whole cycles per neuron (NaN without an interval)."""
    neuron, t = spike_table(result)
    same = neuron[1:] == neuron[:-1]
    d = (t[1:] // TICKS_PER_CYCLE - t[:-1] // TICKS_PER_CYCLE)[same].astype(np.float64)
    who = neuron[:-1][same]
    out = np.full(n_neurons, np.nan)
    if who.size:
        order = np.lexsort((d, who))
        who, d = who[order], d[order]
        starts = np.searchsorted(who, np.arange(n_neurons))
        ends = np.searchsorted(who, np.arange(n_neurons), side="right")
        has = ends > starts
        out[has] = d[(starts[has] + ends[has] - 1) // 2]
    return out


def readout_neurons(readout: np.ndarray) -> np.ndarray:
    """Global neuron ids (chips, 4) shown by a read-out selection."""
    chips = readout.shape[0]
    return np.arange(chips)[:, None] * NEURONS_PER_CHIP + readout.astype(np.int64)


def trace_spikes(result: Any, readout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spike masks and fine times (n_cycles, chips, 4) of the read-out neurons."""
    n = int(result.n_cycles) if hasattr(result, "n_cycles") else result.traces.shape[0]
    chips = readout.shape[0]
    ids = readout_neurons(readout).ravel()
    lookup = np.full(chips * NEURONS_PER_CHIP, -1, np.int64)
    lookup[ids] = np.arange(ids.size)
    neuron, t = spike_table(result)
    col = lookup[neuron]
    keep = col >= 0
    cyc = t[keep] // TICKS_PER_CYCLE - int(getattr(result, "start_cycle", 0))
    mask = np.zeros((n, chips * READOUT_CHANNELS_PER_CHIP), bool)
    fine = np.zeros_like(mask, dtype=np.int64)
    mask[cyc, col[keep]] = True
    fine[cyc, col[keep]] = t[keep] % TICKS_PER_CYCLE
    shape = (n, chips, READOUT_CHANNELS_PER_CHIP)
    return mask.reshape(shape), fine.reshape(shape)
