"""Plastic synapses on NEST: Tsodyks-Markram (``tsodyks2_synapse``) and STDP
(``stdp_synapse``), both labelled so that each projection finds its connections.

Translations (PyNN -> NEST, ``s`` = the projection's weight scale, i.e. unit factor
times the receptor's sign):

- TsodyksMarkramSynapse -> tsodyks2_synapse: weight*s, U, tau_rec, tau_facil ->
  tau_fac, x = 1 and u = U (NEST releases the stored u*x at the first spike and
  updates only from the second on, which is the recursion of
  :func:`pynn_hw.standardmodels.synapses.tsodyks_markram_release` for PyNN's
  initial u = 0; another initial u with tau_facil > 0 is refused).
- STDPMechanism[SpikePairRule, any standard weight dependence] -> stdp_synapse:
  weight*s, Wmax = w_max*s, lambda = A_plus, alpha = A_minus/A_plus, tau_plus,
  (mu_plus, mu_minus) = the weight dependence's exponents (0/0 additive, 1/1
  multiplicative, 0/1 additive potentiation & multiplicative depression, free for
  Gutig); tau_minus is a parameter of the post-synaptic *neuron* in NEST. NEST's
  lower bound is 0 (w_min must be 0), its delay is purely dendritic
  (dendritic_delay_fraction must be 1), and A_plus = 0 with A_minus > 0 cannot be
  expressed. NEST applies a weight change at the next pre-synaptic spike that
  reaches the synapse, so potentiation by post-synaptic spikes after the last
  pre-synaptic spike is not yet visible in the weights read back.

Plastic weights change during a run, so the projection's connection order is
recovered from (source, target, delay) alone; for several connections with the
same source, target and delay in one projection, their order among themselves is
NEST's.
"""

from __future__ import annotations

from typing import Any

import nest
import numpy as np

from pynn_hw.errors import NoModelAvailableError, NonExistentParameterError
from pynn_hw.network import ProjectionSpec, expand
from pynn_hw.standardmodels.plasticity import SpikePairRule, STDPMechanism, check_stdp_weights
from pynn_hw.standardmodels.synapses import TsodyksMarkramSynapse

from software_backends.common.registry import lookup
from software_backends.nest.grid import Grid


def is_plastic(spec: ProjectionSpec) -> bool:
    return getattr(spec.synapse_type, "is_plastic", False)


def _tsodyks(spec: ProjectionSpec, values: dict[str, np.ndarray], scale: np.ndarray,
             tau_minus: dict[int, float], targets: np.ndarray) -> tuple[str, dict]:
    n = spec.size
    full = {name: expand(np.asarray(v, dtype=float), n) for name, v in values.items()}
    if np.any((full["u"] != 0) & (full["tau_facil"] > 0)):
        raise NoModelAvailableError(
            f"projection {spec.label!r}: NEST's tsodyks2_synapse takes the utilisation of "
            "the first spike, not its value at t = 0; an initial u other than 0 with "
            "tau_facil > 0 is not available")
    # tsodyks2_synapse releases u*x at the first spike without updating first, so its
    # u is PyNN's u_1 = U + u0 (1 - U) exp(-t_1 / tau_facil) = U here
    return "tsodyks2_synapse_lbl", {
        "weight": full["weight"] * scale, "U": full["U"], "tau_rec": full["tau_rec"],
        "tau_fac": full["tau_facil"], "u": full["U"], "x": np.ones(n)}


def _stdp(spec: ProjectionSpec, values: dict[str, np.ndarray], scale: np.ndarray,
          tau_minus: dict[int, float], targets: np.ndarray) -> tuple[str, dict]:
    cls = spec.synapse_type
    where = f"projection {spec.label!r} ({cls.__name__})"
    if cls.timing_dependence_type is not SpikePairRule:
        raise NoModelAvailableError(f"{where}: NEST has no model for the timing dependence "
                                    f"{cls.timing_dependence_type.__name__}")
    n = spec.size
    full = {name: expand(np.asarray(v, dtype=float), n) for name, v in values.items()}
    check_stdp_weights(spec.label, full["weight"])
    if np.any(full["w_min"] != 0):
        raise NoModelAvailableError(f"{where}: NEST's stdp_synapse has a lower weight bound "
                                    f"of 0; w_min={float(full['w_min'][full['w_min'] != 0][0])!r} "
                                    "is not available")
    if np.any(full["dendritic_delay_fraction"] != 1):
        raise NoModelAvailableError(f"{where}: NEST's stdp_synapse has a purely dendritic "
                                    "delay; dendritic_delay_fraction must be 1")
    if np.any((full["A_plus"] == 0) & (full["A_minus"] > 0)):
        raise NoModelAvailableError(f"{where}: NEST cannot express A_plus = 0 with "
                                    "A_minus > 0 (alpha = A_minus / A_plus)")
    mu_plus, mu_minus = cls.weight_dependence_type.exponents(full)
    _claim_tau_minus(where, full["tau_minus"], targets, tau_minus)
    alpha = np.divide(full["A_minus"], full["A_plus"], out=np.zeros(n),
                      where=full["A_plus"] > 0)
    return "stdp_synapse_lbl", {
        "weight": full["weight"] * scale, "Wmax": full["w_max"] * scale,
        "tau_plus": full["tau_plus"], "lambda": full["A_plus"], "alpha": alpha,
        "mu_plus": expand(mu_plus, n), "mu_minus": expand(mu_minus, n)}


def _claim_tau_minus(where: str, values: np.ndarray, targets: np.ndarray,
                     claimed: dict[int, float]) -> None:
    """Set tau_minus on the target neurons, refusing two values for one neuron."""
    for node, value in zip(targets.tolist(), values.tolist()):
        old = claimed.setdefault(node, value)
        if old != value:
            raise NoModelAvailableError(
                f"{where}: NEST keeps tau_minus in the post-synaptic neuron; neuron "
                f"{node} already has tau_minus={old!r} from another STDP projection, "
                f"this one asks for {value!r}")
    unique, first = np.unique(targets, return_index=True)
    if unique.size:
        nest.NodeCollection(unique.tolist()).set(tau_minus=values[first].tolist())


#: Plastic synapse type -> function (spec, values, scale, tau_minus claims, targets)
#: -> (NEST model, per-connection NEST parameters).
PLASTIC_MODELS = {TsodyksMarkramSynapse: _tsodyks, STDPMechanism: _stdp}


def plastic_model(spec: ProjectionSpec) -> Any:
    return lookup(PLASTIC_MODELS, spec.synapse_type,
                  f"projection {spec.label!r}: the NEST backend has no model for "
                  f"{spec.synapse_type.__name__}", available="plastic types available")


def connect_plastic(spec: ProjectionSpec, sources: np.ndarray, targets: np.ndarray,
                    scale: np.ndarray, values: dict[str, np.ndarray], delay: np.ndarray,
                    label: int, tau_minus: dict[int, float]) -> str:
    """Create the connections of a plastic projection; return the NEST model used."""
    model, params = plastic_model(spec)(spec, values, scale, tau_minus, targets)
    if spec.size:
        nest.Connect(sources, targets, "one_to_one",
                     {"synapse_model": model, "synapse_label": label, "delay": delay,
                      **params})
    return model


def position(built: Any, grid: Grid) -> tuple[nest.SynapseCollection, np.ndarray,
                                              dict[str, np.ndarray]]:
    """NEST's connections, their (source, target, delay, weight) table, and for each
    connection of the projection its position in NEST's order."""
    conns = built.connections()
    if len(conns) == 0:
        table = {k: np.zeros(0) for k in ("source", "target", "weight", "delay")}
    else:
        table = {k: np.atleast_1d(np.asarray(v))
                 for k, v in conns.get(["source", "target", "weight", "delay"]).items()}
    if table["source"].size != built.sources.size:
        raise RuntimeError(f"projection {built.name!r}: NEST holds {table['source'].size} "
                           f"connections, the projection {built.sources.size}")
    ours = np.lexsort((grid.steps(built.values["delay"]), built.targets, built.sources))
    theirs = np.lexsort((grid.steps(table["delay"]), table["target"], table["source"]))
    if not (np.array_equal(built.sources[ours], table["source"][theirs])
            and np.array_equal(built.targets[ours], table["target"][theirs])):
        raise RuntimeError(f"projection {built.name!r}: the connections in NEST differ "
                           "from those the projection created")
    where = np.empty(built.sources.size, dtype=np.int64)
    where[ours] = theirs
    return conns, where, table


def get_plastic(built: Any, name: str, grid: Grid) -> np.ndarray:
    """Current ``weight`` (read from NEST) or another parameter, in projection order."""
    _check(built, name)
    if name != "weight":
        return np.broadcast_to(built.values[name], built.sources.shape).astype(float)
    _, where, table = position(built, grid)
    return table["weight"][where].astype(float) / built.scale


def set_plastic(built: Any, spec: ProjectionSpec, name: str, values: np.ndarray,
                grid: Grid, tau_minus: dict[int, float]) -> None:
    """Write one parameter (PyNN units, projection order) into NEST."""
    _check(built, name)
    values = np.broadcast_to(np.asarray(values, dtype=float), built.sources.shape).copy()
    if name == "delay":
        values = grid.to_grid_ms(values, f"projection {built.name!r} delays")
    conns, where, _ = position(built, grid)
    current = {k: np.broadcast_to(v, built.sources.shape).copy() for k, v in built.values.items()}
    current[name] = values
    if name == "weight":
        nest_params = {"weight": values * built.scale}
    elif name == "delay":
        nest_params = {"delay": values}
    else:
        # re-translate with the new value: names and factors live in one place; a new
        # tau_minus replaces this projection's claims on its target neurons
        claims = dict(tau_minus)
        if name == "tau_minus":
            for node in built.targets.tolist():
                claims.pop(node, None)
        _, nest_params = plastic_model(spec)(spec, current, built.scale, claims, built.targets)
        tau_minus.update(claims)
        nest_params = {k: v for k, v in nest_params.items() if k not in ("weight", "u", "x")}
    ordered = {}
    for key, value in nest_params.items():
        out = np.empty(built.sources.size)
        out[where] = value
        ordered[key] = out
    if values.size:
        conns.set(ordered)
    built.values[name] = values


def _check(built: Any, name: str) -> None:
    if name not in built.values:
        raise NonExistentParameterError(name, f"projection {built.name!r}", built.values)
