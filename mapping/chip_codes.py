"""The codes of every chip (``ChipData``) from the placement and the row allocation."""

from __future__ import annotations

import numpy as np

from firmware_io import BoardSpec
from firmware_io.constants import NEURONS_PER_BLOCK, NEURONS_PER_CHIP, PARAM_GROUPS_PER_CHIP, PARAM_MAX

from .chip_data import ChipData
from .mapped_network import ReadoutAssignment
from .plasticity import chip_codes
from .rows import RowAllocation


def _csr(chip: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(chip, kind="stable")
    return order, np.searchsorted(chip[order], np.arange(n + 1)).astype(np.int64)


def build_chip_data(board: BoardSpec, alloc: RowAllocation, cell_chip: np.ndarray, cell_block: np.ndarray,
                    cell_col: np.ndarray, g_leak: np.ndarray, tau_refrac: np.ndarray, volt: np.ndarray,
                    readout: ReadoutAssignment) -> ChipData:
    """Compact codes of all chips of ``board``.

    Groups without neurons keep v_rest = v_reset = code 0 and v_thresh = the top
    code, so their unused neurons (no synapses, no leak) never fire.
    """
    n = board.n_chips
    on = np.flatnonzero(cell_chip >= 0)
    local = cell_block[on] * NEURONS_PER_BLOCK + cell_col[on]
    gl = np.zeros((n, NEURONS_PER_CHIP), np.uint16)
    tr = np.zeros((n, NEURONS_PER_CHIP), np.uint16)
    gl[cell_chip[on], local] = g_leak[on]
    tr[cell_chip[on], local] = tau_refrac[on]
    group = 2 * cell_block[on] + (cell_col[on] & 1)
    v = np.zeros((4, n, PARAM_GROUPS_PER_CHIP), np.uint16)
    v[2] = PARAM_MAX
    for q in range(4):  # v_rest, v_reset, v_thresh, e_rev_I
        v[q][cell_chip[on], group] = volt[on, q]
    ro, rptr = _csr(alloc.row_chip, n)
    so, sptr = _csr(alloc.syn_chip, n)
    plastic = None
    row_stp = row_stdp = None
    if len(alloc.classes) > 1:
        plastic = chip_codes(alloc.row_chip, alloc.row_class, alloc.classes, n)
        row_stp = plastic.pop("row_stp")[ro].astype(np.uint8)
        row_stdp = plastic.pop("row_stdp")[ro].astype(np.uint8)
    return ChipData(
        serials=board.serials,
        g_leak=gl, tau_refrac=tr,
        v_rest=v[0], v_reset=v[1], v_thresh=v[2], e_rev_I=v[3],
        readout=readout.readout_codes(0, n),
        row_indptr=rptr,
        row_addr=alloc.row_addr[ro].astype(np.uint16),
        row_source=alloc.row_source[ro],
        row_sign=alloc.row_sign[ro],
        row_strength=alloc.row_strength[ro],
        row_tau=alloc.row_tau[ro],
        syn_indptr=sptr,
        syn_row=alloc.syn_row[so].astype(np.uint16),
        syn_col=alloc.syn_col[so].astype(np.uint8),
        syn_weight=alloc.syn_weight[so],
        row_stp=row_stp, row_stdp=row_stdp, plastic=plastic,
    )
