"""Measured points -> :class:`~calibration.transforms.Transform` with its valid domain."""

from __future__ import annotations

import numpy as np

from firmware_io.constants import PARAM_MAX
from firmware_io.units import CM_NF

from .errors import CalibrationError
from .transforms import Transform, fit_line


def _line(codes: np.ndarray, values: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.broadcast_to(np.asarray(codes, dtype=np.float64), values.shape)
    try:
        p0, p1 = fit_line(x, values)
    except ValueError as err:
        raise CalibrationError(f"{what}: {err}") from err
    if not (p1 > 0).all():
        bad = int(np.argmax(~(p1 > 0)))
        raise CalibrationError(f"{what}: circuit {bad} does not respond to its code (slope {p1[bad]:g})")
    return p0, p1


def linear_transform(codes: np.ndarray, values: np.ndarray, what: str,
                     window: tuple[float, float] | None = None) -> Transform:
    """``value = p0 + p1 code`` per circuit, inverted: a ``polynomial`` ``code = (x - p0) / p1``.

    Parameters
    ----------
    codes : (points,) or (circuits, points)
    values : (circuits, points) measured values (NaN = not measured)
    window : optional (lo, hi) the measured range of values the domain may not leave

    The domain is the range every circuit reaches with codes 0..1023, cut to ``window``.
    """
    p0, p1 = _line(codes, values, what)
    lo, hi = float(np.max(np.minimum(p0, p0 + p1 * PARAM_MAX))), float(np.min(np.maximum(p0, p0 + p1 * PARAM_MAX)))
    if window is not None:
        lo, hi = max(lo, window[0]), min(hi, window[1])
    if not lo < hi:
        raise CalibrationError(f"{what}: the circuits have no common range of values ({lo:g}..{hi:g})")
    return Transform("polynomial", np.stack([-p0 / p1, 1.0 / p1], axis=1), (lo, hi))


def proportional_domain_transform(codes: np.ndarray, values: np.ndarray, what: str) -> Transform:
    """As :func:`linear_transform` with the domain starting at 0 (values near 0 round to code 0)."""
    p0, p1 = _line(codes, values, what)
    hi = float(np.min(p0 + p1 * PARAM_MAX))
    if not hi > 0:
        raise CalibrationError(f"{what}: no positive range common to all circuits")
    return Transform("polynomial", np.stack([-p0 / p1, 1.0 / p1], axis=1), (0.0, hi))


def tau_m_transform(codes: np.ndarray, tau_ms: np.ndarray) -> Transform:
    """g_leak (= cm / tau_m) linear in the code: an ``inverse_polynomial`` in tau_m.

    ``g = p0 + p1 code`` (nS) gives ``code = -p0 / p1 + (1000 cm / p1) / tau_m``.
    The domain is the tau_m range every neuron reaches inside the measured codes.
    """
    g = CM_NF * 1e3 / tau_ms
    p0, p1 = _line(codes, g, "tau_m")
    c = np.asarray(codes, dtype=np.float64)
    g_lo, g_hi = p0 + p1 * c.min(), p0 + p1 * c.max()
    lo, hi = float(np.max(CM_NF * 1e3 / g_hi)), float(np.min(CM_NF * 1e3 / g_lo))
    if not (g_lo > 0).all() or not lo < hi:
        raise CalibrationError(f"tau_m: the neurons have no common range of time constants ({lo:g}..{hi:g} ms)")
    return Transform("inverse_polynomial", np.stack([-p0 / p1, CM_NF * 1e3 / p1], axis=1), (lo, hi))
