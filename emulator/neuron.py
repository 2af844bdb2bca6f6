"""Conductance-based leaky integrate-and-fire neurons, one update per cycle.

Membrane update of a non-refractory neuron in cycle ``k`` (backward Euler, so
that any conductance, however large, gives a stable, monotone step; all int64)::

    num = V * 2**30 + G_L * V_rest + G_E * E_E + G_I * E_I
    den = 2**30 + G_L + G_E + G_I
    V  <- (num + den // 2) // den                            (round half up)

``V``, ``V_rest``, ``E_E``, ``E_I`` are 23-bit membrane-register values (voltage
code << 12, see :mod:`emulator.arithmetic`); ``G_L = round(2**30 *
(exp(g_leak dt / C) - 1))``, so that the pure leak decays by exactly
``exp(-dt / tau_m)`` per cycle; ``G_E``/``G_I`` are the sums of the neuron's
excitatory / inhibitory conductance registers (Q30 ``g dt / C``), read after
this cycle's row events were added. Widths: ``V * 2**30 < 2**53``, each
``G * E < 2**56``, so ``num < 2**58``. The result is a rounded weighted mean of
values inside ``[0, V_MAX]``, so it never leaves the register's range.

Threshold and reset: after the update, ``V >= V_thresh`` fires a spike. Its
fine time is interpolated linearly inside the cycle,
``f = clamp(floor(32 * (V_thresh - V_old) / (V - V_old)), 0, 31)`` (``f = 0`` if
``V <= V_old``), the time stamp is ``32 k + f`` ticks, ``V <- V_reset``.

Refractoriness: a neuron that fired at tick ``t`` stays clamped at ``V_reset``
(no integration, no spike) in every cycle ``k`` with ``32 k < t + refractory_ticks``.
Its conductance registers keep integrating input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arithmetic import G_FRAC_BITS, NEVER, TICKS, V_MAX, check_width
from .coefficients import ChipCoefficients


@dataclass(eq=False)
class NeuronArrays:
    """Neuron constants of all chips, stacked (neuron index = chip*384 + neuron)."""

    g_leak: np.ndarray
    g_leak_one: np.ndarray   # 2**30 + G_L, precomputed
    leak_drive: np.ndarray   # G_L * V_rest, precomputed
    v_rest: np.ndarray
    v_reset: np.ndarray
    v_thresh: np.ndarray
    e_rev_e: np.ndarray
    e_rev_i: np.ndarray
    refrac_ticks: np.ndarray
    #: every V_reset and V_rest < V_thresh: a clamped or initial membrane is below threshold
    reset_below_threshold: bool


def build_neurons(chips: list[ChipCoefficients]) -> NeuronArrays:
    """Stack the neuron constants of every chip."""
    cat = lambda name: np.concatenate([getattr(c, name) for c in chips]).astype(np.int64)  # noqa: E731
    g_leak, v_rest = cat("g_leak"), cat("v_rest")
    return NeuronArrays(g_leak=g_leak, g_leak_one=g_leak + (1 << G_FRAC_BITS), leak_drive=g_leak * v_rest,
                        v_rest=v_rest,
                        v_reset=cat("v_reset"), v_thresh=cat("v_thresh"), e_rev_e=cat("e_rev_e"),
                        e_rev_i=cat("e_rev_i"), refrac_ticks=cat("refrac_ticks"),
                        reset_below_threshold=bool((cat("v_reset") < cat("v_thresh")).all()
                                                   and (v_rest < cat("v_thresh")).all()))


@dataclass(eq=False)
class NeuronState:
    """Membrane registers and refractory deadlines, plus scratch buffers."""

    v: np.ndarray
    refractory_until: np.ndarray   # tick before which the neuron stays clamped
    v_old: np.ndarray
    _a: np.ndarray
    _b: np.ndarray
    _mask: np.ndarray
    _refractory: np.ndarray

    @classmethod
    def initial(cls, neurons: NeuronArrays) -> "NeuronState":
        """Every membrane at its resting potential, nobody refractory."""
        n = neurons.v_rest.size
        return cls(v=neurons.v_rest.copy(), refractory_until=np.full(n, NEVER, dtype=np.int64),
                   v_old=np.empty(n, dtype=np.int64), _a=np.empty(n, dtype=np.int64),
                   _b=np.empty(n, dtype=np.int64), _mask=np.empty(n, dtype=bool),
                   _refractory=np.empty(n, dtype=bool))

    def check(self) -> None:
        """Strict mode: raise OverflowError if the membrane left its width."""
        check_width("V", self.v, 0, V_MAX)


def membrane_step(nrn: NeuronArrays, st: NeuronState, g_exc: np.ndarray, g_inh: np.ndarray,
                  cycle: int) -> tuple[np.ndarray, np.ndarray]:
    """Advance every membrane by one cycle.

    Returns
    -------
    fired, ticks
        Indices of the neurons that fired in this cycle and their time stamps.
    """
    a, b = st._a, st._b
    v_old, v = st.v, st.v_old            # the new value goes into the other buffer (swapped below)
    np.multiply(g_exc, nrn.e_rev_e, out=a)
    np.multiply(g_inh, nrn.e_rev_i, out=b)
    a += b
    a += nrn.leak_drive
    np.left_shift(v_old, G_FRAC_BITS, out=b)
    a += b                                   # numerator
    np.add(g_exc, g_inh, out=b)
    b += nrn.g_leak_one                      # denominator
    np.right_shift(b, 1, out=v)
    a += v
    np.floor_divide(a, b, out=v)
    # No clamp is needed: the quotient is a weighted mean of V, V_rest, E_E and E_I
    # (all in [0, V_MAX]) rounded to an integer, so it stays in [0, V_MAX].
    st.v, st.v_old = v, v_old
    np.greater(st.refractory_until, cycle * TICKS, out=st._refractory)
    np.copyto(v, nrn.v_reset, where=st._refractory)
    np.greater_equal(v, nrn.v_thresh, out=st._mask)
    if not nrn.reset_below_threshold:    # a clamped neuron could sit above threshold
        np.logical_and(st._mask, ~st._refractory, out=st._mask)
    if not st._mask.any():
        return _EMPTY, _EMPTY
    fired = np.flatnonzero(st._mask)
    v_old, v_new, thr = v_old[fired], v[fired], nrn.v_thresh[fired]
    if nrn.reset_below_threshold:
        # a neuron can only cross from below: v_old < thr <= v_new, so the rise is > 0
        fine = (TICKS * (thr - v_old)) // (v_new - v_old)
        np.minimum(fine, TICKS - 1, out=fine)
    else:
        rise = v_new - v_old
        fine = np.where(rise > 0, (TICKS * (thr - v_old)) // np.maximum(rise, 1), 0)
        fine = np.clip(fine, 0, TICKS - 1)
    ticks = fine + cycle * TICKS
    v[fired] = nrn.v_reset[fired]
    st.refractory_until[fired] = ticks + nrn.refrac_ticks[fired]
    return fired, ticks


_EMPTY = np.zeros(0, dtype=np.int64)
