"""Translation of cell types onto the hardware neuron (nominal codes).

A registry maps each supported cell-type class to one function that turns a
population's biological parameters into per-cell codes (``firmware_io.units``).
``IF_facets_hardware1`` is native; ``IF_cond_exp`` and ``IF_cond_alpha`` are
approximated as written in ``docs/mapping.md``:

* the membrane capacitance is fixed at 0.2 nF: ``g_leak = 0.2 nF / tau_m`` keeps
  tau_m, and incoming weights are scaled by ``0.2 nF / cm`` so that conductance
  per capacitance, hence PSP amplitudes in mV, are kept;
* ``e_rev_E`` is fixed at 0 mV (the deviation is reported);
* ``i_offset`` must be 0 (the neuron has no current input);
* ``IF_cond_alpha``: the alpha conductance ``w (t/tau) e^(1 - t/tau)`` becomes the
  exponential ``w e^(-t/tau')`` with ``tau' = e * tau``: same peak and same charge.

Spike-source types are host inputs; every other type is a :class:`MappingError`
naming the supported types.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from firmware_io import units
from firmware_io.errors import CodeRangeError
from pynn_hw.errors import MappingError
from pynn_hw.network import PopulationSpec
from pynn_hw.standardmodels import cells

from .mapped_network import PopulationTranslation

#: Refractory period (ms) of IF_facets_hardware1, which has no such parameter.
FACETS_TAU_REFRAC_MS = 1.0

VOLTAGES = ("v_rest", "v_reset", "v_thresh", "e_rev_I")


@dataclass(frozen=True, eq=False)
class CellCodes:
    """Per-cell codes of one population of hardware neurons."""

    translation: PopulationTranslation
    g_leak: np.ndarray
    tau_refrac: np.ndarray
    voltages: np.ndarray  # (size, 4) codes of VOLTAGES
    tau_syn: np.ndarray  # (size, 2) row_tau codes, [excitatory, inhibitory]
    weight_scale: np.ndarray  # (size,)


def _code(pop: PopulationSpec, name: str, values: np.ndarray, to_code: Callable, to_value: Callable,
          shown: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    try:
        codes = to_code(values)
    except CodeRangeError as err:
        raise MappingError(
            f"population {pop.label!r} ({pop.celltype.__name__}): parameter {name} cannot be set on the "
            f"hardware neuron: {err}"
        ) from err
    return codes, to_value(codes)


def _lif(pop: PopulationSpec, *, tau_m: np.ndarray | None, g_leak_ns: np.ndarray | None, cm: np.ndarray,
         tau_refrac: np.ndarray, tau_syn_scale: float, notes: list[str]) -> CellCodes:
    n = pop.size
    codes: dict[str, np.ndarray] = {}
    requested: dict[str, np.ndarray] = {}
    realised: dict[str, np.ndarray] = {}
    if tau_m is not None:
        codes["g_leak"], realised["tau_m"] = _code(pop, "tau_m", tau_m, units.tau_m_to_code, units.code_to_tau_m)
        requested["tau_m"] = tau_m
    else:
        codes["g_leak"], realised["g_leak"] = _code(pop, "g_leak", g_leak_ns, units.g_leak_to_code,
                                                    units.code_to_g_leak)
        requested["g_leak"] = g_leak_ns
    codes["tau_refrac"], realised["tau_refrac"] = _code(pop, "tau_refrac", tau_refrac, units.tau_refrac_to_code,
                                                        units.code_to_tau_refrac)
    requested["tau_refrac"] = tau_refrac
    for name in VOLTAGES:
        v = pop.parameter(name).astype(np.float64)
        codes[name], realised[name] = _code(pop, name, v, units.voltage_to_code, units.code_to_voltage)
        requested[name] = v
    for name in ("tau_syn_E", "tau_syn_I"):
        t = pop.parameter(name).astype(np.float64) * tau_syn_scale
        codes[name], r = _code(pop, name, t, units.row_tau_to_code, units.code_to_row_tau)
        requested[name] = pop.parameter(name).astype(np.float64)
        realised[name] = r / tau_syn_scale
    if "e_rev_E" in pop.parameters:
        requested["e_rev_E"] = pop.parameter("e_rev_E").astype(np.float64)
        realised["e_rev_E"] = np.full(n, units.E_REV_E_MV)
    if "cm" in pop.parameters:
        requested["cm"] = cm
        realised["cm"] = np.full(n, units.CM_NF)
    if "i_offset" in pop.parameters:
        i_off = pop.parameter("i_offset").astype(np.float64)
        if np.any(i_off != 0.0):
            bad = float(i_off[i_off != 0.0][0])
            raise MappingError(
                f"population {pop.label!r} ({pop.celltype.__name__}): i_offset = {bad!r} nA cannot be set: "
                f"the hardware neuron has no current input; valid: 0"
            )
    errors = {k: float(np.max(np.abs(realised[k] - requested[k]))) if n else 0.0 for k in requested}
    scale = units.CM_NF / cm
    translation = PopulationTranslation(
        population=pop.index, label=pop.label, celltype=pop.celltype.__name__, kind="neuron",
        codes=codes, requested=requested, realised=realised, max_abs_error=errors,
        weight_scale=scale, notes=tuple(notes),
    )
    return CellCodes(
        translation=translation,
        g_leak=codes["g_leak"],
        tau_refrac=codes["tau_refrac"],
        voltages=np.stack([codes[v] for v in VOLTAGES], axis=1) if n else np.zeros((0, 4), np.uint16),
        tau_syn=np.stack([codes["tau_syn_E"], codes["tau_syn_I"]], axis=1) if n else np.zeros((0, 2), np.uint16),
        weight_scale=scale,
    )


_COND_NOTES = [
    "cm fixed at 0.2 nF: g_leak = 0.2 nF / tau_m; incoming weights scaled by 0.2 nF / cm (PSP in mV kept)",
    "e_rev_E fixed at 0 mV",
]


def _if_cond_exp(pop: PopulationSpec) -> CellCodes:
    cm = pop.parameter("cm").astype(np.float64)
    return _lif(pop, tau_m=pop.parameter("tau_m").astype(np.float64), g_leak_ns=None, cm=cm,
                tau_refrac=pop.parameter("tau_refrac").astype(np.float64), tau_syn_scale=1.0,
                notes=list(_COND_NOTES))


def _if_cond_alpha(pop: PopulationSpec) -> CellCodes:
    cm = pop.parameter("cm").astype(np.float64)
    notes = _COND_NOTES + [
        "alpha conductance approximated by an exponential of equal peak and equal charge: "
        "tau_row = e * tau_syn (realised tau_syn reported as tau_row / e)"
    ]
    return _lif(pop, tau_m=pop.parameter("tau_m").astype(np.float64), g_leak_ns=None, cm=cm,
                tau_refrac=pop.parameter("tau_refrac").astype(np.float64), tau_syn_scale=math.e, notes=notes)


def _if_facets_hardware1(pop: PopulationSpec) -> CellCodes:
    n = pop.size
    return _lif(pop, tau_m=None, g_leak_ns=pop.parameter("g_leak").astype(np.float64),
                cm=np.full(n, units.CM_NF), tau_refrac=np.full(n, FACETS_TAU_REFRAC_MS), tau_syn_scale=1.0,
                notes=[f"native model; tau_refrac fixed at {FACETS_TAU_REFRAC_MS} ms (no such parameter)"])


#: Cell type class -> translation function.
TRANSLATORS: dict[type, Callable[[PopulationSpec], CellCodes]] = {
    cells.IF_facets_hardware1: _if_facets_hardware1,
    cells.IF_cond_exp: _if_cond_exp,
    cells.IF_cond_alpha: _if_cond_alpha,
}


def is_spike_source(celltype: type) -> bool:
    """Whether cells of this type are host inputs rather than hardware neurons."""
    return issubclass(celltype, cells._SpikeSource)  # noqa: SLF001 - the common base of spike sources


def supported_types() -> list[str]:
    """Names of the supported cell types (neurons, then 'spike sources')."""
    return [t.__name__ for t in TRANSLATORS] + ["SpikeSource* (host input)"]


def translate_population(pop: PopulationSpec) -> CellCodes | None:
    """Codes of a population of hardware neurons; None for a spike source.

    Raises
    ------
    MappingError
        For an unsupported cell type or a parameter outside the code range.
    """
    if is_spike_source(pop.celltype):
        return None
    for klass in pop.celltype.__mro__:
        if klass in TRANSLATORS:
            return TRANSLATORS[klass](pop)
    raise MappingError(
        f"population {pop.label!r}: cell type {pop.celltype.__name__} cannot be mapped onto the hardware "
        f"neuron; supported: {', '.join(supported_types())}"
    )


def source_rates(pop: PopulationSpec) -> np.ndarray:
    """Expected event rate (Hz, biological) of every cell of a spike-source population."""
    params = pop.parameters
    if "spike_times" in params:
        seqs = np.asarray(params["spike_times"], dtype=object)
        seqs = np.broadcast_to(seqs, (pop.size,)) if seqs.ndim == 0 else seqs
        out = np.zeros(pop.size)
        for i, s in enumerate(seqs):  # one small array per source, not per spike
            t = np.asarray(getattr(s, "value", s), dtype=np.float64).ravel()
            if t.size:
                out[i] = t.size / max(float(t.max()), 1.0) * 1e3
        return out
    if "rate" in params:
        return pop.parameter("rate").astype(np.float64)
    return np.zeros(pop.size)


def spike_time_rounding(pop: PopulationSpec) -> float:
    """Largest |tick(t) - t| in ms over the spike times of a SpikeSourceArray (0 otherwise)."""
    if "spike_times" not in pop.parameters:
        return 0.0
    seqs = np.asarray(pop.parameters["spike_times"], dtype=object)
    seqs = [seqs.item()] if seqs.ndim == 0 else list(seqs)
    arrays = [np.asarray(getattr(s, "value", s), dtype=np.float64).ravel() for s in seqs]
    t = np.concatenate(arrays) if arrays else np.zeros(0)
    t = t[t >= 0]
    if not t.size:
        return 0.0
    return float(np.max(np.abs(units.ticks_to_ms(units.ms_to_ticks(t)) - t)))
