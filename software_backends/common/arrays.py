"""Per-cell value arrays of the backends."""

from __future__ import annotations

import numpy as np

from pynn_hw.errors import NonExistentParameterError


def cell_mask(cells: np.ndarray, size: int) -> np.ndarray:
    """A boolean mask of ``size`` cells, True at ``cells``."""
    mask = np.zeros(size, dtype=bool)
    mask[np.asarray(cells, dtype=np.int64)] = True
    return mask


def expand_any(values: np.ndarray, size: int, *, whole_as_float: bool = False) -> np.ndarray:
    """A writable full-length copy of a 0-d or per-cell value array (any dtype).

    With ``whole_as_float``, integer and boolean values become floats (for a value
    that is later set to a fraction).
    """
    values = np.asarray(values)
    if whole_as_float and values.dtype.kind in "iub":
        values = values.astype(float)
    if values.ndim:
        return values.copy()
    out = np.empty(size, dtype=values.dtype)
    out[:] = [values[()]] * size if values.dtype == object else values[()]
    return out


def set_cell_values(values_by_name: dict[str, np.ndarray], name: str, celltype: type,
                    size: int, cells: np.ndarray, values: np.ndarray, *,
                    whole_as_float: bool = False) -> np.ndarray:
    """Write ``values`` for ``cells`` into the full-length array of ``name`` (made from
    a 0-d or per-cell array, see :func:`expand_any`); return the array it replaced.

    Raises
    ------
    NonExistentParameterError
        If ``values_by_name`` (the parameters of a ``celltype`` population) has no
        ``name``.
    """
    if name not in values_by_name:
        raise NonExistentParameterError(name, celltype.__name__, values_by_name)
    previous = values_by_name[name]
    full = expand_any(previous, size, whole_as_float=whole_as_float)
    full[np.asarray(cells, dtype=np.int64)] = values
    values_by_name[name] = full
    return previous
