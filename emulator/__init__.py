"""Bit-accurate emulator of a board of FACETS-style chips (``docs/hardware.md``).

Public API
----------
:class:`Board`
    ``Board(fabric=None, *, ideal=False, strict=False)`` (``fabric``: a
    ``firmware_io.BoardSpec`` or a :class:`FabricSpec`); ``load(configs | image
    bytes | BoardImage, routes=None)`` (routes: ``firmware_io.ROUTE_DTYPE``);
    ``write_input(events)``; ``run(n_cycles, input_events=None) -> RunResult``;
    ``reset()``; ``status() -> BoardStatus``; ``read_weights(chip)``;
    ``write_weights(chip, w)``; ``membrane()``; ``conductances()``.
:class:`SparseBoard`
    The same bit-accurate model and interface, computed only on live neurons
    and used rows, with next-hop routing: for boards of hundreds or thousands
    of chips (no STDP rows; no 64-chip limit in-process).
:class:`ReferenceBoard`
    Float64 reference of the same equations (not bit-accurate).

The integer model (widths, rounding, overflow, order of work) is described in
the module docstrings of :mod:`emulator.arithmetic`, :mod:`emulator.neuron`,
:mod:`emulator.synapse_rows`, :mod:`emulator.stdp`, :mod:`emulator.network_fabric`
and :mod:`emulator.board`, and in ``docs/hardware.md`` ("Emulator arithmetic").

Left out: analog noise and drift; PSC rise time (a conductance jumps within
one cycle); per-row decay-time mismatch is realised per conductance class
(each row keeps its charge); the 32-bit time-stamp wrap (times are 64-bit);
the board's input/output event memory limits; the read-out ADC (traces are
the exact membrane registers, one sample per cycle).
"""

from .board import Board, InvalidEventError
from .network_fabric import FabricSpec
from .reference import ReferenceBoard
from .sparse_board import SparseBoard
from .results import BoardStatus, DropCounts, RunResult

__all__ = ["Board", "SparseBoard", "InvalidEventError", "FabricSpec", "ReferenceBoard", "BoardStatus", "DropCounts",
           "RunResult"]
