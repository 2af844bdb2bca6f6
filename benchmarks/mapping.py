"""Mapping benchmark: networks of 100 to 100,000 neurons onto generated torus boards.

Usage: python benchmarks/mapping.py [--quick]

Networks (all conductance-based LIF, IF_cond_exp):

* ``random_100``, ``random_1000``: random networks built through the front-end
  (``pynn_hw.nest`` populations and projections; nothing is simulated), 80 % excitatory,
  Vogels-Abbott weights, in-degree 10 and 80, with a Poisson kick-start population;
* ``va_4000``: the Vogels-Abbott COBA network of ``../shared/bench/va_coba.py``
  (4000 neurons, p = 0.02, ~325k synapses, same seed);
* ``clustered_20000``, ``clustered_100000``: random modular networks built directly as a
  ``Network`` (front-end connectors would spend minutes drawing 10^7 synapses):
  clusters of 160 neurons; every neuron gets 96 synapses from random members of its own
  cluster and 4 from the 16 "hub" neurons of the previous cluster (in-degree 100,
  10^7 synapses for 10^5 neurons).

Boards: generated tori (``mapping.boards.torus_board``). The dense random networks need
planning boards with larger routers (4096 entries) and wider links (8 events per cycle,
8e8 events/s hardware) than the shipped board_4x4 (1024 entries, 2 events per cycle):
every route travels separately on this target (no multicast), and the all-to-all traffic
of a random network concentrates on the links the fixed path rule prefers.

Prints one line per network, then LAST a JSON line:
``{"networks": [{name, neurons, synapses, map_s, chips, chips_lower_bound, lost, ...}]}``.
"""

from __future__ import annotations

import json
import math
import resource
import sys
import time
from pathlib import Path

import numpy as np

# this file is named like the package it measures: import the package, not itself
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from mapping import map_network  # noqa: E402
from mapping.boards import torus_board  # noqa: E402
from pynn_hw.network import Network, PopulationSpec, ProjectionSpec, RecordingSpec  # noqa: E402
from pynn_hw.standardmodels.cells import IF_cond_exp  # noqa: E402
from pynn_hw.standardmodels.synapses import StaticSynapse  # noqa: E402

CELL = dict(tau_m=20.0, cm=0.2, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0, tau_syn_E=5.0,
            tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0, i_offset=0.0)


def random_network(n: int, p: float, seed: int) -> Network:
    """Vogels-Abbott-like network through the front-end (as va_coba.py)."""
    import pynn_hw.nest as sim

    sim.setup(timestep=0.1, min_delay=0.2, max_delay=1.0)
    n_exc = int(n * 0.8)
    exc = sim.Population(n_exc, sim.IF_cond_exp(**CELL), label="exc")
    inh = sim.Population(n - n_exc, sim.IF_cond_exp(**CELL), label="inh")
    rng = sim.random.NumpyRNG(seed=seed)
    ext = sim.Population(20, sim.SpikeSourcePoisson(rate=50.0, start=0.0, duration=50.0), label="ext")
    conn = sim.FixedProbabilityConnector(p, rng=rng)
    for src, w, rec in ((exc, 0.004, "excitatory"), (inh, 0.051, "inhibitory")):
        for tgt in (exc, inh):
            sim.Projection(src, tgt, conn, sim.StaticSynapse(weight=w, delay=0.2), receptor_type=rec)
    sim.Projection(ext, exc, sim.FixedProbabilityConnector(0.1, rng=rng), sim.StaticSynapse(weight=0.1, delay=0.2),
                   receptor_type="excitatory")
    net = sim.session.network()
    sim.end()
    return net


def clustered_network(n: int, seed: int, cluster: int = 160, k_in: int = 96, k_hub: int = 4,
                      hubs: int = 16) -> Network:
    """Modular random network built directly as a Network (vectorised)."""
    rng = np.random.default_rng(seed)
    n_clusters = n // cluster
    n = n_clusters * cluster
    post = np.repeat(np.arange(n), k_in + k_hub)
    c = post // cluster
    # k_in distinct members of the own cluster, no self connection
    local = np.argsort(rng.random((n, cluster - 1)), axis=1)[:, :k_in]
    own = np.arange(n)[:, None] % cluster
    local = np.where(local >= own, local + 1, local)
    hub = np.argsort(rng.random((n, hubs)), axis=1)[:, :k_hub]
    prev = ((np.arange(n) // cluster - 1) % n_clusters)[:, None]
    pre = np.concatenate([(c.reshape(n, -1)[:, :k_in] * cluster + local), prev * cluster + hub], axis=1).ravel()
    cells = np.arange(n)
    pop = PopulationSpec(
        index=0, label="clustered", size=n, offset=0, celltype=IF_cond_exp,
        parameters={k: np.array(v) for k, v in CELL.items()}, initial_values={"v": np.array(-60.0)},
        positions=np.zeros((3, n)), recording=RecordingSpec({}, 0.1))
    prj = ProjectionSpec(
        index=0, label="clustered->clustered", pre_cells=cells, post_cells=cells, pre=pre.astype(np.int64),
        post=post.astype(np.int64), synapse_type=StaticSynapse,
        parameters={"weight": np.array(0.002), "delay": np.array(0.2)}, receptor_type="excitatory")
    return Network(timestep=0.1, min_delay=0.1, max_delay=1.0, populations=(pop,), projections=(prj,),
                   current_sources=())


def run(name: str, net: Network, side: int, **board_kw) -> dict:
    board = torus_board(side, side, **board_kw)
    t = time.perf_counter()
    m = map_network(net, board)
    dt = time.perf_counter() - t
    r = m.report
    row = {
        "name": name, "neurons": r.neurons, "synapses": r.synapses_requested, "map_s": round(dt, 2),
        "chips": r.chips_used, "chips_lower_bound": r.chips_lower_bound,
        "ratio": round(r.chips_used / max(r.chips_lower_bound, 1), 3), "lost": r.synapses_lost_total,
        "board": f"{board.name} ({board.n_chips} chips, router {board.chips[0].router_entries}, "
                 f"links {board.topology.edges[next(iter(board.topology.edges))]['events_per_s']:.0e}/s)",
        "link_load_max": round(r.link_load_max), "link_bandwidth": round(r.link_bandwidth),
        "router_entries_max": r.router_entries_max, "weight_rel_max_error": round(r.weight_rel_max_error, 5),
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "steps": r.step_seconds,
        "lower_bound_terms": m.extra.get("lower_bound_terms", {}),
    }
    print(f"{name}: {row['neurons']} neurons, {row['synapses']} synapses, {row['map_s']} s, {row['chips']} chips "
          f"(bound {row['chips_lower_bound']}, ratio {row['ratio']}), lost {row['lost']}", flush=True)
    return row


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    wide = dict(router_entries=4096, link_events_per_s=8.0e8)
    rows = [
        run("random_100", random_network(100, 0.1, seed=1), 4),
        run("random_1000", random_network(1000, 0.08, seed=2), 20, **wide),
        run("va_4000", random_network(4000, 0.02, seed=98765), 40, **wide),
        run("clustered_20000", clustered_network(20000, seed=3), 9),
    ]
    if not quick:
        rows.append(run("clustered_100000", clustered_network(100000, seed=4), math.ceil(math.sqrt(320))))
    print(json.dumps({"networks": rows}))


if __name__ == "__main__":
    main(sys.argv[1:])
