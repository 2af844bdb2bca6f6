"""The emulated board: many chips, their state, the event network, one cycle at a time.

Order of work inside cycle ``k`` (this order is part of the bit-accurate model):

1. inter-chip events entering a link in cycle ``k`` compete for it (may
   deliver row events of cycle ``k``);
2. host input events of cycle ``k`` (``t // 32 == k``) and routed events
   arriving in cycle ``k`` compete for the chip's input port (in time-stamp
   order; ties: host events first);
3. all row events of cycle ``k`` (host, routed, feedback) are delivered:
   STP factors, conductance increments, STDP acausal pairing (the STDP
   pairings are evaluated when a row is swept, see :mod:`emulator.stdp`);
4. membrane update, threshold, reset (:mod:`emulator.neuron`);
5. conductance registers and STP states decay by one cycle;
6. spikes become output events, feedback events (tick + 32 to the feedback
   rows) and routed events (tick + 32 to the first link), and add STDP causal
   correlation;
7. at the end of every 150th cycle the STDP controllers rewrite one row per block;
8. the read-out channels sample the membranes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from firmware_io.chip_config import ChipConfig
from firmware_io.constants import (
    BLOCKS_PER_CHIP,
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    NO_READOUT,
    READOUT_CHANNELS_PER_CHIP,
    ROWS_PER_BLOCK,
    ROWS_PER_CHIP,
    TICKS_PER_CYCLE,
)
from firmware_io.errors import ConfigError
from firmware_io.image import BoardImage

from . import stdp as stdp_mod
from .board_setup import as_board_image, check_board, check_routes, fabric_spec, output_events, output_targets
from .arithmetic import G_FRAC_BITS
from .coefficients import chip_coefficients
from .board_base import BoardBase
from .cycle_events import InvalidEventError, joined, queue_link_exits  # noqa: F401 (re-exported)
from .network_fabric import TokenBuckets
from .neuron import NeuronState, build_neurons, membrane_step
from .results import RunResult
from .synapse_rows import RowState, build_rows, decay_conductances, decay_stp, deliver



class Board(BoardBase):
    """Bit-accurate emulator of a board of chips and its event network.

    This is a **bit-accurate** model: integer state with the widths, rounding
    and overflow rules of ``docs/hardware.md`` ("Emulator arithmetic"); the same
    configuration and input give the same output, bit for bit, on every machine.

    Parameters
    ----------
    fabric : FabricSpec or BoardSpec, optional
        Links, delays and bandwidths of the board. Default: an ideal crossbar
        (every chip linked to every other, no delay, no bandwidth limits).
    ideal : bool
        Ignore the chips' fixed-pattern mismatch (nominal chips).
    strict : bool
        Check every register against its width after every cycle and raise
        :class:`OverflowError` if one left it (slow; meant for tests).

    Notes
    -----
    Left out of the model: analog noise and temperature drift; the rise time
    of the PSC (conductances jump within one cycle); per-row decay-time
    mismatch is realised per conductance class (charge kept per row, see
    :mod:`emulator.coefficients`); the wrap of the 32-bit time-stamp counter
    (times are kept in 64 bits); the limited board memory for input/output
    events and the read-out ADC (traces are the exact registers, sampled
    every cycle).
    """

    # ------------------------------------------------------------------ set-up
    def load(self, configs: Sequence[ChipConfig] | BoardImage | bytes, routes: np.ndarray | None = None) -> None:
        """Configure every chip and the inter-chip routes, then :meth:`reset`.

        Parameters
        ----------
        configs
            One ChipConfig per chip in chip-id order, a parsed
            :class:`~firmware_io.image.BoardImage`, or configuration-image bytes
            (which carry their routes).
        routes
            ROUTE_DTYPE array of inter-chip routes (default: none).

        Raises
        ------
        ConfigError
            If a route is out of range or ends on a row that is not EXTERNAL, a
            chip's router table overflows, or a configuration's serial differs
            from the board's chip.
        """
        configs, routes = as_board_image(configs, routes)
        self.n_chips = c = len(configs)
        self._fabric = fabric_spec(self._fabric_arg, c)
        check_board(self._fabric_arg, configs, routes)
        self.configs = [cfg.copy() for cfg in configs]
        coeffs = [chip_coefficients(cfg, ideal=self.ideal) for cfg in configs]
        self._rows = build_rows(coeffs)
        self._nrn = build_neurons(coeffs)
        self._stdp = stdp_mod.build_stdp(coeffs)
        self._paths = self._fabric.paths()
        self._paths_flat = self._paths.reshape(c * c, -1)
        link_delays = self._fabric.link_delay_ticks
        uniform = link_delays.size and (link_delays == link_delays[0]).all() \
            and link_delays[0] % TICKS_PER_CYCLE == 0
        self._link_delay_cycles = int(link_delays[0]) // TICKS_PER_CYCLE if uniform else None
        self._input_buckets = TokenBuckets(self._fabric.input_rate, self._fabric.input_depth)
        self._link_buckets = TokenBuckets(self._fabric.link_rate, self._fabric.link_depth)
        self._input_limited = bool((self._fabric.input_rate >= 0).any())

        check_routes(routes, c, self._rows.source)
        src_chip, dst_chip = routes["src_chip"].astype(np.int64), routes["dst_chip"].astype(np.int64)
        unreachable = self._paths[src_chip, dst_chip, 0] == -2
        if unreachable.any():
            i = int(np.argmax(unreachable))
            raise ConfigError(f"routes[{i}]: chip {int(dst_chip[i])} cannot be reached from chip "
                              f"{int(src_chip[i])} over the board's links")
        self.routes = routes.copy()
        self._out_rows, self._out_pid = output_targets(self._rows.source, c, routes, self._paths)
        self._has_routes = len(routes) > 0
        self._set_readout_codes(np.stack([cfg.readout.astype(np.int64) for cfg in configs]))
        self._row_nnz = np.count_nonzero(self._rows.weights, axis=1)
        self._loaded = True
        self.reset()

    def reset(self) -> None:
        """Clear all dynamic state and counters; time back to 0.

        Membranes go to their resting potentials; conductances, STP states,
        STDP accumulators, pending events and drop counters to zero. Weights
        keep their current values (including STDP changes); :meth:`load`
        restores the configured ones.
        """
        self._require_loaded()
        c = self.n_chips
        self._nst = NeuronState.initial(self._nrn)
        self._rst = RowState.zeros(self._rows)
        self._sst = stdp_mod.StdpState.zeros(self._stdp, c * ROWS_PER_CHIP, c * NEURONS_PER_CHIP)
        self._reset_queues()

    # --------------------------------------------------------------- host side
    def _row_sources(self) -> np.ndarray:
        return self._rows.source

    def run(self, n_cycles: int, input_events: np.ndarray | None = None) -> RunResult:
        """Run ``n_cycles`` cycles (0.1 ms biological each) from the current time.

        Parameters
        ----------
        n_cycles
            Number of cycles, >= 0.
        input_events
            Optional EVENT_DTYPE events, queued with :meth:`write_input` first.
        """
        n_cycles, run_events = self._begin_run("Board.run", n_cycles, input_events)
        start, end = self.cycle, self.cycle + n_cycles
        cycle_rows = run_events.rows
        trace_buf = np.empty((n_cycles, self._trace_cols.size), dtype=np.int64)
        g_buf = np.empty((n_cycles, 2, self._trace_cols.size), dtype=np.int64)
        sample_g = self._trace_cols.size > 0
        out_t: list[np.ndarray] = []
        out_n: list[np.ndarray] = []
        counters = self._counters
        rows_before, syn_before = counters["row"], counters["syn"]

        rows, nrn, rst, nst = self._rows, self._nrn, self._rst, self._nst
        sarr, sst = self._stdp, self._sst
        stdp_on = sarr.enabled
        n_exc, n_slots = rows.n_exc_slots, rows.n_slots
        trace_src, row_nnz = self._trace_src, self._row_nnz
        for k in range(start, end):
            row_events = cycle_rows(k)
            if row_events is not None:
                ev_rows, ev_ticks = row_events
                deliver(rows, rst, ev_rows, ev_ticks)
                if stdp_on:
                    stdp_mod.on_pre(sarr, sst, ev_rows, ev_ticks)
                counters["syn"] += int(row_nnz[ev_rows].sum())
            g = rst.g
            g_exc = g[0] if n_exc == 1 else g[:n_exc].sum(axis=0)
            g_inh = g[n_exc] if n_slots - n_exc == 1 else g[n_exc:].sum(axis=0)
            fired, fticks = membrane_step(nrn, nst, g_exc, g_inh, k)
            decay_conductances(rows, rst)
            decay_stp(rows, rst)
            if fired.size:
                out_t.append(fticks)
                out_n.append(fired)
                self._emit(fired, fticks, k)
                if stdp_on:
                    stdp_mod.on_post(sarr, sst, fired, fticks)
            if stdp_on and stdp_mod.is_sweep_cycle(k):
                stdp_mod.controller_step(sarr, rows, sst, k)
            trace_buf[k - start] = nst.v[trace_src]
            if sample_g:
                gs = rst.g[:, trace_src]
                g_buf[k - start, 0] = gs[:n_exc].sum(axis=0)
                g_buf[k - start, 1] = gs[n_exc:].sum(axis=0)
            if self.strict:
                nst.check()
                rst.check()
                sst.check()
        self.cycle = end

        traces = np.full((n_cycles, self.n_chips * READOUT_CHANNELS_PER_CHIP), -1, dtype=np.int64)
        traces[:, self._trace_cols] = trace_buf
        g_traces = np.full((n_cycles, 2, self.n_chips * READOUT_CHANNELS_PER_CHIP), -1, dtype=np.int64)
        g_traces[:, :, self._trace_cols] = g_buf
        return self._finish_run(start, n_cycles, output_events(out_t, out_n), traces, g_traces,
                                rows_before, syn_before)

    # ------------------------------------------------------------- inspection
    def read_weights(self, chip: int) -> np.ndarray:
        """Current 4-bit weights of ``chip``, shape (2, 256, 192) uint8 (STDP changes included)."""
        self._check_chip(chip)
        rows = slice(chip * ROWS_PER_CHIP, (chip + 1) * ROWS_PER_CHIP)
        return self._rows.weights[rows].reshape(BLOCKS_PER_CHIP, ROWS_PER_BLOCK, NEURONS_PER_BLOCK) \
            .astype(np.uint8)

    def write_weights(self, chip: int, weights: np.ndarray) -> None:
        """Overwrite the 4-bit weights of ``chip`` (shape (2, 256, 192), codes 0..15)."""
        self._check_chip(chip)
        w = np.asarray(weights)
        cfg = self.configs[chip].copy()
        cfg.weights = w
        cfg.validate()  # shape and range checks with the contract's messages
        rows = slice(chip * ROWS_PER_CHIP, (chip + 1) * ROWS_PER_CHIP)
        self._rows.weights[rows] = cfg.weights.reshape(ROWS_PER_CHIP, NEURONS_PER_BLOCK)
        self._rows.refresh_effective(rows)
        self._row_nnz[rows] = np.count_nonzero(self._rows.weights[rows], axis=1)

    def set_readout(self, readout: np.ndarray) -> None:
        """Select the neuron each read-out channel shows from the next cycle on.

        Parameters
        ----------
        readout
            Shape (chips, 4): chip-local neuron 0..383 or ``NO_READOUT`` per channel.
            Only the read-out multiplexers change; no state is touched.
        """
        codes = self._readout_codes(readout)
        for chip in range(self.n_chips):
            self.configs[chip].readout = codes[chip].astype(self.configs[chip].readout.dtype)
        self._set_readout_codes(codes)

    def reconfigure(self, chip: int, config: ChipConfig) -> None:
        """Write new neuron codes, row strengths, weights and read-out of one chip, keeping all state.

        This is the in-run update of parameter and weight changes: membranes,
        conductances, STP/STDP state, queued events and time are untouched; the
        new constants act from the next cycle on (a new refractory period from the
        neuron's next spike).

        Raises
        ------
        ConfigError
            If ``config`` changes anything else (serial, row sources, signs, decay
            codes, STP/STDP settings): those need :meth:`load`.
        """
        new = self._reconfigured(chip, config, "Board.load")
        coeffs = chip_coefficients(new, ideal=self.ideal)
        n = slice(chip * NEURONS_PER_CHIP, (chip + 1) * NEURONS_PER_CHIP)
        nrn = self._nrn
        for name, src in (("g_leak", "g_leak"), ("v_rest", "v_rest"), ("v_reset", "v_reset"),
                          ("v_thresh", "v_thresh"), ("e_rev_e", "e_rev_e"), ("e_rev_i", "e_rev_i"),
                          ("refrac_ticks", "refrac_ticks")):
            getattr(nrn, name)[n] = getattr(coeffs, src)
        nrn.g_leak_one[n] = nrn.g_leak[n] + (1 << G_FRAC_BITS)
        nrn.leak_drive[n] = nrn.g_leak[n] * nrn.v_rest[n]
        nrn.reset_below_threshold = bool((nrn.v_reset < nrn.v_thresh).all() and (nrn.v_rest < nrn.v_thresh).all())
        rows = slice(chip * ROWS_PER_CHIP, (chip + 1) * ROWS_PER_CHIP)
        self._rows.amplitude[rows] = coeffs.row_amplitude
        self._rows.weights[rows] = coeffs.weights
        self._rows.refresh_effective(rows)
        self._row_nnz[rows] = np.count_nonzero(self._rows.weights[rows], axis=1)
        self.configs[chip] = new
        readout = self._readout.copy()
        readout[chip] = new.readout.astype(np.int64)
        self._set_readout_codes(readout)

    def membrane(self) -> np.ndarray:
        """Current membrane registers, shape (chips, 384)."""
        self._require_loaded()
        return self._nst.v.reshape(self.n_chips, NEURONS_PER_CHIP).copy()

    def conductances(self) -> tuple[np.ndarray, np.ndarray]:
        """Current total excitatory and inhibitory conductance registers, each (chips, 384)."""
        self._require_loaded()
        g, n_exc = self._rst.g, self._rows.n_exc_slots
        shape = (self.n_chips, NEURONS_PER_CHIP)
        return g[:n_exc].sum(axis=0).reshape(shape), g[n_exc:].sum(axis=0).reshape(shape)

    # --------------------------------------------------------------- internals
    def _set_readout_codes(self, codes: np.ndarray) -> None:
        self._readout = codes
        connected = codes != NO_READOUT
        self._trace_cols = np.flatnonzero(connected.ravel())
        self._trace_src = (np.arange(self.n_chips)[:, None] * NEURONS_PER_CHIP + codes).ravel()[self._trace_cols]

    def _emit(self, fired: np.ndarray, ticks: np.ndarray, cycle: int) -> None:
        """Feedback and routed events of this cycle's spikes (all leave 32 ticks later).

        Feedback events go straight to their rows; routed events cross their
        links and then the destination chip's input port.
        """
        # _out_pid: -2 feedback, -1 routed without links, >= 0 the path of a routed event
        far_events = self._queue_spikes(self._out_rows, self._out_pid, fired, ticks, cycle)
        if far_events is not None:
            _, far, pid, rows, t = far_events
            self._link_queue.setdefault(cycle + 1, []).append(
                (pid[far], np.zeros(int(far.sum()), dtype=np.int64), t[far], rows[far]))

    def _advance_links(self, cycle: int) -> None:
        """Let the events that enter a link in ``cycle`` compete for it and move on."""
        delays = self._fabric.link_delay_ticks
        parts = self._link_queue.pop(cycle)
        while parts:
            pid, hop, t, row = joined(parts)
            parts = []
            link = self._paths_flat[pid, hop]
            ok = self._link_buckets.admit(link, cycle, t)
            if ok is not None:
                pid, hop, t, row, link = pid[ok], hop[ok], t[ok], row[ok], link[ok]
            hop = hop + 1
            queue_link_exits(self, cycle, row, t, delays, link, self._paths_flat[pid, hop] < 0, pid, hop, parts)


