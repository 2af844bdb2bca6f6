"""Run one PyNN script on one backend and save what it recorded; one process per backend.

Usage::

    python -m pynn_hw.comparison.worker SCRIPT BACKEND OUTDIR [script args ...]

``import pyNN.<simulator>`` in the script lands on ``pynn_hw.BACKEND``, as with
``pynn-hw run``; the text ``{module}`` in a script argument becomes
``pynn_hw.BACKEND`` (for scripts that import the backend module named on their
command line). Writes to OUTDIR:

- ``<label>.pkl``: the Neo block (every segment) of each population that recorded;
- ``weights_<label>.npz``: pre/post indices, initial and final weights of each
  projection whose synapse type is plastic (see :mod:`.weight_capture`);
- ``status.json``: ``ok``, ``error`` (the exception's last line and traceback),
  ``seconds`` (wall time of the script), ``simulator``, ``populations`` (label,
  file, size, cell type), ``projections`` (label, file, connections, synapse
  type, ``w_max`` or None, pre and post labels), ``stochastic`` (why the network is not deterministic:
  random spike sources, noisy currents or stochastic synapses; empty if it is),
  ``board`` (the board backends' last logged timings: chips used, dropped
  events, mapping and run seconds; empty for the software backends).

The text ``{backend}`` in a script argument becomes the bare backend name (for
scripts that take ``nest``, ``brian2``, ... on their command line).

The exit status is 0 on success and 1 if the script failed (status.json says why).
"""

from __future__ import annotations

import importlib
import json
import logging
import re
import runpy
import sys
import time
import traceback
from pathlib import Path
from typing import Any

#: Placeholder in script arguments for the backend's module name.
MODULE_PLACEHOLDER = "{module}"
#: Placeholder in script arguments for the backend's bare name.
BACKEND_PLACEHOLDER = "{backend}"
#: Model classes whose output depends on the simulator's own random numbers.
STOCHASTIC_MODELS = frozenset({
    "SpikeSourcePoisson", "SpikeSourcePoissonRefractory", "SpikeSourceGamma",
    "SpikeSourceInhGamma", "NoisyCurrentSource", "SimpleStochasticSynapse",
    "StochasticTsodyksMarkramSynapse", "MultiQuantalSynapse",
})
STATUS_FILE = "status.json"
#: Logger on which the board backends log their timings (``extra={"timings": ...}``).
BOARD_LOGGER = "pynn_hw.board_backend"


class _KeepTimings(logging.Handler):
    """Keeps the ``timings`` of the board backends' log records."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.timings: dict[str, Any] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(getattr(record, "timings", None), dict):
            self.timings = dict(record.timings)


def substitute_module(args: list[str], backend: str) -> list[str]:
    """Script arguments with ``{module}`` replaced by ``pynn_hw.<backend>``, ``{backend}`` by ``<backend>``."""
    return [a.replace(MODULE_PLACEHOLDER, f"pynn_hw.{backend}").replace(BACKEND_PLACEHOLDER, backend)
            for a in args]


def safe_name(label: str) -> str:
    """A file-name stem for a population label."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label) or "population"


def stochastic_parts(session: Any) -> list[str]:
    """Descriptions of the parts of the network that draw simulator random numbers."""
    found = []
    for pop in session.populations:
        name = type(pop.celltype).__name__
        if name in STOCHASTIC_MODELS:
            found.append(f"population {pop.label!r} ({name})")
    for prj in session.projections:
        name = type(prj.synapse_type).__name__
        if name in STOCHASTIC_MODELS:
            found.append(f"projection {prj.label!r} ({name})")
    for source, _ in session.current_sources:
        name = type(source).__name__
        if name in STOCHASTIC_MODELS:
            found.append(f"current source {name}")
    return found


def _recorded_blocks(session: Any) -> list[tuple[Any, Any]]:
    """(population, neo.Block) of every population whose block holds any data."""
    out = []
    for pop in session.populations:
        block = pop.get_data()
        if any(len(seg.spiketrains) or len(seg.analogsignals) for seg in block.segments):
            out.append((pop, block))
    return out


def run_script(script: str, backend: str, outdir: Path, script_args: list[str]) -> dict[str, Any]:
    """Run ``script`` on ``pynn_hw.<backend>``; save the blocks; return the status record."""
    from pynn_hw.comparison.weight_capture import WeightCapture
    from pynn_hw.recording import write_block
    from pynn_hw.script_imports import pynn_imports

    outdir.mkdir(parents=True, exist_ok=True)
    status: dict[str, Any] = {"backend": backend, "script": script, "ok": False, "error": None,
                              "seconds": None, "simulator": None, "populations": [], "projections": [],
                              "stochastic": []}
    started = time.perf_counter()
    collected: list[tuple[Any, Any]] = []
    keeper = _KeepTimings()
    board_log = logging.getLogger(BOARD_LOGGER)
    board_log.addHandler(keeper)
    board_log.setLevel(logging.INFO)
    try:
        module = importlib.import_module(f"pynn_hw.{backend}")
        session = module.session
        original_end = module.end
        weights = WeightCapture(session)
        weights.install()

        def end_and_keep(*a: Any, **kw: Any) -> None:
            # end() releases the backend, which holds the running segment: copy it out first
            collected[:] = _recorded_blocks(session)
            status["stochastic"] = stochastic_parts(session)
            weights.keep_final()
            original_end(*a, **kw)

        module.end = end_and_keep
        saved_argv = sys.argv
        sys.argv = [script, *substitute_module(script_args, backend)]
        try:
            with pynn_imports(backend):
                try:
                    runpy.run_path(script, run_name="__main__")
                except SystemExit as stop:
                    if stop.code not in (0, None):
                        raise
        finally:
            sys.argv = saved_argv
            module.end = original_end
            weights.uninstall()
        status["seconds"] = round(time.perf_counter() - started, 3)
        if session.backend is not None:       # the script did not call end()
            collected[:] = _recorded_blocks(session)
            status["stochastic"] = stochastic_parts(session)
            weights.keep_final()
        status["simulator"] = session.name
        used: set[str] = set()
        for pop, block in collected:
            name = safe_name(pop.label)
            while name in used:
                name += "_"
            used.add(name)
            write_block(block, str(outdir / f"{name}.pkl"))
            status["populations"].append({"label": pop.label, "file": f"{name}.pkl", "size": int(pop.size),
                                          "celltype": type(pop.celltype).__name__})
        status["projections"] = weights.save(outdir)
        status["ok"] = True
    except BaseException as exc:  # noqa: BLE001 - the report shows whatever stopped the script
        status["error"] = f"{type(exc).__name__}: {exc}".strip()
        status["traceback"] = traceback.format_exc()[-6000:]
        status["seconds"] = round(time.perf_counter() - started, 3)
    board_log.removeHandler(keeper)
    status["board"] = keeper.timings
    (outdir / STATUS_FILE).write_text(json.dumps(status, indent=1, default=str))
    return status


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``SCRIPT BACKEND OUTDIR [script args ...]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3:
        print("usage: python -m pynn_hw.comparison.worker SCRIPT BACKEND OUTDIR [script args ...]",
              file=sys.stderr)
        return 2
    script, backend, outdir, *script_args = argv
    status = run_script(script, backend, Path(outdir), script_args)
    if not status["ok"]:
        print(status.get("traceback") or status["error"], file=sys.stderr)
    return 0 if status["ok"] else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
