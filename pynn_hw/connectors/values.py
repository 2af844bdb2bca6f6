"""Per-connection values of synapse parameters (weights, delays, ...).

:func:`evaluate_synapse_values` turns any of the forms the PyNN API allows for a
synapse parameter into an array aligned with the connections of a
:class:`~pynn_hw.connectors.base.ConnectionArrays`. A homogeneous value stays a 0-d
array, so a projection of millions of synapses with one weight costs no memory for
that weight.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Number
from typing import Any

import numpy as np

from pynn_hw.connectors.base import ConnectionArrays, ConnectionContext
from pynn_hw.connectors.expressions import IndexBasedExpression, compile_distance_expression
from pynn_hw.errors import InvalidDimensionsError, InvalidParameterValueError
from pynn_hw.random import RandomDistribution

__all__ = ["evaluate_synapse_values", "connection_distances"]

#: Connections per chunk when distances are computed for a value.
_DISTANCE_CHUNK = 1 << 20


def connection_distances(arrays: ConnectionArrays, ctx: ConnectionContext) -> np.ndarray:
    """Distance of every connection (pre cell to post cell), as ``ctx.space`` measures it."""
    out = np.empty(arrays.size)
    for start in range(0, arrays.size, _DISTANCE_CHUNK):
        stop = min(start + _DISTANCE_CHUNK, arrays.size)
        out[start:stop] = ctx.space.paired_distances(
            ctx.pre_positions[:, arrays.pre[start:stop]],
            ctx.post_positions[:, arrays.post[start:stop]])
    return out


def _per_connection(result: Any, n: int, name: str, origin: str) -> np.ndarray:
    values = np.asarray(result, dtype=float)
    if values.ndim == 0:
        return values
    if values.shape != (n,):
        raise InvalidDimensionsError(
            f"synapse parameter {name!r}: {origin} returned shape {values.shape}, "
            f"expected ({n},), one value per connection")
    return values


def evaluate_synapse_values(value: Any, arrays: ConnectionArrays, ctx: ConnectionContext,
                            rng: Any = None, name: str = "weight") -> np.ndarray:
    """Values of one synapse parameter for every connection.

    Parameters
    ----------
    value
        One of:

        - a number -> a 0-d array (one value shared by all connections);
        - a :class:`~pynn_hw.random.RandomDistribution` -> one draw per connection,
          in connection order;
        - a 2-D array of shape (pre_size, post_size) -> ``value[pre, post]``;
        - a 1-D array or list with one value per connection, in connection order;
        - a string in ``d`` (e.g. ``"0.2 + 0.3*d"``) or a callable ``f(d)`` -> the
          function of each connection's distance;
        - an :class:`~pynn_hw.connectors.expressions.IndexBasedExpression` ->
          ``value(pre, post)``.
    arrays
        The connections.
    ctx
        The context the connections were drawn in (positions, space, sizes).
    rng
        Accepted for symmetry with the connectors; distributions draw from their own
        generator, so it is not used.
    name
        Parameter name, for error messages.

    Returns
    -------
    numpy.ndarray
        float64, shape () for a homogeneous value or (n_connections,).
    """
    n = arrays.size
    if isinstance(value, (bool, np.bool_)):
        raise InvalidParameterValueError(
            f"synapse parameter {name!r}: a boolean ({value!r}) is not a valid value")
    if isinstance(value, Number) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return np.asarray(float(value))
    if isinstance(value, RandomDistribution):
        return np.asarray(value.next(n), dtype=float)
    if isinstance(value, IndexBasedExpression):
        return _per_connection(value(arrays.pre, arrays.post), n, name, repr(value))
    if isinstance(value, str):
        f = compile_distance_expression(value)
        return _per_connection(f(connection_distances(arrays, ctx)), n, name,
                               f"expression {value!r}")
    if isinstance(value, (list, tuple, np.ndarray)):
        return _array_values(np.asarray(value), arrays, ctx, name)
    if callable(value):
        f: Callable[[np.ndarray], Any] = value
        return _per_connection(f(connection_distances(arrays, ctx)), n, name,
                               f"function {getattr(f, '__name__', f)!r} of distance")
    raise InvalidParameterValueError(
        f"synapse parameter {name!r}: cannot use {value!r}; valid are a number, a "
        f"RandomDistribution, a (pre x post) array, a list in connection order, a "
        f"distance expression string, a function of distance or an IndexBasedExpression")


def _array_values(values: np.ndarray, arrays: ConnectionArrays, ctx: ConnectionContext,
                  name: str) -> np.ndarray:
    if not np.issubdtype(values.dtype, np.number) or values.dtype == bool:
        raise InvalidParameterValueError(
            f"synapse parameter {name!r}: array of dtype {values.dtype} is not numeric")
    if values.ndim == 2:
        if values.shape != (ctx.pre_size, ctx.post_size):
            raise InvalidDimensionsError(
                f"synapse parameter {name!r}: 2-D array has shape {values.shape}, "
                f"expected (pre_size, post_size) = ({ctx.pre_size}, {ctx.post_size})")
        return values[arrays.pre, arrays.post].astype(float)
    if values.ndim == 1:
        if values.shape[0] != arrays.size:
            raise InvalidDimensionsError(
                f"synapse parameter {name!r}: 1-D array has length {values.shape[0]}, "
                f"expected one value per connection ({arrays.size}) in connection order")
        return values.astype(float)
    raise InvalidDimensionsError(
        f"synapse parameter {name!r}: array of shape {values.shape} is not valid; "
        f"expected ({arrays.size},) or ({ctx.pre_size}, {ctx.post_size})")
