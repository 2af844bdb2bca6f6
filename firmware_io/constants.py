"""Chip and board constants of the pynn-hw hardware target.

Every number here is part of the hardware contract described in
``docs/hardware.md``; every bit width has a name so that the image builder,
the packet codec, the mapping and the emulator use one definition.
"""

from __future__ import annotations

from enum import IntEnum

# --- chip geometry ----------------------------------------------------------
NEURONS_PER_BLOCK = 192
BLOCKS_PER_CHIP = 2
NEURONS_PER_CHIP = NEURONS_PER_BLOCK * BLOCKS_PER_CHIP  # 384
ROWS_PER_BLOCK = 256
ROWS_PER_CHIP = ROWS_PER_BLOCK * BLOCKS_PER_CHIP  # 512
#: Rows 0..191 of a block may take feedback from a neuron; rows 192..255 are
#: external-only.
FEEDBACK_ROWS_PER_BLOCK = 192
#: At most this many rows of one chip may listen to external input.
EXTERNAL_ROWS_PER_CHIP = 256
SYNAPSES_PER_CHIP = ROWS_PER_CHIP * NEURONS_PER_BLOCK  # 98,304
#: Shared-parameter groups: group = 2 * block + (neuron_in_block & 1).
PARAM_GROUPS_PER_CHIP = 4
#: Analog membrane read-out channels per chip.
READOUT_CHANNELS_PER_CHIP = 4

# --- code widths --------------------------------------------------------------
WEIGHT_BITS = 4
WEIGHT_MAX = (1 << WEIGHT_BITS) - 1  # 15
PARAM_BITS = 10
PARAM_MAX = (1 << PARAM_BITS) - 1  # 1023
SERIAL_BITS = 32
SERIAL_MAX = (1 << SERIAL_BITS) - 1
ROW_SOURCE_BITS = 2
SIGN_BITS = 1
STP_MODE_BITS = 2
STDP_FLAG_BITS = 1
STDP_LUT_SIZE = 16
STDP_LUT_BITS = WEIGHT_BITS
#: Width of a neuron index in a read-out selector (0..383, plus NO_READOUT).
READOUT_BITS = 9
#: Read-out selector value meaning "this channel is not connected".
NO_READOUT = (1 << READOUT_BITS) - 1  # 511
#: Width of a row or neuron address in an event (0..511).
ADDR_BITS = 9

# --- time -------------------------------------------------------------------------
#: Hardware runs this many times faster than biological time.
SPEEDUP = 10_000
SYSCLK_HZ = 100_000_000
#: One system clock cycle (10 ns hardware) in biological milliseconds.
CYCLE_BIO_MS = 0.1
#: Fine time bins per 200 MHz time-stamp period.
FINE_BITS = 4
#: Event time stamps count ticks; one cycle (0.1 ms bio) is 32 ticks.
TICKS_PER_CYCLE = 32
#: One tick in biological milliseconds (3.125 us).
TICK_BIO_MS = CYCLE_BIO_MS / TICKS_PER_CYCLE
#: Width of the board's time-stamp counter (in ticks); it wraps after
#: 2**32 ticks = 13421.77 s biological.
TIMESTAMP_BITS = 32
#: The STDP controller of each block rewrites one row every this many cycles
#: (15 ms biological).
STDP_ROW_PERIOD_CYCLES = 150


class STP_MODES(IntEnum):
    """Short-term plasticity mode of a synapse driver row."""

    OFF = 0
    DEPRESSING = 1
    FACILITATING = 2


class ROW_SOURCE(IntEnum):
    """What feeds a synapse driver row.

    ``FEEDBACK_SAME``: neuron ``r`` of the same block drives row ``r``.
    ``FEEDBACK_OTHER``: neuron ``r ^ 1`` of the other block drives row ``r``
    (even/odd position swapped). Feedback exists for rows 0..191 only.
    """

    OFF = 0
    EXTERNAL = 1
    FEEDBACK_SAME = 2
    FEEDBACK_OTHER = 3


class SIGN(IntEnum):
    """Sign of all synapses of a driver row."""

    EXCITATORY = 0
    INHIBITORY = 1


def param_group(neuron: int) -> int:
    """Shared-parameter group of a chip-local neuron index (0..383)."""
    block, in_block = divmod(int(neuron), NEURONS_PER_BLOCK)
    return 2 * block + (in_block & 1)


def feedback_neuron(block: int, row: int, source: ROW_SOURCE) -> int:
    """Chip-local neuron index that drives ``row`` of ``block`` under ``source``.

    Raises
    ------
    ValueError
        If ``source`` is not a feedback source or ``row`` has no feedback wiring.
    """
    if source not in (ROW_SOURCE.FEEDBACK_SAME, ROW_SOURCE.FEEDBACK_OTHER):
        raise ValueError(f"row_source {source!r} is not a feedback source; valid: FEEDBACK_SAME, FEEDBACK_OTHER")
    if not 0 <= row < FEEDBACK_ROWS_PER_BLOCK:
        raise ValueError(f"row {row} has no feedback wiring; feedback rows are 0..{FEEDBACK_ROWS_PER_BLOCK - 1}")
    if source == ROW_SOURCE.FEEDBACK_SAME:
        return block * NEURONS_PER_BLOCK + row
    return (1 - block) * NEURONS_PER_BLOCK + (row ^ 1)
