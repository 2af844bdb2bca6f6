"""Weights of the plastic projections of a script, captured by the comparison worker.

The initial weights of a projection are read just before the first ``run`` that
it lives through (hooked on the session's ``run_until``, which ``run``,
``run_for`` and ``run_until`` all reach); the final weights when the script calls
``end()`` (before the backend is released) or, if it does not, after it returns.
Each projection is saved as ``weights_<label>.npz`` with the arrays ``pre``,
``post`` (indices in the pre/post populations), ``initial`` and ``final``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np


def plastic_projections(session: Any) -> list[Any]:
    """The session's projections whose synapse type has ``is_plastic`` true."""
    return [p for p in session.projections if getattr(type(p.synapse_type), "is_plastic", False)]


def connection_weights(projection: Any) -> np.ndarray:
    """``(n, 3)`` array of (pre index, post index, weight), one row per connection."""
    rows = projection.get("weight", format="list")
    return np.asarray(rows, dtype=np.float64).reshape(-1, 3)


def weight_bound(projection: Any) -> float | None:
    """The largest ``w_max`` of the projection's connections, None if the type has none."""
    if "w_max" not in projection.synapse_type.get_parameter_names():
        return None
    values = np.asarray(projection.get("w_max", format="list"), dtype=np.float64).reshape(-1, 3)
    return float(values[:, 2].max()) if len(values) else None


class WeightCapture:
    """Keeps the initial and final weights of every plastic projection of one session."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.initial: dict[int, np.ndarray] = {}
        self.final: list[tuple[Any, np.ndarray, float | None]] = []
        self._original_run_until: Any = None

    def install(self) -> None:
        """Read the initial weights before every run (new projections only)."""
        original = self._original_run_until = self.session.run_until

        def run_until_and_keep(*a: Any, **kw: Any) -> float:
            self.keep_initial()
            return original(*a, **kw)

        self.session.run_until = run_until_and_keep

    def uninstall(self) -> None:
        """Restore the session's own ``run_until``."""
        if self._original_run_until is not None:
            del self.session.run_until          # the instance attribute hid the method
            self._original_run_until = None

    def keep_initial(self) -> None:
        """Read the weights of the plastic projections not read before."""
        for prj in plastic_projections(self.session):
            if id(prj) not in self.initial:
                self.initial[id(prj)] = connection_weights(prj)

    def keep_final(self) -> None:
        """Read the current weights of every plastic projection (backend still alive)."""
        self.final = [(prj, connection_weights(prj), weight_bound(prj))
                      for prj in plastic_projections(self.session)]

    def save(self, outdir: Path) -> list[dict[str, Any]]:
        """Write one ``.npz`` per projection; return their entries for ``status.json``."""
        entries: list[dict[str, Any]] = []
        used: set[str] = set()
        for prj, final, w_max in self.final:
            label = str(prj.label)
            stem = "weights_" + (re.sub(r"[^A-Za-z0-9_.-]+", "_", label) or "projection")
            while stem in used:
                stem += "_"
            used.add(stem)
            # a projection that never ran (no run() after it was made) starts where it ends
            initial = self.initial.get(id(prj), final)
            np.savez(outdir / f"{stem}.npz", pre=final[:, 0].astype(np.int64), post=final[:, 1].astype(np.int64),
                     final=final[:, 2], initial=initial[:, 2] if len(initial) == len(final) else final[:, 2])
            entries.append({"label": label, "file": f"{stem}.npz", "n_connections": int(len(final)),
                            "synapse_type": type(prj.synapse_type).__name__, "w_max": w_max,
                            "pre": str(prj.pre.label), "post": str(prj.post.label)})
        return entries
