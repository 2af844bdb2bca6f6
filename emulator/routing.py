"""Inter-chip routing table: which neuron's spikes go to which row of which chip.

.. note::
   The configuration image of :mod:`firmware_io` does not (yet) carry the
   inter-chip routing table, so the emulator keeps this small, clearly
   separate description of its own. It is the only part of the board set-up
   that is not part of the hardware contract.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_io.constants import NEURONS_PER_CHIP, ROW_SOURCE, ROWS_PER_CHIP


class RoutingError(ValueError):
    """A routing table entry cannot be realised on the loaded board."""


@dataclass(frozen=True, eq=False)
class RouteTable:
    """Routes ``(src_chip, src_neuron) -> (dst_chip, dst_row)``, one per element.

    ``dst_row`` is ``block * 256 + row`` and must be a row whose source is
    ``EXTERNAL`` on the destination chip. A neuron may have many routes.
    """

    src_chip: np.ndarray
    src_neuron: np.ndarray
    dst_chip: np.ndarray
    dst_row: np.ndarray

    @classmethod
    def empty(cls) -> "RouteTable":
        """No inter-chip routes."""
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z)

    @classmethod
    def from_arrays(cls, src_chip, src_neuron, dst_chip, dst_row) -> "RouteTable":
        """Build from four equally long integer sequences."""
        arrs = [np.asarray(a, dtype=np.int64).ravel() for a in (src_chip, src_neuron, dst_chip, dst_row)]
        if len({a.size for a in arrs}) != 1:
            raise RoutingError(f"route arrays have different lengths {[a.size for a in arrs]}; "
                               "src_chip, src_neuron, dst_chip and dst_row must be equally long")
        return cls(*arrs)

    def __len__(self) -> int:
        return int(self.src_chip.size)

    def validate(self, n_chips: int, row_source: np.ndarray) -> None:
        """Check ranges and that every destination row takes external input.

        Parameters
        ----------
        n_chips
            Chips on the board.
        row_source
            Row source codes of all chips, shape (n_chips * 512,).
        """
        checks = [("src_chip", self.src_chip, n_chips), ("dst_chip", self.dst_chip, n_chips),
                  ("src_neuron", self.src_neuron, NEURONS_PER_CHIP), ("dst_row", self.dst_row, ROWS_PER_CHIP)]
        for name, arr, limit in checks:
            bad = (arr < 0) | (arr >= limit)
            if bad.any():
                i = int(np.argmax(bad))
                raise RoutingError(f"RouteTable.{name}[{i}]: value {int(arr[i])} is out of range; "
                                   f"valid: 0..{limit - 1}")
        src = row_source[self.dst_chip * ROWS_PER_CHIP + self.dst_row]
        bad = src != ROW_SOURCE.EXTERNAL
        if bad.any():
            i = int(np.argmax(bad))
            raise RoutingError(
                f"RouteTable.dst_row[{i}]: row {int(self.dst_row[i])} of chip {int(self.dst_chip[i])} "
                f"has source {ROW_SOURCE(int(src[i])).name}; a routed event needs an EXTERNAL row")

    def by_source(self, n_chips: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR form: ``start`` (N+1,), and per route (sorted by source) dst chip and global dst row."""
        src = self.src_chip * NEURONS_PER_CHIP + self.src_neuron
        order = np.argsort(src, kind="stable")
        counts = np.bincount(src, minlength=n_chips * NEURONS_PER_CHIP)
        start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        dst_chip = self.dst_chip[order]
        return start, dst_chip, dst_chip * ROWS_PER_CHIP + self.dst_row[order]
