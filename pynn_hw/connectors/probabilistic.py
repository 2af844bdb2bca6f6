"""Connectors that create each possible connection independently with some probability.

:class:`FixedProbabilityConnector` never looks at individual pairs: it walks the
flattened pre x post index space by geometric jumps (the gap between two successes
of independent Bernoulli(p) trials is geometric), so its cost is O(connections).
The connectors whose probability varies per pair evaluate it on blocks of whole
pre-synaptic rows and compare with uniform draws, block after block; the draws are
taken in row-major order, so the result does not depend on the block size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from pynn_hw import errors
from pynn_hw.connectors.base import (ConnectionArrays, ConnectionContext, Connector,
                                     block_keep_mask, check_self_connections, index_dtype,
                                     make_arrays, pair_keep_mask, resolve_rng, row_blocks)
from pynn_hw.connectors.expressions import IndexBasedExpression, compile_distance_expression

__all__ = ["FixedProbabilityConnector", "DistanceDependentProbabilityConnector",
           "DisplacementDependentProbabilityConnector", "IndexBasedProbabilityConnector",
           "ProbabilityMapConnector"]

#: Most geometric jumps drawn per round by FixedProbabilityConnector. The round size
#: depends only on (total, p), so the generator's stream, and with it the result, is
#: fixed by the seed.
_GEOMETRIC_CHUNK = 1 << 20


def bernoulli_flat_indices(gen: np.random.Generator, total: int, p: float,
                           progress: Callable[[float], None] | None = None
                           ) -> list[np.ndarray]:
    """Sorted positions in ``range(total)`` where independent Bernoulli(p) trials succeed.

    Returned as a list of int64 chunks (concatenate, or convert chunk by chunk).
    """
    if p <= 0.0 or total == 0:
        return []
    if p >= 1.0:
        return [np.arange(total, dtype=np.int64)]
    expected = total * p
    # Enough jumps to pass the end in one round with high probability (mean + 5 sd),
    # so that small projections do not draw a million numbers.
    chunk = int(min(_GEOMETRIC_CHUNK, expected + 5.0 * np.sqrt(expected) + 16))
    chunks = []
    last = -1
    while True:
        positions = np.cumsum(gen.geometric(p, chunk), dtype=np.int64)
        positions += last
        if positions[-1] >= total:
            chunks.append(positions[:np.searchsorted(positions, total)])
            return chunks
        chunks.append(positions)
        last = int(positions[-1])
        if progress is not None:
            progress(last / total)


class FixedProbabilityConnector(Connector):
    """Create each pre -> post connection independently with probability ``p_connect``.

    Parameters
    ----------
    p_connect
        Probability in [0, 1].
    allow_self_connections
        If false, a cell in both objects never connects to itself.
    rng
        Generator (NumpyRNG, GSLRNG, NativeRNG); ``None`` gives a fresh NumpyRNG.
    """

    parameter_names = ("p_connect", "allow_self_connections", "rng")

    def __init__(self, p_connect: float, allow_self_connections: bool = True,
                 rng: Any = None, safe: bool = True,
                 callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        p = float(p_connect)
        if not 0.0 <= p <= 1.0:
            raise errors.ConnectionError(
                f"FixedProbabilityConnector.p_connect must be in [0, 1] (got {p_connect!r})")
        self.p_connect = p
        self.allow_self_connections = check_self_connections(
            allow_self_connections, "FixedProbabilityConnector", allow_no_mutual=True)
        self.rng = resolve_rng(rng, "FixedProbabilityConnector")

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        dtype = index_dtype(ctx.pre_size, ctx.post_size)
        total = ctx.pre_size * ctx.post_size
        pres, posts = [], []
        for flat in bernoulli_flat_indices(self.rng.generator, total, self.p_connect,
                                           self._progress):
            pre, post = np.divmod(flat, ctx.post_size)
            pre, post = pre.astype(dtype), post.astype(dtype)
            del flat
            keep = pair_keep_mask(ctx, pre, post, self.allow_self_connections)
            if keep is not None:
                pre, post = pre[keep], post[keep]
            pres.append(pre)
            posts.append(post)
        if not pres:
            return make_arrays(ctx, np.zeros(0, dtype), np.zeros(0, dtype), presorted=True)
        return make_arrays(ctx, np.concatenate(pres), np.concatenate(posts), presorted=True)


class ProbabilityMapConnector(Connector):
    """Base of connectors whose probability is a function evaluated per pair.

    Subclasses implement ``_probabilities(ctx, rows) -> array (n_rows, post_size)``;
    values above 1 act as 1, values below 0 (or NaN) as 0.
    """

    def __init__(self, allow_self_connections: bool | str = True, rng: Any = None,
                 safe: bool = True, callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        owner = type(self).__name__
        self.allow_self_connections = check_self_connections(
            allow_self_connections, owner, allow_no_mutual=True)
        self.rng = resolve_rng(rng, owner)

    def _probabilities(self, ctx: ConnectionContext, rows: slice) -> np.ndarray:
        raise NotImplementedError

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        dtype = index_dtype(ctx.pre_size, ctx.post_size)
        gen = self.rng.generator
        pres, posts = [], []
        for rows in row_blocks(ctx.pre_size, ctx.post_size):
            shape = (rows.stop - rows.start, ctx.post_size)
            p = np.asarray(self._probabilities(ctx, rows), dtype=float)
            if p.shape != shape:
                try:
                    p = np.broadcast_to(p, shape)
                except ValueError:
                    raise errors.ConnectionError(
                        f"{type(self).__name__} in projection {ctx.label!r}: the probability "
                        f"function returned shape {p.shape} for a block of shape {shape}"
                    ) from None
            hit = gen.random(shape) < p
            keep = block_keep_mask(ctx, rows, self.allow_self_connections)
            if keep is not None:
                hit &= keep
            r, c = np.nonzero(hit)
            pres.append((r + rows.start).astype(dtype))
            posts.append(c.astype(dtype))
            self._progress(rows.stop / max(ctx.pre_size, 1))
        if not pres:
            return make_arrays(ctx, np.zeros(0, dtype), np.zeros(0, dtype), presorted=True)
        return make_arrays(ctx, np.concatenate(pres), np.concatenate(posts), presorted=True)


def _distance_function(d_expression: Any, owner: str) -> Callable[[np.ndarray], Any]:
    if isinstance(d_expression, str):
        return compile_distance_expression(d_expression)
    if callable(d_expression):
        return d_expression
    raise errors.ConnectionError(
        f"{owner}.d_expression must be a string in d (e.g. 'exp(-d/100)') or a function "
        f"of distance (got {d_expression!r})")


class DistanceDependentProbabilityConnector(ProbabilityMapConnector):
    """Connect with a probability that is a function of the pre-post distance.

    Parameters
    ----------
    d_expression
        A string in ``d`` (e.g. ``"exp(-d/100)"``, ``"d < 3"``), evaluated with numpy
        functions, or a vectorised callable ``f(d)``.
    allow_self_connections
        ``True``, ``False`` or ``'NoMutual'`` (no self-connections, and of two cells
        that could connect both ways only the lower -> higher global index direction
        is drawn, so no pair is connected both ways).
    rng
        Generator; ``None`` gives a fresh NumpyRNG.
    """

    parameter_names = ("d_expression", "allow_self_connections", "rng")

    def __init__(self, d_expression: Any, allow_self_connections: bool | str = True,
                 rng: Any = None, safe: bool = True,
                 callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        self.d_expression = d_expression
        self._f = _distance_function(d_expression, "DistanceDependentProbabilityConnector")
        super().__init__(allow_self_connections, rng, safe, callback, location_selector,
                         **old_style)

    def _probabilities(self, ctx: ConnectionContext, rows: slice) -> np.ndarray:
        d = ctx.space.distances(ctx.pre_positions[:, rows], ctx.post_positions)
        return self._f(d)


class DisplacementDependentProbabilityConnector(ProbabilityMapConnector):
    """Connect with a probability that is a function of the displacement vector.

    Parameters
    ----------
    disp_function
        Vectorised callable of a (3, n_pre_block, post_size) array of displacements
        ``post - pre`` (scaled and wrapped as ``space`` says; unused axes are zero)
        returning probabilities of shape (n_pre_block, post_size).
    allow_self_connections
        ``True``, ``False`` or ``'NoMutual'``.
    rng
        Generator; ``None`` gives a fresh NumpyRNG.
    """

    parameter_names = ("disp_function", "allow_self_connections", "rng")

    def __init__(self, disp_function: Callable[[np.ndarray], Any],
                 allow_self_connections: bool | str = True, rng: Any = None,
                 safe: bool = True, callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        if not callable(disp_function):
            raise errors.ConnectionError(
                f"DisplacementDependentProbabilityConnector.disp_function must be callable "
                f"(got {disp_function!r})")
        self.disp_function = disp_function
        super().__init__(allow_self_connections, rng, safe, callback, location_selector,
                         **old_style)

    def _probabilities(self, ctx: ConnectionContext, rows: slice) -> np.ndarray:
        return self.disp_function(ctx.space.displacements(ctx.pre_positions[:, rows],
                                                          ctx.post_positions))


class IndexBasedProbabilityConnector(ProbabilityMapConnector):
    """Connect with a probability given by an expression of the cell indices.

    Parameters
    ----------
    index_expression
        An :class:`IndexBasedExpression`; it is called with integer arrays ``i``
        (pre) and ``j`` (post) of equal shape and returns probabilities.
    allow_self_connections
        ``True``, ``False`` or ``'NoMutual'``.
    rng
        Generator; ``None`` gives a fresh NumpyRNG.
    """

    parameter_names = ("index_expression", "allow_self_connections", "rng")

    def __init__(self, index_expression: IndexBasedExpression,
                 allow_self_connections: bool | str = True, rng: Any = None,
                 safe: bool = True, callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        if not isinstance(index_expression, IndexBasedExpression):
            raise errors.ConnectionError(
                f"IndexBasedProbabilityConnector.index_expression must be an "
                f"IndexBasedExpression (got {index_expression!r})")
        self.index_expression = index_expression
        super().__init__(allow_self_connections, rng, safe, callback, location_selector,
                         **old_style)

    def _probabilities(self, ctx: ConnectionContext, rows: slice) -> np.ndarray:
        i, j = np.broadcast_arrays(np.arange(rows.start, rows.stop)[:, None],
                                   np.arange(ctx.post_size)[None, :])
        return self.index_expression(i, j)
