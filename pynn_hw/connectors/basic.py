"""Deterministic connectors: all-to-all, one-to-one, explicit lists and arrays, clones."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from pynn_hw import errors
from pynn_hw.connectors.base import (ConnectionArrays, ConnectionContext, Connector,
                                     check_self_connections, index_dtype, make_arrays,
                                     pair_keep_mask)
from pynn_hw.connectors.listfile import load_connection_list

__all__ = ["AllToAllConnector", "OneToOneConnector", "ArrayConnector",
           "FromListConnector", "FromFileConnector", "CloneConnector"]

#: Extra column names assumed when a list gives exactly two parameter columns.
DEFAULT_COLUMNS = ("weight", "delay")


class AllToAllConnector(Connector):
    """Connect every pre-synaptic cell to every post-synaptic cell.

    Parameters
    ----------
    allow_self_connections
        If false, a cell that is in both objects does not connect to itself.
    """

    parameter_names = ("allow_self_connections",)

    def __init__(self, allow_self_connections: bool = True, safe: bool = True,
                 callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        self.allow_self_connections = check_self_connections(
            allow_self_connections, "AllToAllConnector", allow_no_mutual=False)

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        dtype = index_dtype(ctx.pre_size, ctx.post_size)
        pre = np.repeat(np.arange(ctx.pre_size, dtype=dtype), ctx.post_size)
        post = np.tile(np.arange(ctx.post_size, dtype=dtype), ctx.pre_size)
        keep = pair_keep_mask(ctx, pre, post, self.allow_self_connections)
        if keep is not None:
            pre, post = pre[keep], post[keep]
        return make_arrays(ctx, pre, post, presorted=True)


class OneToOneConnector(Connector):
    """Connect pre-synaptic cell ``i`` to post-synaptic cell ``i``; sizes must match."""

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        if ctx.pre_size != ctx.post_size:
            raise errors.ConnectionError(
                f"OneToOneConnector in projection {ctx.label!r}: the pre-synaptic size "
                f"({ctx.pre_size}) and the post-synaptic size ({ctx.post_size}) must be equal")
        idx = np.arange(ctx.pre_size)
        return make_arrays(ctx, idx, idx, presorted=True)


class ArrayConnector(Connector):
    """Connect where a boolean (pre_size, post_size) array is true.

    Parameters
    ----------
    array
        Boolean array (or 0/1 integers), shape (pre_size, post_size).
    """

    parameter_names = ("array",)

    def __init__(self, array: Any, safe: bool = True,
                 callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        arr = np.asarray(array)
        if arr.dtype != bool:
            if not np.issubdtype(arr.dtype, np.number) or not np.isin(arr, (0, 1)).all():
                raise errors.ConnectionError(
                    f"ArrayConnector.array must be boolean (or 0/1), got dtype {arr.dtype}")
            arr = arr.astype(bool)
        self.array = arr

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        if self.array.shape != (ctx.pre_size, ctx.post_size):
            raise errors.ConnectionError(
                f"ArrayConnector in projection {ctx.label!r}: array has shape "
                f"{self.array.shape}, expected (pre_size, post_size) = "
                f"({ctx.pre_size}, {ctx.post_size})")
        pre, post = np.nonzero(self.array)
        return make_arrays(ctx, pre, post, presorted=True)


def _rows_to_arrays(ctx: ConnectionContext, rows: np.ndarray, names: Sequence[str],
                    owner: str) -> ConnectionArrays:
    """Check index columns of an explicit list and build sorted arrays with columns."""
    if rows.shape[0] == 0:
        return make_arrays(ctx, np.zeros(0, np.int64), np.zeros(0, np.int64),
                           {n: np.zeros(0) for n in names})
    idx = rows[:, :2]
    whole = np.isfinite(idx) & (idx == np.round(idx))
    bad = np.flatnonzero(~whole.all(axis=1))
    if bad.size:
        raise errors.ConnectionError(
            f"{owner} in projection {ctx.label!r}: row {bad[0]} {rows[bad[0]].tolist()} "
            f"has a non-integer index")
    pre = idx[:, 0].astype(np.int64)
    post = idx[:, 1].astype(np.int64)
    out = np.flatnonzero((pre < 0) | (pre >= ctx.pre_size) | (post < 0) | (post >= ctx.post_size))
    if out.size:
        r = out[0]
        raise errors.ConnectionError(
            f"{owner} in projection {ctx.label!r}: row {r} ({pre[r]}, {post[r]}) is out of "
            f"range; valid pre indices are 0..{ctx.pre_size - 1}, post indices "
            f"0..{ctx.post_size - 1} ({out.size} such rows)")
    columns = {name: rows[:, 2 + k].astype(float) for k, name in enumerate(names)}
    return make_arrays(ctx, pre, post, columns)


def _column_names(n_extra: int, column_names: Sequence[str] | None, owner: str) -> list[str]:
    if column_names is None:
        if n_extra == 0:
            return []
        if n_extra == len(DEFAULT_COLUMNS):
            return list(DEFAULT_COLUMNS)
        raise errors.ConnectionError(
            f"{owner}: the list has {n_extra} value column(s); give column_names for them "
            f"(the default names {list(DEFAULT_COLUMNS)} need exactly 2)")
    names = list(column_names)
    if len(names) != n_extra:
        raise errors.ConnectionError(
            f"{owner}: {len(names)} column_names {names} for {n_extra} value column(s)")
    return names


class FromListConnector(Connector):
    """Connect the pairs of an explicit list.

    Parameters
    ----------
    conn_list
        Rows ``(i, j, v1, v2, ...)``: pre index, post index, then parameter values.
    column_names
        Names of the value columns; by default ``('weight', 'delay')`` when there are
        exactly two, none when there are none.
    """

    parameter_names = ("conn_list", "column_names")

    def __init__(self, conn_list: Any, column_names: Sequence[str] | None = None,
                 safe: bool = True, callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        try:
            rows = np.asarray(conn_list, dtype=float)
        except (ValueError, TypeError) as exc:
            raise errors.ConnectionError(
                f"FromListConnector.conn_list must be rows of numbers of equal length: {exc}"
            ) from None
        if rows.size == 0:
            rows = np.zeros((0, 2 + (len(column_names) if column_names else 0)))
        if rows.ndim != 2 or rows.shape[1] < 2:
            raise errors.ConnectionError(
                f"FromListConnector.conn_list must be rows (i, j, values...), got an array "
                f"of shape {rows.shape}")
        self.conn_list = rows
        self.column_names = _column_names(rows.shape[1] - 2, column_names, "FromListConnector")

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        return _rows_to_arrays(ctx, self.conn_list, self.column_names, "FromListConnector")


class FromFileConnector(Connector):
    """Connect the pairs listed in a file written by ``Projection.save``.

    Parameters
    ----------
    file
        Path of a text file (``# key = value`` header, then rows) or a ``.npy`` file.
    distributed
        If true, the file was written per MPI process with the rank as suffix; this
        front-end runs as one process, so it reads ``<file>.0``.
    """

    parameter_names = ("file", "distributed")

    def __init__(self, file: str | os.PathLike[str], distributed: bool = False,
                 safe: bool = True, callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        self.file = os.fspath(file)
        self.distributed = bool(distributed)

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        path = f"{self.file}.0" if self.distributed else self.file
        rows, names, _ = load_connection_list(path)
        if rows.ndim != 2 or rows.shape[1] < 2:
            raise errors.ConnectionError(
                f"FromFileConnector: {path!r} must hold rows (i, j, values...), got shape "
                f"{rows.shape}")
        if names is not None:
            if len(names) != rows.shape[1]:
                raise errors.ConnectionError(
                    f"FromFileConnector: {path!r} names {len(names)} columns {names} but "
                    f"its rows have {rows.shape[1]}")
            names = names[2:]
        names = _column_names(rows.shape[1] - 2, names, f"FromFileConnector({path!r})")
        return _rows_to_arrays(ctx, rows, names, f"FromFileConnector({path!r})")


class CloneConnector(Connector):
    """Copy the connections of an existing projection.

    Parameters
    ----------
    reference_projection
        A projection with ``connection_arrays() -> (pre, post)``; its pre- and
        post-synaptic sizes must equal those of the new projection.
    """

    parameter_names = ("reference_projection",)

    def __init__(self, reference_projection: Any, safe: bool = True,
                 callback: Callable[[float], Any] | None = None,
                 location_selector: Any = None, **old_style: Any) -> None:
        super().__init__(safe, callback, location_selector, **old_style)
        if not callable(getattr(reference_projection, "connection_arrays", None)):
            raise errors.ConnectionError(
                f"CloneConnector.reference_projection must be a Projection "
                f"(got {reference_projection!r})")
        self.reference_projection = reference_projection

    def _connect(self, ctx: ConnectionContext) -> ConnectionArrays:
        ref = self.reference_projection
        pre, post = (np.asarray(a) for a in ref.connection_arrays())
        ref_sizes = tuple(getattr(getattr(ref, side, None), "size", None)
                          for side in ("pre", "post"))
        if None in ref_sizes:
            ref_sizes = (int(pre.max()) + 1 if pre.size else 0,
                         int(post.max()) + 1 if post.size else 0)
            fits = ref_sizes[0] <= ctx.pre_size and ref_sizes[1] <= ctx.post_size
        else:
            fits = ref_sizes == (ctx.pre_size, ctx.post_size)
        if not fits:
            raise errors.ConnectionError(
                f"CloneConnector in projection {ctx.label!r}: the reference projection "
                f"{getattr(ref, 'label', ref)!r} connects sizes {ref_sizes}, this projection "
                f"has ({ctx.pre_size}, {ctx.post_size}); they must match")
        return make_arrays(ctx, pre, post)
