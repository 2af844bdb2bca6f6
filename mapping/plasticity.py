"""Plastic projections on the hardware: STP row modes and STDP look-up tables.

Short-term plasticity (``TsodyksMarkramSynapse``). A driver row is OFF,
DEPRESSING or FACILITATING; ``stp_u``, ``stp_tau_rec`` and ``stp_tau_facil`` are
chip-wide codes. With ``I`` the row's state, a depressing row scales its events
by ``1 - I`` and a facilitating row by ``1 + I``; then ``I <- I + U (1 - I)``,
and ``I`` decays to 0 with the row's time constant (docs/hardware.md 2.5).

* ``tau_facil == 0``: a depressing row. ``1 - I`` is the model's ``x`` exactly
  (``x <- x (1 - U)`` at an event, recovery to 1 with ``tau_rec``), so with the
  row weight ``weight * U`` the n-th response is ``weight * U * x_n``: exact up
  to the codes (U in 1/1023, tau_rec in 1 ms) and the Q16 state.
* ``tau_facil > 0``: a facilitating row. ``I`` before an event is the decayed
  ``u`` of the previous event, so the model's response is
  ``weight (U + (1 - U) I)`` and the row's ``weight U (1 + I)``: equal for
  U = 0.5, otherwise the facilitation increment is scaled by ``U / (1 - U)``
  (reported). The depression of the model (``tau_rec``) is left out; this is
  refused unless ``tau_rec <= tau_facil / 10``.

STDP (``STDPMechanism`` with ``SpikePairRule``). A synapse's causal (acausal)
flag is set once its accumulated pairings reach ``theta`` (``stdp_threshold``);
the row sweep then replaces its 4-bit weight by ``lut_causal[w]``
(``lut_acausal[w]``). One flag therefore stands for ``theta`` pairings at
``dt = 0``, and the tables hold the rule's change for that many pairings::

    lut_causal[w]  = rint(w + 15 A_plus  theta ((15 - w) / 15) ** mu_plus)
    lut_acausal[w] = rint(w - 15 A_minus theta ((w - w_min) / 15) ** mu_minus)

in weight codes (code 15 = w_max; rows of STDP projections get the strength
``w_max / 15``), clipped to ``[code(w_min), 15]``, with ``lut[0] = 0`` (a 0 code
is "no synapse"). ``theta = 1 / (15 min(A_plus, A_minus))`` so that the smaller
amplitude is one code step per flag (additive rule: the ``w+1`` / ``w-1``
tables). Approximations are listed per projection in :attr:`PlasticRows.notes`.

Threshold fit. A flag clears the whole accumulator, so the pairings beyond the
threshold are lost: with amplitude ``e = exp(-|dt| / tau)`` a flag takes
``ceil(theta / e)`` pairings, not ``theta / e``, and the nominal ``theta``
learns too little (12 pairings at |dt| = 5 ms: 4 codes instead of 5.6). The
threshold written is therefore fitted (:func:`fit_threshold`): the code in
``[theta / 2, theta]`` whose step count ``floor(N / ceil(theta / e))`` is
closest (worst case over ``dt`` in ``tau / 10 .. 2.5 tau``) to the rule's
``15 A e N`` for ``N = STDP_FIT_PAIRINGS(A)`` sparse pairings (one per row
sweep). The tables keep the nominal ``theta``: one flag still stands for one
step of the smaller amplitude. For other pairing counts the staircase and the
exponential drift apart (error grows with ``N``; reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from firmware_io import units
from firmware_io.constants import STP_MODES, TICK_BIO_MS, WEIGHT_MAX
from firmware_io.errors import CodeRangeError
from pynn_hw.errors import MappingError
from pynn_hw.standardmodels.plasticity import SpikePairRule
from pynn_hw.standardmodels.synapses import StaticSynapse, TsodyksMarkramSynapse

#: Facilitating rows are accepted while tau_rec <= tau_facil / FACIL_REC_RATIO.
FACIL_REC_RATIO = 10.0
_THETA_MIN = units.STDP_THRESHOLD.lsb
_THETA_MAX = units.STDP_THRESHOLD.max_value
#: Accumulator increment of one pairing at dt = 0 (docs/hardware.md, "STDP accumulators").
_PAIR_AMPLITUDE = 1024
#: Fraction of the weight range the fit's reference protocol moves at dt = 0.
STDP_FIT_RANGE = 0.5
#: Time differences of the fit, in units of tau.
_FIT_DT = (0.1, 2.5)
_FIT_DT_STEP_MS = 0.1


def stdp_fit_pairings(a_min: float) -> int:
    """Sparse pairings of the fit's reference protocol: the rule moves ``STDP_FIT_RANGE`` of the range at dt=0."""
    return max(int(np.floor(STDP_FIT_RANGE / a_min)), 1)


def fit_threshold(a_min: float, tau_ms: float, nominal_code: int) -> tuple[int, float]:
    """Threshold code whose flag count best follows the rule for the reference protocol.

    Parameters
    ----------
    a_min : float
        The smaller amplitude (one table step per flag).
    tau_ms : float
        The window's time constant as written (``stdp_tau``).
    nominal_code : int
        ``rint(64 / (15 a_min))``, the threshold without the fit.

    Returns
    -------
    code : int
        Threshold code in ``[nominal_code / 2, nominal_code]``.
    error : float
        Worst difference in codes over the fitted ``dt`` range for
        ``stdp_fit_pairings(a_min)`` pairings (one table step per flag).
    """
    n = stdp_fit_pairings(a_min)
    dt = np.arange(_FIT_DT[0] * tau_ms, _FIT_DT[1] * tau_ms + 1e-9, _FIT_DT_STEP_MS)
    ticks = np.rint(dt / TICK_BIO_MS)
    amp = np.rint(_PAIR_AMPLITUDE * np.exp(-ticks * TICK_BIO_MS / tau_ms))   # docs/hardware.md, "STDP"
    rule = WEIGHT_MAX * a_min * n * np.exp(-dt / tau_ms)
    codes = np.arange(max(nominal_code // 2, 1), max(nominal_code, 1) + 1)
    thr = codes[:, None] << 4
    steps = np.floor(n / np.ceil(thr / np.maximum(amp, 1.0)))
    err = np.abs(steps - rule)
    score = err.max(axis=1) + 1e-3 * err.mean(axis=1)          # worst case first, then the mean
    best = int(np.argmin(score))
    return int(codes[best]), float(err[best].max())


@dataclass(frozen=True, eq=False)
class PlasticRows:
    """Row settings of one plastic projection.

    Attributes
    ----------
    label : str
        The projection's label (for messages).
    stp_mode : int
        ``STP_MODES`` of its rows.
    stp_u, stp_tau_rec, stp_tau_facil : int
        Chip-wide codes the rows need (-1: any).
    weight_factor : float
        Factor on the requested weight (Tsodyks-Markram: U, the first response).
    stdp : bool
        The rows take part in STDP.
    lut_causal, lut_acausal : ndarray (16,) of uint8 or None
    stdp_threshold, stdp_tau : int
        Chip-wide STDP codes (-1: any).
    w_max : float
        STDP: the weight of code 15 (projection units); 0 otherwise.
    notes : tuple of str
        What the hardware approximates.
    """

    label: str
    stp_mode: int = int(STP_MODES.OFF)
    stp_u: int = -1
    stp_tau_rec: int = -1
    stp_tau_facil: int = -1
    weight_factor: float = 1.0
    stdp: bool = False
    lut_causal: np.ndarray | None = None
    lut_acausal: np.ndarray | None = None
    stdp_threshold: int = -1
    stdp_tau: int = -1
    w_max: float = 0.0
    notes: tuple[str, ...] = field(default=())


def _uniform(prj, name: str) -> float:
    values = np.unique(np.asarray(prj.parameter(name), dtype=float))
    if values.size > 1:
        raise MappingError(
            f"projection {prj.label!r}: {prj.synapse_type.__name__}.{name} differs between connections "
            f"({values[0]:g} .. {values[-1]:g}); the hardware's rows share one value per projection")
    return float(values[0]) if values.size else 0.0


def _code(prj, code: units.LinearCode, value: float) -> int:
    try:
        return int(code.to_code(value))
    except CodeRangeError as err:
        raise MappingError(f"projection {prj.label!r}: {err}") from None


def tsodyks_markram_rows(prj) -> PlasticRows:
    """Row settings of a ``TsodyksMarkramSynapse`` projection (see the module docstring)."""
    U, tau_rec, tau_facil = _uniform(prj, "U"), _uniform(prj, "tau_rec"), _uniform(prj, "tau_facil")
    u0 = _uniform(prj, "u") if "u" in prj.parameters else 0.0
    u_code = _code(prj, units.STP_U, U)
    if tau_facil == 0.0:
        rec = _code(prj, units.STP_TAU_REC, tau_rec)
        return PlasticRows(prj.label, int(STP_MODES.DEPRESSING), stp_u=u_code, stp_tau_rec=rec, weight_factor=U,
                           notes=(f"depressing rows: U {U:g} -> code {u_code}, tau_rec {tau_rec:g} ms -> code {rec}",))
    if tau_rec > tau_facil / FACIL_REC_RATIO:
        raise MappingError(
            f"projection {prj.label!r}: TsodyksMarkramSynapse with tau_facil={tau_facil:g} ms and "
            f"tau_rec={tau_rec:g} ms needs a row that both depresses and facilitates; a hardware row does one "
            f"of the two. Valid: tau_facil=0 (depressing) or tau_rec <= tau_facil/{FACIL_REC_RATIO:g} "
            f"(facilitating, depression left out)")
    if u0 != 0.0:
        raise MappingError(f"projection {prj.label!r}: initial u={u0:g} cannot be set on the hardware "
                           f"(a row's STP state starts at 0); valid: u=0")
    fac = _code(prj, units.STP_TAU_FACIL, tau_facil)
    notes = [f"facilitating rows: U {U:g} -> code {u_code}, tau_facil {tau_facil:g} ms -> code {fac}; "
             f"depression (tau_rec={tau_rec:g} ms) left out"]
    if U != 0.5:
        notes.append(f"facilitation increment scaled by U/(1-U) = {U / (1 - U) if U < 1 else np.inf:.3g} "
                     f"(the row's factor is 1 + I, the model's 1 + I (1-U)/U)")
    return PlasticRows(prj.label, int(STP_MODES.FACILITATING), stp_u=u_code, stp_tau_facil=fac, weight_factor=U,
                       notes=tuple(notes))


def stdp_tables(A_plus: float, A_minus: float, mu_plus: float, mu_minus: float, w_min_code: int,
                theta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The two tables and the exact (unrounded) new codes they approximate.

    Returns
    -------
    lut_causal, lut_acausal : ndarray (16,) of uint8
    exact_causal, exact_acausal : ndarray (16,) of float64
        The rule's new weight after ``theta`` pairings at dt = 0, in codes, clipped.
    """
    w = np.arange(WEIGHT_MAX + 1, dtype=float)
    up = np.maximum(WEIGHT_MAX - w, 0.0) / WEIGHT_MAX
    down = np.maximum(w - w_min_code, 0.0) / WEIGHT_MAX
    with np.errstate(divide="ignore", invalid="ignore"):
        exact_c = np.clip(w + WEIGHT_MAX * A_plus * theta * np.power(up, mu_plus), w_min_code, WEIGHT_MAX)
        exact_a = np.clip(w - WEIGHT_MAX * A_minus * theta * np.power(down, mu_minus), w_min_code, WEIGHT_MAX)
    luts = []
    for exact in (exact_c, exact_a):
        lut = np.rint(exact).astype(np.uint8)
        lut[0] = 0
        luts.append(lut)
    return luts[0], luts[1], exact_c, exact_a


def stdp_rows(prj) -> PlasticRows:
    """Row settings and look-up tables of an ``STDPMechanism`` projection."""
    st = prj.synapse_type
    if st.timing_dependence_type is not SpikePairRule:
        raise MappingError(f"projection {prj.label!r}: timing dependence {st.timing_dependence_type.__name__} "
                           f"has no hardware form; valid: SpikePairRule")
    p = {k: _uniform(prj, k) for k in ("tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max",
                                       "dendritic_delay_fraction")}
    mu_p, mu_m = (float(np.unique(np.asarray(m, float))[0]) for m in st.weight_dependence_type.exponents(
        {k: prj.parameter(k) for k in ("mu_plus", "mu_minus") if k in prj.parameters}))
    notes = ["nearest-neighbour pairing (the rule pairs all-to-all); at most one table step per synapse and "
             "row sweep (one STDP row of a block every 15 ms), pairings beyond the threshold within one "
             "sweep are dropped"]
    tau = p["tau_plus"]
    if p["tau_plus"] != p["tau_minus"]:
        tau = 0.5 * (p["tau_plus"] + p["tau_minus"])
        notes.append(f"one chip-wide time constant: tau_plus={p['tau_plus']:g} and tau_minus={p['tau_minus']:g} "
                     f"ms -> {tau:g} ms")
    tau_code = _code(prj, units.STDP_TAU, tau)
    if p["dendritic_delay_fraction"] != 0.0:
        notes.append(f"dendritic_delay_fraction={p['dendritic_delay_fraction']:g} realised as 0: the row sees "
                     f"dt = t_post - (t_pre + delay)")
    w_min_code = int(np.rint(WEIGHT_MAX * p["w_min"] / p["w_max"]))
    amps = [a for a in (p["A_plus"], p["A_minus"]) if a > 0]
    if not amps:
        theta = _THETA_MAX
    else:
        theta = 1.0 / (WEIGHT_MAX * min(amps))
    theta_code = int(np.clip(np.rint(theta / _THETA_MIN), 1, units.STDP_THRESHOLD.max_code))
    if amps and abs(theta_code * _THETA_MIN - theta) > 0.5 * _THETA_MIN:
        notes.append(f"threshold {theta:.4g} pairings out of range ({_THETA_MIN:g}..{_THETA_MAX:g}): "
                     f"learning {theta / (theta_code * _THETA_MIN):.3g}x the requested rate")
    theta_q = theta_code * _THETA_MIN
    if amps and tau_code > 0 and theta_code == int(np.rint(theta / _THETA_MIN)):
        fitted, fit_err = fit_threshold(min(amps), tau_code * units.STDP_TAU.lsb, theta_code)
        notes.append(f"threshold fitted to code {fitted} (nominal {theta_code}): a flag clears the pairings "
                     f"beyond the threshold; {stdp_fit_pairings(min(amps))} sparse pairings follow the rule "
                     f"within {fit_err:.2f} codes for |dt| in {_FIT_DT[0]:g}..{_FIT_DT[1]:g} tau, more pairings "
                     f"drift further")
        theta_code = fitted
    luts = stdp_tables(p["A_plus"], p["A_minus"], mu_p, mu_m, w_min_code, theta_q)
    err = max(float(np.max(np.abs(luts[0][1:] - luts[2][1:]))), float(np.max(np.abs(luts[1][1:] - luts[3][1:]))))
    notes.append(f"tables for {theta_q:.4g} pairings per flag (threshold code {theta_code}); tables within {err:.3g} codes of the "
                 f"rule for that many pairings; w_min {p['w_min']:g} -> code {w_min_code}; code 0 stays 0")
    return PlasticRows(prj.label, stdp=True, lut_causal=luts[0], lut_acausal=luts[1], stdp_threshold=theta_code,
                       stdp_tau=tau_code, w_max=p["w_max"], notes=tuple(notes))


def projection_rows(prj) -> PlasticRows | None:
    """Row settings of one projection (``None`` for static synapses).

    Raises
    ------
    MappingError
        For a synapse type or parameter combination the hardware cannot run.
    """
    st = prj.synapse_type
    if st is StaticSynapse:
        return None
    if st is TsodyksMarkramSynapse:
        return tsodyks_markram_rows(prj)
    if getattr(st, "timing_dependence_type", None) is not None:
        if getattr(st, "voltage_dependence_type", None) is not None:
            raise MappingError(f"projection {prj.label!r}: voltage-dependent STDP has no hardware form")
        return stdp_rows(prj)
    raise MappingError(f"projection {prj.label!r}: synapse type {st.__name__} cannot be mapped; supported: "
                       f"StaticSynapse, TsodyksMarkramSynapse, STDPMechanism with SpikePairRule")


_CHIP_FIELDS = ("stp_u", "stp_tau_rec", "stp_tau_facil", "stdp_threshold", "stdp_tau")


def chip_codes(row_chip: np.ndarray, row_class: np.ndarray, classes: tuple[PlasticRows | None, ...],
               n_chips: int) -> dict[str, np.ndarray]:
    """Per-row STP/STDP settings and the chip-wide codes of every chip.

    Parameters
    ----------
    row_chip, row_class
        Per allocated row: chip, and plasticity class (0 static; ``k`` is ``classes[k]``).

    Raises
    ------
    MappingError
        When two plastic projections on one chip need different chip-wide codes;
        the message names both projections and the values.
    """
    out = {name: np.zeros(n_chips, np.uint16) for name in _CHIP_FIELDS}
    out["stdp_lut_causal"] = np.tile(np.arange(WEIGHT_MAX + 1, dtype=np.uint8), (n_chips, 1))
    out["stdp_lut_acausal"] = out["stdp_lut_causal"].copy()
    mode = np.zeros(len(classes), np.uint8)
    stdp = np.zeros(len(classes), np.uint8)
    for k, c in enumerate(classes):
        if c is not None:
            mode[k], stdp[k] = c.stp_mode, c.stdp
    out["row_stp"] = mode[row_class] if row_class.size else np.zeros(0, np.uint8)
    out["row_stdp"] = stdp[row_class] if row_class.size else np.zeros(0, np.uint8)
    pairs = np.unique(row_chip.astype(np.int64) * len(classes) + row_class) if row_class.size else []
    owner: dict[tuple[int, str], str] = {}
    for cc in pairs:     # one step per (chip, plastic projection): few
        chip, k = divmod(int(cc), len(classes))
        c = classes[k]
        if c is None:
            continue
        wanted = {name: getattr(c, name) for name in _CHIP_FIELDS if getattr(c, name) >= 0}
        if c.stdp:
            wanted["stdp_lut_causal"], wanted["stdp_lut_acausal"] = c.lut_causal, c.lut_acausal
        for name, value in wanted.items():
            key = (chip, name)
            if key in owner and not np.array_equal(out[name][chip], value):
                raise MappingError(
                    f"chip {chip}: projections {owner[key]!r} and {c.label!r} need different chip-wide {name} "
                    f"codes ({_show(out[name][chip])} and {_show(value)}); the rows of one chip share them. "
                    f"Use the same parameters or place the target populations on different chips")
            out[name][chip] = value
            owner[key] = c.label
    return out


def _show(v) -> str:
    a = np.asarray(v)
    return str(int(a)) if a.ndim == 0 else "[" + " ".join(str(int(x)) for x in a) + "]"
