"""Chip constants and the feedback wiring helpers."""

import pytest

from firmware_io import constants as C


def test_geometry_is_consistent():
    assert C.NEURONS_PER_CHIP == C.BLOCKS_PER_CHIP * C.NEURONS_PER_BLOCK == 384
    assert C.ROWS_PER_CHIP == C.BLOCKS_PER_CHIP * C.ROWS_PER_BLOCK == 512
    assert C.SYNAPSES_PER_CHIP == 98_304
    assert C.WEIGHT_MAX == 15 and C.PARAM_MAX == 1023
    # NO_READOUT must fit the read-out field and never be a neuron
    assert C.NO_READOUT < 1 << C.READOUT_BITS and C.NO_READOUT >= C.NEURONS_PER_CHIP
    assert 1 << C.ADDR_BITS >= C.ROWS_PER_CHIP


def test_time_constants():
    # 100 MHz clock at speed-up 1e4: one cycle (10 ns) is 0.1 ms biological
    assert 1e3 / C.SYSCLK_HZ * C.SPEEDUP == pytest.approx(C.CYCLE_BIO_MS)  # ms per cycle, hardware -> bio
    # 200 MHz stamps with 16 fine bins = 3.2 GHz ticks = 32 per 100 MHz cycle
    assert C.TICKS_PER_CYCLE == 2 * (1 << C.FINE_BITS)
    assert C.TICK_BIO_MS == pytest.approx(0.003125)
    assert C.STDP_ROW_PERIOD_CYCLES * C.CYCLE_BIO_MS == pytest.approx(15.0)


def test_enums():
    assert [m.value for m in C.STP_MODES] == [0, 1, 2]
    assert [m.value for m in C.ROW_SOURCE] == [0, 1, 2, 3]
    assert C.SIGN.INHIBITORY == 1


@pytest.mark.parametrize(
    "block, row, source, neuron",
    [
        (0, 0, C.ROW_SOURCE.FEEDBACK_SAME, 0),
        (1, 5, C.ROW_SOURCE.FEEDBACK_SAME, 192 + 5),
        (0, 4, C.ROW_SOURCE.FEEDBACK_OTHER, 192 + 5),  # 4 ^ 1 = 5 in block 1
        (1, 191, C.ROW_SOURCE.FEEDBACK_OTHER, 190),  # 191 ^ 1 = 190 in block 0
    ],
)
def test_feedback_neuron(block, row, source, neuron):
    assert C.feedback_neuron(block, row, source) == neuron


def test_feedback_neuron_refuses_unwired_rows():
    with pytest.raises(ValueError, match="row 192 has no feedback wiring"):
        C.feedback_neuron(0, 192, C.ROW_SOURCE.FEEDBACK_SAME)
    with pytest.raises(ValueError, match="not a feedback source"):
        C.feedback_neuron(0, 3, C.ROW_SOURCE.EXTERNAL)


def test_param_group():
    assert [C.param_group(n) for n in (0, 1, 191, 192, 193, 383)] == [0, 1, 1, 2, 3, 3]
