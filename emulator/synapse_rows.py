"""Synapse drivers (rows), short-term plasticity and the conductance registers.

Conductance classes
-------------------
The rows of one block that share sign and ``row_tau`` code form a
*conductance class*. Every neuron holds one unsigned conductance register per
class of its block (``G``, Q30 "membrane fraction per cycle", saturating at
``G_MAX``); a row event adds to the register of its class, and each register
decays every cycle with its class multiplier::

    G <- floor(G * D_class / 2**24)

In exact arithmetic this is the sum of per-row exponential traces; in the
integer model the rounding happens once per register. The registers of all
chips are stacked as ``G[slot, neuron]``: slots ``0 .. n_exc-1`` hold the
excitatory classes, the rest the inhibitory ones (a block with fewer classes
leaves its extra slots at 0).

Row event
---------
An event on row ``r`` adds, to every neuron ``n`` of the row's block::

    dG[n] = round_shift(w[r, n] * gain[r, n] * A[r] * F, 10 + 16)

with ``w`` the 4-bit weight, ``gain`` the Q10 synapse gain (mismatch; 1024 on
an ideal chip), ``A`` the Q30 row amplitude per weight LSB and ``F`` the Q16
STP factor (65536 when STP is off). Widths: 4 + 11 + 26 + 17 = 58 bits.

Short-term plasticity (Tsodyks-Markram-like, one state per row)
---------------------------------------------------------------
``I`` (Q16, 0..65535) is the row's inactive fraction. At an event the factor is
``F = 65536 - I`` (depressing) or ``F = 65536 + I`` (facilitating), then
``I <- min(I + round_shift(U * (65536 - I), 16), 65535)``. Every cycle
``I <- floor(I * D / 2**24)`` with the chip's ``stp_tau_rec`` (depressing rows)
or ``stp_tau_facil`` (facilitating rows) multiplier. Events of one row within
one cycle are applied in tick order, with no decay between them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_io.constants import (
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    ROWS_PER_BLOCK,
    ROWS_PER_CHIP,
    SIGN,
    STP_MODES,
)

from .arithmetic import G_MAX, STP_FRAC_BITS, STP_MAX, check_width, decay_floor
from .coefficients import SYN_GAIN_FRAC_BITS, ChipCoefficients

#: Total fraction bits dropped when a row event is turned into a register increment.
INCREMENT_SHIFT = SYN_GAIN_FRAC_BITS + STP_FRAC_BITS
_INCREMENT_HALF = 1 << (INCREMENT_SHIFT - 1)
_STP_ONE = 1 << STP_FRAC_BITS
_COLUMNS = np.arange(NEURONS_PER_BLOCK, dtype=np.int64)
_ONES = np.full(4096, _STP_ONE, dtype=np.int64)
_ONES.flags.writeable = False


@dataclass(eq=False)
class RowArrays:
    """Row constants of all chips, stacked (row index = chip*512 + block*256 + row)."""

    n_neurons: int
    n_exc_slots: int
    n_slots: int
    source: np.ndarray        # (R,)
    sign: np.ndarray          # (R,)
    stp_mode: np.ndarray      # (R,)
    amplitude: np.ndarray     # (R,) Q30
    flat_base: np.ndarray     # (R,) index of the row's first target in G.ravel()
    weights: np.ndarray       # (R, 192) 4-bit codes
    syn_gain: np.ndarray      # (R, 192) Q10
    effective: np.ndarray     # (R, 192) weights * syn_gain
    stp_u: np.ndarray         # (R,) Q16, 0 on rows without STP
    stp_sign: np.ndarray      # (R,) -1 depressing, +1 facilitating, 0 off
    stp_decay: np.ndarray     # (R,) Q24
    stp_rows: np.ndarray      # indices of rows with STP on
    slot_decay: np.ndarray    # (S, N) Q24

    def refresh_effective(self, rows: np.ndarray | slice = slice(None)) -> None:
        """Recompute ``weights * syn_gain`` after weights changed (STDP, writes)."""
        self.effective[rows] = self.weights[rows] * self.syn_gain[rows]


def build_rows(chips: list[ChipCoefficients]) -> RowArrays:
    """Stack the row constants of every chip and assign conductance slots."""
    n_chips = len(chips)
    n_neurons = n_chips * NEURONS_PER_CHIP
    counts = {SIGN.EXCITATORY: 1, SIGN.INHIBITORY: 1}
    for c in chips:
        for (_, sign, cid) in c.class_decay:
            counts[SIGN(sign)] = max(counts[SIGN(sign)], cid + 1)
    n_exc = counts[SIGN.EXCITATORY]
    n_slots = n_exc + counts[SIGN.INHIBITORY]

    cat = lambda name: np.concatenate([getattr(c, name) for c in chips])  # noqa: E731
    sign = cat("row_sign")
    row_class = cat("row_class")
    slot = np.where(sign == SIGN.INHIBITORY, n_exc + row_class, row_class)
    r = np.arange(n_chips * ROWS_PER_CHIP)
    chip, block = r // ROWS_PER_CHIP, (r % ROWS_PER_CHIP) // ROWS_PER_BLOCK
    first_neuron = chip * NEURONS_PER_CHIP + block * NEURONS_PER_BLOCK
    flat_base = np.where(row_class >= 0, slot * n_neurons + first_neuron, -1)

    slot_decay = np.zeros((n_slots, n_neurons), dtype=np.int64)
    for ci, c in enumerate(chips):
        for (b, s, cid), d in c.class_decay.items():
            sl = cid if s == SIGN.EXCITATORY else n_exc + cid
            n0 = ci * NEURONS_PER_CHIP + b * NEURONS_PER_BLOCK
            slot_decay[sl, n0:n0 + NEURONS_PER_BLOCK] = d

    stp_mode = cat("row_stp")
    weights = np.concatenate([c.weights for c in chips])
    syn_gain = np.concatenate([c.syn_gain for c in chips])
    per_row = lambda values: np.repeat(np.asarray(values, dtype=np.int64), ROWS_PER_CHIP)  # noqa: E731
    stp_decay = np.where(stp_mode == STP_MODES.FACILITATING,
                         per_row([c.stp_decay_facil for c in chips]),
                         per_row([c.stp_decay_rec for c in chips]))
    stp_decay[stp_mode == STP_MODES.OFF] = 0
    source = cat("row_source")
    return RowArrays(
        n_neurons=n_neurons, n_exc_slots=n_exc, n_slots=n_slots,
        source=source, sign=sign, stp_mode=stp_mode, amplitude=cat("row_amplitude"),
        flat_base=flat_base, weights=weights, syn_gain=syn_gain, effective=weights * syn_gain,
        stp_u=np.where(stp_mode == STP_MODES.OFF, 0, per_row([c.stp_u for c in chips])),
        stp_sign=np.select([stp_mode == STP_MODES.DEPRESSING, stp_mode == STP_MODES.FACILITATING], [-1, 1], 0),
        stp_decay=stp_decay,
        stp_rows=np.flatnonzero((stp_mode != STP_MODES.OFF) & (row_class >= 0)),
        slot_decay=slot_decay,
    )


@dataclass(eq=False)
class RowState:
    """Dynamic state of rows and conductance registers."""

    g: np.ndarray        # (S, N) conductance registers
    stp: np.ndarray      # (R,) inactive fraction, Q16

    @classmethod
    def zeros(cls, rows: RowArrays) -> "RowState":
        return cls(g=np.zeros((rows.n_slots, rows.n_neurons), dtype=np.int64),
                   stp=np.zeros(rows.source.size, dtype=np.int64))

    def check(self) -> None:
        """Strict mode: raise OverflowError if a register left its width."""
        check_width("G", self.g, 0, G_MAX)
        check_width("stp", self.stp, 0, STP_MAX)


def stp_factors(rows: RowArrays, state: RowState, ev_rows: np.ndarray, ev_ticks: np.ndarray) -> np.ndarray:
    """STP factor (Q16) of each event, updating the rows' STP state in tick order.

    Rows without STP have sign 0 and U = 0: their factor is 65536 and their
    state stays 0, so all events go through the same arithmetic.
    """
    if not rows.stp_rows.size:
        return _ONES[:ev_rows.size] if ev_rows.size <= _ONES.size else np.full(ev_rows.size, _STP_ONE)
    if ev_rows.size == 1 or len(set(ev_rows.tolist())) == ev_rows.size:
        return _stp_round(rows, state, ev_rows)            # one event per row: no ordering needed
    factors = np.empty(ev_rows.size, dtype=np.int64)
    order = np.lexsort((ev_ticks, ev_rows))
    srow = ev_rows[order]
    new_group = np.ones(srow.size, dtype=bool)
    new_group[1:] = srow[1:] != srow[:-1]
    starts = np.flatnonzero(new_group)
    rank = np.arange(srow.size) - np.repeat(starts, np.diff(np.append(starts, srow.size)))
    for k in range(int(rank.max()) + 1):  # rounds = most events of one row in this cycle
        sel = rank == k
        factors[order[sel]] = _stp_round(rows, state, srow[sel])
    return factors


def _stp_round(rows: RowArrays, state: RowState, r: np.ndarray) -> np.ndarray:
    """Apply one event to each of the (distinct) rows ``r``; return their factors."""
    inactive = state.stp[r]
    factors = rows.stp_sign[r] * inactive
    factors += _STP_ONE
    grow = rows.stp_u[r] * (_STP_ONE - inactive)
    grow += 1 << (STP_FRAC_BITS - 1)
    grow >>= STP_FRAC_BITS
    grow += inactive
    state.stp[r] = np.minimum(grow, STP_MAX, out=grow)
    return factors


def deliver(rows: RowArrays, state: RowState, ev_rows: np.ndarray, ev_ticks: np.ndarray) -> None:
    """Apply one cycle's row events (global row indices, tick time stamps)."""
    factors = stp_factors(rows, state, ev_rows, ev_ticks)
    scale = rows.amplitude[ev_rows] * factors
    inc = rows.effective[ev_rows] * scale[:, None]
    inc += _INCREMENT_HALF
    inc >>= INCREMENT_SHIFT
    target = rows.flat_base[ev_rows][:, None] + _COLUMNS
    flat = state.g.reshape(-1)
    np.add.at(flat, target.reshape(-1), inc.reshape(-1))
    np.minimum(flat, G_MAX, out=flat)


def decay_conductances(rows: RowArrays, state: RowState) -> None:
    """One cycle of decay of every conductance register."""
    decay_floor(state.g, rows.slot_decay, out=state.g)


def decay_stp(rows: RowArrays, state: RowState) -> None:
    """One cycle of decay of the STP states (rows without STP have multiplier 0 and stay 0)."""
    if rows.stp_rows.size:
        decay_floor(state.stp, rows.stp_decay, out=state.stp)


__all__ = ["RowArrays", "RowState", "build_rows", "deliver", "decay_conductances", "decay_stp",
           "stp_factors", "INCREMENT_SHIFT"]
