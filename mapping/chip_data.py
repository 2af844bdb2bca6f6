"""Compact codes of every chip of a board (``ChipData``), expanded to ``ChipConfig`` on demand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_io import ChipConfig
from firmware_io.constants import BLOCKS_PER_CHIP, NEURONS_PER_BLOCK, ROWS_PER_BLOCK


def _readonly(*arrays: np.ndarray) -> None:
    for a in arrays:
        if isinstance(a, np.ndarray):
            a.flags.writeable = False


@dataclass(frozen=True, eq=False)
class ChipData:
    """The codes of every chip of the board, stored compactly.

    ``ChipConfig`` holds 98,304 weights per chip even when a chip uses a few
    hundred; boards of thousands of chips are therefore kept sparse here and
    expanded chip by chip (:meth:`config`).

    Attributes
    ----------
    serials : ndarray (n_chips,) of uint32
    g_leak, tau_refrac : ndarray (n_chips, 384) of uint16
    v_rest, v_reset, v_thresh, e_rev_I : ndarray (n_chips, 4) of uint16
    readout : ndarray (n_chips, 4) of uint16
    row_indptr : ndarray (n_chips + 1,)
        CSR of the active rows by chip; then per active row:
    row_addr, row_source, row_sign, row_strength, row_tau : ndarray
    syn_indptr : ndarray (n_chips + 1,)
        CSR of the non-zero synapses by chip; then per synapse:
    syn_row, syn_col, syn_weight : ndarray
    row_stp, row_stdp : ndarray or None
        Per active row: STP mode and STDP bit (None: all off).
    plastic : dict or None
        Per chip, the chip-wide codes ``stp_u``, ``stp_tau_rec``, ``stp_tau_facil``,
        ``stdp_threshold``, ``stdp_tau`` (n_chips,) and ``stdp_lut_causal``,
        ``stdp_lut_acausal`` (n_chips, 16) (None: ``ChipConfig`` defaults).
    """

    serials: np.ndarray
    g_leak: np.ndarray
    tau_refrac: np.ndarray
    v_rest: np.ndarray
    v_reset: np.ndarray
    v_thresh: np.ndarray
    e_rev_I: np.ndarray
    readout: np.ndarray
    row_indptr: np.ndarray
    row_addr: np.ndarray
    row_source: np.ndarray
    row_sign: np.ndarray
    row_strength: np.ndarray
    row_tau: np.ndarray
    syn_indptr: np.ndarray
    syn_row: np.ndarray
    syn_col: np.ndarray
    syn_weight: np.ndarray
    row_stp: np.ndarray | None = None
    row_stdp: np.ndarray | None = None
    plastic: dict[str, np.ndarray] | None = None

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            _readonly(getattr(self, name))
        for a in (self.plastic or {}).values():
            _readonly(a)

    @property
    def n_chips(self) -> int:
        """Number of chips of the board."""
        return int(self.serials.size)

    def config(self, chip: int, readout: np.ndarray | None = None) -> ChipConfig:
        """The full :class:`ChipConfig` of one chip (optionally with other read-out codes)."""
        rows = slice(int(self.row_indptr[chip]), int(self.row_indptr[chip + 1]))
        syns = slice(int(self.syn_indptr[chip]), int(self.syn_indptr[chip + 1]))
        shape = (BLOCKS_PER_CHIP, ROWS_PER_BLOCK)
        blk, row = np.divmod(self.row_addr[rows].astype(np.int64), ROWS_PER_BLOCK)
        arrays = {}
        for name in ("row_source", "row_sign", "row_strength", "row_tau", "row_stp", "row_stdp"):
            if getattr(self, name) is None:
                continue
            a = np.zeros(shape, dtype=getattr(self, name).dtype)
            a[blk, row] = getattr(self, name)[rows]
            arrays[name] = a
        weights = np.zeros((BLOCKS_PER_CHIP, ROWS_PER_BLOCK, NEURONS_PER_BLOCK), dtype=np.uint8)
        sb, sr = np.divmod(self.syn_row[syns].astype(np.int64), ROWS_PER_BLOCK)
        weights[sb, sr, self.syn_col[syns]] = self.syn_weight[syns]
        return ChipConfig(
            serial=int(self.serials[chip]),
            weights=weights,
            g_leak=self.g_leak[chip].copy(),
            tau_refrac=self.tau_refrac[chip].copy(),
            v_rest=self.v_rest[chip].copy(),
            v_reset=self.v_reset[chip].copy(),
            v_thresh=self.v_thresh[chip].copy(),
            e_rev_I=self.e_rev_I[chip].copy(),
            readout=(self.readout[chip] if readout is None else readout).copy(),
            **arrays,
            **{k: (v[chip].copy() if v.ndim > 1 else int(v[chip])) for k, v in (self.plastic or {}).items()},
        )
