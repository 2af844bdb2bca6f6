"""Learned (STDP) weights: read back from the board into ``Projection.get('weight')``.

The board changes the 4-bit codes of STDP rows while it runs. A connection's
weight is its code times the weight of one code step, which the mapping fixed
(``weight_realised / sum(weight_codes)``: STDP rows put ``w_max`` at code 15,
see :mod:`mapping.plasticity`).
"""

from __future__ import annotations

import numpy as np

from firmware_io.constants import NEURONS_PER_BLOCK, ROWS_PER_BLOCK


def has_stdp(synapse_type) -> bool:
    """True for STDP synapse types (their weights change on the board)."""
    return getattr(synapse_type, "timing_dependence_type", None) is not None


def learned_weights(driver, mapped, projection: int, initial: np.ndarray) -> np.ndarray:
    """Current weights of one STDP projection (projection units).

    Parameters
    ----------
    driver
        A board driver with ``read_weights(chip)`` (shape (2, 256, 192) codes).
    mapped
        The :class:`mapping.MappedNetwork` the board runs.
    initial
        The requested weights, returned where a connection is not on the board.
    """
    pm = mapped.projections[projection]
    out = np.array(initial, dtype=float, copy=True)
    on = np.flatnonzero(pm.chip >= 0)
    if not on.size:
        return out
    codes_now = np.zeros(on.size)
    chips = pm.chip[on].astype(np.int64)
    for chip in np.unique(chips):     # one read per chip in use
        sel = np.flatnonzero(chips == chip)
        weights = np.asarray(driver.read_weights(int(chip)))
        addr = pm.row[on[sel]].astype(np.int64)
        col = pm.neuron[on[sel]].astype(np.int64) % NEURONS_PER_BLOCK
        codes_now[sel] = weights[addr // ROWS_PER_BLOCK, addr % ROWS_PER_BLOCK, col]
    codes_then = pm.weight_codes[on].sum(axis=1).astype(float)
    step = np.divide(pm.weight_realised[on], codes_then, out=np.zeros(on.size), where=codes_then > 0)
    # a connection mapped to code 0 is "no synapse" and cannot learn (its LUT entry stays 0)
    out[on] = np.where(codes_then > 0, codes_now * step, out[on])
    return out


def restore_weights(backend) -> None:
    """Write the mapped codes back to the chips with STDP rows (``reset()`` restores weights)."""
    mapped = backend.mapped
    if mapped is None or mapped.chip_data.row_stdp is None:
        return
    cd = mapped.chip_data
    row_chip = np.repeat(np.arange(cd.n_chips), np.diff(cd.row_indptr))
    for chip in np.unique(row_chip[cd.row_stdp.astype(bool)]):
        backend.driver.reconfigure(int(chip), backend.configs[int(chip)])
