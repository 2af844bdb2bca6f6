"""The board backend drives a virtual board through BoardClient exactly as it drives the emulator."""

import sys
import types

import numpy as np

from emulator.virtual_board import PtyBoard
from firmware_io.protocol import BoardClient
from pynn_hw.api import backend_namespace
from pynn_hw.board_backend import BoardBackend


def simulate(factory, name):
    sim = types.ModuleType(name)
    sys.modules[name] = sim
    try:
        sim.__dict__.update(backend_namespace(
            "emulator", lambda **options: BoardBackend(driver_factory=factory, **options), name))
        sim.setup(timestep=0.1, board="single_chip", rng_seed=1)
        src = sim.Population(20, sim.SpikeSourcePoisson(rate=50.0))
        cells = sim.Population(50, sim.IF_cond_exp())
        sim.Projection(src, cells, sim.FixedProbabilityConnector(0.5, rng=sim.NumpyRNG(3)),
                       sim.StaticSynapse(weight=0.01))
        cells.record("spikes")
        cells[0:3].record("v")
        sim.run(100.0)
        segment = cells.get_data().segments[0]
        spikes = [np.asarray(train.magnitude) for train in segment.spiketrains]
        v = segment.analogsignals[0].magnitude
        sim.end()
        return spikes, v
    finally:
        del sys.modules[name]


def test_board_backend_over_a_pty_board_matches_the_emulator():
    with PtyBoard("single_chip") as board:
        linked = simulate(lambda spec, options: BoardClient.open(board.url, expect=spec), "seam_pty")
    direct = simulate(None, "seam_emulator")
    assert sum(len(s) for s in direct[0]) > 50
    assert all(np.array_equal(a, b) for a, b in zip(linked[0], direct[0]))
    assert np.array_equal(linked[1], direct[1])
