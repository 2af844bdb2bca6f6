"""Membrane read-out: which recorded cell shows on which channel, and the channel limit."""

from __future__ import annotations

import numpy as np

from firmware_io.constants import CYCLE_BIO_MS, READOUT_CHANNELS_PER_CHIP
from firmware_io.units import CM_NF, VOLTAGE
from pynn_hw.errors import RecordingError
from pynn_hw.network import Network

#: Variables recorded through the read-out channels (everything but spikes).
ANALOG_VARIABLES = ("v", "gsyn_exc", "gsyn_inh")
_V_FRAC = 12
#: Q30 ``g dt / C`` register -> uS: ``G / 2**30 * C / dt``.
_G_TO_US = CM_NF / CYCLE_BIO_MS / float(1 << 30)


def assign_channels(network: Network, masks: dict[tuple[int, str], np.ndarray], placement
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Channels for every cell with an analog recording request.

    Parameters
    ----------
    masks
        ``(population, variable) -> local cell indices`` of the analog requests.
    placement
        The mapping's ``CellPlacement``.

    Returns
    -------
    cells, chip, channel
        Global cell indices (sorted) and their (chip, channel).

    Raises
    ------
    RecordingError
        If a chip would need more than ``READOUT_CHANNELS_PER_CHIP`` channels
        (naming the variable, the number asked and the number available).
    """
    parts = [np.zeros(0, np.int64)]
    for (p, _), cells in masks.items():
        parts.append(network.populations[p].offset + np.asarray(cells, np.int64))
    cells = np.unique(np.concatenate(parts))
    chip = placement.chip[cells].astype(np.int64)
    if chip.size and (chip < 0).any():
        raise RecordingError("v", "spike source", reason="spike sources have no membrane")
    counts = np.bincount(chip, minlength=1)
    if counts.max(initial=0) > READOUT_CHANNELS_PER_CHIP:
        full = int(np.argmax(counts))
        var, pop = _culprit(network, masks, placement, full)
        chips_used = int(np.unique(placement.chip[placement.chip >= 0]).size)
        raise RecordingError(
            var, pop.celltype,
            reason=(f"{int(counts[full])} cells asked for membrane read-out on chip {full} (population "
                    f"{pop.label!r} and others there), which has {READOUT_CHANNELS_PER_CHIP} read-out channels: "
                    f"{READOUT_CHANNELS_PER_CHIP} available per chip, {READOUT_CHANNELS_PER_CHIP * chips_used} "
                    f"on the {chips_used} chip(s) this network uses ({cells.size} cells asked in all); "
                    "record v/gsyn from fewer cells (spikes are recorded from every cell)"))
    order = np.lexsort((placement.neuron[cells], chip))
    rank = np.zeros(cells.size, np.int64)
    if cells.size:
        sc = chip[order]
        first = np.r_[True, sc[1:] != sc[:-1]]
        starts = np.flatnonzero(first)
        rank[order] = np.arange(cells.size) - np.repeat(starts, np.diff(np.r_[starts, cells.size]))
    return cells, chip, rank


def _culprit(network: Network, masks, placement, chip: int):
    for (p, var), cells in sorted(masks.items()):
        pop = network.populations[p]
        if (placement.chip[pop.offset + np.asarray(cells, np.int64)] == chip).any():
            return var, pop
    raise AssertionError("no recorded cell on the over-full chip")  # unreachable: counts came from masks


def readout_codes(n_chips: int, cells: np.ndarray, chip: np.ndarray, channel: np.ndarray, placement
                  ) -> np.ndarray:
    """``(chips, 4)`` read-out selectors for the assigned channels (``NO_READOUT`` elsewhere)."""
    from firmware_io.constants import NO_READOUT
    codes = np.full((n_chips, READOUT_CHANNELS_PER_CHIP), NO_READOUT, dtype=np.int64)
    codes[chip, channel] = placement.neuron[cells]
    return codes


def to_units(variable: str, raw: np.ndarray, weight_scale: np.ndarray) -> np.ndarray:
    """Read-out registers -> PyNN units: membrane in mV, conductances in uS of the model.

    Conductances are divided by the cell's weight scale (``0.2 nF / cm``), so that
    they are in the units of the requested weights.
    """
    if variable == "v":
        return VOLTAGE.zero + VOLTAGE.lsb * (raw / float(1 << _V_FRAC))
    return raw * _G_TO_US / weight_scale
