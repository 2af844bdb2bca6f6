"""What the mapping produces: a network laid out on a board, as frozen records.

A :class:`MappedNetwork` holds everything a board (real or emulated) needs to run a
:class:`pynn_hw.network.Network`, and everything a backend needs to translate between
the front-end's global cell indices and hardware addresses:

* ``configs``: one :class:`firmware_io.ChipConfig` per chip of the board (codes);
* ``routes``: the inter-chip routing table (:data:`firmware_io.ROUTE_DTYPE`);
* ``placement``: global cell index -> (chip, chip-local neuron 0..383), -1 for cells
  that are not on the board (spike sources);
* ``inputs``: how the events of each spike source enter the board: a list of
  (chip, row address, delay) input addresses per source; a source whose weights
  need several rows has one address per row;
* ``readout``: which recorded cells get a membrane read-out channel in which run;
* ``translations``: per population, which biological value became which code, and
  the error of that approximation;
* ``projections``: per projection and connection, where the synapse went and the
  weight and delay it realises;
* ``report``: the :class:`~mapping.report.MappingReport`.

All arrays are numpy arrays; all records are frozen (the arrays themselves are
marked read-only where they are created by the mapping).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import Any

import numpy as np

from firmware_io import ROUTE_DTYPE, BoardSpec, ChipConfig
from firmware_io.constants import NEURONS_PER_CHIP, READOUT_CHANNELS_PER_CHIP

from .chip_data import ChipData
from .report import MappingReport

__all__ = [
    "LOSS_CAUSES",
    "LossCause",
    "CellPlacement",
    "InputAddresses",
    "ReadoutAssignment",
    "PopulationTranslation",
    "ProjectionMapping",
    "MappedNetwork",
    "ChipData",
    "ROUTE_DTYPE",
]


class LossCause(IntEnum):
    """Why a requested synapse is not realised (0: it is)."""

    REALISED = 0
    #: The weight rounds to 0 at the row strength chosen for the row.
    WEIGHT_ROUNDS_TO_ZERO = 1
    #: No row left in the target's block (or no external row left on its chip).
    NO_ROW = 2
    #: The synapse targets a spike source (sources have no inputs).
    TARGET_IS_SOURCE = 3


#: Printable names of the loss causes (report keys).
LOSS_CAUSES: dict[int, str] = {int(c): c.name.lower() for c in LossCause if c != LossCause.REALISED}


def _readonly(*arrays: np.ndarray) -> None:
    for a in arrays:
        if isinstance(a, np.ndarray):
            a.flags.writeable = False


@dataclass(frozen=True, eq=False)
class CellPlacement:
    """Where every cell of the network sits.

    Attributes
    ----------
    chip : ndarray (n_cells,) of int32
        Chip id of each global cell index; -1 for cells not on the board.
    neuron : ndarray (n_cells,) of int16
        Chip-local neuron (``block * 192 + column``, 0..383); -1 off the board.
    """

    chip: np.ndarray
    neuron: np.ndarray

    def __post_init__(self) -> None:
        _readonly(self.chip, self.neuron)

    @property
    def on_board(self) -> np.ndarray:
        """Boolean mask of the cells that are hardware neurons."""
        return self.chip >= 0

    def cells_of_chip(self, chip: int) -> np.ndarray:
        """Global indices of the cells on ``chip``, ordered by chip-local neuron."""
        cells = np.flatnonzero(self.chip == chip)
        return cells[np.argsort(self.neuron[cells], kind="stable")]

    def global_index(self, chip: np.ndarray, neuron: np.ndarray) -> np.ndarray:
        """Global cell index of hardware addresses (chip, neuron); -1 where no cell sits.

        This is how output events (chip, neuron) are turned into spikes of cells.
        """
        n_chips = int(self.chip.max()) + 1 if self.chip.size else 0
        table = np.full(max(n_chips, 1) * NEURONS_PER_CHIP, -1, dtype=np.int64)
        on = self.on_board
        table[self.chip[on].astype(np.int64) * NEURONS_PER_CHIP + self.neuron[on]] = np.flatnonzero(on)
        key = np.asarray(chip, dtype=np.int64) * NEURONS_PER_CHIP + np.asarray(neuron, dtype=np.int64)
        ok = (key >= 0) & (key < table.size)
        out = np.full(key.shape, -1, dtype=np.int64)
        out[ok] = table[key[ok]]
        return out


@dataclass(frozen=True, eq=False)
class InputAddresses:
    """How the events of the spike sources enter the board (CSR by source).

    Every event of source ``sources[i]`` at time ``t`` becomes one input event per
    address ``k`` in ``indptr[i]:indptr[i+1]``: to chip ``chip[k]``, row address
    ``row[k]`` (``block * 256 + row``) at ``t + delay_ticks[k]`` (time-stamp ticks).
    A source whose weights need several rows of one block (weights above 15 x the
    largest row strength) has several addresses on that chip: the duplication is
    explicit here.

    Attributes
    ----------
    sources : ndarray (n_sources,) of int64
        Global cell indices of the spike sources, sorted.
    indptr : ndarray (n_sources + 1,) of int64
    chip : ndarray (n_addr,) of int32
    row : ndarray (n_addr,) of int16
    delay_ticks : ndarray (n_addr,) of int64
        Delay the host adds to every event sent to this address: the mean
        requested delay of the row's synapses, in ticks (host input has no other
        delay on the board).
    """

    sources: np.ndarray
    indptr: np.ndarray
    chip: np.ndarray
    row: np.ndarray
    delay_ticks: np.ndarray

    def __post_init__(self) -> None:
        _readonly(self.sources, self.indptr, self.chip, self.row, self.delay_ticks)

    def addresses(self, source: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(chip, row, delay_ticks) arrays of one spike source (global index).

        Raises
        ------
        KeyError
            If ``source`` is not a spike source of the network.
        """
        i = int(np.searchsorted(self.sources, source))
        if i >= self.sources.size or self.sources[i] != source:
            raise KeyError(f"cell {source} is not a spike source of the mapped network")
        sl = slice(int(self.indptr[i]), int(self.indptr[i + 1]))
        return self.chip[sl], self.row[sl], self.delay_ticks[sl]

    def expand(self, source: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised fan-out: for events of ``source`` (global indices, one per event),
        return ``(event_index, address_index)`` pairs, one per input event to send.
        """
        pos = np.searchsorted(self.sources, source)
        pos = np.minimum(pos, max(self.sources.size - 1, 0))
        known = self.sources.size > 0
        valid = known & (self.sources[pos] == source) if known else np.zeros(len(source), bool)
        start = np.where(valid, self.indptr[pos], 0)
        count = np.where(valid, self.indptr[pos + 1] - self.indptr[pos], 0) if known else start
        event = np.repeat(np.arange(len(source)), count)
        first = np.repeat(start - np.cumsum(count) + count, count)
        return event, first + np.arange(event.size)

    def events(self, source: np.ndarray, times_ms: np.ndarray) -> np.ndarray:
        """Input events (``firmware_io.EVENT_DTYPE``) for spikes of spike sources.

        Parameters
        ----------
        source
            Global index of the spike source of every spike.
        times_ms
            Spike times (ms, biological); rounded to the nearest tick, then each
            address's ``delay_ticks`` is added.

        Returns
        -------
        ndarray of EVENT_DTYPE
            One event per spike and input address, sorted by time (stable).
        """
        from firmware_io import make_events, units

        source = np.asarray(source, dtype=np.int64)
        ticks = units.ms_to_ticks(np.asarray(times_ms, dtype=np.float64)).astype(np.int64)
        event, addr = self.expand(source)
        t = ticks[event] + self.delay_ticks[addr]
        order = np.argsort(t, kind="stable")
        return make_events(t[order].astype(np.uint64), self.chip[addr][order].astype(np.uint16),
                           self.row[addr][order].astype(np.uint16))


@dataclass(frozen=True, eq=False)
class ReadoutAssignment:
    """Membrane read-out channels for the cells whose v or gsyn is recorded.

    A chip has ``READOUT_CHANNELS_PER_CHIP`` channels, so at most that many of its
    neurons can be read out in one run; further requested cells of a chip get a
    later ``run`` index (0 = the run that ``configs`` are set up for).

    Attributes
    ----------
    cells : ndarray of int64
        Global indices of the cells that have a read-out request, sorted.
    chip, neuron : ndarray of int32 / int16
    channel : ndarray of int8
        0..3.
    run : ndarray of int32
        Which run the cell is read out in.
    """

    cells: np.ndarray
    chip: np.ndarray
    neuron: np.ndarray
    channel: np.ndarray
    run: np.ndarray

    def __post_init__(self) -> None:
        _readonly(self.cells, self.chip, self.neuron, self.channel, self.run)

    @property
    def runs_needed(self) -> int:
        """Number of runs needed to read out every requested cell (0 if none)."""
        return int(self.run.max()) + 1 if self.run.size else 0

    def readout_codes(self, run: int, n_chips: int) -> np.ndarray:
        """``ChipConfig.readout`` arrays (n_chips, 4) for one run (NO_READOUT elsewhere)."""
        from firmware_io.constants import NO_READOUT

        out = np.full((n_chips, READOUT_CHANNELS_PER_CHIP), NO_READOUT, dtype=np.uint16)
        sel = self.run == run
        out[self.chip[sel], self.channel[sel]] = self.neuron[sel]
        return out

    @staticmethod
    def assign(cells: np.ndarray, placement: CellPlacement) -> "ReadoutAssignment":
        """Give every requested cell on the board a (channel, run), chip by chip."""
        cells = np.unique(np.asarray(cells, dtype=np.int64))
        cells = cells[placement.chip[cells] >= 0]
        chip = placement.chip[cells]
        order = np.lexsort((placement.neuron[cells], chip))
        cells, chip = cells[order], chip[order]
        starts = np.flatnonzero(np.r_[True, chip[1:] != chip[:-1]]) if cells.size else np.zeros(0, np.int64)
        rank = np.arange(cells.size) - np.repeat(starts, np.diff(np.r_[starts, cells.size]))
        order = np.argsort(cells, kind="stable")
        cells, chip, rank = cells[order], chip[order], rank[order]
        return ReadoutAssignment(
            cells=cells,
            chip=chip.astype(np.int32),
            neuron=placement.neuron[cells].astype(np.int16),
            channel=(rank % READOUT_CHANNELS_PER_CHIP).astype(np.int8),
            run=(rank // READOUT_CHANNELS_PER_CHIP).astype(np.int32),
        )


@dataclass(frozen=True, eq=False)
class PopulationTranslation:
    """How one population's biological parameters became hardware codes.

    Attributes
    ----------
    population : int
        Index in ``Network.populations``.
    label, celltype : str
    kind : str
        ``"neuron"`` (on the board) or ``"source"`` (host input).
    codes : dict[str, ndarray]
        Hardware quantity -> per-cell codes (``g_leak``, ``tau_refrac``, ``v_rest``,
        ``v_reset``, ``v_thresh``, ``e_rev_I``, ``tau_syn_E``, ``tau_syn_I`` (row_tau
        codes of the rows that feed the cell)).
    requested : dict[str, ndarray]
        Biological parameter -> requested per-cell value (PyNN units).
    realised : dict[str, ndarray]
        Biological parameter -> value the nominal codes give (PyNN units).
    max_abs_error : dict[str, float]
        Biological parameter -> max |realised - requested|.
    weight_scale : ndarray
        Per-cell factor applied to incoming weights (``0.2 nF / cm``; 1 natively).
    notes : tuple[str, ...]
        The approximations made, in words.
    """

    population: int
    label: str
    celltype: str
    kind: str
    codes: dict[str, np.ndarray] = field(default_factory=dict)
    requested: dict[str, np.ndarray] = field(default_factory=dict)
    realised: dict[str, np.ndarray] = field(default_factory=dict)
    max_abs_error: dict[str, float] = field(default_factory=dict)
    weight_scale: np.ndarray = field(default_factory=lambda: np.ones(0))
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class ProjectionMapping:
    """Where each connection of one projection went.

    Attributes
    ----------
    projection : int
        Index in ``Network.projections``.
    chip : ndarray (n,) of int32
        Chip of the target neuron (-1: lost or not on the board).
    row : ndarray (n,) of int16
        Row address (``block * 256 + row``) of the first row that carries it (-1: lost).
    n_rows : ndarray (n,) of int8
        Number of rows (of the same source) the weight is split over.
    neuron : ndarray (n,) of int16
        Chip-local target neuron.
    weight_codes : ndarray (n, max_rows) of uint8
        4-bit weight in each of those rows.
    weight_realised : ndarray (n,) of float64
        The weight the codes give at nominal strength, in the projection's units.
    delay_realised : ndarray (n,) of float64
        The delay the board gives (ms).
    lost : ndarray (n,) of uint8
        :class:`LossCause` (0 = realised).
    """

    projection: int
    chip: np.ndarray
    row: np.ndarray
    n_rows: np.ndarray
    neuron: np.ndarray
    weight_codes: np.ndarray
    weight_realised: np.ndarray
    delay_realised: np.ndarray
    lost: np.ndarray

    def __post_init__(self) -> None:
        _readonly(self.chip, self.row, self.n_rows, self.neuron, self.weight_codes,
                  self.weight_realised, self.delay_realised, self.lost)


@dataclass(frozen=True, eq=False)
class MappedNetwork:
    """A network laid out on a board: codes, routes and address translations.

    Attributes
    ----------
    board : BoardSpec
    chip_data : ChipData
        The codes of every chip, compact; ``configs`` expands them.
    routes : ndarray of ROUTE_DTYPE
        Inter-chip (and chip-to-itself) routes, sorted by (src_chip, src_neuron,
        dst_chip, dst_row), each listed once.
    placement : CellPlacement
    inputs : InputAddresses
    readout : ReadoutAssignment
    translations : tuple[PopulationTranslation, ...]
        One per population, in network order.
    projections : tuple[ProjectionMapping, ...]
        One per projection, in network order.
    report : MappingReport
    seed : int
    """

    board: BoardSpec
    chip_data: ChipData
    routes: np.ndarray
    placement: CellPlacement
    inputs: InputAddresses
    readout: ReadoutAssignment
    translations: tuple[PopulationTranslation, ...]
    projections: tuple[ProjectionMapping, ...]
    report: MappingReport
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.routes.dtype != ROUTE_DTYPE:
            raise TypeError(f"MappedNetwork.routes: dtype {self.routes.dtype} is invalid; expected ROUTE_DTYPE")
        _readonly(self.routes)

    @cached_property
    def configs(self) -> tuple[ChipConfig, ...]:
        """One :class:`ChipConfig` per chip of the board, chip-id order (built on first use).

        Unused chips have every row off and carry their chip's serial. Feed them,
        with ``routes``, to :func:`firmware_io.build_image` (boards of up to 64 chips).
        """
        return tuple(self.chip_data.config(c) for c in range(self.chip_data.n_chips))

    def configs_for_run(self, run: int) -> tuple[ChipConfig, ...]:
        """Configurations whose read-out channels show the cells of read-out ``run``."""
        codes = self.readout.readout_codes(run, self.chip_data.n_chips)
        return tuple(self.chip_data.config(c, codes[c]) for c in range(self.chip_data.n_chips))

    @property
    def chips_used(self) -> np.ndarray:
        """Ids of the chips that hold at least one neuron or active row."""
        return np.unique(self.placement.chip[self.placement.chip >= 0])

    def image(self) -> bytes:
        """The configuration image of the whole board (``firmware_io.build_image``)."""
        from firmware_io import build_image

        return build_image(list(self.configs), self.routes)
