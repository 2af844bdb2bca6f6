"""What the Vogels-Abbott benchmark scripts (``va_*.py``) share: locating the shared
``va_coba.py``, running it in a child process and reading the JSON it prints,
running it with real PyNN (``$PYNN_PYTHON``) and comparing the two.

The scripts run as ``python benchmarks/va_<backend>.py``, so this folder is first on
the import path and they import this module as ``va_common``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def benchmark_script() -> Path:
    """Locate the shared ``va_coba.py`` (``$PYNN_HW_SHARED/bench``, then ``../shared``
    next to the repository)."""
    shared = os.environ.get("PYNN_HW_SHARED")
    candidates = [Path(shared)] if shared else []
    candidates.append(REPO.parent / "shared")
    for folder in candidates:
        script = folder / "bench" / "va_coba.py"
        if script.is_file():
            return script
    raise FileNotFoundError(f"va_coba.py not found under {[str(c) for c in candidates]}; "
                            "set PYNN_HW_SHARED to the folder that holds bench/va_coba.py")


def child_env(**extra: str) -> dict[str, str]:
    """This process's environment with the repository on PYTHONPATH, NEST quiet
    (unless set otherwise) and ``extra`` variables."""
    env = dict(os.environ)
    env.setdefault("PYNEST_QUIET", "1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def run_child(args: list[str], python: str | None = None,
              env: dict[str, str] | None = None,
              cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python args...`` (default: this interpreter), capturing its text output."""
    return subprocess.run([python or sys.executable, *args], capture_output=True, text=True,
                          env=child_env() if env is None else env, cwd=cwd)


def json_lines(stdout: str, last: int = 1) -> list[dict]:
    """The last ``last`` JSON objects a child printed (one a line), in order; fewer if
    it printed fewer."""
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines[len(lines) - last:]] if lines else []


def check(done: subprocess.CompletedProcess, module: str, ok: bool) -> None:
    """Raise RuntimeError, with the child's output tails, if it failed or ``ok`` is false."""
    if done.returncode != 0 or not ok:
        raise RuntimeError(f"{module} benchmark failed (exit {done.returncode}):\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def rate_diffs(ours: dict, reference: dict, digits: int = 4,
               key: str = "rate_diff_{}") -> dict[str, float]:
    """Firing rates of ``ours`` relative to ``reference`` (0.05: 5 % higher), under the
    keys ``key.format('exc')`` and ``key.format('inh')``."""
    return {key.format(kind): round(ours[f"rate_{kind}"] / reference[f"rate_{kind}"] - 1,
                                    digits)
            for kind in ("exc", "inh")}


def pynn_python(module: str) -> str | None:
    """The interpreter to run real PyNN's ``module`` (e.g. ``pyNN.brian2``) with:
    ``$PYNN_PYTHON`` (default: this one) if it can import ``module``, else None."""
    python = os.environ.get("PYNN_PYTHON", sys.executable)
    probe = run_child(["-c", f"import {module}"], python=python)
    return python if probe.returncode == 0 else None


def run_pynn(python: str, module: str, args: list[str]) -> dict:
    """Run ``va_coba.py`` with real PyNN's ``module`` under ``python``.

    PyNN creates the simulator's objects as the script creates populations and
    projections, so its ``build_s`` is the script's own ``t_build`` and its ``run_s``
    the script's ``t_run``. ``cpu_s`` is the CPU time of the whole child process.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = run_child([str(benchmark_script()), module, *args], python=python)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    results = json_lines(done.stdout)
    check(done, module, bool(results))
    result = results[-1]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"build_s": result["t_build"], "run_s": result["t_run"],
            "total_s": round(result["t_build"] + result["t_run"], 3),
            "cpu_s": round(cpu, 3),
            "rate_exc": result["rate_exc"], "rate_inh": result["rate_inh"],
            "synapses": result["synapses"]}


def fastest(results: list[dict]) -> dict | None:
    """The first of ``results`` with each time key (``*_s``) replaced by its minimum
    over all of them; None if there are none."""
    if not results:
        return None
    best = dict(results[0])
    for key in best:
        if key.endswith("_s") and all(isinstance(r.get(key), (int, float)) for r in results):
            best[key] = min(r[key] for r in results)
    return best


def against_pynn(ours: dict, reference: dict | None) -> dict:
    """``{"pynn_hw": ours, "pynn": reference, "build_ratio", "run_ratio",
    "total_ratio"}`` (ours / reference; None without a reference) and the rate
    differences ``rate_{exc,inh}_rel_diff`` when there is one."""
    result = {"pynn_hw": ours, "pynn": reference, "build_ratio": None, "run_ratio": None,
              "total_ratio": None}
    if reference is not None:
        for key, name in (("build_ratio", "build_s"), ("run_ratio", "run_s"),
                          ("total_ratio", "total_s")):
            if name in ours and reference.get(name):
                result[key] = round(ours[name] / reference[name], 3)
        result.update(rate_diffs(ours, reference, key="rate_{}_rel_diff"))
    return result
