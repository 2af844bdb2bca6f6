"""Connection values as PyNN's 'list' and 'array' formats."""

from __future__ import annotations

import numpy as np


def values_as_list(pre: np.ndarray, post: np.ndarray, columns: list[np.ndarray],
                   with_address: bool) -> list[tuple]:
    """Rows ``(i, j, v1, v2, ...)`` (or ``(v1, ...)`` without address) per connection."""
    parts = ([pre.tolist(), post.tolist()] if with_address else []) + \
        [np.asarray(c, dtype=float).tolist() for c in columns]
    if not parts:
        return []
    if not with_address and len(columns) == 1:
        return parts[0]
    return list(zip(*parts))


def values_as_array(pre: np.ndarray, post: np.ndarray, values: np.ndarray,
                    shape: tuple[int, int], multiple_synapses: str) -> np.ndarray:
    """A pre x post array holding ``values``; NaN where there is no connection.

    Where several connections join the same pair, ``multiple_synapses`` says how
    they combine: 'sum', 'min', 'max', 'first' or 'last' (in connection order).
    """
    out = np.full(shape, np.nan)
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return out
    flat = np.asarray(pre, dtype=np.int64) * shape[1] + np.asarray(post, dtype=np.int64)
    target = out.reshape(-1)
    if multiple_synapses == "sum":
        target[flat] = 0.0
        np.add.at(target, flat, values)
    elif multiple_synapses == "min":
        target[flat] = np.inf
        np.minimum.at(target, flat, values)
    elif multiple_synapses == "max":
        target[flat] = -np.inf
        np.maximum.at(target, flat, values)
    elif multiple_synapses == "last":
        target[flat] = values  # numpy keeps the last of repeated indices
    elif multiple_synapses == "first":
        target[flat[::-1]] = values[::-1]
    else:
        raise ValueError(f"multiple_synapses={multiple_synapses!r}; valid: sum, first, "
                         "last, min, max")
    return out
