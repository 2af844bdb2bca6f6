"""What a connector receives and returns, and the helpers all connectors share.

A connector draws connections between the cells of a pre- and a post-synaptic object
from a :class:`ConnectionContext` and returns them as :class:`ConnectionArrays`:
parallel arrays of local indices, sorted by (pre, post). Memory is O(number of
connections): no connector builds a dense pre x post matrix except in blocks of rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pynn_hw import errors
from pynn_hw.random import AbstractRNG, NumpyRNG
from pynn_hw.space import Space

#: Elements of one block of a pre x post matrix (rows are processed this many
#: elements at a time by connectors that evaluate every pair).
BLOCK_ELEMENTS = 1 << 20

#: Accepted values of ``allow_self_connections``.
NO_MUTUAL = "NoMutual"

#: Keywords of the PyNN 0.7 connectors that are still accepted (deprecated).
OLD_STYLE_KEYWORDS = ("weights", "delays", "space", "verbose")


@dataclass(frozen=True, eq=False)
class ConnectionContext:
    """Everything a connector may look at.

    Attributes
    ----------
    pre_size, post_size
        Numbers of cells of the pre- and post-synaptic objects.
    pre_positions, post_positions
        Cell positions, shapes (3, pre_size) and (3, post_size).
    pre_ids, post_ids
        Global cell indices; ``pre_ids[i] == post_ids[j]`` marks a self-connection.
    space
        How distances are measured.
    label
        The projection's label, for error messages.
    """

    pre_size: int
    post_size: int
    pre_positions: np.ndarray
    post_positions: np.ndarray
    pre_ids: np.ndarray
    post_ids: np.ndarray
    space: Space
    label: str

    @classmethod
    def simple(cls, pre_size: int, post_size: int, *, same: bool = False,
               pre_positions: np.ndarray | None = None,
               post_positions: np.ndarray | None = None, space: Space | None = None,
               label: str = "projection") -> ConnectionContext:
        """A context for two populations laid out on lines (x = index).

        ``same=True`` makes pre and post the same population (ids 0..n-1 on both
        sides), otherwise post ids follow the pre ids.
        """
        pre_ids = np.arange(pre_size)
        post_ids = np.arange(post_size) if same else np.arange(pre_size, pre_size + post_size)
        if pre_positions is None:
            pre_positions = np.vstack([np.arange(pre_size, dtype=float),
                                       np.zeros(pre_size), np.zeros(pre_size)])
        if post_positions is None:
            post_positions = np.vstack([np.arange(post_size, dtype=float),
                                        np.zeros(post_size), np.zeros(post_size)])
        return cls(pre_size, post_size, np.asarray(pre_positions, dtype=float),
                   np.asarray(post_positions, dtype=float), pre_ids, post_ids,
                   space if space is not None else Space(), label)


@dataclass(frozen=True, eq=False)
class ConnectionArrays:
    """Connections in COO form.

    Attributes
    ----------
    pre, post
        Local indices into the pre- and post-synaptic objects, sorted by (pre, post)
        (stable: repeated pairs keep their drawing order). The dtype is int32 when
        both sizes are below 2**31 (halves the memory of large projections), else
        int64.
    columns
        Explicit per-connection values (from FromListConnector/FromFileConnector),
        name -> array aligned with ``pre``; empty otherwise.
    """

    pre: np.ndarray
    post: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of connections."""
        return int(self.pre.shape[0])

    def __len__(self) -> int:
        return self.size

    @property
    def nbytes(self) -> int:
        """Bytes held by the index arrays and the columns."""
        return self.pre.nbytes + self.post.nbytes + sum(c.nbytes for c in self.columns.values())


def index_dtype(pre_size: int, post_size: int) -> np.dtype:
    """Smallest signed integer type that holds every local index."""
    return np.dtype(np.int32 if max(pre_size, post_size) < 2**31 else np.int64)


def make_arrays(ctx: ConnectionContext, pre: np.ndarray, post: np.ndarray,
                columns: dict[str, np.ndarray] | None = None,
                presorted: bool = False) -> ConnectionArrays:
    """Build :class:`ConnectionArrays`, sorting by (pre, post) unless ``presorted``."""
    dtype = index_dtype(ctx.pre_size, ctx.post_size)
    pre = np.asarray(pre)
    post = np.asarray(post)
    columns = dict(columns or {})
    if not presorted and pre.size:
        width = max(ctx.post_size, 1)
        key = pre.astype(np.int64) * width + post.astype(np.int64)
        if np.any(key[1:] < key[:-1]):
            if columns:
                order = np.argsort(key, kind="stable")
                pre, post = pre[order], post[order]
                columns = {name: np.asarray(v)[order] for name, v in columns.items()}
            else:
                # Equal keys are identical pairs, so a value sort (several times
                # faster than an argsort) loses nothing.
                key.sort()
                pre, post = np.divmod(key, width)
    return ConnectionArrays(pre.astype(dtype, copy=False), post.astype(dtype, copy=False),
                            columns)


def resolve_rng(rng: Any, owner: str) -> AbstractRNG:
    """The connector's generator: ``rng``, or a fresh :class:`NumpyRNG` when None."""
    if rng is None:
        return NumpyRNG()
    if not isinstance(getattr(rng, "generator", None), np.random.Generator):
        raise errors.ConnectionError(
            f"{owner}: rng must be a NumpyRNG, GSLRNG or NativeRNG (got {rng!r})")
    return rng


def check_self_connections(value: Any, owner: str, allow_no_mutual: bool) -> bool | str:
    """Validate an ``allow_self_connections`` argument."""
    valid: tuple[Any, ...] = (True, False, NO_MUTUAL) if allow_no_mutual else (True, False)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if allow_no_mutual and value == NO_MUTUAL:
        return NO_MUTUAL
    raise errors.ConnectionError(
        f"{owner}: allow_self_connections must be one of {', '.join(map(repr, valid))} "
        f"(got {value!r})")


def pair_keep_mask(ctx: ConnectionContext, pre: np.ndarray, post: np.ndarray,
                   allow: bool | str) -> np.ndarray | None:
    """Which (pre, post) pairs survive the self-connection rule (None: all of them).

    With ``'NoMutual'`` self-connections are dropped and, for a pair of cells that
    could connect both ways (each is in both objects), only the direction from the
    lower to the higher global index is allowed, so no mutual pair can arise.
    """
    if allow is True:
        return None
    a, b = ctx.pre_ids[pre], ctx.post_ids[post]
    keep = a != b
    if allow == NO_MUTUAL:
        pre_in_post = np.isin(ctx.pre_ids, ctx.post_ids)
        post_in_pre = np.isin(ctx.post_ids, ctx.pre_ids)
        keep &= ~(pre_in_post[pre] & post_in_pre[post] & (a > b))
    return keep


def block_keep_mask(ctx: ConnectionContext, rows: slice, allow: bool | str) -> np.ndarray | None:
    """:func:`pair_keep_mask` for a block of rows against all post cells, (rows, n_post)."""
    if allow is True:
        return None
    a = ctx.pre_ids[rows][:, None]
    b = ctx.post_ids[None, :]
    keep = a != b
    if allow == NO_MUTUAL:
        pre_in_post = np.isin(ctx.pre_ids[rows], ctx.post_ids)[:, None]
        post_in_pre = np.isin(ctx.post_ids, ctx.pre_ids)[None, :]
        keep &= ~(pre_in_post & post_in_pre & (a > b))
    return keep


def row_blocks(n_rows: int, n_cols: int,
               max_elements: int = BLOCK_ELEMENTS) -> Iterator[slice]:
    """Slices of whole rows holding at most ``max_elements`` elements (one row at least)."""
    step = max(1, max_elements // max(n_cols, 1))
    for start in range(0, n_rows, step):
        yield slice(start, min(start + step, n_rows))


def self_partner(from_ids: np.ndarray, to_ids: np.ndarray) -> np.ndarray:
    """For each cell of ``to_ids`` the local index of the same cell in ``from_ids``, or -1."""
    result = np.full(len(to_ids), -1, dtype=np.int64)
    if len(from_ids) == 0:
        return result
    order = np.argsort(from_ids, kind="stable")
    sorted_ids = from_ids[order]
    pos = np.minimum(np.searchsorted(sorted_ids, to_ids), len(sorted_ids) - 1)
    found = sorted_ids[pos] == to_ids
    result[found] = order[pos[found]]
    return result


class Connector:
    """Base class of all connectors.

    Parameters
    ----------
    safe
        If true, the projection checks weights and delays (signs, ranges).
    callback
        Called as ``callback(fraction)`` with the fraction of the work done.
    location_selector
        Where on a multi-compartment cell to connect; point neurons only support
        ``None``.
    **old_style
        The PyNN 0.7 keywords ``weights``, ``delays``, ``space`` and ``verbose``,
        accepted with a DeprecationWarning: see :meth:`old_style_synapse_values` and
        :attr:`space`.

    Attributes
    ----------
    space
        The :class:`~pynn_hw.space.Space` given in the 0.7 form, else ``None`` (the
        projection's space applies).
    """

    #: Constructor arguments shown by :meth:`describe` / :meth:`get_parameters`.
    parameter_names: tuple[str, ...] = ()

    def __init__(self, safe: bool = True, callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        self.safe = safe
        self.callback = callback
        self.location_selector = location_selector
        unknown = sorted(set(old_style) - set(OLD_STYLE_KEYWORDS))
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got unexpected keyword argument(s) "
                f"{', '.join(unknown)}")
        if old_style:
            warnings.warn(
                f"{type(self).__name__}({', '.join(sorted(old_style))}=...) is the PyNN 0.7 "
                f"form; give weight and delay to the synapse type and space to the "
                f"Projection", DeprecationWarning, stacklevel=3)
        self._old_style_values = {new: old_style[old] for old, new in
                                  (("weights", "weight"), ("delays", "delay"))
                                  if old in old_style}
        self.space: Space | None = old_style.get("space")

    def old_style_synapse_values(self) -> dict[str, Any]:
        """``{'weight': ..., 'delay': ...}`` given to the connector in the 0.7 form.

        Empty unless ``weights=`` or ``delays=`` was passed; the projection uses these
        values when its synapse type does not set them.
        """
        return dict(self._old_style_values)

    def connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        """Draw the connections for ``ctx``; see :class:`ConnectionArrays`."""
        if self.location_selector is not None:
            raise errors.ConnectionError(
                f"{type(self).__name__} in projection {ctx.label!r}: location_selector="
                f"{self.location_selector!r} needs multi-compartment cells; the cells "
                f"here are point neurons, so only location_selector=None is valid")
        arrays = self._connect(ctx)
        self._progress(1.0)
        return arrays

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        raise NotImplementedError(f"{type(self).__name__} does not implement _connect")

    def _progress(self, fraction: float) -> None:
        if self.callback is not None:
            self.callback(min(1.0, float(fraction)))

    def get_parameters(self) -> dict[str, Any]:
        """The connector's parameters by name."""
        return {name: getattr(self, name) for name in self.parameter_names}

    def describe(self) -> str:
        """Human-readable description of the connection rule."""
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_parameters().items())
        text = f"Connector {type(self).__name__}"
        return f"{text} with parameters {params}" if params else text

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_parameters().items())
        return f"{type(self).__name__}({params})"
