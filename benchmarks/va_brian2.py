"""Vogels-Abbott COBA benchmark: pynn_hw on Brian 2 against pynn_hw on NEST and
against real PyNN on Brian 2.

Runs the shared benchmark script (``va_coba.py``) with ``pynn_hw.brian2``, with
``pynn_hw.nest`` and, when available, with ``pyNN.brian2``, each in its own process,
and prints one JSON object as the last line::

    {"brian2": {"build_s", "run_s", "rate_exc", "rate_inh", ...},
     "nest": {...}, "rate_diff_exc", "rate_diff_inh",
     "pynn": {"build_s", "run_s", ...} or null, "build_ratio", "run_ratio", ...}

``pynn`` is real PyNN on Brian 2: it creates Brian's objects as the script creates
populations and projections, so its ``build_s`` is the script's ``t_build`` and its
``run_s`` the script's ``t_run`` (Brian's code generation included). The ratios are
pynn_hw on Brian 2 / PyNN on Brian 2.

How the times are measured. ``va_coba.py`` times the front-end (``t_build``) and the
first ``run()`` (``t_run``). pynn_hw backends build at the first ``run()``, so each
process runs ``va_coba.py`` unchanged with the backend class instrumented:

- ``network_s``: the front-end freezing its objects into a Network;
- ``backend_build_s``: ``Backend.build(network)`` (Brian: groups, synapses
  connected from arrays, weights and delays, stored state; NEST: nodes and
  connections);
- ``first_step_s`` (Brian only): the first time step, i.e. Brian's code generation
  and the checks it does before a network first runs;
- ``build_s`` = front-end + network + backend build (+ first step for Brian);
- ``run_s`` = ``t_run`` minus network, backend build (and first step): simulation only.

``rate_diff_*`` is Brian's rate relative to NEST's (0.05 = 5 % higher).

Environment:
    PYNN_HW_SHARED  folder holding ``bench/va_coba.py`` (default: ../shared next to
                    the repository)
    PYNN_PYTHON     Python interpreter that has PyNN + Brian 2 (default: this one, if
                    it can import pyNN.brian2); PyNN on Brian 2 takes minutes at the
                    default size

Usage: python benchmarks/va_brian2.py [n_neurons] [t_stop_ms] [--cython]

``--cython`` adds a run with ``codegen_target='cython'`` (key ``brian2_cython``).
"""

from __future__ import annotations

import json
import sys

from va_common import (against_pynn, benchmark_script, check, json_lines, pynn_python,
                       rate_diffs, run_child, run_pynn)

# Executed in the child process: wrap Session.network(), build() and the first
# run_until() of the backend class, then run va_coba.py as a script.
_INSTRUMENT = r"""
import json, runpy, sys, time
module, target, script = sys.argv[1], sys.argv[2], sys.argv[3]
sys.argv = [script, module, *sys.argv[4:]]
timings = {}
if module.endswith("brian2"):
    from software_backends.brian2.backend import Brian2Backend as cls
    init = cls.__init__
    def init_with_target(self, **options):
        init(self, **{"codegen_target": target, **options})
    cls.__init__ = init_with_target
else:
    from software_backends.nest.backend import NestBackend as cls
from pynn_hw.session import Session
freeze = Session.network
def timed_network(self):
    start = time.perf_counter()
    made = freeze(self)
    timings["network_s"] = timings.get("network_s", 0.0) + time.perf_counter() - start
    return made
Session.network = timed_network
build, run_until = cls.build, cls.run_until
def timed_build(self, network):
    start = time.perf_counter()
    build(self, network)
    timings["backend_build_s"] = time.perf_counter() - start
def timed_run_until(self, t):
    if module.endswith("brian2") and "first_step_s" not in timings:
        start = time.perf_counter()
        run_until(self, self.dt)
        timings["first_step_s"] = time.perf_counter() - start
    return run_until(self, t)
cls.build, cls.run_until = timed_build, timed_run_until
runpy.run_path(script, run_name="__main__")
print("TIMINGS " + json.dumps(timings))
"""


def run(module: str, args: list[str], target: str = "numpy") -> dict:
    """Run the benchmark for one backend module; return its figures."""
    done = run_child(["-c", _INSTRUMENT, module, target, str(benchmark_script()), *args])
    results = json_lines(done.stdout)
    timings = [line for line in done.stdout.splitlines() if line.startswith("TIMINGS ")]
    check(done, module, bool(results and timings))
    result = results[-1]
    timing = json.loads(timings[-1][len("TIMINGS "):])
    network = timing.get("network_s", 0.0)
    backend = network + timing["backend_build_s"] + timing.get("first_step_s", 0.0)
    return {"build_s": round(result["t_build"] + backend, 3),
            "run_s": round(result["t_run"] - backend, 3),
            "rate_exc": result["rate_exc"], "rate_inh": result["rate_inh"],
            "total_s": round(result["t_build"] + result["t_run"], 3),
            "frontend_build_s": result["t_build"], "network_s": round(network, 3),
            "backend_build_s": round(timing["backend_build_s"], 3),
            "first_step_s": round(timing.get("first_step_s", 0.0), 3),
            "t_run_as_reported": result["t_run"], "synapses": result["synapses"]}


def main(args: list[str], cython: bool = False) -> dict:
    brian = run("pynn_hw.brian2", args)
    print("pynn_hw.brian2:", json.dumps(brian), flush=True)
    nest = run("pynn_hw.nest", args)
    print("pynn_hw.nest:  ", json.dumps(nest), flush=True)
    result = {"brian2": brian, "nest": nest, **rate_diffs(brian, nest)}
    if cython:
        # the first run ever compiles (minutes); later runs load Brian's disk cache
        result["brian2_cython"] = run("pynn_hw.brian2", args, target="cython")
        print("pynn_hw.brian2 (cython):", json.dumps(result["brian2_cython"]), flush=True)
    python = pynn_python("pyNN.brian2")
    reference = run_pynn(python, "pyNN.brian2", args) if python else None
    print("pyNN.brian2:   ", json.dumps(reference), flush=True)
    comparison = against_pynn(brian, reference)
    del comparison["pynn_hw"]
    result.update(comparison)
    return result


if __name__ == "__main__":
    argv = sys.argv[1:]
    with_cython = "--cython" in argv
    print(json.dumps(main([a for a in argv if a != "--cython"], with_cython)))
