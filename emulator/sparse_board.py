"""The emulated board for large boards: the same integer model, computed only where it matters.

:class:`SparseBoard` executes exactly the update rules of :class:`emulator.Board`
(``docs/hardware.md``, "Emulator arithmetic"), with the same order of work in a
cycle, and gives the same output bit for bit (tested against :class:`Board`). It
differs in what it stores and visits, so that a board of hundreds or thousands
of chips with a few neurons each runs as fast as its active part:

* Only *live* neurons are integrated: a neuron with no non-zero synapse on a row
  that is not ``OFF``, a resting potential below threshold and no read-out
  channel sits at its resting potential forever (its conductances stay 0), so
  it needs no work; its membrane is reported as ``V_rest``.
* A row event visits the live neurons its row has non-zero weights to (a
  zero weight adds ``round(0) = 0``), not all 192 columns of the block.
* STP states decay on STP rows only (the others have state 0 and multiplier 0).
* Inter-chip events follow next-hop tables ``(chip, destination) -> link``
  (the path rule of ``BoardSpec.path`` is a chain of next hops: the first link
  of the least-delay, fewest-hop, lexicographically smallest path is the
  smallest-id link that starts an optimal path), so no table of all paths is
  built.

Not supported here: STDP rows (use :class:`Board`), and the chip limit of the
wire formats (64 chips) does not apply: this board is driven in-process.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

import numpy as np

from firmware_io.chip_config import ARRAY_FIELDS, SCALAR_FIELDS, ChipConfig
from firmware_io.constants import (
    NEURONS_PER_CHIP,
    NO_READOUT,
    READOUT_CHANNELS_PER_CHIP,
    ROW_SOURCE,
    ROWS_PER_CHIP,
    SIGN,
    STP_MODES,
    TICKS_PER_CYCLE,
)
from firmware_io.errors import ConfigError
from firmware_io.image import ROUTE_DTYPE, BoardImage, parse_board_image

from .arithmetic import decay_floor
from .board_base import BoardBase
from .board_setup import check_routes, output_events
from .coefficients import chip_coefficients
from .neuron import membrane_step
from .results import RunResult
from .sparse_events import SparseEventNetwork
from .sparse_fabric import Fabric, SteadyBuckets, next_link_table, path_table
from .sparse_parts import ChipPart, LiveSet, build_live_set
from .synapse_rows import stp_factors


class SparseBoard(SparseEventNetwork, BoardBase):
    """Bit-accurate board emulator that computes only live neurons and used rows.

    Parameters
    ----------
    fabric : BoardSpec or FabricSpec, optional
        As for :class:`Board` (default: an ideal crossbar).
    ideal : bool
        Ignore the chips' fixed-pattern mismatch.
    strict : bool
        Check the registers' widths after every cycle.
    """

    # ------------------------------------------------------------------ set-up
    def load(self, configs: Sequence[ChipConfig] | BoardImage | bytes, routes: np.ndarray | None = None) -> None:
        """Configure every chip and the routes, then :meth:`reset` (see :meth:`Board.load`).

        Raises
        ------
        ConfigError
            As :meth:`Board.load`, and for rows with STDP enabled (not supported here).
        """
        if isinstance(configs, (bytes, bytearray, memoryview)):
            configs = parse_board_image(bytes(configs))
        if isinstance(configs, BoardImage):
            if routes is not None:
                raise ValueError("SparseBoard.load: routes given twice (the image carries its own)")
            configs, routes = configs.configs, configs.routes
        configs = [c.copy() if isinstance(c, ChipConfig) else c for c in configs]   # copy() validates
        if not configs:
            raise ValueError("SparseBoard.load: no chip configuration given; valid: one per chip")
        for i, cfg in enumerate(configs):
            if not isinstance(cfg, ChipConfig):
                raise TypeError(f"SparseBoard.load: configs[{i}] is a {type(cfg).__name__}; valid: ChipConfig")
            if (cfg.row_stdp & (cfg.row_source != ROW_SOURCE.OFF)).any():
                raise ConfigError(f"configs[{i}].row_stdp: STDP rows are not supported by SparseBoard; "
                                  "use emulator.Board")
        routes = np.zeros(0, dtype=ROUTE_DTYPE) if routes is None else np.asarray(routes)
        self.n_chips = c = len(configs)
        self._fab = Fabric.from_arg(self._fabric_arg, c)
        self._fab.check_serials(configs)
        self.configs = configs
        same: dict[bytes, ChipPart] = {}
        self._coeff_parts = [_chip_part(cfg, chip, self.ideal, same) for chip, cfg in enumerate(configs)]
        self._build_rows()
        check_routes(routes, c, self._source)
        self.routes = routes.copy()
        self._has_routes = len(routes) > 0
        self._next_link = next_link_table(self._fab, routes) if self._has_routes else None
        self._next_flat = self._next_link.ravel().astype(np.int64) if self._has_routes else None
        self._link_to = self._fab.link_ends[:, 1].copy()
        instant = self._has_routes and self._fab.link_delay_ticks.size and not self._fab.link_delay_ticks.any()
        self._paths = path_table(self._fab, routes, self._next_link) if instant else None
        if self._has_routes:
            self._fab.check_reachable_and_router(routes, self._next_link)
        self._input_buckets = SteadyBuckets(self._fab.input_rate, self._fab.input_depth)
        self._link_buckets = SteadyBuckets(self._fab.link_rate, self._fab.link_depth)
        self._input_limited = bool((self._fab.input_rate >= 0).any())
        delays = self._fab.link_delay_ticks
        uniform = delays.size and (delays == delays[0]).all() and delays[0] % TICKS_PER_CYCLE == 0
        self._link_delay_cycles = int(delays[0]) // TICKS_PER_CYCLE if uniform else None
        self._readout = np.stack([cfg.readout.astype(np.int64) for cfg in configs])
        self._live: LiveSet | None = None
        self._rebuild_live(keep_state=False)
        self._loaded = True
        self.reset()

    def _build_rows(self) -> None:
        """Per-row constants of every chip (rows are few bytes each; synapses stay sparse)."""
        parts = self._coeff_parts
        cat = lambda name: np.concatenate([getattr(p, name) for p in parts])  # noqa: E731
        self._source = cat("row_source")
        self._sign = cat("row_sign")
        self._amplitude = cat("row_amplitude")
        self._row_class = cat("row_class")
        n_exc = max([1] + [p.n_exc for p in parts])
        n_inh = max([1] + [p.n_inh for p in parts])
        self._n_exc, self._n_slots = n_exc, n_exc + n_inh
        self._slot = np.where(self._sign == SIGN.INHIBITORY, n_exc + self._row_class, self._row_class)
        stp_mode = cat("row_stp")
        rows = np.arange(self._source.size)
        chip = rows // ROWS_PER_CHIP
        u = np.array([p.stp_u for p in parts], dtype=np.int64)[chip]
        rec = np.array([p.stp_decay_rec for p in parts], dtype=np.int64)[chip]
        fac = np.array([p.stp_decay_facil for p in parts], dtype=np.int64)[chip]
        off = stp_mode == STP_MODES.OFF
        self._stp = _StpRows(
            stp_rows=np.flatnonzero(~off & (self._row_class >= 0)),
            stp_sign=np.select([stp_mode == STP_MODES.DEPRESSING, stp_mode == STP_MODES.FACILITATING], [-1, 1], 0),
            stp_u=np.where(off, 0, u),
            stp_decay=np.where(off, 0, np.where(stp_mode == STP_MODES.FACILITATING, fac, rec)))

    def _rebuild_live(self, keep_state: bool) -> None:
        """Choose the live neurons and build their compact arrays (state carried over if asked)."""
        old = self._live
        live = build_live_set(self._coeff_parts, self._readout, self._slot, self._n_slots, self.routes,
                              self._source)
        if keep_state and old is not None:
            live.carry_state_from(old)
        if self._paths is not None:     # instant links: each route target's path, found once here
            far = live.out_kind >= 0
            src_chip = (live.global_ids // NEURONS_PER_CHIP)[:, None]
            live.out_path = np.where(far, np.searchsorted(self._paths[0], src_chip * self.n_chips + live.out_kind), -1)
        self._live = live
        self._set_trace_sources()

    def reset(self) -> None:
        """Clear all dynamic state and counters; time back to 0 (see :meth:`Board.reset`)."""
        self._require_loaded()
        self._live.reset_state()
        self._stp_state = np.zeros(self._source.size, dtype=np.int64)
        self._reset_queues()

    # --------------------------------------------------------------- host side
    def _row_sources(self) -> np.ndarray:
        return self._source

    def run(self, n_cycles: int, input_events: np.ndarray | None = None) -> RunResult:
        """Run ``n_cycles`` cycles from the current time (see :meth:`Board.run`)."""
        n_cycles, run_events = self._begin_run("SparseBoard.run", n_cycles, input_events)
        start, end = self.cycle, self.cycle + n_cycles
        cycle_rows = run_events.rows
        live = self._live
        n_tr = self._trace_live.size
        trace_buf = np.empty((n_cycles, n_tr), dtype=np.int64)
        g_buf = np.empty((n_cycles, 2, n_tr), dtype=np.int64)
        out_t: list[np.ndarray] = []
        out_n: list[np.ndarray] = []
        counters = self._counters
        rows_before, syn_before = counters["row"], counters["syn"]
        nrn, nst, g = live.neurons, live.state, live.g
        n_exc, n_slots = self._n_exc, self._n_slots
        stp, stp_state, has_stp = self._stp, self._stp_state, self._stp.stp_rows.size > 0
        trace_src = self._trace_live
        for k in range(start, end):
            row_events = cycle_rows(k)
            if row_events is not None:
                ev_rows, ev_ticks = row_events
                factors = stp_factors(stp, _StpState(stp_state), ev_rows, ev_ticks)
                live.deliver(ev_rows, self._amplitude[ev_rows] * factors)
                counters["syn"] += int(self._row_nnz[ev_rows].sum())
            g_exc = g[0] if n_exc == 1 else g[:n_exc].sum(axis=0)
            g_inh = g[n_exc] if n_slots - n_exc == 1 else g[n_exc:].sum(axis=0)
            fired, fticks = membrane_step(nrn, nst, g_exc, g_inh, k)
            decay_floor(g, live.slot_decay, out=g)
            if has_stp:
                r = stp.stp_rows
                stp_state[r] = decay_floor(stp_state[r], stp.stp_decay[r])
            if fired.size:
                out_t.append(fticks)
                out_n.append(live.global_ids[fired])
                self._emit(fired, fticks, k)
            if n_tr:
                trace_buf[k - start] = nst.v[trace_src]
                gs = g[:, trace_src]
                g_buf[k - start, 0] = gs[:n_exc].sum(axis=0)
                g_buf[k - start, 1] = gs[n_exc:].sum(axis=0)
            if self.strict:
                nst.check()
                live.check()
        self.cycle = end
        width = self.n_chips * READOUT_CHANNELS_PER_CHIP
        if self._trace_cols.size:
            traces = np.full((n_cycles, width), -1, dtype=np.int64)
            g_traces = np.full((n_cycles, 2, width), -1, dtype=np.int64)
            traces[:, self._trace_cols] = self._trace_const
            g_traces[:, :, self._trace_cols] = 0
            traces[:, self._trace_cols[self._trace_is_live]] = trace_buf
            g_traces[:, :, self._trace_cols[self._trace_is_live]] = g_buf
        else:   # nothing is read out: read-only views instead of (cycles x chips x 4) arrays of -1
            traces = np.broadcast_to(np.int64(-1), (n_cycles, width))
            g_traces = np.broadcast_to(np.int64(-1), (n_cycles, 2, width))
        return self._finish_run(start, n_cycles, output_events(out_t, out_n), traces, g_traces,
                                rows_before, syn_before)

    # --------------------------------------------------------------- changes
    def set_readout(self, readout: np.ndarray) -> None:
        """Select the neuron of each read-out channel (see :meth:`Board.set_readout`)."""
        codes = self._readout_codes(readout)
        for chip in np.flatnonzero((codes != self._readout).any(axis=1)):
            self.configs[chip].readout = codes[chip].astype(self.configs[chip].readout.dtype)
        self._readout = codes
        self._set_trace_sources()

    def reconfigure(self, chip: int, config: ChipConfig) -> None:
        """New neuron codes, row strengths, weights and read-out of one chip, state kept
        (see :meth:`Board.reconfigure`)."""
        new = self._reconfigured(chip, config, "load")
        self.configs[chip] = new
        self._coeff_parts[chip] = _chip_part(new, chip, self.ideal)
        rows = slice(chip * ROWS_PER_CHIP, (chip + 1) * ROWS_PER_CHIP)
        self._amplitude[rows] = self._coeff_parts[chip].row_amplitude
        self._readout[chip] = new.readout.astype(np.int64)
        self._rebuild_live(keep_state=True)

    def write_weights(self, chip: int, weights: np.ndarray) -> None:
        """Overwrite the 4-bit weights of ``chip`` (see :meth:`Board.write_weights`)."""
        self._check_chip(chip)
        cfg = self.configs[chip].copy()
        cfg.weights = np.asarray(weights)
        self.reconfigure(chip, cfg)

    # ------------------------------------------------------------- inspection
    def read_weights(self, chip: int) -> np.ndarray:
        """Current 4-bit weights of ``chip``, shape (2, 256, 192) uint8."""
        self._check_chip(chip)
        return self.configs[chip].weights.astype(np.uint8).copy()

    def membrane(self) -> np.ndarray:
        """Current membrane registers, shape (chips, 384) (idle neurons at V_rest)."""
        self._require_loaded()
        v = np.concatenate([p.v_rest for p in self._coeff_parts])
        v[self._live.global_ids] = self._live.state.v
        return v.reshape(self.n_chips, NEURONS_PER_CHIP)

    def conductances(self) -> tuple[np.ndarray, np.ndarray]:
        """Total excitatory and inhibitory conductance registers, each (chips, 384)."""
        self._require_loaded()
        n = self.n_chips * NEURONS_PER_CHIP
        g = self._live.g
        out = []
        for part in (g[:self._n_exc], g[self._n_exc:]):
            full = np.zeros(n, dtype=np.int64)
            full[self._live.global_ids] = part.sum(axis=0)
            out.append(full.reshape(self.n_chips, NEURONS_PER_CHIP))
        return out[0], out[1]

    # --------------------------------------------------------------- internals
    @property
    def _row_nnz(self) -> np.ndarray:
        return self._live.row_nnz

    def _set_trace_sources(self) -> None:
        codes = self._readout
        connected = codes != NO_READOUT
        self._trace_cols = np.flatnonzero(connected.ravel())
        src = (np.arange(self.n_chips)[:, None] * NEURONS_PER_CHIP + codes).ravel()[self._trace_cols]
        j = self._live.compact_index(src)
        self._trace_is_live = j >= 0
        self._trace_live = j[self._trace_is_live]
        v_rest = np.concatenate([p.v_rest for p in self._coeff_parts])
        self._trace_const = v_rest[src]


class _StpRows:
    """The row fields :func:`emulator.synapse_rows.stp_factors` reads."""

    def __init__(self, stp_rows, stp_sign, stp_u, stp_decay) -> None:
        self.stp_rows, self.stp_sign, self.stp_u, self.stp_decay = stp_rows, stp_sign, stp_u, stp_decay


class _StpState:
    def __init__(self, stp: np.ndarray) -> None:
        self.stp = stp


def _chip_part(cfg: ChipConfig, chip: int, ideal: bool, same: dict | None = None) -> ChipPart:
    """The integer constants of one chip, keeping the synapses as a sparse list.

    On ideal chips the constants depend on the codes only (not on the serial), so
    chips with identical codes (e.g. the unused chips of a large board) share them
    through ``same`` (digest of the codes -> part).
    """
    if not ideal or same is None:
        return ChipPart.from_coefficients(chip_coefficients(cfg, ideal=ideal), chip)
    digest = hashlib.blake2b(digest_size=16)
    for name in (*ARRAY_FIELDS, *SCALAR_FIELDS):
        if name != "serial":
            digest.update(np.ascontiguousarray(getattr(cfg, name)).tobytes())
            digest.update(name.encode())
    key = digest.digest()
    if key not in same:
        same[key] = ChipPart.from_coefficients(chip_coefficients(cfg, ideal=True), chip)
    return dataclasses.replace(same[key], chip=chip)


__all__ = ["SparseBoard"]
