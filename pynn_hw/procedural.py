"""The procedural PyNN API (create, connect, set, record, ...) bound to one session."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np


def make_procedural_api(session: Any, Population: type, Projection: type) -> dict[str, Any]:
    """Functions of the procedural API that act on ``session``'s objects."""
    from pynn_hw.connectors import FixedProbabilityConnector
    from pynn_hw.populations.base import BasePopulation
    from pynn_hw.standardmodels.synapses import StaticSynapse

    def create(cellclass: Any, cellparams: dict | None = None, n: int = 1) -> Any:
        """Create ``n`` cells; returns a Population. Deprecated: use Population."""
        warnings.warn("create() is deprecated; use Population()", DeprecationWarning,
                      stacklevel=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return Population(n, cellclass, cellparams)

    def connect(pre: Any, post: Any, weight: float = 0.0, delay: float | None = None,
                receptor_type: str | None = None, p: float = 1, rng: Any = None) -> Any:
        """Connect ``pre`` to ``post`` with probability ``p``; returns a Projection."""
        pre, post = _as_cells(pre), _as_cells(post)
        if receptor_type is None:
            negative = bool(np.any(np.asarray(weight) < 0))
            receptor_type = post.receptor_types[1 if negative else 0]
            if negative and post.conductance_based:
                # the old API signalled inhibition by the sign alone
                weight = np.abs(weight)
        return Projection(pre, post, FixedProbabilityConnector(p, rng=rng),
                          StaticSynapse(weight=weight, delay=delay),
                          receptor_type=receptor_type)

    def set(cells: Any, cellclass: Any = None, param: Any = None, val: Any = None,
            **parameters: Any) -> None:
        """Set parameters of cells (a population, view, assembly or ID)."""
        if isinstance(param, dict):
            parameters.update(param)
        elif isinstance(param, str):
            parameters[param] = val
        _as_cells(cells).set(**parameters)

    def initialize(cells: Any, **initial_values: Any) -> None:
        """Set initial values of state variables."""
        _as_cells(cells).initialize(**initial_values)

    def record(variables: Any, source: Any, filename: Any, sampling_interval: float | None = None,
               annotations: dict | None = None) -> None:
        """Record ``variables`` from ``source`` and write them to ``filename`` at end()."""
        cells = _as_cells(source)
        cells.record(variables, sampling_interval=sampling_interval)
        session.pending_files.append((cells, filename, variables))
        if annotations:
            cells.annotate(**annotations)

    def record_v(source: Any, filename: Any) -> None:
        warnings.warn("record_v() is deprecated; use record('v', ...)", DeprecationWarning,
                      stacklevel=2)
        record("v", source, filename)

    def record_gsyn(source: Any, filename: Any) -> None:
        warnings.warn("record_gsyn() is deprecated; use record(['gsyn_exc', 'gsyn_inh'], "
                      "...)", DeprecationWarning, stacklevel=2)
        record(["gsyn_exc", "gsyn_inh"], source, filename)

    def _as_cells(obj: Any) -> Any:
        if isinstance(obj, BasePopulation) or hasattr(obj, "populations"):
            return obj
        if hasattr(obj, "as_view"):
            return obj.as_view()
        if isinstance(obj, (list, tuple, np.ndarray)) and len(obj) and hasattr(obj[0], "parent"):
            ids = [int(i) for i in obj]
            parent = obj[0].parent
            return parent[parent.id_to_index(np.array(ids))]
        raise TypeError(f"expected a Population, PopulationView, Assembly or ID, got "
                        f"{type(obj).__name__}")

    return dict(create=create, connect=connect, set=set, initialize=initialize,
                record=record, record_v=record_v, record_gsyn=record_gsyn)
