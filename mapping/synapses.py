"""All requested synapses as flat arrays, and the row keys they need.

A *row key* is what one driver row can carry: one source cell, one sign, one
PSC decay code and one plasticity class (0: static; ``k``: the k-th plastic
projection, whose rows carry its STP mode or STDP setting, see
:mod:`mapping.plasticity`): ``key = ((cls * 2**28 + source) * 2 + sign) * 1024 + tau_code``. Synapses with the
same key and the same target share one synapse of that row, so their weights add
(exact for static synapses: they arrive together); a *pair* is one (key, target).
A pair whose weight exceeds 15 x the largest row strength needs several rows of
the same key (``n_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from firmware_io import units
from firmware_io.constants import PARAM_MAX, SIGN, WEIGHT_MAX
from pynn_hw.errors import MappingError
from pynn_hw.network import Network

from .plasticity import PlasticRows, projection_rows

TAU_CODES = PARAM_MAX + 1
#: Source cells per plasticity class in a row key.
SOURCE_SPAN = 2 ** 28
#: Largest conductance one row can give one synapse (uS), by sign.
MAX_ROW_WEIGHT = np.array([WEIGHT_MAX * units.code_to_strength(PARAM_MAX, s) for s in (0, 1)])
_RECEPTORS = {"excitatory": SIGN.EXCITATORY, "inhibitory": SIGN.INHIBITORY}


def make_key(source: np.ndarray, sign: np.ndarray, tau: np.ndarray, cls: np.ndarray | int = 0) -> np.ndarray:
    """Row keys of (source, sign, tau code, plasticity class) (int64)."""
    return ((np.asarray(cls, np.int64) * SOURCE_SPAN + source.astype(np.int64)) * 2 + sign) * TAU_CODES + tau


def key_source(key: np.ndarray) -> np.ndarray:
    """Source cell of row keys."""
    return (key // (2 * TAU_CODES)) % SOURCE_SPAN


def key_class(key: np.ndarray) -> np.ndarray:
    """Plasticity class of row keys (0: static)."""
    return key // (2 * TAU_CODES * SOURCE_SPAN)


def key_sign(key: np.ndarray) -> np.ndarray:
    """Sign of row keys."""
    return (key // TAU_CODES) % 2


def key_tau(key: np.ndarray) -> np.ndarray:
    """PSC decay code of row keys."""
    return key % TAU_CODES


@dataclass(frozen=True, eq=False)
class Synapses:
    """Every requested synapse (flat, in projection order) and its pair.

    Attributes
    ----------
    projection, index : per synapse, its projection and connection index
    pre, post : global cell indices
    weight : requested weight (projection units)
    weight_hw : weight in hardware uS after the target's weight scale
    delay : requested delay (ms)
    sign : 0 excitatory, 1 inhibitory
    target_ok : the target is a hardware neuron
    pair : index into the pair arrays (-1 where target_ok is False)
    pair_key, pair_post, pair_weight, pair_rows, pair_delay : per pair
    pair_wmax : per pair, STDP: the weight of code 15 (hardware uS); 0 otherwise
    classes : per plasticity class, its :class:`~mapping.plasticity.PlasticRows` (``classes[0]`` is None)
    """

    projection: np.ndarray
    index: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    weight_hw: np.ndarray
    delay: np.ndarray
    sign: np.ndarray
    target_ok: np.ndarray
    pair: np.ndarray
    pair_key: np.ndarray
    pair_post: np.ndarray
    pair_weight: np.ndarray
    pair_rows: np.ndarray
    pair_delay: np.ndarray
    pair_wmax: np.ndarray = field(default_factory=lambda: np.zeros(0))
    classes: tuple[PlasticRows | None, ...] = (None,)

    @property
    def n(self) -> int:
        """Number of requested synapses."""
        return int(self.pre.size)


def gather(network: Network, is_neuron: np.ndarray, weight_scale: np.ndarray, tau_codes: np.ndarray) -> Synapses:
    """Collect the synapses of every projection.

    Parameters
    ----------
    is_neuron
        Per global cell: a hardware neuron (True) or a spike source.
    weight_scale
        Per global cell: factor applied to incoming weights.
    tau_codes
        Per global cell: (exc, inh) row_tau codes of its inputs.

    Raises
    ------
    MappingError
        For a synapse type the hardware cannot run (see :func:`mapping.plasticity.projection_rows`)
        or an unknown receptor type.
    """
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("projection", "index", "pre", "post", "weight",
                                                         "delay", "sign", "cls", "factor", "wmax")}
    classes: list[PlasticRows | None] = [None]
    for prj in network.projections:
        rows = projection_rows(prj)
        cls = 0
        if rows is not None:
            cls = len(classes)
            classes.append(rows)
        if prj.receptor_type not in _RECEPTORS:
            raise MappingError(
                f"projection {prj.label!r}: receptor type {prj.receptor_type!r} does not exist on the hardware "
                f"neuron; valid: {', '.join(_RECEPTORS)}"
            )
        n = prj.size
        parts["projection"].append(np.full(n, prj.index, dtype=np.int32))
        parts["index"].append(np.arange(n, dtype=np.int64))
        parts["pre"].append(prj.global_pre().astype(np.int64))
        parts["post"].append(prj.global_post().astype(np.int64))
        parts["weight"].append(np.abs(prj.parameter("weight").astype(np.float64)))
        parts["delay"].append(prj.parameter("delay").astype(np.float64))
        parts["sign"].append(np.full(n, int(_RECEPTORS[prj.receptor_type]), dtype=np.int8))
        parts["cls"].append(np.full(n, cls, dtype=np.int64))
        parts["factor"].append(np.full(n, rows.weight_factor if rows is not None else 1.0))
        parts["wmax"].append(np.full(n, rows.w_max if rows is not None else 0.0))
    flat = {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in parts.items()}
    pre, post, sign = flat["pre"].astype(np.int64), flat["post"].astype(np.int64), flat["sign"].astype(np.int8)
    target_ok = is_neuron[post] if post.size else np.zeros(0, bool)
    weight_hw = flat["weight"] * flat["factor"] * weight_scale[post] if post.size else np.zeros(0)
    wmax_hw = flat["wmax"] * weight_scale[post] if post.size else np.zeros(0)
    tau = tau_codes[post, sign.astype(np.int64)] if post.size else np.zeros(0, np.int64)
    key = make_key(pre, sign.astype(np.int64), tau.astype(np.int64), flat["cls"].astype(np.int64))
    ok = np.flatnonzero(target_ok)
    pair = np.full(pre.size, -1, dtype=np.int64)
    if ok.size:
        n_cells = int(is_neuron.size)
        uniq, inv = np.unique(key[ok] * n_cells + post[ok], return_inverse=True)
        inv = inv.ravel()
        pair[ok] = inv
        pair_key, pair_post = uniq // n_cells, uniq % n_cells
        pair_weight = np.bincount(inv, weights=weight_hw[ok], minlength=uniq.size)
        count = np.bincount(inv, minlength=uniq.size)
        pair_delay = np.bincount(inv, weights=flat["delay"][ok], minlength=uniq.size) / np.maximum(count, 1)
        pair_wmax = np.zeros(uniq.size)
        np.maximum.at(pair_wmax, inv, wmax_hw[ok])
        limit = MAX_ROW_WEIGHT[key_sign(pair_key)]
        pair_rows = np.maximum(1, np.ceil(pair_weight / limit - 1e-12)).astype(np.int64)
        _check_stdp_range(pair_wmax, limit, key_class(pair_key), classes)
        pair_rows[pair_wmax > 0] = 1
    else:
        pair_key = pair_post = np.zeros(0, np.int64)
        pair_weight = pair_delay = pair_wmax = np.zeros(0)
        pair_rows = np.zeros(0, np.int64)
    return Synapses(
        projection=flat["projection"].astype(np.int32), index=flat["index"].astype(np.int64), pre=pre, post=post,
        weight=flat["weight"], weight_hw=weight_hw, delay=flat["delay"], sign=sign, target_ok=target_ok,
        pair=pair, pair_key=pair_key, pair_post=pair_post, pair_weight=pair_weight, pair_rows=pair_rows,
        pair_delay=pair_delay, pair_wmax=pair_wmax, classes=tuple(classes),
    )


def _check_stdp_range(pair_wmax: np.ndarray, limit: np.ndarray, pair_class: np.ndarray,
                      classes: list[PlasticRows | None]) -> None:
    """STDP rows need w_max within one row (code 15 at a strength the row can have)."""
    bad = np.flatnonzero(pair_wmax > limit * (1 + 1e-9))
    if bad.size:
        i = int(bad[0])
        raise MappingError(
            f"projection {classes[int(pair_class[i])].label!r}: STDP w_max is {pair_wmax[i]:.4g} uS on the "
            f"hardware, more than one row can hold ({limit[i]:.4g} uS = 15 x the largest strength); "
            f"valid: w_max <= {limit[i]:.4g} uS (times the target's weight scale)")
