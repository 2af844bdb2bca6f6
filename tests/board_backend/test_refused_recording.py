"""A recording request the board refuses leaves no trace in the front-end."""

import pytest

from pynn_hw.errors import RecordingError


def test_refused_readout_after_build_keeps_earlier_data():
    import pynn_hw.emulator as sim
    sim.setup(timestep=0.1, board="single_chip")
    cells = sim.Population(10, sim.IF_cond_exp(), label="cells")
    drive = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0]), label="drive")
    sim.Projection(drive, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.05))
    cells.record("spikes")
    sim.run(20.0)
    # one chip has 4 membrane read-out channels: 10 cells cannot all be read out
    with pytest.raises(RecordingError):
        cells.record("v")
    sim.run(10.0)
    block = cells.get_data()
    assert [s.name for s in block.segments[0].analogsignals] == []
    assert len(block.segments[0].spiketrains) == 10
    sim.end()
