"""Transports chosen by URL: real pyserial on a pseudo-terminal, real pyusb on a backend object."""

import time

import numpy as np
import pytest
import usb.core

import emulator.virtual_board  # noqa: F401  (registers emu://)
from emulator import Board
from emulator.virtual_board import PtyBoard, VirtualUsbBackend, register_usb_board
from firmware_io import BoardSpec
from firmware_io.protocol import BoardClient, BoardVanishedError, TransportClosedError, TransportError
from firmware_io.transports import open_transport, registered_schemes
from firmware_io.transports.usb_bulk import unregister_backend
from pynn_hw.testing.configs import input_events, tonic_configs

SPEC = BoardSpec.load("single_chip")


def direct_run(n, events):
    board = Board(SPEC, ideal=True)
    board.load(tonic_configs(SPEC))
    board.write_input(events)
    return board.run(n)


def check_session(url):
    events = input_events(2000, seed=5)
    direct = direct_run(600, events)
    with BoardClient.open(url, expect=SPEC) as client:
        client.load(tonic_configs(SPEC))
        client.write_input(events)
        result = client.run(600)
    assert np.array_equal(result.output_events, direct.output_events)
    assert np.array_equal(result.traces, direct.traces)
    assert result.row_events == direct.row_events


def test_schemes_registered():
    assert {"serial", "usb", "emu"} <= set(registered_schemes())


@pytest.mark.parametrize("url, fragment", [
    ("tcp://host:1", "scheme 'tcp' is unknown; valid: emu://, serial://, usb://"),
    ("serial://", "names no device"),
    ("serial:///dev/does-not-exist-42", "cannot open serial:///dev/does-not-exist-42"),
    ("serial:///dev/null?parity=E", "unknown options ['parity']"),
    ("usb://12345", "is not VID:PID"),
    ("usb://1209:zz01", "is not VID:PID"),
    ("usb://1209:0001?backend=nowhere", "USB backend 'nowhere' is not registered"),
    ("emu://no_such_board", "no_such_board"),
    ("emu://single_chip?colour=red", "unknown options ['colour']"),
])
def test_bad_urls_fail_the_same_way(url, fragment):
    with pytest.raises(TransportError) as info:
        open_transport(url)
    assert fragment in str(info.value)


def test_closed_transport_and_context_manager():
    with open_transport("emu://single_chip") as transport:
        assert not transport.closed
    assert transport.closed
    transport.close()  # idempotent
    for call in (lambda: transport.write(b"x"), lambda: transport.read(0.01)):
        with pytest.raises(TransportClosedError, match="emu://single_chip is closed"):
            call()


def test_pty_session_through_pyserial():
    with PtyBoard(SPEC) as board:
        assert board.device.startswith("/dev/")
        check_session(board.url)


def test_pty_board_stopping_is_a_vanished_board():
    board = PtyBoard(SPEC)
    board.start()
    client = BoardClient.open(board.url, silence_timeout=2.0)
    client.load(tonic_configs(SPEC))
    board.stop()
    with pytest.raises(BoardVanishedError, match=f"the board on serial://{board.device} went away during"):
        client.run(10)
    client.close()


def test_pty_long_run_keeps_the_host_waiting_with_busy_frames():
    """A run far longer than the host's silence time-out: BUSY frames keep the session alive."""
    with PtyBoard(SPEC) as board:
        client = BoardClient.open(board.url, silence_timeout=0.25)
        client.load(tonic_configs(SPEC))
        start = time.perf_counter()
        client.run(15_000)
        assert time.perf_counter() - start > 0.25
        assert client.link.stats["busy"] >= 5
        client.close()


@pytest.fixture
def usb_board():
    backend = VirtualUsbBackend([(SPEC, "VB-A"), (SPEC, "VB-B")])
    register_usb_board("test-usb", backend)
    yield backend
    unregister_backend("test-usb")


def test_pyusb_finds_the_virtual_boards(usb_board):
    devices = list(usb.core.find(find_all=True, idVendor=0x1209, idProduct=0x0001, backend=usb_board))
    assert sorted(d.serial_number for d in devices) == ["VB-A", "VB-B"]
    assert devices[0].product.startswith("virtual board single_chip")


def test_usb_session_through_pyusb(usb_board):
    check_session("usb://1209:0001/VB-B?backend=test-usb")
    assert usb_board.devices[1].server.loaded and not usb_board.devices[0].server.loaded


def test_usb_missing_serial(usb_board):
    with pytest.raises(TransportError, match="no USB device 1209:0001 with serial 'VB-C' found"):
        open_transport("usb://1209:0001/VB-C?backend=test-usb")


def test_usb_unplugged_board_vanishes(usb_board):
    client = BoardClient.open("usb://1209:0001/VB-A?backend=test-usb")
    usb_board.devices[0].faults.disconnected = True
    with pytest.raises(BoardVanishedError, match="went away during load, upload to CONFIG_IN at byte 0"):
        client.load(tonic_configs(SPEC))


def test_pty_session_with_a_noisy_line():
    """Flipped, dropped and repeated bytes on a real pseudo-terminal (idle detection of lost delimiters)."""
    with PtyBoard(SPEC, faults="flip=0.003,drop=0.001,duplicate=0.001,seed=9") as board:
        check_session(board.url)
        assert board.faults.counts["flipped"] > 0
