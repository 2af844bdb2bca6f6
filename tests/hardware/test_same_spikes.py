"""pynn_hw.hardware over a pseudo-terminal (pyserial) and over pyusb gives the emulator's spikes, bit for bit."""

from __future__ import annotations

import warnings

import pytest

from .conftest import load_example, same_trains, spike_trains

BOARD = "single_chip"
pytestmark = pytest.mark.filterwarnings("ignore:no calibration table")   # nominal codes, as on the emulator


def _run(sim, example: str, **setup_options):
    ex = load_example(example)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # nominal codes (no calibration table): same on both sides
        sim.setup(timestep=0.1, min_delay=0.1, rng_seed=11, **setup_options)
        exc, inh, _ = ex.build(sim)
        groups = (exc if isinstance(exc, list) else [exc]) + (inh if isinstance(inh, list) else [inh])
        sim.run(ex.T_STOP)
        trains = spike_trains(groups)
        if example == "synfire_chain":     # one membrane of group 0 is recorded
            trains.append(exc[0].get_data("v").segments[0].analogsignals[0].magnitude.ravel())
        sim.end()
    return trains


@pytest.mark.parametrize("example", ["synfire_chain", "balanced_network"])
@pytest.mark.parametrize("transport", ["pty", "usb"])
def test_hardware_gives_the_emulators_spikes(example, transport, virtual_board_factory):
    import pynn_hw.emulator as emu
    import pynn_hw.hardware as hw
    vb = virtual_board_factory(BOARD, transport)
    linked = _run(hw, example, board=vb.url)
    direct = _run(emu, example, board=BOARD)
    # synfire: 6 volleys of 20 + 10 cells = 180 spikes; balanced: ~25 Hz x 200 cells x 1 s
    cells = 180 if example == "synfire_chain" else 200          # the trains before the membrane trace
    assert sum(t.size for t in direct[:cells]) >= (180 if example == "synfire_chain" else 3000)
    assert same_trains(linked, direct)


@pytest.mark.virtual_board(board=BOARD, transport="usb")
def test_board_url_from_the_environment(virtual_board):
    """No board in the script: the URL comes from PYNN_HW_BOARD_URL (set by the fixture), the
    description from the board's greeting."""
    import pynn_hw.emulator as emu
    import pynn_hw.hardware as hw
    assert same_trains(_run(hw, "synfire_chain"), _run(emu, "synfire_chain", board=BOARD))
