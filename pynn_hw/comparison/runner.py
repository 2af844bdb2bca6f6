"""Run a script on each backend, each in a separate process (``pynn_hw.comparison.worker``).

Simulators never share a process: NEST, NEURON and Brian 2 keep global state, and a
crash or a hang of one backend must not take the others down. Backends run one
after the other (each may use both cores; timings stay comparable).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pynn_hw.comparison.worker import STATUS_FILE

#: The repository root (parent of the pynn_hw package), put on the workers' PYTHONPATH.
_REPO = Path(__file__).resolve().parents[2]


@dataclass
class BackendRun:
    """The outcome of one backend's run.

    Attributes
    ----------
    name
        Name in the report: the backend, with ``#2``, ``#3`` for repeated backends.
    backend
        The pynn_hw backend module name (``nest``, ``emulator``, ...).
    ok
        True if the script ran to its end.
    error
        Why it did not (the exception's text, a timeout, a crash), else None.
    seconds
        Wall time of the script inside the worker (None if unknown).
    folder
        Where the worker wrote its blocks, ``status.json`` and ``log.txt``.
    status
        The worker's ``status.json`` (empty if the worker died before writing it).
    """

    name: str
    backend: str
    ok: bool
    error: str | None
    seconds: float | None
    folder: Path
    status: dict[str, Any] = field(default_factory=dict)

    @property
    def log(self) -> Path:
        """The worker's stdout and stderr."""
        return self.folder / "log.txt"

    def log_tail(self, lines: int = 12) -> str:
        """The last lines of the log."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def blocks(self) -> dict[str, Any]:
        """Label -> neo.Block of every population the run recorded."""
        out = {}
        for pop in self.status.get("populations", []):
            with open(self.folder / pop["file"], "rb") as f:
                out[pop["label"]] = pickle.load(f)
        return out


def run_names(backends: Sequence[str]) -> list[str]:
    """Unique report names: a repeated backend becomes ``nest#2``, ``nest#3``, ..."""
    seen: dict[str, int] = {}
    names = []
    for backend in backends:
        seen[backend] = seen.get(backend, 0) + 1
        names.append(backend if seen[backend] == 1 else f"{backend}#{seen[backend]}")
    return names


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"


def run_backend(script: Path, backend: str, name: str, folder: Path, script_args: Sequence[str],
                env: dict[str, str] | None = None, timeout: float | None = None) -> BackendRun:
    """Run the worker for one backend and read back its status."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STATUS_FILE).unlink(missing_ok=True)
    full_env = dict(os.environ if env is None else env)
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPO), full_env.get("PYTHONPATH")]))
    full_env.setdefault("PYNEST_QUIET", "1")
    full_env.setdefault("MPLBACKEND", "Agg")
    command = [sys.executable, "-m", "pynn_hw.comparison.worker", str(script), backend, str(folder),
               *script_args]
    started = time.perf_counter()
    error = None
    with open(folder / "log.txt", "w") as log:
        try:
            done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=full_env,
                                  timeout=timeout)
            code = done.returncode
        except subprocess.TimeoutExpired:
            code = None
            error = f"timed out after {timeout:g} s (raise --timeout)"
    elapsed = time.perf_counter() - started
    status: dict[str, Any] = {}
    if (folder / STATUS_FILE).exists():
        status = json.loads((folder / STATUS_FILE).read_text())
    if error is None and not status:
        tail = _last_line((folder / "log.txt").read_text(errors="replace"))
        error = f"worker exited with code {code} before reporting: {tail}"
    if error is None and not status.get("ok"):
        error = status.get("error") or f"worker exited with code {code}"
    return BackendRun(name=name, backend=backend, ok=error is None, error=error,
                      seconds=status.get("seconds", round(elapsed, 3)), folder=folder, status=status)


def run_all(script: Path, backends: Sequence[str], output: Path, script_args: Sequence[str],
            env_per_backend: dict[str, dict[str, str]] | None = None, timeout: float | None = None,
            progress: Any = None) -> list[BackendRun]:
    """Run every backend in turn; a failure is recorded and the next backend still runs."""
    runs = []
    for backend, name in zip(backends, run_names(backends)):
        env = dict(os.environ)
        env.update((env_per_backend or {}).get(backend, {}))
        if progress is not None:
            progress(f"running {script.name} on {name} ...")
        run = run_backend(script, backend, name, output / "runs" / name.replace("#", "_"),
                          script_args, env=env, timeout=timeout)
        if progress is not None:
            progress(f"  {name}: " + (f"done in {run.seconds:.1f} s" if run.ok else f"FAILED: {run.error}"))
        runs.append(run)
    return runs
