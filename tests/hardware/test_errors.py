"""Clear errors of the hardware backend: wrong board, no URL, conductances, current sources, a vanished board."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_io.protocol import BoardRefusedError, BoardVanishedError
from pynn_hw.errors import InvalidParameterValueError, MappingError, RecordingError

from .conftest import load_example, same_trains, spike_trains

pytestmark = pytest.mark.filterwarnings("ignore:no calibration table")   # nominal codes, as on the emulator


@pytest.fixture
def hw():
    import pynn_hw.hardware as sim
    yield sim
    sim.end()


def _small_network(sim):
    src = sim.Population(5, sim.SpikeSourceArray(spike_times=[1.0]))
    cells = sim.Population(5, sim.IF_cond_exp(cm=0.2, v_thresh=-50.0))
    sim.Projection(src, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.05))
    return cells


def test_other_chip_serials_are_refused(hw, virtual_board_factory):
    vb = virtual_board_factory("single_chip", serials=[0x12345678])
    hw.setup(board=vb.url)
    _small_network(hw)
    with pytest.raises(BoardRefusedError, match=r"serials \['0x12345678'\].*setup\(board_file=\.\.\.\)"):
        hw.run(1.0)


def test_other_chip_serials_than_the_named_board_file_are_refused(hw, virtual_board_factory):
    vb = virtual_board_factory("single_chip", serials=[0x12345678])
    hw.setup(board=vb.url, board_file="single_chip")
    _small_network(hw)
    with pytest.raises(BoardRefusedError, match="chip 0 has serial 0x12345678, single_chip expects"):
        hw.run(1.0)


def test_a_board_without_a_common_protocol_version_is_refused(hw, virtual_board_factory):
    vb = virtual_board_factory("single_chip", transport="usb", versions=(7, 9))
    hw.setup(board=vb.url)
    _small_network(hw)
    with pytest.raises(BoardRefusedError, match="protocol versions 1..1"):
        hw.run(1.0)


def test_a_board_file_other_than_the_board_is_refused(hw, virtual_board_factory):
    vb = virtual_board_factory("single_chip")
    hw.setup(board=vb.url, board_file="board_4x4")
    _small_network(hw)
    with pytest.raises(BoardRefusedError, match="it has 1 chips, board_4x4 has 16"):
        hw.run(1.0)


def test_no_url_names_the_setup_option_and_the_variable(hw, monkeypatch):
    monkeypatch.delenv("PYNN_HW_BOARD_URL", raising=False)
    hw.setup(board="single_chip")
    _small_network(hw)
    with pytest.raises(InvalidParameterValueError, match="PYNN_HW_BOARD_URL"):
        hw.run(1.0)


def test_emu_url_and_mismatch_refused(hw):
    hw.setup(board="emu://single_chip", mismatch=True)
    _small_network(hw)
    with pytest.raises(InvalidParameterValueError, match="mismatch=True"):
        hw.run(1.0)
    import pynn_hw.emulator as emu
    trains = []
    for sim, board in ((hw, "emu://single_chip"), (emu, "single_chip")):
        sim.setup(board=board)
        cells = _small_network(sim)
        cells.record("spikes")
        sim.run(10.0)
        trains.append(spike_trains([cells]))
    emu.end()
    assert sum(t.size for t in trains[0]) >= 5           # every driven cell fires
    assert same_trains(*trains)


@pytest.mark.parametrize("variable", ["gsyn_exc", "gsyn_inh"])
def test_conductances_cannot_be_read_from_a_board(hw, variable):
    hw.setup(board="emu://single_chip")
    cells = _small_network(hw)
    cells[0:1].record(variable)
    with pytest.raises(RecordingError, match=rf"cannot record '{variable}'.*membrane potentials only.*"
                                             r"recordable: spikes, v"):
        hw.run(1.0)


def test_current_sources_are_refused_with_a_mapping_error(hw):
    hw.setup(board="emu://single_chip")
    cells = _small_network(hw)
    hw.DCSource(amplitude=0.5).inject_into(cells)
    with pytest.raises(MappingError, match="current"):
        hw.run(1.0)


@pytest.mark.parametrize("transport", ["pty", "usb"])
def test_a_vanished_board_mid_run_keeps_the_finished_chunks(transport, virtual_board_factory):
    """The board goes away 200 ms into a 400 ms run made of 50 ms chunks: BoardVanishedError names
    the failed chunk and the time up to which the data are complete; get_data still returns the
    spikes of the finished chunks, equal to the emulator's."""
    import pynn_hw.emulator as emu
    import pynn_hw.hardware as hw
    ex = load_example("balanced_network")
    vb = virtual_board_factory("single_chip", transport)

    def vanish_at_200(t):
        if t >= 200.0:
            vb.stop()
        return t + 50.0

    hw.setup(timestep=0.1, min_delay=0.1, rng_seed=3, board=vb.url, link_options={"silence_timeout": 1.0})
    exc, inh, _ = ex.build(hw)
    with pytest.raises(BoardVanishedError) as info:
        hw.run(400.0, callbacks=[vanish_at_200])
    message = str(info.value)
    # the board may vanish while the chunk's input goes up or while it runs
    assert "failed at t = 200 ms" in message and "up to t = 200 ms stay readable" in message
    assert vb.url in message
    assert info.value.partial is not None and info.value.partial.request.startswith(("run(500)", "write_input"))
    assert hw.get_current_time() == 200.0
    linked = spike_trains([exc, inh])
    hw.end()

    emu.setup(timestep=0.1, min_delay=0.1, rng_seed=3, board="single_chip")
    exc, inh, _ = ex.build(emu)
    emu.run(200.0, callbacks=[lambda t: t + 50.0])
    direct = spike_trains([exc, inh])
    emu.end()
    assert sum(t.size for t in direct) > 500
    assert max(t.max() for t in linked if t.size) < 200.0
    assert same_trains(linked, direct)


def test_what_arrived_of_a_failed_run_is_offered_as_spikes(virtual_board_factory):
    """The line goes dead 3000 bytes into the third run's reply (pieces of at most 1 KiB): the run's
    summary and part of its output arrive; ``partial_spikes`` turns them into PyNN spikes, which are
    the emulator's spikes of that run (a part of them), and the recordings stop at 200 ms."""
    from emulator.virtual_board import FaultSpec
    import pynn_hw.emulator as emu
    import pynn_hw.hardware as hw
    ex = load_example("balanced_network")
    vb = virtual_board_factory("single_chip", "pty")

    def schedule(sim, fail):
        def callback(t):
            if t < 200.0:
                return t + 100.0
            if fail:
                vb.faults.spec = FaultSpec(disconnect_after=vb.faults.counts["to_host_bytes"] + 3000)
            return 1e9
        return callback

    hw.setup(timestep=0.1, min_delay=0.1, rng_seed=3, board=vb.url,
             link_options={"silence_timeout": 1.0, "max_payload": 1024})
    ex.build(hw)
    with pytest.raises(BoardVanishedError, match=r"read of OUTPUT at byte \d+.*output events decoded") as info:
        hw.run(400.0, callbacks=[schedule(hw, True)])
    partial = hw.partial_spikes(info.value)
    assert info.value.partial.summary is not None
    assert hw.session.backend.driver.last_error is not None
    hw.end()

    emu.setup(timestep=0.1, min_delay=0.1, rng_seed=3, board="single_chip")
    exc, inh, _ = ex.build(emu)
    emu.run(400.0, callbacks=[schedule(emu, False)])
    expected = {}
    for pop in (exc, inh):
        for cell, st in enumerate(pop.get_data().segments[0].spiketrains):
            for t in np.asarray(st.magnitude):
                if t >= 200.0:
                    expected[(pop.label, cell, float(t))] = True
    emu.end()
    got = {(label, int(c), float(t)) for label, (cells, times) in partial.items() for c, t in zip(cells, times)}
    assert set(partial) <= {"exc", "inh"}
    assert 100 < len(got) < len(expected)          # a part arrived, not all
    assert got <= set(expected)


def test_a_board_that_restarts_mid_run_is_a_reset_error(virtual_board_factory):
    """A power cycle after the second chunk: the board has lost its configuration and state, so
    the next command is refused with BoardResetError; the first 100 ms stay readable."""
    from emulator.virtual_board import FaultSpec
    from firmware_io.protocol import BoardResetError
    import pynn_hw.hardware as hw
    ex = load_example("balanced_network")
    vb = virtual_board_factory("single_chip", "usb")

    def restart_at_100(t):
        if t >= 100.0:
            vb.faults.spec = FaultSpec(reset_after=vb.faults.counts["to_host_bytes"])
        return t + 50.0

    hw.setup(timestep=0.1, min_delay=0.1, rng_seed=3, board=vb.url)
    exc, _, _ = ex.build(hw)
    with pytest.raises(BoardResetError, match="failed at t = 100 ms.*was reset during.*state are lost"):
        hw.run(300.0, callbacks=[restart_at_100])
    assert hw.get_current_time() == 100.0
    times = np.concatenate(spike_trains([exc]))
    assert times.size > 100 and times.max() < 100.0
    hw.end()
