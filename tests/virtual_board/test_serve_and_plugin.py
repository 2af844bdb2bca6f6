"""``pynn-hw board serve`` and the pytest plugin, as users run them."""

import os
import signal
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from firmware_io import BoardSpec
from firmware_io.protocol import BoardClient, BoardRefusedError

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


def serve(*args):
    proc = subprocess.Popen([sys.executable, "-m", "pynn_hw.cli", "board", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT)
    device = proc.stdout.readline().strip()
    return proc, device


def test_board_serve_prints_the_device_and_serves_until_stopped():
    proc, device = serve("--board", "single_chip")
    try:
        assert device.startswith("/dev/"), proc.stderr.read()
        with BoardClient.open(f"serial://{device}", expect=BoardSpec.load("single_chip")) as client:
            assert client.identity.board_id == "single_chip"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_board_serve_with_an_old_protocol_is_refused():
    proc, device = serve("--board", "single_chip", "--versions", "3-4")
    try:
        with pytest.raises(BoardRefusedError, match=r"speaks protocol versions 3\.\.4"):
            BoardClient.open(f"serial://{device}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def test_board_serve_refuses_bad_options():
    proc = subprocess.run([sys.executable, "-m", "pynn_hw.cli", "board", "serve", "--board", "single_chip",
                           "--faults", "flip=2"], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "FaultSpec.flip: 2.0 is invalid" in proc.stderr


USER_TEST = textwrap.dedent('''
    import os
    import pytest
    from firmware_io.protocol import BoardClient
    from pynn_hw.testing.configs import tonic_configs

    def run_experiment(url):
        """A user's experiment code: it only knows the board's URL."""
        with BoardClient.open(url) as board:
            board.load(tonic_configs(board_spec()))
            return board.run(200)

    def board_spec():
        from firmware_io import BoardSpec
        return BoardSpec.load("single_chip")

    def test_over_pty(board_url, virtual_board):
        assert board_url.startswith("serial:///dev/")
        assert os.environ["PYNN_HW_BOARD_URL"] == board_url
        assert run_experiment(board_url).output_events.size > 0
        assert virtual_board.server.board.status().cycle == 200

    @pytest.mark.virtual_board(transport="usb", faults="flip=0.005,seed=4")
    def test_over_usb_with_faults(virtual_board):
        assert virtual_board.url.startswith("usb://1209:0001/")
        assert run_experiment(os.environ["PYNN_HW_BOARD_URL"]).output_events.size > 0
        assert virtual_board.faults.counts["flipped"] > 0

    def test_factory(virtual_board_factory):
        a = virtual_board_factory("single_chip", transport="pty")
        b = virtual_board_factory("single_chip", transport="usb")
        assert run_experiment(a.url).output_events.size == run_experiment(b.url).output_events.size
''')


def test_pytest_plugin_in_a_user_project(tmp_path):
    (tmp_path / "test_user.py").write_text(USER_TEST)
    installed = any(ep.value == "pynn_hw.testing.plugin" for ep in metadata.entry_points(group="pytest11"))
    load = [] if installed else ["-p", "pynn_hw.testing.plugin"]  # the pytest11 entry point loads it once installed
    proc = subprocess.run([sys.executable, "-m", "pytest", *load, "-p", "no:cacheprovider",
                           "-q", "-o", "addopts=", "test_user.py"],
                          capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=120)
    assert "3 passed" in proc.stdout, proc.stdout + proc.stderr
