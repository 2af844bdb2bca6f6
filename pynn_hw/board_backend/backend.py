"""``BoardBackend``: a PyNN backend that runs the network on a board of chips.

Network -> mapping (``mapping.map_network``) -> calibration (:mod:`.calibration`:
the chips' calibration tables) -> chip configurations and routes -> board driver
(:mod:`.drivers`: the emulator in-process, or a real board) -> output events
and read-out samples -> recordings in PyNN units.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import warnings
from typing import Any

import numpy as np

from firmware_io.constants import CYCLE_BIO_MS, NEURONS_PER_CHIP, READOUT_CHANNELS_PER_CHIP, TICK_BIO_MS
from pynn_hw.backend import SignalData, SpikeData
from pynn_hw.errors import InvalidParameterValueError, RecordingError
from pynn_hw.network import Network, expand

from . import inputs as inputs_mod
from . import learned
from .calibration import board_tables, calibrated_configs, with_readout
from .drivers import BoardDriver, EmulatorDriver
from .options import BoardOptions
from .readout import ANALOG_VARIABLES, assign_channels, readout_codes, to_units
from .recordings import SignalStore, SpikeStore
from .updates import apply_changes

log = logging.getLogger("pynn_hw.board_backend")


class BoardBackend:
    """Run a :class:`~pynn_hw.network.Network` on a board (emulated or real).

    Parameters
    ----------
    driver_factory
        Makes the board driver from the ``BoardSpec`` and the options
        (default: the emulator).
    **options
        The ``setup()`` extras, see :class:`~pynn_hw.board_backend.options.BoardOptions`.

    Attributes
    ----------
    report : mapping.MappingReport
        The report of the current mapping (realised weights are in
        ``mapped.projections[i].weight_realised``).
    mapped : mapping.MappedNetwork
        The current mapping.
    timings : dict
        Wall-clock seconds spent mapping, loading and running.
    """

    name = "emulator"

    def __init__(self, driver_factory=None, **options: Any) -> None:
        self.options = BoardOptions.from_setup(options)
        self.board = self.options.board_spec()
        factory = driver_factory or (lambda spec, opts: EmulatorDriver(spec, mismatch=opts.mismatch))
        self.driver: BoardDriver = factory(self.board, self.options)
        self.name = self.driver.name
        # a real board always deviates from nominal; the emulator only with mismatch=True
        self.calibration_tables = board_tables(self.board, self.options.calibration,
                                               self.options.mismatch or self.driver.name != "emulator")
        self.rng = np.random.default_rng(self.options.rng_seed)
        self.network: Network | None = None
        self.mapped = None
        self.report = None
        self.timings = {"map_s": 0.0, "load_s": 0.0, "run_s": 0.0}
        self.dropped_events = 0
        self.dropped_by_cause = {"input_bandwidth": 0, "link_bandwidth": 0, "late": 0, "not_external": 0}
        self._warned_initial = False

    # -- build --------------------------------------------------------------------------
    def build(self, network: Network) -> None:
        """Map the network, load the board, time 0."""
        for pop in network.populations:
            if getattr(pop.celltype, "is_source", False):
                inputs_mod.check_source_type(pop)
        if abs(network.timestep - CYCLE_BIO_MS) > 1e-12:
            warnings.warn(f"timestep {network.timestep} ms: the board advances in fixed cycles of "
                          f"{CYCLE_BIO_MS} ms; read-out samples are taken once per cycle", stacklevel=2)
        self.network = network
        self.params = [dict(p.parameters) for p in network.populations]
        self.synapses = [dict(p.parameters) for p in network.projections]
        self._analog = {(p.index, var): np.asarray(cells, np.int64)
                        for p in network.populations for var, cells in p.recording.variables.items()
                        if var in ANALOG_VARIABLES and len(cells)}
        self._spike_masks = [_mask(p.recording.variables.get("spikes", ()), p.size) for p in network.populations]
        for (p, var) in self._analog:
            self._check_readable(p, var)
        self._check_initial_values(network)
        self._map_and_load(network)

    def _map_and_load(self, network: Network) -> None:
        from mapping import map_network
        t0 = time.perf_counter()
        mapped = map_network(network, self.board, allow_synapse_loss=self.options.allow_synapse_loss,
                             seed=self.options.mapping_seed)
        self.timings["map_s"] += time.perf_counter() - t0
        self._set_mapping(mapped)
        self._reload(mapped)

    def _reload(self, mapped) -> None:
        """Load the board with the mapping's (calibrated) codes; time 0."""
        t0 = time.perf_counter()
        self.configs = with_readout(calibrated_configs(mapped.configs, self.calibration_tables), self._readout_codes())
        self.driver.load(self.configs, mapped.routes)
        self.timings["load_s"] += time.perf_counter() - t0
        self._start_segment()

    def _set_mapping(self, mapped) -> None:
        self.mapped, self.report = mapped, mapped.report
        log.info("mapping onto board %r:\n%s", self.board.name, mapped.report)
        if self.options.print_report:
            print(mapped.report)
        place = mapped.placement
        n_chips = self.board.n_chips
        table = np.full(n_chips * NEURONS_PER_CHIP, -1, np.int64)
        on = np.flatnonzero(place.chip >= 0)
        table[place.chip[on].astype(np.int64) * NEURONS_PER_CHIP + place.neuron[on]] = on
        self._global_of_address = table
        self._offsets = np.array([p.offset for p in self.network.populations] + [self.network.n_cells])
        self._weight_scale = np.ones(self.network.n_cells)
        for tr in mapped.translations:
            if tr.kind == "neuron" and np.size(tr.weight_scale):
                pop = self.network.populations[tr.population]
                self._weight_scale[pop.offset:pop.offset + pop.size] = tr.weight_scale

    def _check_readable(self, population: int, variable: str) -> None:
        """Refuse analog variables the driver's read-out does not carry (a real board: ``v`` only)."""
        readable = getattr(self.driver, "analog_variables", ANALOG_VARIABLES)
        if variable not in readable:
            pop = self.network.populations[population]
            raise RecordingError(variable, pop.celltype, valid=("spikes", *readable),
                                 reason=f"population {pop.label!r}: the read-out channels of the board "
                                        f"({self.driver.name}) carry membrane potentials only; conductances "
                                        "are an emulator extra")

    def _readout_codes(self) -> np.ndarray:
        cells, chip, channel = assign_channels(self.network, self._analog, self.mapped.placement)
        self._readout = (cells, chip, channel)
        return readout_codes(self.board.n_chips, cells, chip, channel, self.mapped.placement)

    def _start_segment(self) -> None:
        """Time 0: empty buffers, the initial sample of every read-out."""
        self.cycle = 0
        self.spikes = [SpikeStore() for _ in self.network.populations]
        self.signals: list[dict[str, SignalStore]] = [{} for _ in self.network.populations]
        self._store_initial_samples()

    def _store_initial_samples(self) -> None:
        for (p, var), cells in self._analog.items():
            store = self._signal_store(p, var)
            if var == "v":
                tr = self.mapped.translations[p]
                values = tr.realised["v_rest"][cells][None, :]
            else:
                values = np.zeros((1, cells.size))
            store.add(np.array([self.cycle]), cells, values)

    def _signal_store(self, p: int, var: str) -> SignalStore:
        stores = self.signals[p]
        if var not in stores:
            interval = self.network.populations[p].recording.sampling_interval
            stores[var] = SignalStore(CYCLE_BIO_MS, max(1, int(round(interval / CYCLE_BIO_MS))))
        return stores[var]

    def _check_initial_values(self, network: Network) -> None:
        for pop in network.populations:
            v = pop.initial_values.get("v")
            if v is None or "v_rest" not in pop.parameters:
                continue
            v = expand(np.asarray(v, float), pop.size)
            default = pop.celltype.default_initial_values.get("v")
            # the type's default initial value is no explicit request: only explicit ones are reported
            explicit = default is None or not np.allclose(v, default)
            if explicit and not np.allclose(v, pop.parameter("v_rest").astype(float)):
                self._warn_initial(pop.label)

    def _warn_initial(self, label: str) -> None:
        if not self._warned_initial:
            warnings.warn(f"population {label!r}: initial values of v other than v_rest are not "
                          "realised: the board starts every membrane at its resting potential "
                          "(at build and at every reset)", stacklevel=3)
            self._warned_initial = True

    # -- running ------------------------------------------------------------------------
    def run_until(self, t: float) -> float:
        """Run the board to the cycle nearest to ``t`` ms; return that time."""
        target = int(round(t / CYCLE_BIO_MS))
        if target <= self.cycle:
            return self.cycle * CYCLE_BIO_MS
        t0 = time.perf_counter()
        self.driver.write_input(self._input_window(self.cycle * CYCLE_BIO_MS, target * CYCLE_BIO_MS))
        result = self.driver.run(target - self.cycle)
        self._collect(result)
        self.cycle = target
        self.timings["run_s"] += time.perf_counter() - t0
        return self.cycle * CYCLE_BIO_MS

    def _input_window(self, t0: float, t1: float) -> np.ndarray:
        src_parts, tick_parts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for pop in self.network.populations:
            if not getattr(pop.celltype, "is_source", False):
                continue
            cells, ticks = inputs_mod.source_spikes(pop, self.params[pop.index], t0, t1, self.rng)
            self.spikes[pop.index].add(*self._recorded(pop.index, cells, ticks * TICK_BIO_MS))
            src_parts.append(pop.offset + cells)
            tick_parts.append(ticks)
        return inputs_mod.input_events(self.mapped.inputs, np.concatenate(src_parts), np.concatenate(tick_parts))

    def _recorded(self, p: int, cells: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = self._spike_masks[p][cells]
        return cells[keep], times[keep]

    def spikes_of_events(self, events: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Board output events as spikes: ``{population index: (local cells, times in ms)}``.

        Every neuron's spikes, recorded or not (e.g. the events a failed run's
        ``LinkError.partial`` holds); events of unused neurons are left out.
        """
        if not events.size:
            return {}
        address = events["chip"].astype(np.int64) * NEURONS_PER_CHIP + events["addr"].astype(np.int64)
        glob = self._global_of_address[address]
        times = events["t"].astype(np.int64) * TICK_BIO_MS
        ok = glob >= 0
        glob, times = glob[ok], times[ok]
        pops = np.searchsorted(self._offsets, glob, side="right") - 1
        return {int(p): (glob[pops == p] - self._offsets[p], times[pops == p]) for p in np.unique(pops)}

    def _collect(self, result) -> None:
        for p, (cells, times) in self.spikes_of_events(result.output_events).items():
            self.spikes[p].add(*self._recorded(p, cells, times))
        if self._analog:
            self._collect_signals(result)
        dropped = result.dropped.total()
        if dropped:
            self.dropped_events += dropped
            d = result.dropped
            for cause in self.dropped_by_cause:
                self.dropped_by_cause[cause] += int(getattr(d, cause).sum())
            warnings.warn(f"the board dropped {dropped} events in this run (input bandwidth "
                          f"{int(d.input_bandwidth.sum())}, link bandwidth {int(d.link_bandwidth.sum())}, "
                          f"late {int(d.late.sum())}, not external {int(d.not_external.sum())})", stacklevel=4)

    def _collect_signals(self, result) -> None:
        cells, chip, channel = self._readout
        cycles = result.start_cycle + 1 + np.arange(result.n_cycles)
        traces = {"v": result.traces}
        if result.conductance_traces is not None:
            traces["gsyn_exc"] = result.conductance_traces[:, 0]
            traces["gsyn_inh"] = result.conductance_traces[:, 1]
        for (p, var), local in self._analog.items():
            pop = self.network.populations[p]
            glob = pop.offset + local
            pos = np.searchsorted(cells, glob)
            raw = traces[var][:, chip[pos], channel[pos]]
            values = to_units(var, raw, self._weight_scale[glob])
            self._signal_store(p, var).add(cycles, local, values)

    def reset(self) -> None:
        """Time 0, state restored (membranes at rest), recordings of the segment dropped."""
        self.driver.reset()
        learned.restore_weights(self)
        self._start_segment()

    # -- recordings -----------------------------------------------------------------------
    def get_spikes(self, population: int, clear: bool) -> SpikeData:
        return self.spikes[population].take(self.cycle * CYCLE_BIO_MS, clear)

    def get_signal(self, population: int, variable: str, clear: bool) -> SignalData:
        store = self.signals[population].get(variable)
        if store is None:
            pop = self.network.populations[population]
            raise RecordingError(variable, pop.celltype, reason=f"it is not recorded from {pop.label!r}")
        return store.take(self.cycle * CYCLE_BIO_MS, clear)

    def get_current(self, source: int, clear: bool) -> SignalData:
        raise RecordingError("i", "current source", reason="the board has no current sources")

    def set_recording(self, population: int, variable: str, cells: np.ndarray,
                      sampling_interval: float) -> None:
        """Start or stop recording; analog variables move the read-out channels."""
        pop = self.network.populations[population]
        cells = np.asarray(cells, np.int64)
        if variable == "spikes":
            self._spike_masks[population] = _mask(cells, pop.size)
            return
        key = (population, variable)
        if cells.size:
            self._check_readable(population, variable)
        before = dict(self._analog)
        if cells.size:
            self._analog[key] = cells
        else:
            self._analog.pop(key, None)
        try:
            codes = self._readout_codes()
        except RecordingError:
            self._analog = before
            raise
        self.driver.set_readout(codes)
        self.configs = with_readout(self.configs, codes)
        if cells.size and variable not in self.signals[population]:
            self._signal_store(population, variable)

    # -- parameters, state, synapses --------------------------------------------------------
    def set_parameters(self, population: int, cells: np.ndarray, name: str, values: np.ndarray) -> None:
        pop = self.network.populations[population]
        full = _expand_any(self.params[population][name], pop.size)
        if full.dtype != np.asarray(values).dtype and full.dtype != object:
            full = full.astype(np.result_type(full, np.asarray(values)))
        full[np.asarray(cells, np.int64)] = values
        self.params[population][name] = full
        if getattr(pop.celltype, "is_source", False):
            return      # sources are played in per run: the change acts from the next run on
        self._remap(f"parameter {name!r} of population {pop.label!r}")

    def set_state(self, population: int, cells: np.ndarray, name: str, values: np.ndarray) -> None:
        self._warn_initial(self.network.populations[population].label)

    def get_synapse_parameter(self, projection: int, name: str) -> np.ndarray:
        prj = self.network.projections[projection]
        values = expand(np.asarray(self.synapses[projection][name]), prj.size).copy()
        if name == "weight" and learned.has_stdp(prj.synapse_type) and self.mapped is not None:
            return learned.learned_weights(self.driver, self.mapped, projection, values)
        return values

    def set_synapse_parameter(self, projection: int, name: str, values: np.ndarray) -> None:
        prj = self.network.projections[projection]
        self.synapses[projection][name] = np.asarray(values, dtype=float).copy()
        self._remap(f"synapse parameter {name!r} of projection {prj.label!r}")

    def _remap(self, what: str) -> None:
        network = dataclasses.replace(
            self.network,
            populations=tuple(dataclasses.replace(p, parameters=self.params[p.index])
                              for p in self.network.populations),
            projections=tuple(dataclasses.replace(p, parameters=self.synapses[p.index])
                              for p in self.network.projections))
        apply_changes(self, network, what)

    def set_current_source(self, source: int, parameters: dict[str, Any]) -> None:
        raise InvalidParameterValueError("the board has no current sources")

    def end(self) -> None:
        """Release the board; log the time spent (``extra={"timings": ...}`` on the record)."""
        chips = int(self.report.chips_used) if self.report is not None else 0
        timings = {**{k: round(v, 4) for k, v in self.timings.items()}, "chips": chips,
                   "board_chips": self.board.n_chips, "dropped_events": int(self.dropped_events),
                   "dropped_by_cause": dict(self.dropped_by_cause)}
        log.info("board backend timings: %s", timings, extra={"timings": timings})
        self.driver.close()


def _expand_any(values, n: int) -> np.ndarray:
    """A per-cell copy of a parameter (also for 0-d object arrays holding a Sequence)."""
    a = np.asarray(values)
    if a.ndim:
        return a.copy()
    out = np.empty(n, dtype=a.dtype)
    out.fill(a.item())
    return out


def _mask(cells, size: int) -> np.ndarray:
    m = np.zeros(size, dtype=bool)
    m[np.asarray(cells, np.int64)] = True
    return m


__all__ = ["BoardBackend", "READOUT_CHANNELS_PER_CHIP"]
