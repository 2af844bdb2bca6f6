"""Spreads across circuits, measured by running the board (not read from any model).

Every parameter is set to one target through a translation (a chip's
:class:`~calibration.table.CalibrationTable`, or the nominal transfer functions
when the table is ``None``), the realised value of every circuit is measured
with the same probes the calibration uses, and the spread is reported:

* ``tau_m``, ``tau_refrac``: SD / mean over all neurons of the board;
* ``w_exc``, ``w_inh``: SD / mean over all rows of the board of the row's
  conductance per weight LSB (its mean over the neurons of its block);
* ``v_rest``, ``v_reset``, ``v_thresh``, ``e_rev_I``: SD in mV over all neurons,
  divided by the full voltage range of the chip (102.3 mV): an offset error is
  the same number of millivolts whatever the target, and a fraction of
  ``|value|`` would depend on where 0 mV happens to be (see docs/calibration.md);
  the SD in mV and relative to ``|target|`` are reported as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from firmware_io import BoardSpec
from firmware_io.constants import NEURONS_PER_CHIP, PARAM_GROUPS_PER_CHIP, ROWS_PER_CHIP, SIGN
from firmware_io.units import (VOLTAGE, strength_to_code, tau_m_to_code, tau_refrac_to_code, voltage_to_code)

from .probes import BoardLike, base_configs
from .procedure import weight_log_ratios
from .session import Session
from .spikes import WeightDesign, free_interval, measure_weights, refrac_of, tau_m_of
from .table import CalibrationTable
from .voltages import (ALL_POSITIONS, e_rev_configs, measure_e_rev_i, measure_rest, measure_tonic, rest_configs,
                       tonic_configs)

#: Targets of the spread measurement (the Vogels-Abbott / balanced-network values).
TARGETS = {"tau_m": 20.0, "tau_refrac": 5.0, "v_rest": -65.0, "v_reset": -65.0, "v_thresh": -50.0,
           "e_rev_I": -80.0, "w_exc": 0.004 / 15, "w_inh": 0.051 / 15}
#: Resting potential of the tonic probe (above threshold, so that every neuron fires).
TONIC_REST = -35.0
#: e_rev_I at which inhibitory rows are measured (drives the neuron upwards).
E_REV_HIGH = -20.0
#: Weights used to measure each sign (a smaller inhibitory weight keeps the interval long).
PROBE_WEIGHT = {SIGN.EXCITATORY: 15, SIGN.INHIBITORY: 3}
FULL_SCALE_MV = VOLTAGE.max_value - VOLTAGE.min_value


def _codes(tables: Sequence[CalibrationTable | None], name: str, value: float, n_chips: int) -> np.ndarray:
    """(chips, circuits) codes realising ``value`` through each chip's table or nominally."""
    nominal = {"tau_m": lambda v: tau_m_to_code(v), "tau_refrac": tau_refrac_to_code,
               "w_exc": lambda v: strength_to_code(v, SIGN.EXCITATORY),
               "w_inh": lambda v: strength_to_code(v, SIGN.INHIBITORY)}
    size = {"tau_m": NEURONS_PER_CHIP, "tau_refrac": NEURONS_PER_CHIP, "w_exc": ROWS_PER_CHIP,
            "w_inh": ROWS_PER_CHIP}.get(name, PARAM_GROUPS_PER_CHIP)
    out = np.empty((n_chips, size), np.uint16)
    for c in range(n_chips):
        t = tables[c]
        if t is None:
            out[c] = nominal.get(name, voltage_to_code)(value)
        else:
            out[c] = t.to_codes(name, np.full(size, value))
    return out


def measure_spreads(spec: BoardSpec, board: BoardLike, tables: Sequence[CalibrationTable | None] | None = None,
                    *, seed: int = 1, progress: Callable[[str, float], None] | None = None) -> dict:
    """Relative spreads of every parameter at :data:`TARGETS` (see the module docstring).

    Returns
    -------
    dict
        ``{"relative_sd": {param: float}, "sd_mV": {...}, "relative_to_value": {...},
        "mean": {param: realised mean}, "counts": {...}}``.
    """
    n_chips = spec.n_chips
    tables = list(tables) if tables is not None else [None] * n_chips
    base = base_configs(spec.serials)
    s = Session(board)
    code = {name: _codes(tables, name, v, n_chips) for name, v in TARGETS.items()}
    tonic_codes = {"v_rest": _codes(tables, "v_rest", TONIC_REST, n_chips), "v_thresh": code["v_thresh"],
                   "v_reset": code["v_reset"]}
    values: dict[str, np.ndarray] = {}

    def report(step: str, f: float) -> None:
        if progress is not None:
            progress(step, f)

    report("voltages", 0.0)
    s.configure(tonic_configs(base, 0, 0, 0, group_codes=tonic_codes))
    tonic = measure_tonic(s, n_chips, ALL_POSITIONS)
    values["v_thresh"], values["v_reset"] = tonic.v_thresh, tonic.v_reset
    s.configure(rest_configs(base, {"v_rest": code["v_rest"], "v_thresh": code["v_thresh"],
                                    "v_reset": code["v_reset"]}))
    values["v_rest"] = measure_rest(s, n_chips)
    report("e_rev_I", 0.3)
    s.configure(e_rev_configs(base, 0, group_codes=code["e_rev_I"]))
    values["e_rev_I"] = measure_e_rev_i(s, n_chips)
    e_high_codes = _codes(tables, "e_rev_I", E_REV_HIGH, n_chips)
    s.configure(e_rev_configs(base, 0, group_codes=e_high_codes))
    e_high = measure_e_rev_i(s, n_chips)
    report("tau_m", 0.5)
    log_ratio = np.log((tonic.v_rest - tonic.v_reset) / (tonic.v_rest - tonic.v_thresh))
    s.configure(tonic_configs(base, 0, 0, 0, g_leak_code=code["tau_m"], refrac_code=0, group_codes=tonic_codes))
    free_run = s.run(1200)
    values["tau_m"] = tau_m_of(free_run, log_ratio)
    s.configure(tonic_configs(base, 0, 0, 0, g_leak_code=code["tau_m"], refrac_code=code["tau_refrac"],
                              group_codes=tonic_codes))
    values["tau_refrac"] = refrac_of(s.run(1200), free_interval(free_run, n_chips * NEURONS_PER_CHIP))
    report("weights", 0.6)
    ratios = weight_log_ratios(tonic.v_reset, tonic.v_thresh, e_high)
    w_codes = {**tonic_codes, "e_rev_I": e_high_codes}
    design = WeightDesign.random(seed)
    for sign, name in ((SIGN.EXCITATORY, "w_exc"), (SIGN.INHIBITORY, "w_inh")):
        strength = code[name].reshape(n_chips, 2, -1)
        (row_us, _), = measure_weights(s, base, sign, [(strength, PROBE_WEIGHT[sign])], design, w_codes,
                                       ratios[sign])
        values[name] = row_us
    report("done", 1.0)
    return summarise(values, s.counts)


def summarise(values: dict[str, np.ndarray], counts: dict | None = None) -> dict:
    """Spread figures of measured per-circuit values (see the module docstring)."""
    out: dict = {"relative_sd": {}, "sd_mV": {}, "relative_to_value": {}, "mean": {}, "missing": {},
                 "counts": dict(counts or {})}
    for name, v in values.items():
        ok = v[np.isfinite(v)]
        sd, mean = float(np.std(ok, ddof=1)), float(np.mean(ok))
        out["mean"][name] = mean
        out["missing"][name] = int(v.size - ok.size)
        if name in ("v_rest", "v_reset", "v_thresh", "e_rev_I"):
            out["relative_sd"][name] = sd / FULL_SCALE_MV
            out["sd_mV"][name] = sd
            out["relative_to_value"][name] = sd / abs(TARGETS[name])
        else:
            out["relative_sd"][name] = sd / mean
    return out
