"""Front-end scale benchmark: drawing a 100,000 x 100,000 random network.

Two populations of 100,000 cells, connected with FixedProbabilityConnector(p=0.001),
about 10 million synapses, a scalar weight and delays from a uniform
RandomDistribution. Measured twice:

- ``connector``: the connector and the value evaluation alone
  (``ConnectionContext`` -> ``connect`` -> ``evaluate_synapse_values``);
- ``projection``: the PyNN API on the NEST backend module (``Population`` and
  ``Projection`` of ``pynn_hw.nest``) up to the frozen ``Network`` that every backend
  receives (NEST itself is not built: this measures the front-end only).

Figures: wall time, bytes per synapse of the produced arrays (indices + weight +
delay), peak traced memory of the phase (tracemalloc) and the process's peak RSS.
Targets: under 5 s and under 24 bytes per synapse. The last line printed is one JSON
object with all figures.

Usage: ``python benchmarks/frontend_scale.py [--n 100000] [--p 0.001] [--seed 1]``
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

TARGET_SECONDS = 5.0
TARGET_BYTES_PER_SYNAPSE = 24.0


def _measure(build) -> tuple[dict[str, Any], Any]:
    tracemalloc.start()
    start = time.perf_counter()
    result, n_synapses, nbytes = build()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures = {
        "seconds": round(seconds, 3),
        "synapses": int(n_synapses),
        "bytes_per_synapse": round(nbytes / max(n_synapses, 1), 3),
        "peak_traced_mb": round(peak / 2**20, 1),
    }
    return figures, result


def connector_phase(n: int, p: float, seed: int) -> dict[str, Any]:
    """Connector and synapse values only."""
    from pynn_hw.connectors import (ConnectionContext, FixedProbabilityConnector,
                                    evaluate_synapse_values)
    from pynn_hw.random import NumpyRNG, RandomDistribution

    def build():
        ctx = ConnectionContext.simple(n, n, same=False, label="bench")
        arrays = FixedProbabilityConnector(p, rng=NumpyRNG(seed)).connect(ctx)
        weight = evaluate_synapse_values(0.004, arrays, ctx, name="weight")
        delay = evaluate_synapse_values(
            RandomDistribution("uniform", (0.5, 2.5), rng=NumpyRNG(seed + 1)), arrays, ctx,
            name="delay")
        nbytes = arrays.pre.nbytes + arrays.post.nbytes + weight.nbytes + delay.nbytes
        return (arrays, weight, delay), arrays.size, nbytes

    figures, _ = _measure(build)
    return figures


def projection_phase(n: int, p: float, seed: int) -> dict[str, Any]:
    """The PyNN API of ``pynn_hw.nest`` up to the frozen Network."""
    import pynn_hw.nest as sim

    sim.setup(timestep=0.1)
    try:
        def build():
            pre = sim.Population(n, sim.IF_cond_exp(), label="pre")
            post = sim.Population(n, sim.IF_cond_exp(), label="post")
            sim.Projection(pre, post, sim.FixedProbabilityConnector(p, rng=sim.NumpyRNG(seed)),
                           sim.StaticSynapse(weight=0.004, delay=sim.RandomDistribution(
                               "uniform", (0.5, 2.5), rng=sim.NumpyRNG(seed + 1))))
            network = sim.session.network()
            spec = network.projections[0]
            nbytes = spec.pre.nbytes + spec.post.nbytes + sum(
                np.asarray(v).nbytes for v in spec.parameters.values())
            return network, spec.size, nbytes

        figures, _ = _measure(build)
    finally:
        sim.end()
    return figures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="cells per population")
    parser.add_argument("--p", type=float, default=0.001, help="connection probability")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    result: dict[str, Any] = {"benchmark": "frontend_scale", "n_pre": args.n, "n_post": args.n,
                              "p_connect": args.p}
    result["connector"] = connector_phase(args.n, args.p, args.seed)
    print(f"connector level: {result['connector']}", file=sys.stderr)
    try:
        result["projection"] = projection_phase(args.n, args.p, args.seed)
        print(f"projection level: {result['projection']}", file=sys.stderr)
    except ImportError as exc:  # front-end API not importable: report, do not hide
        result["projection"] = {"error": f"pynn_hw.nest not usable: {exc}"}
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    measured = [v for v in (result["connector"], result["projection"]) if "seconds" in v]
    result["meets_targets"] = all(
        v["seconds"] < TARGET_SECONDS and v["bytes_per_synapse"] < TARGET_BYTES_PER_SYNAPSE
        for v in measured)
    result["targets"] = {"seconds": TARGET_SECONDS,
                         "bytes_per_synapse": TARGET_BYTES_PER_SYNAPSE}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
