"""Small-world connectivity: local connections, a fraction of them rewired at random."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from pynn_hw import errors
from pynn_hw.connectors.base import (ConnectionArrays, ConnectionContext, Connector,
                                     block_keep_mask, check_self_connections, make_arrays,
                                     resolve_rng, row_blocks, self_partner)

__all__ = ["SmallWorldConnector"]


class SmallWorldConnector(Connector):
    """Connect neighbours in space, then rewire some connections to random targets.

    Every pre-synaptic cell connects to the post-synaptic cells closer than
    ``degree`` (distance as ``space`` measures it). If ``n_connections`` is given, it
    instead connects to ``n_connections`` of those neighbours, chosen uniformly.
    Then each connection, with probability ``rewiring``, gets a new post-synaptic
    cell drawn uniformly from all post-synaptic cells (the cell itself excluded when
    self-connections are not allowed); a rewired connection may repeat an existing
    pair.

    Parameters
    ----------
    degree
        Neighbourhood radius, in the units of the space.
    rewiring
        Probability in [0, 1] that a connection is rewired.
    allow_self_connections
        If false, no cell connects to itself (neither locally nor by rewiring).
    n_connections
        Optional number of efferent connections per pre-synaptic cell.
    rng
        Generator; ``None`` gives a fresh NumpyRNG.
    """

    parameter_names = ("degree", "rewiring", "allow_self_connections", "n_connections", "rng")

    def __init__(self, degree: float, rewiring: float, allow_self_connections: bool = True,
                 n_connections: int | None = None, rng: Any = None, safe: bool = True,
                 callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        if not float(degree) > 0:
            raise errors.ConnectionError(
                f"SmallWorldConnector.degree must be positive (got {degree!r})")
        if not 0.0 <= float(rewiring) <= 1.0:
            raise errors.ConnectionError(
                f"SmallWorldConnector.rewiring must be in [0, 1] (got {rewiring!r})")
        if n_connections is not None and (isinstance(n_connections, bool) or not isinstance(
                n_connections, (int, np.integer)) or n_connections < 0):
            raise errors.ConnectionError(
                f"SmallWorldConnector.n_connections must be None or a non-negative integer "
                f"(got {n_connections!r})")
        self.degree = float(degree)
        self.rewiring = float(rewiring)
        self.allow_self_connections = check_self_connections(
            allow_self_connections, "SmallWorldConnector", allow_no_mutual=False)
        self.n_connections = None if n_connections is None else int(n_connections)
        self.rng = resolve_rng(rng, "SmallWorldConnector")

    def _local(self, ctx: ConnectionContext) -> tuple[np.ndarray, np.ndarray]:
        gen = self.rng.generator
        pres, posts = [], []
        for rows in row_blocks(ctx.pre_size, ctx.post_size):
            near = ctx.space.distances(ctx.pre_positions[:, rows], ctx.post_positions) \
                < self.degree
            keep = block_keep_mask(ctx, rows, self.allow_self_connections)
            if keep is not None:
                near &= keep
            if self.n_connections is not None:
                near = self._choose(gen, near, rows, ctx.label)
            r, c = np.nonzero(near)
            pres.append(r + rows.start)
            posts.append(c)
            self._progress(0.9 * rows.stop / max(ctx.pre_size, 1))
        if not pres:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(pres), np.concatenate(posts)

    def _choose(self, gen: np.random.Generator, near: np.ndarray, rows: slice,
                label: str) -> np.ndarray:
        """Keep ``n_connections`` uniformly chosen neighbours in each row of ``near``."""
        n = self.n_connections
        have = near.sum(axis=1)
        short = np.flatnonzero(have < n)
        if short.size:
            i = short[0]
            raise errors.ConnectionError(
                f"SmallWorldConnector in projection {label!r}: pre-synaptic cell "
                f"{rows.start + i} has {have[i]} neighbours closer than degree="
                f"{self.degree} but n_connections={n}")
        keys = np.where(near, gen.random(near.shape), 2.0)
        rank = np.argsort(np.argsort(keys, axis=1), axis=1)
        return rank < n

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        pre, post = self._local(ctx)
        gen = self.rng.generator
        rewire = np.flatnonzero(gen.random(pre.size) < self.rewiring)
        if rewire.size:
            partner = (np.full(ctx.pre_size, -1, np.int64) if self.allow_self_connections
                       else self_partner(ctx.post_ids, ctx.pre_ids))
            owner = partner[pre[rewire]]
            available = ctx.post_size - (owner >= 0)
            if np.any(available == 0):
                raise errors.ConnectionError(
                    f"SmallWorldConnector in projection {ctx.label!r}: no other "
                    f"post-synaptic cell to rewire to")
            new = gen.integers(0, available)
            new += (owner >= 0) & (new >= owner)
            post = post.copy()
            post[rewire] = new
        return make_arrays(ctx, pre, post)
