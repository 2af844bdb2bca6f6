"""The text format of connection lists (written by ``Projection.save``).

A file starts with header lines ``# key = value``; the ``columns`` entry names the
columns, e.g. ``# columns = ['i', 'j', 'weight', 'delay']``. Then one connection per
line: whitespace-separated numbers, pre index and post index first. Files ending in
``.npy`` hold the bare (n, 2 + k) array instead; their extra columns are named by
the usual default (weight, delay).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pynn_hw.errors import ConnectionError as PyNNConnectionError

__all__ = ["save_connection_list", "load_connection_list"]


def save_connection_list(file: str | os.PathLike[str], rows: np.ndarray,
                         column_names: Sequence[str],
                         metadata: Mapping[str, Any] | None = None) -> None:
    """Write ``rows`` (n, len(column_names)) with a ``# key = value`` header.

    Parameters
    ----------
    file
        Path; a ``.npy`` suffix writes the bare array with :func:`numpy.save`.
    rows
        One connection per row: pre index, post index, then the parameter columns.
    column_names
        Names of all columns, e.g. ``['i', 'j', 'weight', 'delay']``.
    metadata
        Further header entries (e.g. ``label``, ``pre_size``).
    """
    rows = np.asarray(rows, dtype=float).reshape(-1, len(column_names))
    path = Path(file)
    if path.suffix == ".npy":
        np.save(path, rows)
        return
    header = [f"columns = {list(column_names)!r}"]
    header += [f"{key} = {value!r}" for key, value in (metadata or {}).items()]
    np.savetxt(path, rows, fmt="%.17g", header="\n".join(header), comments="# ")


def _parse_value(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def load_connection_list(file: str | os.PathLike[str]) -> tuple[np.ndarray, list[str] | None,
                                                               dict[str, Any]]:
    """Read a connection list written by :func:`save_connection_list`.

    Returns
    -------
    rows : numpy.ndarray
        Shape (n, n_columns).
    column_names : list of str or None
        From the ``columns`` header entry (None if absent or for ``.npy``).
    metadata : dict
        All header entries, values parsed as Python literals where possible.
    """
    path = Path(file)
    if not path.exists():
        raise PyNNConnectionError(f"connection file {str(path)!r} does not exist")
    if path.suffix == ".npy":
        rows = np.load(path, allow_pickle=False)
        return np.atleast_2d(rows).astype(float), None, {}
    metadata: dict[str, Any] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            stripped = line.strip()
            if not stripped.startswith("#"):
                if stripped:
                    break
                continue
            key, sep, value = stripped.lstrip("#").partition("=")
            if sep:
                metadata[key.strip()] = _parse_value(value.strip())
    columns = metadata.get("columns")
    if isinstance(columns, str):
        columns = [c for c in columns.replace(",", " ").split() if c]
    try:
        rows = np.loadtxt(path, comments="#", ndmin=2)
    except ValueError as exc:
        raise PyNNConnectionError(
            f"connection file {str(path)!r} has a malformed row: {exc}") from None
    if rows.size == 0:
        rows = np.zeros((0, len(columns) if columns else 2))
    return rows, (list(columns) if columns is not None else None), metadata
