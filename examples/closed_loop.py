"""A closed-loop experiment: a controller holds a population's firing rate at a target.

A population of 50 IF_cond_exp cells is driven by 100 Poisson sources. Every
50 ms of biological time the simulation stops (``run(..., callbacks=[...])``),
a controller reads the spikes of the chunk that just finished
(``get_spike_counts``), and changes the Poisson rate for the next chunk
(``drive.set(rate=...)``): an integral controller,

    rate <- clip(rate + GAIN * (TARGET_HZ - measured), 0, MAX_DRIVE_HZ),

that brings the population's rate to ``TARGET_HZ`` whatever the network's gain.
On the board backends nothing is re-mapped between chunks: only the input
events of the next chunk change. The same script runs on every backend::

    pynn-hw run examples/closed_loop.py --backend emulator
    pynn-hw run examples/closed_loop.py --backend nest
    PYNN_HW_BOARD_URL=serial:///dev/ttyUSB0 python examples/closed_loop.py hardware

The wall time of a chunk over the link is ``chunk_roundtrip_ms`` of
``benchmarks/link.py``.
"""

from __future__ import annotations

N_CELLS = 50
N_DRIVE = 100
P_CONNECT = 0.1
TARGET_HZ = 20.0
CHUNK_MS = 50.0
T_STOP = 2000.0
START_DRIVE_HZ = 5.0
MAX_DRIVE_HZ = 200.0
GAIN = 0.3           # Hz of drive per Hz of error, per chunk
CELL = dict(tau_m=20.0, cm=0.2, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, tau_refrac=2.0,
            tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0)
W_DRIVE = 0.003      # uS
DELAY = 0.1          # ms
SEED = 77


def build(sim):
    """Create the network; return (population, Poisson drive)."""
    cells = sim.Population(N_CELLS, sim.IF_cond_exp(**CELL), label="controlled")
    drive = sim.Population(N_DRIVE, sim.SpikeSourcePoisson(rate=START_DRIVE_HZ), label="drive")
    sim.Projection(drive, cells, sim.FixedProbabilityConnector(P_CONNECT, rng=sim.NumpyRNG(seed=SEED)),
                   sim.StaticSynapse(weight=W_DRIVE, delay=DELAY), receptor_type="excitatory")
    cells.record("spikes")
    return cells, drive


class RateController:
    """A callback of ``run()``: every ``chunk`` ms, measure the rate and set the drive.

    Attributes
    ----------
    history : list of (t_ms, measured_hz, drive_hz)
        One entry per finished chunk: its end time, the population's rate in it
        and the drive rate chosen for the next chunk.
    """

    def __init__(self, cells, drive, target: float = TARGET_HZ, gain: float = GAIN,
                 chunk: float = CHUNK_MS, rate: float = START_DRIVE_HZ) -> None:
        self.cells, self.drive = cells, drive
        self.target, self.gain, self.chunk, self.rate = target, gain, chunk, rate
        self.seen = 0
        self.history: list[tuple[float, float, float]] = []

    def __call__(self, t: float) -> float:
        if t > 0:
            total = sum(self.cells.get_spike_counts().values())
            measured = (total - self.seen) / len(self.cells) / (self.chunk / 1000.0)
            self.seen = total
            self.rate = min(max(self.rate + self.gain * (self.target - measured), 0.0), MAX_DRIVE_HZ)
            self.drive.set(rate=self.rate)
            self.history.append((t, measured, self.rate))
        return t + self.chunk


def run_experiment(sim, t_stop: float = T_STOP, **setup_options) -> RateController:
    """Set up, build, run under control to ``t_stop``; return the controller (``sim.end()`` is left to the caller)."""
    sim.setup(timestep=0.1, min_delay=0.1, **setup_options)
    cells, drive = build(sim)
    controller = RateController(cells, drive)
    sim.run(t_stop, callbacks=[controller])
    return controller


def main(sim):
    controller = run_experiment(sim)
    for t, measured, rate in controller.history[::4]:
        print(f"t = {t:6.0f} ms: {measured:5.1f} Hz measured, drive set to {rate:5.1f} Hz")
    late = [m for t, m, _ in controller.history if t > T_STOP / 2]
    print(f"mean rate over the second half: {sum(late) / len(late):.2f} Hz (target {TARGET_HZ} Hz)")
    sim.end()


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 1:     # python examples/closed_loop.py hardware|emulator|nest|...
        import importlib
        sim = importlib.import_module(f"pynn_hw.{sys.argv[1]}")
    else:
        import pyNN.nest as sim   # under `pynn-hw run --backend X` this is pynn_hw.X
    main(sim)
