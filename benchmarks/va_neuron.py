"""Vogels-Abbott COBA benchmark: pynn_hw on NEURON against pynn_hw on NEST.

Runs the shared benchmark script (``va_coba.py``) with ``pynn_hw.neuron`` and with
``pynn_hw.nest``, each in its own process, and prints one JSON object as the last
line::

    {"neuron": {"build_s", "run_s", "rate_exc", "rate_inh", ...},
     "nest": {...}, "rate_diff_exc", "rate_diff_inh"}

Both backends build their simulator objects at the first ``run()``. The benchmark
process wraps ``Session.ensure_built`` and ``Session.network`` to split that first
``run()``: ``network_s`` is the front-end freezing its objects into a Network,
``build_s`` the backend making and building itself from it (including loading the
compiled NMODL mechanisms), ``run_s`` the rest, i.e. the simulation;
``frontend_build_s`` is the script's own "build" phase (populations and projections
in the front-end). ``rate_diff_*`` are relative differences NEURON / NEST - 1.

Environment:
    PYNN_HW_SHARED  folder holding ``bench/va_coba.py`` (default: ../shared next to
                    the repository)

Usage: python benchmarks/va_neuron.py [n_neurons] [t_stop_ms]
"""

from __future__ import annotations

import json
import sys

from va_common import REPO, benchmark_script, check, json_lines, rate_diffs, run_child

#: Runs va_coba.py with the backend's build() timed; prints the time as JSON.
_RUNNER = """
import json, runpy, sys, time
from pynn_hw.session import Session
timed, frozen = [], []
original_build, original_network = Session.ensure_built, Session.network
def ensure_built(self):
    fresh = self.backend is None or self.structure_changed
    start = time.perf_counter()
    backend = original_build(self)
    if fresh:
        timed.append(time.perf_counter() - start)
    return backend
def network(self):
    start = time.perf_counter()
    made = original_network(self)
    frozen.append(time.perf_counter() - start)
    return made
Session.ensure_built, Session.network = ensure_built, network
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
print(json.dumps({"build_s": round(sum(timed) - sum(frozen), 3),
                  "network_s": round(sum(frozen), 3)}))
"""


def run(module: str, args: list[str]) -> dict:
    """Run the benchmark for one backend module; return its figures."""
    done = run_child(["-c", _RUNNER, str(benchmark_script()), module, *args], cwd=REPO)
    lines = json_lines(done.stdout, last=2)
    check(done, module, len(lines) == 2)
    result, timing = lines
    build, network = timing["build_s"], timing["network_s"]
    return {"build_s": build, "run_s": round(result["t_run"] - build - network, 3),
            "rate_exc": result["rate_exc"], "rate_inh": result["rate_inh"],
            "frontend_build_s": result["t_build"], "network_s": network,
            "synapses": result["synapses"]}


def main(args: list[str]) -> dict:
    neuron = run("pynn_hw.neuron", args)
    print("pynn_hw.neuron:", json.dumps(neuron), flush=True)
    nest = run("pynn_hw.nest", args)
    print("pynn_hw.nest:  ", json.dumps(nest), flush=True)
    return {"neuron": neuron, "nest": nest, **rate_diffs(neuron, nest)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
