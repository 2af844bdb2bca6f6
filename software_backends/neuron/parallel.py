"""NEURON's ParallelContext: MPI start-up, the cell-to-rank rule and gathers.

Under ``mpirun`` MPI must be initialised before NEURON's ParallelContext is first
used: mpi4py does it (and finalises at exit) when it is installed; otherwise NEURON
initialises MPI itself and this module ends it at exit. Cells are dealt out
round-robin by global index: cell ``g`` lives on rank ``g % n_ranks``.
"""

from __future__ import annotations

import atexit
import os
from typing import Any

import numpy as np

#: Environment variables that launchers of MPI jobs set.
_MPI_MARKERS = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS",
                "SLURM_NTASKS_PER_NODE_MPI")

_context: list[Any] = []


def launched_by_mpi() -> bool:
    """Whether this process was started by an MPI launcher."""
    return any(name in os.environ for name in _MPI_MARKERS)


def context() -> Any:
    """The process's ParallelContext (MPI initialised first when under mpirun)."""
    if _context:
        return _context[0]
    own_finalize = False
    if launched_by_mpi():
        try:
            from mpi4py import MPI  # noqa: F401  (initialises MPI, finalises at exit)
        except ImportError:
            own_finalize = True
    from neuron import h
    if own_finalize:
        h.nrnmpi_init()
    pc = h.ParallelContext()
    if own_finalize and int(pc.nhost()) > 1:
        atexit.register(pc.done)
    _context.append(pc)
    return pc


def rank() -> int:
    """MPI rank of this process (0 without MPI)."""
    return int(context().id())


def num_processes() -> int:
    """Number of MPI processes (1 without MPI)."""
    return int(context().nhost())


def local_mask(global_indices: np.ndarray, n_ranks: int, this_rank: int) -> np.ndarray:
    """Which of ``global_indices`` live on ``this_rank``."""
    return np.asarray(global_indices) % n_ranks == this_rank


def gather_to_root(value: Any) -> list[Any] | None:
    """Every rank's ``value`` on rank 0 (a list by rank), None on the other ranks."""
    pc = context()
    if int(pc.nhost()) == 1:
        return [value]
    gathered = pc.py_gather(value, 0)
    return list(gathered) if int(pc.id()) == 0 else None


def allgather(value: Any) -> list[Any]:
    """Every rank's ``value`` on every rank, as a list by rank."""
    pc = context()
    if int(pc.nhost()) == 1:
        return [value]
    return list(pc.py_allgather(value))


def broadcast(value: Any) -> Any:
    """Rank 0's ``value`` on every rank."""
    pc = context()
    if int(pc.nhost()) == 1:
        return value
    return pc.py_broadcast(value, 0)
