"""Connectors with a fixed number of connections per cell or in total.

Sampling without replacement uses rejection: draw with replacement, then redraw only
the duplicates until none is left. By symmetry every set of distinct sources is then
equally likely. When a cell needs more than a quarter of the available sources,
rejection would take many rounds, so those draws sort random keys instead (cost
O(sources) per cell, i.e. at most four times the connections made).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from pynn_hw import errors
from pynn_hw.connectors.base import (ConnectionArrays, ConnectionContext, Connector,
                                     check_self_connections, make_arrays, resolve_rng,
                                     self_partner)
from pynn_hw.random import RandomDistribution

__all__ = ["FixedNumberPreConnector", "FixedNumberPostConnector", "FixedTotalNumberConnector"]

#: Above this fraction of the available sources, draw by sorting random keys.
_DENSE_FRACTION = 0.25


def _counts(n: Any, size: int, owner: str) -> np.ndarray:
    """Number of connections for each of ``size`` cells, from an int or a distribution."""
    if isinstance(n, RandomDistribution):
        values = np.asarray(n.next(size), dtype=float)
    elif isinstance(n, (int, np.integer)) and not isinstance(n, bool):
        values = np.full(size, float(n))
    else:
        raise errors.ConnectionError(
            f"{owner}.n must be an integer or a RandomDistribution (got {n!r})")
    if np.any(values < 0) or np.any(values != np.round(values)):
        bad = values[(values < 0) | (values != np.round(values))][0]
        raise errors.ConnectionError(
            f"{owner}.n must give non-negative whole numbers of connections (got {bad})")
    return values.astype(np.int64)


def _draw_sources(gen: np.random.Generator, targets: np.ndarray, available: np.ndarray,
                  partner: np.ndarray) -> np.ndarray:
    """One uniform source per entry of ``targets``, skipping the target's own partner."""
    if targets.size == 0:
        return np.zeros(0, dtype=np.int64)
    src = gen.integers(0, available[targets])
    p = partner[targets]
    src += (p >= 0) & (src >= p)
    return src


def fixed_in_degree(gen: np.random.Generator, n_sources: int, counts: np.ndarray,
                    partner: np.ndarray, with_replacement: bool, owner: str,
                    label: str) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``counts[t]`` sources in ``range(n_sources)`` for every target ``t``.

    ``partner[t] >= 0`` is a source that target ``t`` must not get (itself).
    Returns (targets, sources), int64, one entry per connection.
    """
    n_targets = counts.size
    available = n_sources - (partner >= 0).astype(np.int64)
    too_many = np.flatnonzero(counts > available if not with_replacement
                              else (counts > 0) & (available == 0))
    if too_many.size:
        t = too_many[0]
        raise errors.ConnectionError(
            f"{owner} in projection {label!r}: cell {t} needs {counts[t]} connections but "
            f"only {available[t]} distinct partners are available (out of {n_sources}"
            f"{', itself excluded' if partner[t] >= 0 else ''})"
            + ("" if with_replacement else "; use with_replacement=True or a smaller n"))
    if with_replacement:
        targets = np.repeat(np.arange(n_targets, dtype=np.int64), counts)
        return targets, _draw_sources(gen, targets, available, partner)
    dense = counts > _DENSE_FRACTION * available
    t_sparse, s_sparse = _sparse_without_replacement(
        gen, np.where(dense, 0, counts), available, partner, n_sources)
    t_dense, s_dense = _dense_without_replacement(
        gen, np.where(dense, counts, 0), partner, n_sources)
    return np.concatenate([t_sparse, t_dense]), np.concatenate([s_sparse, s_dense])


def _sparse_without_replacement(gen: np.random.Generator, counts: np.ndarray,
                                available: np.ndarray, partner: np.ndarray,
                                n_sources: int) -> tuple[np.ndarray, np.ndarray]:
    targets = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    sources = _draw_sources(gen, targets, available, partner)
    while targets.size:
        key = targets * n_sources + sources
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        duplicates = order[np.flatnonzero(ordered[1:] == ordered[:-1]) + 1]
        if duplicates.size == 0:
            break
        sources[duplicates] = _draw_sources(gen, targets[duplicates], available, partner)
    return targets, sources


def _dense_without_replacement(gen: np.random.Generator, counts: np.ndarray,
                               partner: np.ndarray, n_sources: int
                               ) -> tuple[np.ndarray, np.ndarray]:
    """Per target, the ``counts[t]`` sources with the smallest uniform random keys."""
    targets, sources = [], []
    block = max(1, (1 << 20) // max(n_sources, 1))
    # Rows with the same count share one partial sort (argpartition needs one k).
    for count in np.unique(counts[counts > 0]):
        rows = np.flatnonzero(counts == count)
        for start in range(0, rows.size, block):
            sel = rows[start:start + block]
            keys = gen.random((sel.size, n_sources))
            own = partner[sel]
            has = own >= 0
            keys[np.flatnonzero(has), own[has]] = 2.0  # above every uniform key
            chosen = (np.argpartition(keys, count - 1, axis=1)[:, :count]
                      if count < n_sources else np.broadcast_to(np.arange(n_sources),
                                                                keys.shape))
            sources.append(chosen.reshape(-1).astype(np.int64, copy=False))
            targets.append(np.repeat(sel.astype(np.int64), count))
    if not targets:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(targets), np.concatenate(sources)


class _FixedNumberConnector(Connector):
    parameter_names = ("n", "allow_self_connections", "with_replacement", "rng")

    def __init__(self, n: int | RandomDistribution, allow_self_connections: bool = True,
                 with_replacement: bool = False, rng: Any = None, safe: bool = True,
                 callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        owner = type(self).__name__
        if not isinstance(n, RandomDistribution):
            _counts(n, 0, owner)  # type check now, not at connect time
        self.n = n
        self.allow_self_connections = check_self_connections(
            allow_self_connections, owner, allow_no_mutual=False)
        self.with_replacement = bool(with_replacement)
        self.rng = resolve_rng(rng, owner)


class FixedNumberPreConnector(_FixedNumberConnector):
    """Each post-synaptic cell receives exactly ``n`` connections.

    Parameters
    ----------
    n
        Number of pre-synaptic partners per post-synaptic cell, or a
        RandomDistribution drawn once per post-synaptic cell.
    allow_self_connections
        If false, a cell never receives a connection from itself.
    with_replacement
        If true, the same pre-synaptic cell may be drawn more than once.
    rng
        Generator; ``None`` gives a fresh NumpyRNG.
    """

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        counts = _counts(self.n, ctx.post_size, type(self).__name__)
        partner = (np.full(ctx.post_size, -1, np.int64) if self.allow_self_connections
                   else self_partner(ctx.pre_ids, ctx.post_ids))
        post, pre = fixed_in_degree(self.rng.generator, ctx.pre_size, counts, partner,
                                    self.with_replacement, type(self).__name__, ctx.label)
        return make_arrays(ctx, pre, post)


class FixedNumberPostConnector(_FixedNumberConnector):
    """Each pre-synaptic cell makes exactly ``n`` connections.

    Parameters are those of :class:`FixedNumberPreConnector`, with the roles of pre
    and post exchanged (``n`` per pre-synaptic cell).
    """

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        counts = _counts(self.n, ctx.pre_size, type(self).__name__)
        partner = (np.full(ctx.pre_size, -1, np.int64) if self.allow_self_connections
                   else self_partner(ctx.post_ids, ctx.pre_ids))
        pre, post = fixed_in_degree(self.rng.generator, ctx.post_size, counts, partner,
                                    self.with_replacement, type(self).__name__, ctx.label)
        return make_arrays(ctx, pre, post)


class FixedTotalNumberConnector(Connector):
    """Exactly ``n`` connections, placed uniformly among all pre x post pairs.

    Parameters
    ----------
    n
        Total number of connections.
    allow_self_connections
        If false, no cell connects to itself.
    with_replacement
        If true (default), a pair may be drawn more than once.
    rng
        Generator; ``None`` gives a fresh NumpyRNG.
    """

    parameter_names = ("n", "allow_self_connections", "with_replacement", "rng")

    def __init__(self, n: int, allow_self_connections: bool = True,
                 with_replacement: bool = True, rng: Any = None, safe: bool = True,
                 callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise errors.ConnectionError(
                f"FixedTotalNumberConnector.n must be a non-negative integer (got {n!r})")
        self.n = int(n)
        self.allow_self_connections = check_self_connections(
            allow_self_connections, "FixedTotalNumberConnector", allow_no_mutual=False)
        self.with_replacement = bool(with_replacement)
        self.rng = resolve_rng(rng, "FixedTotalNumberConnector")

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        gen = self.rng.generator
        total = ctx.pre_size * ctx.post_size
        n_self = 0 if self.allow_self_connections else int(
            np.isin(ctx.pre_ids, ctx.post_ids).sum())
        valid = total - n_self
        if (self.n > valid and not self.with_replacement) or (self.n > 0 and valid == 0):
            raise errors.ConnectionError(
                f"FixedTotalNumberConnector in projection {ctx.label!r}: n={self.n} "
                f"connections requested but only {valid} distinct pairs are available "
                f"({ctx.pre_size} x {ctx.post_size}"
                f"{f' minus {n_self} self-connections' if n_self else ''})")

        def is_self(flat: np.ndarray) -> np.ndarray:
            pre, post = np.divmod(flat, ctx.post_size)
            return ctx.pre_ids[pre] == ctx.post_ids[post]

        def draw(k: int) -> np.ndarray:
            flat = gen.integers(0, total, k, dtype=np.int64)
            if n_self:
                bad = np.flatnonzero(is_self(flat))
                while bad.size:
                    flat[bad] = gen.integers(0, total, bad.size, dtype=np.int64)
                    bad = bad[is_self(flat[bad])]
            return flat

        if self.with_replacement:
            flat = np.sort(draw(self.n))
        elif self.n > _DENSE_FRACTION * valid:
            candidates = np.arange(total, dtype=np.int64)
            if n_self:
                candidates = candidates[~is_self(candidates)]
            flat = np.sort(gen.choice(candidates, self.n, replace=False))
        else:
            flat = draw(self.n)
            while True:
                order = np.argsort(flat, kind="stable")
                duplicates = order[np.flatnonzero(np.diff(flat[order]) == 0) + 1]
                if duplicates.size == 0:
                    break
                flat[duplicates] = draw(duplicates.size)
            flat = np.sort(flat)
        pre, post = np.divmod(flat, max(ctx.post_size, 1))
        return make_arrays(ctx, pre, post, presorted=True)
