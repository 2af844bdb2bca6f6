"""A session over the in-process transport: same bits as the emulator, faults survived or reported."""

import numpy as np
import pytest

import emulator.virtual_board  # noqa: F401  (registers emu://)
from emulator import Board
from firmware_io import BoardSpec, encode_events
from firmware_io.protocol import (BoardClient, BoardCommandError, BoardRefusedError, BoardResetError,
                                  BoardTimeoutError, BoardVanishedError)
from pynn_hw.testing.configs import input_events, tonic_configs

SPEC = BoardSpec.load("single_chip")


def reference(n_cycles, events=None, configs=None):
    board = Board(SPEC, ideal=True)
    board.load(configs or tonic_configs(SPEC))
    if events is not None:
        board.write_input(events)
    return board, board.run(n_cycles)


def assert_same_run(link, direct):
    assert np.array_equal(link.output_events, direct.output_events)
    assert np.array_equal(link.traces, direct.traces)
    assert np.array_equal(link.trace_neurons, direct.trace_neurons)
    assert (link.start_cycle, link.n_cycles) == (direct.start_cycle, direct.n_cycles)
    assert (link.row_events, link.synaptic_events) == (direct.row_events, direct.synaptic_events)
    for name in ("input_bandwidth", "not_external", "late", "link_bandwidth"):
        assert np.array_equal(getattr(link.dropped, name), getattr(direct.dropped, name)), name


def test_run_is_bit_identical_to_the_emulator():
    events = input_events(3000, seed=1)
    n = int(events["t"].max()) // 32 + 10
    _, direct = reference(n, events)
    with BoardClient.open("emu://single_chip", expect=SPEC) as client:
        assert client.identity.serials == tuple(int(s) for s in SPEC.serials)
        client.load(tonic_configs(SPEC))
        assert client.write_input(events) == events.size
        result = client.run(n)
        assert_same_run(result, direct)
        assert result.conductance_traces is None  # a board reads out membranes only
        status = client.status()
        assert status.cycle == n and status.input_events == events.size


def test_late_input_is_reported_as_lost():
    with BoardClient.open("emu://single_chip") as client:
        client.load(tonic_configs(SPEC))
        client.run(100)
        client.write_input(input_events(50, seed=2, events_per_cycle=10))  # all before cycle 100
        result = client.run(1)
        assert result.dropped.late.tolist() == [50]
        assert result.lost["count"].tolist() == [50]  # the LOST word in the event stream


def test_reconfigure_readout_reset_and_read_back():
    configs = tonic_configs(SPEC)
    board, _ = reference(200)
    with BoardClient.open("emu://single_chip") as client:
        client.load(configs)
        client.run(200)
        new = configs[0].copy()
        new.weights[0, 200, :5] = 3
        new.g_leak[:] = 800
        board.reconfigure(0, new)
        client.reconfigure(0, new)
        board.set_readout(np.array([[1, 2, 3, 511]]))
        client.set_readout(np.array([[1, 2, 3, 511]]))
        assert_same_run(client.run(300), board.run(300))
        new.readout[:] = [1, 2, 3, 511]
        assert client.read_configuration().configs[0] == new
        assert np.array_equal(client.read_weights(0), new.weights)
        client.reset()
        board.reset()
        assert_same_run(client.run(50), board.run(50))


def test_board_errors_are_reported():
    with BoardClient.open("emu://single_chip") as client:
        with pytest.raises(BoardCommandError, match="no configuration: LOAD one first"):
            client.run(10)
        bad = tonic_configs(SPEC)[0]
        bad.serial = 0x1234
        with pytest.raises(BoardCommandError, match="serial"):
            client.load([bad])
        with pytest.raises(ValueError, match=r"shape \(2, 4\) is invalid"):
            client.set_readout(np.zeros((2, 4)))


def test_wrong_protocol_version_is_refused():
    with pytest.raises(BoardRefusedError, match=r"protocol versions 2\.\.3.*host 1\.\.1"):
        BoardClient.open("emu://single_chip?versions=2-3")


def test_wrong_chip_serials_are_refused():
    with pytest.raises(BoardRefusedError, match="chip 0 has serial 0x51c00001, the expected board expects "
                                                 "0x12345678"):
        BoardClient.open("emu://single_chip", expect=[0x12345678])
    with pytest.raises(BoardRefusedError, match="is not board_4x4: it has 1 chips, board_4x4 has 16"):
        BoardClient.open("emu://single_chip", expect=BoardSpec.load("board_4x4"))


@pytest.mark.parametrize("faults", ["flip=0.01,seed=11", "flip=0.003,drop=0.002,duplicate=0.002,seed=12"])
def test_lossy_link_loses_and_duplicates_nothing(faults):
    """20,000 input events up and ~21,000 output events down through a line that corrupts
    1 % of the bytes both ways (or drops and repeats bytes). Reduced size: benchmarks/link.py
    --lossy runs 10**6 events each way."""
    events = input_events(20_000, seed=3)
    _, direct = reference(500, events)
    assert direct.output_events.size > 20_000
    client = BoardClient.open(f"emu://single_chip?faults={faults.replace('=', '%3D').replace(',', '%2C')}")
    server = client.transport.server
    server.record_input = True
    client.load(tonic_configs(SPEC))
    client.write_input(events)
    result = client.run(500)
    received = np.concatenate(server.received_input)
    assert np.array_equal(received, events)  # in order, none lost, none twice
    assert_same_run(result, direct)
    counts = client.transport.faults.counts
    assert counts["flipped"] > 1000 or counts["dropped"] > 300
    assert client.link.stats["sends"] > client.link.stats["requests"]  # retransmissions happened


def test_board_vanishing_mid_run_keeps_what_arrived():
    _, direct = reference(2000)
    client = BoardClient.open("emu://single_chip?faults=disconnect_after%3D150000")
    client.link.max_payload = 4096
    client.load(tonic_configs(SPEC))
    with pytest.raises(BoardVanishedError) as info:
        client.run(2000)
    err = info.value
    message = str(err)
    assert "went away during run(2000), read of OUTPUT" in message
    assert "the reply to run(2000) (cycles 0..2000" in message and "bytes of output" in message
    assert "kept in the error's .partial" in message
    part = err.partial
    assert client.last_partial is part
    n = part.events.size
    assert 0 < n < direct.output_events.size
    assert np.array_equal(part.events, direct.output_events[:n])  # what arrived is right
    assert part.expected["output"] == part.summary.output.length


def test_board_reset_mid_run_is_reported():
    client = BoardClient.open("emu://single_chip?faults=reset_after%3D120000")
    client.link.max_payload = 4096
    client.load(tonic_configs(SPEC))
    with pytest.raises(BoardResetError, match=r"was reset during run\(2000\), read of OUTPUT") as info:
        client.run(2000)
    assert info.value.partial.received["output"]


def test_silent_board_times_out():
    client = BoardClient.open("emu://single_chip", silence_timeout=0.3, min_rto=0.05, max_rto=0.1)
    client.transport.faults.spec.delay = 5.0  # every reply from now on is held back
    with pytest.raises(BoardTimeoutError, match=r"stopped answering: nothing received for 0\.[3-9] s during "
                                                 r"load, upload to CONFIG_IN"):
        client.load(tonic_configs(SPEC))


def test_server_executes_a_repeated_request_once():
    from emulator.virtual_board import BoardServer
    from firmware_io.protocol.framing import FrameDecoder, encode_frame
    from firmware_io.protocol.messages import HELLO_REQUEST, RUN_REQUEST, Kind

    server = BoardServer(SPEC)
    server.feed(encode_frame(Kind.HELLO, 1, HELLO_REQUEST.pack(1, 1)))
    server.board.load(tonic_configs(SPEC))
    server.loaded = True
    run = encode_frame(Kind.RUN, 2, RUN_REQUEST.pack(100, 0))
    first, again = server.feed(run), server.feed(run)
    assert first == again and server.board.status().cycle == 100
    assert server.feed(encode_frame(Kind.RUN, 1, RUN_REQUEST.pack(100, 0))) == b""  # stale: ignored
    assert server.board.status().cycle == 100
    (nak,), _ = FrameDecoder().feed(server.feed(b"\x05garbage\x00"))
    assert nak.kind == Kind.NAK


def test_input_stream_matches_packets_codec():
    """The INPUT buffer carries exactly firmware_io's event words."""
    events = input_events(100, seed=4)
    client = BoardClient.open("emu://single_chip")
    client.load(tonic_configs(SPEC))
    sent = []
    original = client._upload
    client._upload = lambda buffer, data, partial: (sent.append(data), original(buffer, data, partial))[1]
    client.write_input(events)
    assert sent == [encode_events(events)]


def test_multi_chip_board_with_links():
    spec = BoardSpec.load("board_4x4")
    configs = tonic_configs(spec, firing=10)
    events = input_events(2000, chips=16, seed=6)
    board = Board(spec, ideal=True)
    board.load(configs)
    board.write_input(events)
    direct = board.run(200)
    with BoardClient.open("emu://board_4x4", expect=spec) as client:
        client.load(configs)
        client.write_input(events)
        result = client.run(200)
    assert result.dropped.link_bandwidth.shape == (64,)  # 32 links, both directions
    assert result.trace_neurons.shape == (16, 4)
    assert_same_run(result, direct)


def test_delayed_replies_are_waited_for_or_repeated():
    """Replies held back longer than the time-out: the host repeats the request, the board
    answers from its reply cache, and the late copies are dropped as stale."""
    events = input_events(500, seed=8)
    _, direct = reference(300, events)
    client = BoardClient.open("emu://single_chip?faults=delay%3D0.08%2Cdelay_rate%3D0.3%2Cseed%3D2",
                              min_rto=0.05, max_rto=0.05)
    client.load(tonic_configs(SPEC))
    client.write_input(events)
    assert_same_run(client.run(300), direct)
    assert client.transport.faults.counts["delayed"] > 0
    assert client.link.stats["timeouts"] > 0 and client.link.stats["stale"] > 0
