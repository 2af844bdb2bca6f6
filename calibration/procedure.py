"""The calibration of a whole board: every measurement, every fit, one table per chip.

All chips of the board are measured at once: one run covers every chip, and
every neuron whenever the measurement uses spikes. Order (each step uses the
voltages measured before it):

1. tonic firing at three voltage settings, traces of all 384 neurons at the
   probe setting and of every 4th read-out position at the others:
   per-group v_rest, v_thresh, v_reset transforms; per-neuron voltages at the
   probe setting;
2. e_rev_I at four settings (no leak, strong inhibition), the high one on
   every neuron: per-group e_rev_I transform;
3. tau_m from spike times at six g_leak codes: per-neuron transform;
4. tau_refrac from spike times at six codes: per-neuron transform;
5. row weights, excitatory and inhibitory, at two strength codes each:
   per-row transforms and per-neuron efficacies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from firmware_io import BoardSpec, ChipConfig
from firmware_io.constants import NEURONS_PER_CHIP, PARAM_GROUPS_PER_CHIP, ROWS_PER_CHIP, SIGN
from firmware_io.units import CM_NF, E_REV_E_MV, voltage_to_code

from .fitting import linear_transform, proportional_domain_transform, tau_m_transform
from .probes import BoardLike, base_configs
from .session import Session
from .spikes import WeightDesign, free_interval, measure_weights, refrac_of, tau_m_of
from .table import CalibrationTable
from .voltages import (ALL_POSITIONS, SAMPLED_POSITIONS, e_rev_configs, measure_e_rev_i, measure_tonic,
                       tonic_configs)

#: (v_rest, v_thresh, v_reset) in mV of the tonic settings; PROBE is the one measured on every neuron.
TONIC_SETTINGS = ((-75.0, -88.0, -100.0), (-50.0, -70.0, -95.0), (-30.0, -45.0, -60.0))
PROBE = 1
#: Margin (mV) by which a voltage domain may extend past the measured settings.
VOLTAGE_MARGIN = 5.0
#: e_rev_I settings (mV); the last one drives inhibitory rows upwards in the weight probe.
E_REV_SETTINGS = (-95.0, -75.0, -55.0, -20.0)
E_PROBE = 3
G_LEAK_CODES = (30, 60, 120, 240, 480, 960)
REFRAC_CODES = (60, 160, 320, 600, 1000)
REFRAC_G_LEAK_CODE = 200
#: (row_strength code, weight) probe points per sign.
WEIGHT_POINTS = {SIGN.EXCITATORY: ((100, 15), (400, 6)), SIGN.INHIBITORY: ((54, 3), (300, 1))}
WEIGHT_PARAM = {SIGN.EXCITATORY: "w_exc", SIGN.INHIBITORY: "w_inh"}

Progress = Callable[[str, float], None]


@dataclass
class BoardCalibration:
    """The tables of a board and what was measured to make them."""

    tables: list[CalibrationTable]
    seconds: float
    counts: dict
    measured: dict = field(default_factory=dict)


def group_means(per_neuron: np.ndarray, n_chips: int) -> np.ndarray:
    """(chips, 4) NaN-ignoring means over the neurons of each parameter group."""
    grp = np.tile(ChipConfig.neuron_group(np.arange(NEURONS_PER_CHIP)), n_chips) \
        + np.repeat(np.arange(n_chips), NEURONS_PER_CHIP) * PARAM_GROUPS_PER_CHIP
    ok = np.isfinite(per_neuron)
    s = np.bincount(grp[ok], per_neuron[ok], n_chips * PARAM_GROUPS_PER_CHIP)
    c = np.bincount(grp[ok], minlength=n_chips * PARAM_GROUPS_PER_CHIP)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (s / c).reshape(n_chips, PARAM_GROUPS_PER_CHIP)


def _sampled(per_neuron: np.ndarray, n_chips: int) -> np.ndarray:
    """Only the neurons shown at the sampled read-out positions (others NaN)."""
    keep = np.zeros(NEURONS_PER_CHIP, bool)
    for p in SAMPLED_POSITIONS:
        keep[[2 * p, 2 * p + 1, 192 + 2 * p, 193 + 2 * p]] = True
    return np.where(np.tile(keep, n_chips), per_neuron, np.nan)


def _group_transforms(settings: list[float], measured: list[np.ndarray], probe: int, n_chips: int,
                      what: str) -> list:
    """Per chip, the group transform from per-neuron measurements at several nominal settings.

    Group means use the sampled neurons at every setting (so that all points see
    the same neurons), shifted by the difference between all neurons and the
    sampled ones at the probe setting.
    """
    shift = group_means(measured[probe], n_chips) - group_means(_sampled(measured[probe], n_chips), n_chips)
    means = np.stack([group_means(_sampled(m, n_chips), n_chips) + shift for m in measured], axis=-1)
    codes = voltage_to_code(np.asarray(settings)).astype(np.float64)
    window = (min(settings) - VOLTAGE_MARGIN, max(settings) + VOLTAGE_MARGIN)
    return [linear_transform(codes, means[c], f"{what} of chip {c}", window) for c in range(n_chips)]


def calibrate_board(spec: BoardSpec, board: BoardLike, *, progress: Progress | None = None,
                    seed: int = 0) -> BoardCalibration:
    """Measure every circuit of every chip of ``board`` and fit one table per chip.

    Parameters
    ----------
    spec
        The board description (chip serials, ids).
    board
        The board to measure: an ``emulator.Board`` (with mismatch) or a
        ``firmware_io.protocol.BoardClient`` of a real board.
    progress
        ``progress(step, fraction)`` callback.
    seed
        Seed of the random assignment of neurons to rows in the weight probe.
    """
    t_start = time.perf_counter()
    n_chips = spec.n_chips
    n = n_chips * NEURONS_PER_CHIP
    base = base_configs(spec.serials)
    s = Session(board)

    def report(step: str, fraction: float = 0.0) -> None:
        if progress is not None:
            progress(step, fraction)

    # 1. voltages from tonic firing
    tonic = []
    for i, (rest, thresh, reset) in enumerate(TONIC_SETTINGS):
        report("voltages", i / len(TONIC_SETTINGS))
        s.configure(tonic_configs(base, rest, thresh, reset))
        tonic.append(measure_tonic(s, n_chips, ALL_POSITIONS if i == PROBE else SAMPLED_POSITIONS))
    probe = tonic[PROBE]
    group_tr = {}
    for name, k in (("v_rest", 0), ("v_thresh", 1), ("v_reset", 2)):
        group_tr[name] = _group_transforms([st[k] for st in TONIC_SETTINGS], [getattr(t, name) for t in tonic],
                                           PROBE, n_chips, name)
    # 2. e_rev_I
    e_rev = []
    for i, setting in enumerate(E_REV_SETTINGS):
        report("e_rev_I", i / len(E_REV_SETTINGS))
        s.configure(e_rev_configs(base, setting))
        e_rev.append(measure_e_rev_i(s, n_chips, ALL_POSITIONS if i == E_PROBE else SAMPLED_POSITIONS))
    group_tr["e_rev_I"] = _group_transforms(list(E_REV_SETTINGS), e_rev, E_PROBE, n_chips, "e_rev_I")
    # 3. tau_m
    log_ratio = np.log((probe.v_rest - probe.v_reset) / (probe.v_rest - probe.v_thresh))
    rest, thresh, reset = TONIC_SETTINGS[PROBE]
    taus = []
    for i, code in enumerate(G_LEAK_CODES):
        report("tau_m", i / len(G_LEAK_CODES))
        s.configure(tonic_configs(base, rest, thresh, reset, g_leak_code=code, refrac_code=0))
        tau_nominal = CM_NF * 1e3 / (0.1 * code)
        cycles = int(2.3 * tau_nominal * float(np.nanmedian(log_ratio)) / 0.1) + 100
        taus.append(tau_m_of(s.run(cycles), log_ratio))
    tau_m = np.stack(taus, axis=1)
    # 4. tau_refrac
    report("tau_refrac", 0.0)
    s.configure(tonic_configs(base, rest, thresh, reset, g_leak_code=REFRAC_G_LEAK_CODE, refrac_code=0))
    free_cycles = free_interval(s.run(600), n)
    refr = []
    for i, code in enumerate(REFRAC_CODES):
        report("tau_refrac", (i + 1) / (len(REFRAC_CODES) + 1))
        s.configure(tonic_configs(base, rest, thresh, reset, g_leak_code=REFRAC_G_LEAK_CODE, refrac_code=code))
        cycles = int((1.6 * code * 0.025 + 25.0) / 0.1) + 50
        refr.append(refrac_of(s.run(cycles), free_cycles))
    tau_refrac = np.stack(refr, axis=1)
    # 5. weights
    design = WeightDesign.random(seed)
    w_codes = _weight_group_codes(n_chips)
    ratios = weight_log_ratios(probe.v_reset, probe.v_thresh, e_rev[E_PROBE])
    weights = {}
    n_weight_runs = 2 * sum(len(p) for p in WEIGHT_POINTS.values()) * 8
    done = [0]

    def tick() -> None:
        done[0] += 1
        report("weights", done[0] / n_weight_runs)

    for sign, points in WEIGHT_POINTS.items():
        weights[sign] = measure_weights(s, base, sign, list(points), design, w_codes, ratios[sign], tick)
    report("weights", 1.0)

    # fits, one table per chip
    tables = []
    for c, chip in enumerate(spec.chips):
        nrn = slice(c * NEURONS_PER_CHIP, (c + 1) * NEURONS_PER_CHIP)
        transforms = {name: group_tr[name][c] for name in group_tr}
        transforms["tau_m"] = tau_m_transform(np.asarray(G_LEAK_CODES), tau_m[nrn])
        transforms["tau_refrac"] = proportional_domain_transform(np.asarray(REFRAC_CODES), tau_refrac[nrn],
                                                                 f"tau_refrac of chip {c}")
        gains = {}
        for sign, points in WEIGHT_POINTS.items():
            rows = slice(c * ROWS_PER_CHIP, (c + 1) * ROWS_PER_CHIP)
            vals = np.stack([w[0][rows] for w in weights[sign]], axis=1)
            codes = np.asarray([p[0] for p in points], dtype=np.float64)
            transforms[WEIGHT_PARAM[sign]] = proportional_domain_transform(codes, vals,
                                                                           f"{WEIGHT_PARAM[sign]} of chip {c}")
            g = np.exp(np.mean([np.log(w[1][nrn]) for w in weights[sign]], axis=0))
            gains["exc" if sign == SIGN.EXCITATORY else "inh"] = np.where(np.isfinite(g), g, 1.0)
        tables.append(CalibrationTable(serial=int(chip.serial), transforms=transforms, neuron_weight_gain=gains,
                                       board=spec.name, chip_id=int(chip.id)))
    return BoardCalibration(tables=tables, seconds=time.perf_counter() - t_start, counts=dict(s.counts),
                            measured={"tonic_probe": probe, "e_rev_I_probe": e_rev[E_PROBE], "tau_m": tau_m,
                                      "tau_refrac": tau_refrac, "weights": weights, "log_ratio": log_ratio})


def _weight_group_codes(n_chips: int) -> dict:
    rest, thresh, reset = TONIC_SETTINGS[PROBE]
    return {name: np.full((n_chips, PARAM_GROUPS_PER_CHIP), voltage_to_code(v))
            for name, v in (("v_rest", rest), ("v_thresh", thresh), ("v_reset", reset),
                            ("e_rev_I", E_REV_SETTINGS[E_PROBE]))}


def weight_log_ratios(v_reset: np.ndarray, v_thresh: np.ndarray, e_rev_i: np.ndarray) -> dict:
    """``ln((E - v_reset) / (E - v_thresh))`` per neuron for both signs (E_E taken as its nominal 0 mV)."""
    return {SIGN.EXCITATORY: np.log((E_REV_E_MV - v_reset) / (E_REV_E_MV - v_thresh)),
            SIGN.INHIBITORY: np.log((e_rev_i - v_reset) / (e_rev_i - v_thresh))}
