"""Binding of the one front-end to one backend: what ``pynn_hw.<backend>`` exports.

Each backend module calls :func:`backend_namespace` once and publishes the result
as its globals. The namespace holds one :class:`~pynn_hw.session.Session`; the
``Population`` class it exports is bound to that session, and everything else
(views, projections, current sources) finds the session through the cells it
is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynn_hw.backend import Backend
from pynn_hw.session import Session


def backend_namespace(name: str, backend_factory: Callable[..., Backend],
                      module_name: str, rank: Callable[[], int] = lambda: 0,
                      num_processes: Callable[[], int] = lambda: 1) -> dict[str, Any]:
    """All names a PyNN backend module exports, bound to a new session.

    Parameters
    ----------
    name
        Simulator name for annotations and ``get_simulator``.
    backend_factory
        Makes the backend from the ``setup`` extras.
    module_name
        ``__name__`` of the backend module (for the bound classes' ``__module__``).
    rank, num_processes
        The MPI rank of this process and the number of processes (backends that run
        under MPI pass their own; others run in one process).
    """
    from pynn_hw import connectors, errors, random, space, standardmodels
    from pynn_hw.containers import Network
    from pynn_hw.parameters import ArrayParameter, Sequence
    from pynn_hw.populations import ID, Assembly, Population, PopulationView
    from pynn_hw.procedural import make_procedural_api
    from pynn_hw.projections import Projection

    session = Session(name, backend_factory)
    BoundPopulation = type("Population", (Population,), {
        "_default_session": session, "__module__": module_name,
        "__doc__": Population.__doc__})

    def setup(timestep: float = 0.1, min_delay: float | str = "auto", **extra_params: Any
              ) -> int:
        """Start a simulation: time step and delay bounds in ms, backend extras."""
        max_delay = extra_params.pop("max_delay", "auto")
        session.setup(timestep, min_delay, max_delay, **extra_params)
        return rank()

    def run(simtime: float, callbacks: Any = None) -> float:
        """Advance by ``simtime`` ms; return the new time."""
        return session.run_for(simtime, callbacks)

    def run_until(time_point: float, callbacks: Any = None) -> float:
        """Advance to ``time_point`` ms; return the new time."""
        return session.run_until(time_point, callbacks)

    def reset(annotations: dict | None = None) -> None:
        """Back to t = 0 with initial values restored; a new Neo segment starts."""
        session.reset(annotations)

    def end(compatible_output: bool = True) -> None:
        """Write ``to_file`` recordings (on rank 0) and release the simulator."""
        session.end(write_files=rank() == 0)

    namespace: dict[str, Any] = dict(
        setup=setup, end=end, run=run, run_for=run, run_until=run_until, reset=reset,
        get_current_time=lambda: session.t, get_time_step=lambda: session.dt,
        get_min_delay=session.min_delay, get_max_delay=session.max_delay,
        num_processes=num_processes, rank=rank,
        list_standard_models=standardmodels.list_standard_models,
        Population=BoundPopulation, PopulationView=PopulationView, Assembly=Assembly,
        Projection=Projection, ID=ID, Network=Network, Sequence=Sequence, ArrayParameter=ArrayParameter,
        errors=errors, random=random, space=space, session=session,
        simulator_name=name,
    )
    for module in (random, space):
        namespace.update({k: getattr(module, k) for k in module.__all__})
    namespace.update({k: getattr(connectors, k) for k in connectors.__all__})
    namespace.update({k: getattr(standardmodels, k) for k in standardmodels.__all__})
    namespace.update(make_procedural_api(session, BoundPopulation, Projection))
    return namespace
