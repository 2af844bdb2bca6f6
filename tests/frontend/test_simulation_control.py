"""setup/run/reset/end, callbacks, recording layout and the procedural API."""

import numpy as np
import pytest

from pynn_hw import errors


@pytest.mark.parametrize("bad", [{"dt": 0.1}, {"mindelay": 1.0}, {"maxdelay": 1.0},
                                 {"time_step": 0.1}])
def test_setup_refuses_old_argument_names(sim, bad):
    with pytest.raises(Exception) as info:
        sim.setup(**bad)
    assert list(bad)[0] in str(info.value)


def test_setup_refuses_inconsistent_delays(sim):
    with pytest.raises(Exception):
        sim.setup(timestep=0.1, min_delay=2.0, max_delay=1.0)
    with pytest.raises(Exception):
        sim.setup(timestep=0.5, min_delay=0.1)
    assert sim.setup(timestep=0.1, min_delay=0.2, max_delay=5.0) == 0
    assert (sim.get_time_step(), sim.get_min_delay(), sim.get_max_delay()) == (0.1, 0.2, 5.0)
    assert sim.rank() == 0 and sim.num_processes() == 1


def test_auto_min_delay_is_smallest_real_delay(sim):
    p = sim.Population(2, sim.IF_cond_exp())
    sim.Projection(p, p, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.01, delay=0.7))
    sim.Projection(p, p, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.01, delay=0.4))
    sim.run(1.0)
    assert sim.get_min_delay() == pytest.approx(0.4)


def test_run_run_until_and_callbacks(sim):
    sim.Population(1, sim.IF_cond_exp())
    calls = []

    def every_10ms(t):
        calls.append(t)
        return t + 10.0

    assert sim.run(25.0, callbacks=[every_10ms]) == pytest.approx(25.0)
    assert calls == pytest.approx([0.0, 10.0, 20.0])
    assert sim.run_until(40.0) == pytest.approx(40.0)
    assert sim.get_current_time() == pytest.approx(40.0)
    with pytest.raises(ValueError):
        sim.run_until(30.0)


def _dc_driven(sim):
    # rheobase of the default IF_cond_exp: (v_thresh - v_rest) * cm / tau_m = 0.75 nA
    p = sim.Population(3, sim.IF_cond_exp(i_offset=[1.0, 2.0, 0.0]), label="driven")
    p.record(["spikes", "v"])
    return p


def test_neo_layout(sim):
    p = _dc_driven(sim)
    sim.run(100.0)
    block = p.get_data()
    assert block.name == "driven"
    assert block.annotations["simulator"] == "nest" and block.annotations["size"] == 3
    (seg,) = block.segments
    assert seg.name == "segment000"
    trains = seg.spiketrains
    assert len(trains) == 3 and len(trains[2]) == 0          # silent cell kept
    assert len(trains[1]) > len(trains[0]) > 0               # stronger drive, more spikes
    assert str(trains[0].units.dimensionality) == "ms"
    assert float(trains[0].t_stop) == pytest.approx(100.0)
    assert trains[1].annotations["source_population"] == "driven"
    (v,) = seg.filter(name="v")
    assert v.shape == (1001, 3)                              # round(t/dt) + 1 samples
    assert str(v.units.dimensionality) == "mV"
    assert float(v.sampling_period) == pytest.approx(0.1)
    assert v[0, 0] == pytest.approx(-65.0)                   # initial value at t = 0


def test_reset_starts_a_new_segment_with_identical_dynamics(sim):
    p = _dc_driven(sim)
    sim.run(50.0)
    sim.reset()
    assert sim.get_current_time() == 0.0
    sim.run(50.0)
    segs = p.get_data().segments
    assert [s.name for s in segs] == ["segment000", "segment001"]
    for a, b in zip(segs[0].spiketrains, segs[1].spiketrains):
        np.testing.assert_allclose(a.magnitude, b.magnitude)


def test_views_record_and_return_their_cells(sim):
    p = sim.Population(5, sim.IF_cond_exp(i_offset=1.0))
    p[1:3].record("spikes")
    sim.run(30.0)
    block = p[1:3].get_data()
    assert len(block.segments[0].spiketrains) == 2
    counts = p.get_spike_counts()
    assert sorted(int(i) for i in counts) == [int(p[1]), int(p[2])]


def test_recording_errors(sim):
    src = sim.Population(2, sim.SpikeSourcePoisson(rate=5.0))
    with pytest.raises(errors.RecordingError) as info:
        src.record("v")
    assert "v" in str(info.value)
    p = sim.Population(2, sim.IF_cond_exp())
    with pytest.raises(errors.InvalidParameterValueError):
        p.record("v", sampling_interval=0.15)


def test_write_data_by_extension(sim, tmp_path):
    p = _dc_driven(sim)
    sim.run(20.0)
    target = tmp_path / "out.pkl"
    p.write_data(str(target))
    import neo
    block = neo.io.PickleIO(str(target)).read_block()
    assert len(block.segments[0].spiketrains) == 3
    with pytest.raises(IOError):
        p.write_data(str(tmp_path / "out.ras"))


def test_procedural_api(sim, tmp_path):
    with pytest.warns(DeprecationWarning):
        cells = sim.create(sim.IF_cond_exp, {"i_offset": 1.0}, n=4)
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0, 2.0]))
    prj = sim.connect(src, cells, weight=0.02, delay=1.0, p=1.0)
    assert prj.size() == 8 and prj.receptor_type == "excitatory"
    sim.set(cells, tau_m=15.0)
    assert cells.get("tau_m") == 15.0
    sim.initialize(cells, v=-70.0)
    sim.record("spikes", cells, str(tmp_path / "spikes.pkl"))
    sim.run(20.0)
    sim.end()
    assert (tmp_path / "spikes.pkl").exists()


def test_recorded_data_survive_end(sim):
    p = _dc_driven(sim)
    sim.run(30.0)
    before = [len(t) for t in p.get_data().segments[0].spiketrains]
    sim.end()
    after = p.get_data().segments
    assert len(after) == 1 and [len(t) for t in after[0].spiketrains] == before
