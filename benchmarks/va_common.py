"""What the Vogels-Abbott benchmark scripts (``va_*.py``) share: locating the shared
``va_coba.py``, running it in a child process and reading the JSON it prints.

The scripts run as ``python benchmarks/va_<backend>.py``, so this folder is first on
the import path and they import this module as ``va_common``.
"""

from __future__ import annotations

import json
import os
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
