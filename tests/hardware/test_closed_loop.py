"""Closed loops: runs in chunks with callbacks, inputs changed between chunks without re-mapping."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from .conftest import load_example

pytestmark = pytest.mark.filterwarnings("ignore:no calibration table")   # nominal codes, as on the emulator

TOLERANCE_HZ = 3.0


def _controlled(sim, **setup_options):
    cl = load_example("closed_loop")
    controller = cl.run_experiment(sim, **setup_options)
    sim.end()
    return cl, np.array(controller.history)


@pytest.mark.parametrize("backend", ["emulator", "hardware", "nest"])
def test_the_controller_holds_the_target_rate(backend, virtual_board_factory):
    sim = importlib.import_module(f"pynn_hw.{backend}")
    options = {"emulator": lambda: {"rng_seed": 1, "board": "single_chip"},
               "hardware": lambda: {"rng_seed": 1, "board": virtual_board_factory("single_chip", "pty").url},
               "nest": dict}[backend]()
    cl, history = _controlled(sim, **options)
    t, measured, drive = history.T
    assert history.shape == (cl.T_STOP / cl.CHUNK_MS - 1, 3)
    np.testing.assert_allclose(t, cl.CHUNK_MS * np.arange(1, len(t) + 1))
    # the start drive (5 Hz) leaves the cells nearly silent: the controller had to move it
    assert measured[0] < 5.0 and drive[0] > cl.START_DRIVE_HZ
    # second half: 19 chunks of 50 cells x 50 ms; one chunk's rate has a spread of about 6 Hz
    # (measured: 5-7 Hz on the three backends), so the mean of 19 about 1.4 Hz; 3 Hz is 2 of those
    late = t > cl.T_STOP / 2
    assert abs(measured[late].mean() - cl.TARGET_HZ) < TOLERANCE_HZ
    assert 10.0 < drive[late].min() and drive[late].max() < 40.0     # the drive settled, no oscillation


def test_the_closed_loop_is_bit_identical_on_the_emulator_and_over_usb(virtual_board_factory):
    import pynn_hw.emulator as emu
    import pynn_hw.hardware as hw
    vb = virtual_board_factory("single_chip", "usb")
    _, linked = _controlled(hw, rng_seed=2, board=vb.url)
    _, direct = _controlled(emu, rng_seed=2, board="single_chip")
    assert np.array_equal(linked, direct)
    assert np.ptp(direct[:, 2]) > 5.0     # the drive did change from chunk to chunk


class _Counter:
    def __init__(self, monkeypatch):
        import mapping
        from pynn_hw.board_backend import EmulatorDriver
        from pynn_hw.board_backend.link_driver import LinkDriver
        self.calls = {"map_network": 0, "load": 0, "reconfigure": 0}
        self._wrap(monkeypatch, mapping, "map_network")
        for cls in (EmulatorDriver, LinkDriver):
            self._wrap(monkeypatch, cls, "load")
            self._wrap(monkeypatch, cls, "reconfigure")

    def _wrap(self, monkeypatch, owner, name):
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            self.calls[name] += 1
            return original(*args, **kwargs)
        monkeypatch.setattr(owner, name, counted)


@pytest.mark.parametrize("backend", ["emulator", "hardware"])
def test_inputs_change_between_chunks_without_remapping(backend, monkeypatch):
    """Poisson rates and spike-array times change in callbacks; the mapping runs once (at build),
    the board is loaded once and never reconfigured; the new inputs act from the next chunk."""
    sim = importlib.import_module(f"pynn_hw.{backend}")
    counter = _Counter(monkeypatch)
    sim.setup(timestep=0.1, min_delay=0.1, rng_seed=4,
              board="emu://single_chip" if backend == "hardware" else "single_chip")
    cell = sim.IF_cond_exp(cm=0.2, tau_m=20.0, v_thresh=-50.0, tau_refrac=2.0)
    pulse = sim.Population(4, sim.SpikeSourceArray(spike_times=[5.0]), label="pulse")
    noise = sim.Population(20, sim.SpikeSourcePoisson(rate=0.0), label="noise")
    cells = sim.Population(4, cell, label="cells")
    quiet = sim.Population(4, cell, label="quiet")
    sim.Projection(pulse, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.03))
    sim.Projection(noise, quiet, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.003))
    for pop in (pulse, noise, cells):
        pop.record("spikes")
    seen = []

    def change_inputs(t):
        if t == 20.0:
            pulse.set(spike_times=[25.0, 35.0])
            noise.set(rate=200.0)
        if t > 0:
            # only the finished chunks are visible, and the inputs of the next are not played yet
            times = [float(x) for st in cells.get_data("spikes").segments[0].spiketrains for x in st.magnitude]
            seen.append((t, max(times, default=-1.0)))
        return t + 10.0

    sim.run(50.0, callbacks=[change_inputs])
    pulse_times = [list(np.asarray(st.magnitude)) for st in pulse.get_data().segments[0].spiketrains]
    cell_times = [np.asarray(st.magnitude) for st in cells.get_data().segments[0].spiketrains]
    noise_counts = [len(st) for st in noise.get_data().segments[0].spiketrains]
    noise_times = np.concatenate([np.asarray(st.magnitude) for st in noise.get_data().segments[0].spiketrains])
    assert counter.calls == {"map_network": 1, "load": 1, "reconfigure": 0}

    assert pulse_times == [[5.0, 25.0, 35.0]] * 4
    for times in cell_times:      # each pulse drives a spike within 3 ms; nothing between the pulses 5 and 25
        assert all(((times > p) & (times < p + 3.0)).any() for p in (5.0, 25.0, 35.0))
        assert not ((times > 8.0) & (times < 25.0)).any()
    # rate 0 until t = 20 ms, then 200 Hz for 30 ms: 20 x 6 = 120 expected spikes (Poisson, 5 sd ~ 55)
    assert noise_times.min() >= 20.0 and 65 < sum(noise_counts) < 175
    assert [t for t, _ in seen] == [10.0, 20.0, 30.0, 40.0]
    assert all(last < t for t, last in seen) and seen[0][1] > 5.0

    # a neuron parameter is no input: it re-maps (and reconfigures one chip in place)
    cells.set(tau_m=15.0)
    assert counter.calls["map_network"] == 2 and counter.calls["reconfigure"] == 1
    sim.end()


@pytest.mark.virtual_board(board="single_chip", transport="pty")
def test_the_example_runs_unmodified_on_a_board_named_by_the_environment(virtual_board, capsys):
    import pynn_hw.hardware as sim
    cl = load_example("closed_loop")
    cl.main(sim)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("mean rate over the second half:")
    assert abs(float(last.split(":")[1].split()[0]) - cl.TARGET_HZ) < TOLERANCE_HZ
