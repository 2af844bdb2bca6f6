"""Vogels-Abbott COBA benchmark: pynn_hw on NEST against PyNN on NEST.

Runs the shared benchmark script (``va_coba.py``) once with ``pynn_hw.nest`` and,
when available, once with ``pyNN.nest``, each in its own process, and prints one
JSON object as the last line::

    {"pynn_hw": {"build_s", "run_s", "rate_exc", "rate_inh"},
     "pynn": {...} or null, "build_ratio", "run_ratio"}

``pynn_hw`` builds the NEST network at the first ``run()``, so its ``run_s``
includes that construction; ``total_s`` (build + run) compares the whole cost.
``cpu_s`` is the CPU time of the whole benchmark process (import included), which
other processes on the machine disturb less than the wall-clock times.

Environment:
    PYNN_HW_SHARED  folder holding ``bench/va_coba.py`` (default: ../shared next to
                    the repository)
    PYNN_PYTHON     Python interpreter that has PyNN + NEST (default: this one, if
                    it can import pyNN.nest)

Each side runs ``PYNN_HW_REPEAT`` times (default 2), alternating, and the shortest
times are kept: other processes on the machine then disturb the ratios less.

Usage: python benchmarks/va_nest.py [n_neurons] [t_stop_ms]
"""

from __future__ import annotations

import json
import os
import resource
import sys

from va_common import benchmark_script, check, json_lines, rate_diffs, run_child


def pynn_python() -> str | None:
    """The interpreter to run PyNN with, or None if PyNN + NEST is not available."""
    python = os.environ.get("PYNN_PYTHON", sys.executable)
    probe = run_child(["-c", "import pyNN.nest"], python=python)
    return python if probe.returncode == 0 else None


def run(python: str, module: str, args: list[str]) -> dict:
    """Run the benchmark for one module; return its JSON result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = run_child([str(benchmark_script()), module, *args], python=python)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    results = json_lines(done.stdout)
    check(done, module, bool(results))
    result = results[-1]
    return {"build_s": result["t_build"], "run_s": result["t_run"],
            "total_s": round(result["t_build"] + result["t_run"], 3),
            "cpu_s": round(cpu, 3),
            "rate_exc": result["rate_exc"], "rate_inh": result["rate_inh"],
            "synapses": result["synapses"]}


def _best(results: list[dict]) -> dict | None:
    """The first result with the shortest time of each kind."""
    if not results:
        return None
    best = dict(results[0])
    for key in ("build_s", "run_s", "total_s", "cpu_s"):
        best[key] = min(r[key] for r in results)
    return best


def main(args: list[str]) -> dict:
    repeat = max(1, int(os.environ.get("PYNN_HW_REPEAT", "2")))
    python = pynn_python()
    if python is None:
        print("pyNN.nest: not available (set PYNN_PYTHON to an interpreter with PyNN)",
              flush=True)
    mine, theirs = [], []
    for _ in range(repeat):
        mine.append(run(sys.executable, "pynn_hw.nest", args))
        print("pynn_hw.nest:", json.dumps(mine[-1]), flush=True)
        if python is not None:
            theirs.append(run(python, "pyNN.nest", args))
            print("pyNN.nest:  ", json.dumps(theirs[-1]), flush=True)
    ours, reference = _best(mine), _best(theirs)
    result = {"pynn_hw": ours, "pynn": reference, "build_ratio": None, "run_ratio": None,
              "total_ratio": None, "cpu_ratio": None}
    if reference is not None:
        for key, name in (("build_ratio", "build_s"), ("run_ratio", "run_s"),
                          ("total_ratio", "total_s"), ("cpu_ratio", "cpu_s")):
            result[key] = round(ours[name] / reference[name], 3) if reference[name] else None
        result.update(rate_diffs(ours, reference, key="rate_{}_rel_diff"))
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
