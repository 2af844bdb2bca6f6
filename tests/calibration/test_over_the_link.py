"""The calibration probes through the host-link protocol (pyserial on a pseudo-terminal board).

A real board offers exactly load / reconfigure / set_readout / reset / write_input /
run (spikes and the 4 read-out traces per chip); the probes use nothing else, so
over the link they must give what they give on the emulator in-process.
"""

from __future__ import annotations

import numpy as np

from calibration.probes import base_configs
from calibration.session import Session
from calibration.spikes import tau_m_of
from calibration.voltages import e_rev_configs, measure_e_rev_i, measure_tonic, tonic_configs
from emulator import Board
from emulator.virtual_board import PtyBoard
from firmware_io import BoardSpec
from firmware_io.protocol import BoardClient


def _probe(board) -> tuple:
    s = Session(board)
    base = base_configs(BoardSpec.load("single_chip").serials)
    s.configure(tonic_configs(base, -50.0, -70.0, -95.0))
    tonic = measure_tonic(s, 1, np.array([0, 7]))
    s.configure(tonic_configs(base, -50.0, -70.0, -95.0, g_leak_code=120, refrac_code=0))
    ratio = np.log((tonic.v_rest - tonic.v_reset) / (tonic.v_rest - tonic.v_thresh))
    tau = tau_m_of(s.run(400), np.where(np.isfinite(ratio), ratio, 1.0))
    s.configure(e_rev_configs(base, -75.0))
    return tonic, tau, measure_e_rev_i(s, 1, np.array([3]))


def test_probes_over_a_serial_link_equal_the_in_process_emulator():
    spec = BoardSpec.load("single_chip")
    local = _probe(Board(spec))
    # the virtual board emulates nominal chips unless told otherwise: give it the mismatched emulator
    with PtyBoard("single_chip", make_board=Board) as pty, BoardClient.open(pty.url, expect=spec) as client:
        linked = _probe(client)
    for name in ("v_rest", "v_reset", "v_thresh", "tau_m"):   # 2 read-out positions x 4 channels
        a, b = getattr(local[0], name), getattr(linked[0], name)
        assert np.isfinite(a).sum() == 8 and np.array_equal(a, b, equal_nan=True), name
    assert np.isfinite(local[1]).all() and np.array_equal(local[1], linked[1])
    assert np.isfinite(local[2]).sum() == 4 and np.array_equal(local[2], linked[2], equal_nan=True)
