"""Vogels-Abbott COBA benchmark: every software backend of pynn_hw against real PyNN
on the same simulator, in one run.

For each simulator (NEST, NEURON, Brian 2) runs the shared benchmark script
(``va_coba.py``) with ``pynn_hw.<sim>`` and, when ``$PYNN_PYTHON`` can import it,
with ``pyNN.<sim>``, each in its own process, one process at a time, and prints one
JSON object as the last line::

    {"nest":   {"pynn_hw": {"build_s", "run_s", "rate_exc", "rate_inh", ...},
                "pynn": {...} or null, "build_ratio", "run_ratio", "total_ratio",
                "load_avg": [before, after]},
     "neuron": {...}, "brian2": {...}}

How build time is measured:

- real PyNN creates the simulator's objects as the script creates populations and
  projections, so ``build_s`` is the script's ``t_build`` and ``run_s`` its
  ``t_run``;
- pynn_hw builds the simulator's objects at the first ``run()``; the child process
  times that step (front-end freezing its objects into a Network, then the backend's
  build; for Brian 2 also the first time step, which is when Brian generates its
  code) and moves it from ``t_run`` to the build: ``build_s`` = script's ``t_build``
  + network + backend build (+ Brian's first step), ``run_s`` = simulation only.
  ``total_s`` (= ``t_build`` + ``t_run``) does not depend on that split.

Ratios are pynn_hw / PyNN (0.25: pynn_hw takes a quarter of PyNN's time).
``cpu_s`` is the CPU time of each benchmark process (imports included), which other
processes on a shared machine disturb less than the wall-clock times; ``load_avg``
the 1-minute load average before and after each simulator's runs.

Environment:
    PYNN_HW_SHARED  folder holding ``bench/va_coba.py`` (default: ../shared next to
                    the repository)
    PYNN_PYTHON     Python interpreter that has PyNN and the simulators (default:
                    this one, if it can import pyNN.<sim>)
    PYNN_HW_REPEAT  runs of each side for NEST and NEURON (default 2), alternating;
                    the shortest times are kept. Brian 2 runs once a side (PyNN on
                    Brian 2 takes minutes at the default size).

Usage: python benchmarks/va_backends.py [n_neurons] [t_stop_ms] [--only nest,neuron]
"""

from __future__ import annotations

import json
import os
import resource
import sys
from typing import Callable

import va_brian2
import va_neuron
from va_common import against_pynn, fastest, pynn_python, run_pynn

SIMULATORS = ("nest", "neuron", "brian2")


def _pynn_hw_runner(simulator: str) -> Callable[[str, list[str]], dict]:
    """The instrumented pynn_hw run for ``simulator`` (see the module docstring)."""
    if simulator == "neuron":
        return va_neuron.run
    # va_brian2's runner times NestBackend.build the same way as Brian2Backend.build
    return va_brian2.run


def _with_cpu(run: Callable[[], dict]) -> dict:
    """``run()``'s result with ``cpu_s``: the CPU time of the child processes it ran."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {**result, "cpu_s": round(cpu, 3)}


def compare(simulator: str, args: list[str], repeat: int) -> dict:
    """pynn_hw against real PyNN on ``simulator``: the fastest of ``repeat`` runs of
    each side, their ratios and the load average around them."""
    load_before = os.getloadavg()[0]
    module = f"pynn_hw.{simulator}"
    runner = _pynn_hw_runner(simulator)
    python = pynn_python(f"pyNN.{simulator}")
    if python is None:
        print(f"pyNN.{simulator}: not available (set PYNN_PYTHON to an interpreter with "
              "PyNN and the simulator)", flush=True)
    mine, theirs = [], []
    for _ in range(repeat):
        mine.append(_with_cpu(lambda: runner(module, args)))
        print(f"{module}:", json.dumps(mine[-1]), flush=True)
        if python is not None:
            theirs.append(run_pynn(python, f"pyNN.{simulator}", args))
            print(f"pyNN.{simulator}:", json.dumps(theirs[-1]), flush=True)
    result = against_pynn(fastest(mine), fastest(theirs))
    ours, reference = result["pynn_hw"], result["pynn"]
    result["cpu_ratio"] = (round(ours["cpu_s"] / reference["cpu_s"], 3)
                           if reference and reference["cpu_s"] else None)
    result["load_avg"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    result["repeat"] = repeat
    return result


def main(args: list[str], simulators: tuple[str, ...] = SIMULATORS) -> dict:
    repeat = max(1, int(os.environ.get("PYNN_HW_REPEAT", "2")))
    results = {}
    for simulator in simulators:
        results[simulator] = compare(simulator, args,
                                     1 if simulator == "brian2" else repeat)
        print(f"{simulator}:", json.dumps(results[simulator]), flush=True)
    return results


if __name__ == "__main__":
    argv = sys.argv[1:]
    chosen = SIMULATORS
    if "--only" in argv:
        at = argv.index("--only")
        chosen = tuple(argv[at + 1].split(","))
        unknown = sorted(set(chosen) - set(SIMULATORS))
        if unknown:
            sys.exit(f"--only: unknown simulator(s) {unknown}; valid: {list(SIMULATORS)}")
        del argv[at:at + 2]
    print(json.dumps(main(argv, chosen)))
