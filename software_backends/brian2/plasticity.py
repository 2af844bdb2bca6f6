"""Plastic synapses on Brian 2: the backend's own equations.

Tsodyks-Markram: each synapse keeps ``u``, ``x``, the fraction released at its last
spike and the time of that spike; at each arrival it updates ``x`` then ``u`` (the
recursion of :func:`pynn_hw.standardmodels.synapses.tsodyks_markram_release`) and
transmits ``w_syn * u * x``.

STDP (``STDPMechanism[SpikePairRule, weight dependence]``): event-driven traces
``K_plus`` (pre, tau_plus) and ``K_minus`` (post, tau_minus); the rule of
:mod:`pynn_hw.standardmodels.plasticity` with the weight dependence's exponents
``mu_plus``/``mu_minus`` as per-synapse variables. Three pathways: ``pre``
transmits after the delay d, ``pre_plastic`` depresses after (1 - f) d, ``post``
potentiates after f d (f = ``dendritic_delay_fraction``); when ``pre_plastic`` and
``pre`` fall in the same step the plastic update runs first, so that a spike
carries the weight it has just set, as in NEST.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from pynn_hw.errors import NoModelAvailableError
from pynn_hw.network import ProjectionSpec, expand
from pynn_hw.standardmodels.plasticity import SpikePairRule, STDPMechanism, check_stdp_weights
from pynn_hw.standardmodels.synapses import TsodyksMarkramSynapse

#: A tau_facil of 0 (no facilitation) becomes this many seconds: exp(-h / tiny) = 0.
_TINY = 1e-12


@dataclass(frozen=True)
class PlasticModel:
    """Equations and the per-synapse variables written from PyNN values.

    ``variables`` maps a PyNN parameter name to (Brian variable, factor kind), where
    the kind is ``"ms"``, ``"weight"`` or ``"1"``.
    """

    model: str
    on_pre: dict[str, str]
    on_post: str | None
    variables: dict[str, tuple[str, str]]


def _uses_weight(code: str, name: str) -> str:
    return re.sub(r"\bw_syn\b", name, code)


def tsodyks_markram(receptor_code: str, unit: str) -> PlasticModel:
    model = f"""w_syn : {unit}
U_tm : 1
tau_rec_tm : second
tau_facil_tm : second
u_tm : 1
x_tm : 1
released_tm : 1
t_last_tm : second"""
    on_pre = f"""h_tm = t - t_last_tm
x_tm = 1 + (x_tm - released_tm - 1) * exp(-h_tm / tau_rec_tm)
u_tm = U_tm + u_tm * (1 - U_tm) * exp(-h_tm / tau_facil_tm)
released_tm = u_tm * x_tm
t_last_tm = t
{_uses_weight(receptor_code, "(w_syn * released_tm)")}"""
    return PlasticModel(model, {"pre": on_pre}, None,
                        {"U": ("U_tm", "1"), "tau_rec": ("tau_rec_tm", "ms"),
                         "tau_facil": ("tau_facil_tm", "ms"), "u": ("u_tm", "1")})


def stdp(receptor_code: str, unit: str) -> PlasticModel:
    model = f"""w_syn : {unit}
w_min_stdp : {unit}
w_max_stdp : {unit}
A_plus_stdp : 1
A_minus_stdp : 1
mu_plus_stdp : 1
mu_minus_stdp : 1
tau_plus_stdp : second
tau_minus_stdp : second
dK_plus/dt = -K_plus / tau_plus_stdp : 1 (event-driven)
dK_minus/dt = -K_minus / tau_minus_stdp : 1 (event-driven)"""
    depress = ("w_syn = clip(w_syn - A_minus_stdp * K_minus * w_max_stdp * "
               "(clip(w_syn - w_min_stdp, 0 * w_max_stdp, w_max_stdp) / w_max_stdp)"
               " ** mu_minus_stdp, w_min_stdp, w_max_stdp)\nK_plus += 1")
    potentiate = ("w_syn = clip(w_syn + A_plus_stdp * K_plus * w_max_stdp * "
                  "(clip(w_max_stdp - w_syn, 0 * w_max_stdp, w_max_stdp) / w_max_stdp)"
                  " ** mu_plus_stdp, w_min_stdp, w_max_stdp)\nK_minus += 1")
    return PlasticModel(model, {"pre": receptor_code, "pre_plastic": depress}, potentiate,
                        {"w_min": ("w_min_stdp", "weight"), "w_max": ("w_max_stdp", "weight"),
                         "A_plus": ("A_plus_stdp", "1"), "A_minus": ("A_minus_stdp", "1"),
                         "tau_plus": ("tau_plus_stdp", "ms"),
                         "tau_minus": ("tau_minus_stdp", "ms")})


def plastic_model(spec: ProjectionSpec, receptor_code: str, unit: str) -> PlasticModel:
    """The equations of a plastic projection (raises for what Brian 2 cannot build)."""
    cls = spec.synapse_type
    if issubclass(cls, TsodyksMarkramSynapse):
        return tsodyks_markram(receptor_code, unit)
    if issubclass(cls, STDPMechanism) and cls.timing_dependence_type is SpikePairRule:
        return stdp(receptor_code, unit)
    raise NoModelAvailableError(
        f"projection {spec.label!r}: the Brian 2 backend has no model for {cls.__name__}; "
        "plastic types available: TsodyksMarkramSynapse, STDPMechanism with SpikePairRule")


def write(synapses: Any, spec: ProjectionSpec, plastic: PlasticModel,
          values: dict[str, np.ndarray], members: np.ndarray, weight_factor: float,
          names: Any = None) -> None:
    """Write PyNN values (projection order, ``members`` of this part) into Brian."""
    n = spec.size
    if issubclass(spec.synapse_type, STDPMechanism):
        check_stdp_weights(spec.label, values["weight"])
    for name, (variable, kind) in plastic.variables.items():
        if names is not None and name not in names:
            continue
        value = expand(np.asarray(values[name], dtype=float), n)[members]
        if variable == "tau_facil_tm":
            value = np.maximum(value * 1e-3, _TINY)
        else:
            value = value * {"ms": 1e-3, "weight": weight_factor, "1": 1.0}[kind]
        getattr(synapses, variable + "_")[:] = value
    if issubclass(spec.synapse_type, STDPMechanism):
        full = {k: expand(np.asarray(v, dtype=float), n) for k, v in values.items()}
        mu_plus, mu_minus = spec.synapse_type.weight_dependence_type.exponents(full)
        synapses.mu_plus_stdp_[:] = expand(mu_plus, n)[members]
        synapses.mu_minus_stdp_[:] = expand(mu_minus, n)[members]
    elif names is None:
        # a synapse at rest: nothing released yet, u decays from its value at t = 0
        synapses.x_tm_[:] = 1.0
        synapses.released_tm_[:] = 0.0
        synapses.t_last_tm_[:] = 0.0


def plastic_delays(synapses: Any, spec: ProjectionSpec, values: dict[str, np.ndarray],
                   members: np.ndarray, steps: np.ndarray, dt: float) -> None:
    """Delays of the STDP pathways from the transmission delays (in steps)."""
    if not issubclass(spec.synapse_type, STDPMechanism):
        return
    fraction = expand(np.asarray(values["dendritic_delay_fraction"], dtype=float),
                      spec.size)[members]
    dendritic = np.rint(steps * fraction)
    synapses.pre_plastic.delay_[:] = (steps - dendritic) * dt / 1000.0
    synapses.post.delay_[:] = dendritic * dt / 1000.0
