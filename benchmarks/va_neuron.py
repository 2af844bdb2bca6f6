"""Vogels-Abbott COBA benchmark: pynn_hw on NEURON against pynn_hw on NEST and
against real PyNN on NEURON.

Runs the shared benchmark script (``va_coba.py``) with ``pynn_hw.neuron``, with
``pynn_hw.nest`` and, when available, with ``pyNN.neuron``, each in its own process,
and prints one JSON object as the last line::

    {"neuron": {"build_s", "run_s", "rate_exc", "rate_inh", ...},
     "nest": {...}, "rate_diff_exc", "rate_diff_inh",
     "pynn": {"build_s", "run_s", ...} or null, "build_ratio", "run_ratio", ...}

Both pynn_hw backends build their simulator objects at the first ``run()``. The
benchmark process wraps ``Session.ensure_built`` and ``Session.network`` to split
that first ``run()``: ``network_s`` is the front-end freezing its objects into a
Network, ``backend_build_s`` the backend making and building itself from it
(including loading the compiled NMODL mechanisms), ``run_s`` the rest, i.e. the
simulation; ``frontend_build_s`` is the script's own "build" phase (populations and
projections in the front-end) and ``build_s`` = front-end + network + backend build.
``rate_diff_*`` are relative differences NEURON / NEST - 1.

``pynn`` is real PyNN on NEURON, which creates NEURON's objects as the script creates
populations and projections: its ``build_s`` is the script's ``t_build``, its
``run_s`` the script's ``t_run``. The ratios are pynn_hw on NEURON / PyNN on NEURON.
PyNN needs its NMODL files compiled once (``nrnivmodl`` in ``pyNN/neuron/nmodl``; it
tries that itself on first import if ``nrnivmodl`` is on PATH).

Environment:
    PYNN_HW_SHARED  folder holding ``bench/va_coba.py`` (default: ../shared next to
                    the repository)
    PYNN_PYTHON     Python interpreter that has PyNN + NEURON (default: this one, if
                    it can import pyNN.neuron)

Usage: python benchmarks/va_neuron.py [n_neurons] [t_stop_ms]
"""

from __future__ import annotations

import json
import sys

from va_common import (REPO, against_pynn, benchmark_script, check, json_lines,
                       pynn_python, rate_diffs, run_child, run_pynn)

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
    backend, network = timing["build_s"], timing["network_s"]
    return {"build_s": round(result["t_build"] + network + backend, 3),
            "run_s": round(result["t_run"] - backend - network, 3),
            "total_s": round(result["t_build"] + result["t_run"], 3),
            "rate_exc": result["rate_exc"], "rate_inh": result["rate_inh"],
            "frontend_build_s": result["t_build"], "network_s": network,
            "backend_build_s": backend, "synapses": result["synapses"]}


def main(args: list[str]) -> dict:
    neuron = run("pynn_hw.neuron", args)
    print("pynn_hw.neuron:", json.dumps(neuron), flush=True)
    nest = run("pynn_hw.nest", args)
    print("pynn_hw.nest:  ", json.dumps(nest), flush=True)
    python = pynn_python("pyNN.neuron")
    reference = run_pynn(python, "pyNN.neuron", args) if python else None
    print("pyNN.neuron:   ", json.dumps(reference), flush=True)
    comparison = against_pynn(neuron, reference)
    del comparison["pynn_hw"]
    return {"neuron": neuron, "nest": nest, **rate_diffs(neuron, nest), **comparison}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
