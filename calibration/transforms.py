"""Fitted transforms from a biological value to a (real-valued) code, one per circuit.

A transform is held for all circuits of one parameter of one chip at once
(arrays with one row per circuit) and has one valid domain ``[lo, hi]`` in
biological units: the values every circuit of the chip can realise inside the
measured range. Kinds (the ``kind`` field of the file format):

``polynomial``
    ``code = sum_k c[k] * x**k``
``inverse_polynomial``
    ``code = sum_k c[k] * (1 / x)**k`` (e.g. ``tau_m``: the leak conductance
    is linear in the code and ``g_leak = cm / tau_m``)
``lookup``
    piecewise-linear interpolation through points ``(x[j], code[j])`` of each
    circuit (``x`` increasing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from firmware_io.constants import PARAM_MAX

from .errors import CalibrationFileError

KINDS = ("polynomial", "inverse_polynomial", "lookup")


@dataclass(frozen=True, eq=False)
class Transform:
    """Value -> code transform of every circuit of one parameter.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    coefficients : ndarray, shape (circuits, k)
        Polynomial coefficients (lowest order first) or, for ``lookup``, the codes
        at the points ``points``.
    domain : (float, float)
        Valid values ``lo <= x <= hi``.
    points : ndarray, shape (circuits, k), optional
        The values of the ``lookup`` points (increasing per circuit).
    """

    kind: str
    coefficients: np.ndarray
    domain: tuple[float, float]
    points: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise CalibrationFileError(f"transform kind {self.kind!r} is unknown; valid: {', '.join(KINDS)}")
        c = np.asarray(self.coefficients, dtype=np.float64)
        if c.ndim != 2 or c.shape[1] < 1 or not np.isfinite(c).all():
            raise CalibrationFileError(f"{self.kind} coefficients must be a finite (circuits, k) array; "
                                       f"got shape {c.shape}")
        lo, hi = (float(v) for v in self.domain)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise CalibrationFileError(f"transform domain {self.domain!r} is invalid; valid: finite lo < hi")
        object.__setattr__(self, "coefficients", c)
        object.__setattr__(self, "domain", (lo, hi))
        if self.kind == "lookup":
            p = np.asarray(self.points, dtype=np.float64) if self.points is not None else None
            if p is None or p.shape != c.shape or c.shape[1] < 2 or not np.isfinite(p).all() \
                    or not (np.diff(p, axis=1) > 0).all():
                raise CalibrationFileError("lookup points must be finite, increasing per circuit and shaped like "
                                           f"the codes {c.shape}")
            object.__setattr__(self, "points", p)
        elif self.points is not None:
            raise CalibrationFileError(f"a {self.kind} transform has no points")

    @property
    def n_circuits(self) -> int:
        """Number of circuits (rows of the coefficient array)."""
        return int(self.coefficients.shape[0])

    def codes(self, values: ArrayLike, circuits: ArrayLike | None = None) -> np.ndarray:
        """Real-valued codes of ``values`` on ``circuits`` (default: all, values broadcast).

        No domain check here; see :meth:`CalibrationTable.to_codes`.
        """
        idx = np.arange(self.n_circuits) if circuits is None else np.asarray(circuits, dtype=np.int64)
        x = np.broadcast_to(np.asarray(values, dtype=np.float64), idx.shape)
        c = self.coefficients[idx]
        if self.kind == "lookup":
            return _interp_rows(x, self.points[idx], c)
        arg = 1.0 / x if self.kind == "inverse_polynomial" else x
        out = np.zeros(idx.shape)
        for k in range(c.shape[1] - 1, -1, -1):  # Horner
            out = out * arg + c[:, k]
        return out

    def to_dict(self) -> dict:
        """The JSON form of the file format."""
        d = {"kind": self.kind, "domain": list(self.domain), "coefficients": self.coefficients.tolist()}
        if self.points is not None:
            d["points"] = self.points.tolist()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Transform":
        """Inverse of :meth:`to_dict` (validates everything)."""
        if not isinstance(d, dict) or set(d) - {"kind", "domain", "coefficients", "points", "unit", "circuits"}:
            what = sorted(d) if isinstance(d, dict) else repr(d)
            raise CalibrationFileError(f"transform entry has unexpected content: {what}")
        try:
            return cls(kind=d["kind"], coefficients=np.asarray(d["coefficients"], dtype=np.float64),
                       domain=tuple(d["domain"]), points=None if "points" not in d else np.asarray(d["points"], float))
        except (KeyError, TypeError, ValueError) as err:
            if isinstance(err, CalibrationFileError):
                raise
            raise CalibrationFileError(f"transform entry is malformed: {err!r}") from err


def _interp_rows(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """Row-wise linear interpolation (extrapolating the end segments)."""
    j = np.clip((xp < x[:, None]).sum(axis=1) - 1, 0, xp.shape[1] - 2)
    r = np.arange(x.size)
    x0, x1, y0, y1 = xp[r, j], xp[r, j + 1], fp[r, j], fp[r, j + 1]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def fit_line(x: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares ``y = p0 + p1 x`` per row of (circuits, points) arrays; masked points ignored.

    Raises
    ------
    ValueError
        If a row has fewer than two usable points.
    """
    m = np.isfinite(x) & np.isfinite(y) if mask is None else (mask & np.isfinite(x) & np.isfinite(y))
    n = m.sum(axis=1)
    if (n < 2).any():
        raise ValueError(f"circuit {int(np.argmax(n < 2))} has {int(n.min())} usable measurements; need 2")
    xs, ys = np.where(m, x, 0.0), np.where(m, y, 0.0)
    mx, my = xs.sum(1) / n, ys.sum(1) / n
    dx = np.where(m, x - mx[:, None], 0.0)
    p1 = (dx * np.where(m, y - my[:, None], 0.0)).sum(1) / (dx * dx).sum(1)
    return my - p1 * mx, p1


def clip_codes(codes: np.ndarray) -> np.ndarray:
    """Nearest integer codes in 0..1023 (uint16)."""
    return np.clip(np.rint(codes), 0, PARAM_MAX).astype(np.uint16)
