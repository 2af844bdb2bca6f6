"""``map_network``: Network + BoardSpec -> MappedNetwork.

Steps (each timed in the report): translate cell types -> gather synapses and
row keys -> partition (greedy packing over candidate orders) -> lower bound ->
place logical chips on the board (OR-Tools refinement) -> allocate rows and
quantise weights -> routes and input addresses -> link, input and router loads
-> delays, errors, losses -> chip codes.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from firmware_io import BoardSpec
from firmware_io.constants import (
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    ROW_SOURCE,
    SPEEDUP,
    TICK_BIO_MS,
    TICKS_PER_CYCLE,
)
from pynn_hw.errors import MappingError
from pynn_hw.network import Network

from . import translate
from .board_geometry import BoardGeometry
from .bounds import chip_lower_bound
from .chip_codes import build_chip_data
from .checks import check_loads
from .mapped_network import (
    LOSS_CAUSES,
    CellPlacement,
    InputAddresses,
    LossCause,
    MappedNetwork,
    PopulationTranslation,
    ProjectionMapping,
    ReadoutAssignment,
)
from .partition import NeuronInputs, candidate_orders, pack
from .placement import place
from .repack import repack
from .report import MappingReport
from .routing import compute_loads, make_routes
from .rows import allocate
from .synapses import gather

#: Expected firing rate (Hz, biological) of a hardware neuron when the user gives none;
#: used for link and input bandwidth estimates.
DEFAULT_NEURON_RATE_HZ = 10.0
#: Ticks from a spike to its event at a row (feedback, or a route inside one chip).
OUTPUT_LATENCY_TICKS = TICKS_PER_CYCLE
_READOUT_VARIABLES = ("v", "gsyn_exc", "gsyn_inh")
#: Candidates examined when a block is topped up (partition.pack), and the network
#: size above which a smaller window keeps the partition fast.
BACKFILL = 64
BACKFILL_MAX_NEURONS = 20_000


class _Steps:
    def __init__(self, progress: Callable[[str, float], None] | None) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._t = time.perf_counter()
        self._name = ""

    def start(self, name: str) -> None:
        now = time.perf_counter()
        if self._name:
            self.seconds[self._name] = round(now - self._t, 4)
        self._name, self._t = name, now
        self.report(0.0)

    def report(self, fraction: float) -> None:
        if self.progress is not None:
            self.progress(self._name, fraction)

    def done(self) -> dict[str, float]:
        if self._name:
            self.report(1.0)
            self.seconds[self._name] = round(time.perf_counter() - self._t, 4)
            self._name = ""
        return self.seconds


def map_network(
    network: Network,
    board: BoardSpec,
    *,
    allow_synapse_loss: float = 0.0,
    seed: int = 0,
    neuron_rate_hz: float = DEFAULT_NEURON_RATE_HZ,
    progress: Callable[[str, float], None] | None = None,
) -> MappedNetwork:
    """Map ``network`` onto ``board``.

    Parameters
    ----------
    network
        The frozen network description.
    board
        The board to map onto.
    allow_synapse_loss
        Largest fraction of requested synapses that may be lost (with a warning);
        0 (default): any loss raises :class:`pynn_hw.errors.MappingError`.
    seed
        Seed of the tie-breaks (hashes of the similar-sources order); the same
        network, board and seed give the same mapping.
    neuron_rate_hz
        Expected firing rate of hardware neurons (Hz, biological) for the
        bandwidth estimates; spike sources use their own rates.
    progress
        Called as ``progress(step_name, fraction_done)`` during the steps.

    Returns
    -------
    MappedNetwork

    Raises
    ------
    pynn_hw.errors.MappingError
        If the network cannot be mapped (the message names the constraint, the
        population and the numbers; ``error.report`` holds the report so far).
    """
    if not 0.0 <= allow_synapse_loss <= 1.0:
        raise ValueError(f"allow_synapse_loss: {allow_synapse_loss!r} is invalid; valid: a fraction in [0, 1]")
    steps = _Steps(progress)
    report = MappingReport(board=board.name, chips_on_board=board.n_chips)

    # --- translation ---------------------------------------------------------------
    steps.start("translate")
    if network.current_sources:
        cs = network.current_sources[0]
        raise MappingError(
            f"current source {cs.source_type.__name__} (index {cs.index}) cannot be mapped: the hardware neuron "
            f"has no current input; valid: no current sources", report)
    n_cells = network.n_cells
    is_neuron = np.zeros(n_cells, bool)
    weight_scale = np.ones(n_cells)
    tau_codes = np.zeros((n_cells, 2), np.int64)
    volt = np.zeros((n_cells, 4), np.int64)
    g_leak = np.zeros(n_cells, np.uint16)
    tau_refrac = np.zeros(n_cells, np.uint16)
    rate = np.full(n_cells, float(neuron_rate_hz))
    translations: list[PopulationTranslation] = []
    spike_round = 0.0
    for pop in network.populations:
        sl = slice(pop.offset, pop.offset + pop.size)
        codes = translate.translate_population(pop)
        if codes is None:
            rate[sl] = translate.source_rates(pop)
            spike_round = max(spike_round, translate.spike_time_rounding(pop))
            translations.append(PopulationTranslation(pop.index, pop.label, pop.celltype.__name__, "source",
                                                      notes=("host input: spike times rounded to ticks",)))
            continue
        is_neuron[sl] = True
        weight_scale[sl] = codes.weight_scale
        tau_codes[sl] = codes.tau_syn
        volt[sl] = codes.voltages
        g_leak[sl], tau_refrac[sl] = codes.g_leak, codes.tau_refrac
        translations.append(codes.translation)
    neurons = np.flatnonzero(is_neuron)
    report = report.with_updates(neurons=int(neurons.size), sources=int(n_cells - neurons.size),
                                 spike_time_max_deviation_ms=spike_round)

    # --- synapses and row keys --------------------------------------------------------
    steps.start("synapses")
    syn = gather(network, is_neuron, weight_scale, tau_codes)
    order = np.argsort(syn.pair_post, kind="stable")
    vkey = np.zeros(neurons.size, np.int64)
    if neurons.size:
        _, vinv = np.unique(volt[neurons], axis=0, return_inverse=True)
        vkey = vinv.ravel().astype(np.int64)
    inputs = NeuronInputs(
        neurons=neurons,
        indptr=np.searchsorted(syn.pair_post[order], np.r_[neurons, n_cells]).astype(np.int64)
        if neurons.size else np.zeros(1, np.int64),
        key=syn.pair_key[order], rows=syn.pair_rows[order], vkey=vkey, n_cells=n_cells, cell_rate=rate,
        input_budget=float(min(c.input_events_per_s for c in board.chips)) / SPEEDUP)
    report = report.with_updates(synapses_requested=syn.n)

    # --- partition ----------------------------------------------------------------------
    steps.start("partition")
    pop_of = network.population_of

    def pop_name(g: int) -> str:
        p = network.populations[int(pop_of(np.array([g]))[0])]
        return f"{p.label!r} ({p.celltype.__name__})"

    best = None
    orders = candidate_orders(inputs, seed)
    if neurons.size > BACKFILL_MAX_NEURONS:
        orders = orders[:1]  # large networks: network order only (time)
    for k, (name, o) in enumerate(orders):
        part = pack(inputs, o, name, pop_name, backfill=BACKFILL if neurons.size <= BACKFILL_MAX_NEURONS else 8,
                    progress=lambda f, k=k: steps.report((k + f) / len(orders)),
                    limit=None if best is None else best.n_chips - 1)
        if part is not None:
            best = part
    part = best if best is None else repack(inputs, best)  # fewer chips when chips hold few neurons

    # --- lower bound ------------------------------------------------------------------
    steps.start("lower_bound")
    bound, bound_terms = chip_lower_bound(inputs)
    n_logical = int(part.n_chips) if part is not None else 0
    report = report.with_updates(chips_used=n_logical, chips_lower_bound=bound)

    # --- placement ----------------------------------------------------------------------
    steps.start("placement")
    geo = BoardGeometry(board)
    if n_logical > board.n_chips:
        raise MappingError(
            f"board {board.name!r} is too small: the network's {neurons.size} neurons need {n_logical} chips "
            f"(lower bound {bound}), the board has {board.n_chips}", report)
    logical = np.full(n_cells, -1, np.int64)
    if neurons.size:
        logical[neurons] = part.chip
    src_logical = logical[syn.pre[syn.target_ok]]
    dst_logical = logical[syn.post[syn.target_ok]]
    on = src_logical >= 0
    traffic = sp.coo_matrix((rate[syn.pre[syn.target_ok]][on], (src_logical[on], dst_logical[on])),
                            shape=(max(n_logical, 1), max(n_logical, 1))).tocsr()
    chip_of_logical, place_stats = place(n_logical, traffic, geo, board.name)
    cell_chip = np.full(n_cells, -1, np.int64)
    cell_block = np.full(n_cells, -1, np.int64)
    cell_col = np.full(n_cells, -1, np.int64)
    if neurons.size:
        cell_chip[neurons] = chip_of_logical[part.chip]
        cell_block[neurons] = part.block
        cell_col[neurons] = part.column

    # --- rows and weights ------------------------------------------------------------
    steps.start("rows")
    alloc = allocate(syn, cell_chip, cell_block, cell_col)

    # --- routes and input addresses -------------------------------------------------
    steps.start("routing")
    ext = alloc.row_source == ROW_SOURCE.EXTERNAL
    src_cell = alloc.row_src_cell
    from_neuron = ext & is_neuron[src_cell]
    from_host = ext & ~is_neuron[src_cell]
    s_cells = src_cell[from_neuron]
    routes = make_routes(cell_chip[s_cells], cell_block[s_cells] * NEURONS_PER_BLOCK + cell_col[s_cells],
                         alloc.row_chip[from_neuron], alloc.row_addr[from_neuron])
    route_rate = rate[_route_source_cells(routes, cell_chip, cell_block, cell_col)]
    h = np.flatnonzero(from_host)
    h = h[np.lexsort((alloc.row_addr[h], alloc.row_chip[h], src_cell[h]))]
    sources = np.flatnonzero(~is_neuron)
    delay_ticks = np.rint(alloc.row_delay[h] / TICK_BIO_MS).astype(np.int64)
    inputs_addr = InputAddresses(
        sources=sources.astype(np.int64),
        indptr=np.searchsorted(src_cell[h], np.r_[sources, n_cells]).astype(np.int64)
        if sources.size else np.zeros(1, np.int64),
        chip=alloc.row_chip[h].astype(np.int32), row=alloc.row_addr[h].astype(np.int16), delay_ticks=delay_ticks)
    loads = compute_loads(geo, routes, route_rate, alloc.row_chip[h], rate[src_cell[h]])
    used = np.unique(cell_chip[neurons]) if neurons.size else np.zeros(0, np.int64)
    report = report.with_updates(
        routes=int(routes.size),
        link_load_max=float(loads.link_load.max()) if loads.link_load.size else 0.0,
        link_load_mean=float(loads.link_load.mean()) if loads.link_load.size else 0.0,
        link_bandwidth=float(loads.link_capacity.min()) if loads.link_capacity.size else 0.0,
        input_load_max=float(loads.input_load.max()) if loads.input_load.size else 0.0,
        input_bandwidth=float(loads.input_capacity.min()),
        router_entries_max=int(loads.router_entries.max()) if loads.router_entries.size else 0,
        router_entries_capacity=int(loads.router_capacity.min()),
    )

    # --- delays, errors, losses ------------------------------------------------------
    steps.start("report")
    pair = syn.pair
    ok = pair >= 0
    lost = np.full(syn.n, int(LossCause.TARGET_IS_SOURCE), np.uint8)
    lost[ok] = alloc.pair_lost[pair[ok]]
    src_is_neuron = is_neuron[syn.pre]
    realised_delay = np.zeros(syn.n)
    pre_chip, post_chip = cell_chip[syn.pre], cell_chip[syn.post]
    nn = ok & src_is_neuron
    hop_ticks = np.zeros(syn.n, np.int64)
    if nn.any():
        hop_ticks[nn] = geo.path_delay_ticks(pre_chip[nn], post_chip[nn])
    realised_delay[nn] = (OUTPUT_LATENCY_TICKS + hop_ticks[nn]) * TICK_BIO_MS
    hs = ok & ~src_is_neuron
    realised_delay[hs] = np.rint(alloc.pair_row_delay[pair[hs]] / TICK_BIO_MS) * TICK_BIO_MS
    total_w = np.where(ok, syn.pair_weight[np.maximum(pair, 0)], 0.0)
    share = np.divide(syn.weight_hw, total_w, out=np.zeros(syn.n), where=total_w > 0)
    realised_w = np.where(ok, alloc.pair_realised[np.maximum(pair, 0)] * share, 0.0) / weight_scale[syn.post]
    good = lost == 0
    pos = good & (syn.weight > 0)
    rel = np.abs(realised_w[pos] - syn.weight[pos]) / syn.weight[pos]
    dev = np.abs(realised_delay[good] - syn.delay[good])
    lost_counts = {name: int(np.count_nonzero(lost == code)) for code, name in LOSS_CAUSES.items()}
    n_fb = int(np.count_nonzero(alloc.row_source >= ROW_SOURCE.FEEDBACK_SAME))
    n_ext = int(np.count_nonzero(ext))
    util = {}
    if used.size:
        util = {
            "neurons": float(neurons.size / (used.size * NEURONS_PER_CHIP)),
            "rows": float(alloc.row_chip.size / (used.size * 512)),
            "external_rows": float(n_ext / (used.size * 256)),
            "param_groups": float(np.unique(cell_chip[neurons] * 4 + 2 * cell_block[neurons]
                                            + (cell_col[neurons] & 1)).size / (used.size * 4)),
            "max_router_entries": float(loads.router_entries.max() / loads.router_capacity.min()),
        }
    readout_cells = _readout_cells(network)
    readout = ReadoutAssignment.assign(readout_cells, CellPlacement(cell_chip.astype(np.int32),
                                                                    _local_neuron(cell_block, cell_col)))
    # what the plastic rows approximate (mapping.plasticity), one line per note
    warn_list = [f"projection {c.label!r}: {note}" for c in syn.classes[1:] for note in c.notes]
    if readout.runs_needed > 1:
        warn_list.append(f"{readout_cells.size} membranes requested: {readout.runs_needed} runs of "
                         f"4 read-out channels per chip are needed")
    report = report.with_updates(
        synapses_realised=int(np.count_nonzero(good)),
        synapses_lost=lost_counts,
        weight_rel_rms_error=float(np.sqrt(np.mean(rel ** 2))) if rel.size else 0.0,
        weight_rel_max_error=float(rel.max()) if rel.size else 0.0,
        delay_mean_abs_deviation_ms=float(dev.mean()) if dev.size else 0.0,
        delay_max_abs_deviation_ms=float(dev.max()) if dev.size else 0.0,
        chips_used=int(used.size),
        rows_external=n_ext, rows_feedback=n_fb, utilisation=util,
        readout_runs=readout.runs_needed, warnings=warn_list,
    )
    check_loads(loads, geo, report, cell_chip, network)

    # --- chip codes -------------------------------------------------------------------
    steps.start("codes")
    chip_data = build_chip_data(board, alloc, cell_chip, cell_block, cell_col, g_leak, tau_refrac, volt, readout)
    report = report.with_updates(step_seconds=steps.done())
    report = _check_losses(report, allow_synapse_loss)
    projections = []
    starts = np.searchsorted(syn.projection, np.arange(len(network.projections) + 1))
    for prj in network.projections:
        s = slice(int(starts[prj.index]), int(starts[prj.index + 1]))
        p = np.maximum(pair[s], 0)
        okp = ok[s] & (lost[s] == 0)
        projections.append(ProjectionMapping(
            projection=prj.index,
            chip=np.where(okp, post_chip[s], -1).astype(np.int32),
            row=np.where(okp, alloc.pair_first_row[p], -1).astype(np.int16),
            n_rows=np.where(ok[s], alloc.pair_n_rows[p], 0).astype(np.int8),
            neuron=np.where(ok[s], _local_neuron(cell_block, cell_col)[syn.post[s]], -1).astype(np.int16),
            weight_codes=np.where(okp[:, None], alloc.pair_codes[p], 0).astype(np.uint8),
            weight_realised=np.where(okp, realised_w[s], 0.0),
            delay_realised=realised_delay[s],
            lost=lost[s],
        ))
    return MappedNetwork(
        board=board,
        chip_data=chip_data,
        routes=routes,
        placement=CellPlacement(cell_chip.astype(np.int32), _local_neuron(cell_block, cell_col)),
        inputs=inputs_addr,
        readout=readout,
        translations=tuple(translations),
        projections=tuple(projections),
        report=report,
        seed=seed,
        extra={"order": part.order_name if part is not None else "", "lower_bound_terms": bound_terms,
               "placement": place_stats},
    )


def _local_neuron(cell_block: np.ndarray, cell_col: np.ndarray) -> np.ndarray:
    return np.where(cell_block >= 0, cell_block * NEURONS_PER_BLOCK + cell_col, -1).astype(np.int16)


def _route_source_cells(routes: np.ndarray, cell_chip: np.ndarray, cell_block: np.ndarray,
                        cell_col: np.ndarray) -> np.ndarray:
    """Global cell index of each route's source neuron."""
    on = cell_chip >= 0
    key = cell_chip[on] * NEURONS_PER_CHIP + cell_block[on] * NEURONS_PER_BLOCK + cell_col[on]
    cells = np.flatnonzero(on)
    o = np.argsort(key)
    want = routes["src_chip"].astype(np.int64) * NEURONS_PER_CHIP + routes["src_neuron"].astype(np.int64)
    return cells[o][np.searchsorted(key[o], want)]


def _readout_cells(network: Network) -> np.ndarray:
    parts = [np.zeros(0, np.int64)]
    for pop in network.populations:
        for var in _READOUT_VARIABLES:
            idx = pop.recording.variables.get(var)
            if idx is not None and len(idx):
                parts.append(pop.offset + np.asarray(idx, dtype=np.int64))
    return np.unique(np.concatenate(parts))


def _check_losses(report: MappingReport, allow: float) -> MappingReport:
    lost = report.synapses_lost_total
    if lost == 0:
        return report
    causes = ", ".join(f"{k}: {v}" for k, v in sorted(report.synapses_lost.items()) if v)
    text = (f"{lost} of {report.synapses_requested} synapses ({report.lost_fraction:.3%}) cannot be realised "
            f"({causes})")
    if report.lost_fraction > allow:
        raise MappingError(f"{text}; allowed: {allow:.3%} (map_network(..., allow_synapse_loss=...))", report)
    warnings.warn(f"{text}; within allow_synapse_loss={allow}", stacklevel=3)
    return report.with_updates(warnings=[*report.warnings, text])
