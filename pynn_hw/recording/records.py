"""Plain records of recorded data, before they become Neo objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pynn_hw.backend import SignalData, SpikeData


@dataclass(eq=False)
class SegmentRecord:
    """The recorded data of one population in one segment.

    A segment is the stretch of simulated time between two calls of ``reset``
    (or between the start and the last ``get_data(clear=True)``).

    Attributes
    ----------
    spikes
        Spikes of the population (local cell indices and times in ms), or ``None``
        when no cell recorded spikes.
    spike_cells
        Local indices of every cell that was recording spikes, so that a silent
        cell still gets an empty spike train.
    signals
        Variable name -> samples of that variable.
    t_start, t_stop
        Start and end of the segment in ms (the spike trains' time span).
    annotations
        Annotations given to ``reset`` for this segment.
    index
        Segment number; the Neo segment is named ``segment%03d`` after it.
    """

    spikes: SpikeData | None
    spike_cells: np.ndarray
    signals: dict[str, SignalData]
    t_start: float
    t_stop: float
    annotations: dict[str, Any] = field(default_factory=dict)
    index: int = 0

    def __post_init__(self) -> None:
        self.spike_cells = np.asarray(self.spike_cells, dtype=np.int64).reshape(-1)
        if self.t_stop < self.t_start:
            raise ValueError(f"SegmentRecord {self.index}: t_stop {self.t_stop} ms is "
                             f"before t_start {self.t_start} ms")


def block_metadata(*, size: int, first_id: int, last_id: int, label: str,
                   simulator: str, dt: float, mpi_processes: int = 1,
                   annotations: dict[str, Any] | None = None) -> dict[str, Any]:
    """The annotations PyNN puts on the Block of a population.

    Parameters
    ----------
    size
        Number of cells of the population.
    first_id, last_id
        Global IDs of its first and last cell.
    label
        The population's label.
    simulator
        Name of the backend (``'nest'``, ``'emulator'``, ...).
    dt
        Simulation time step in ms.
    mpi_processes
        Number of MPI processes.
    annotations
        The population's own annotations. They may override the descriptive keys
        (as in PyNN) but not ``dt`` and ``mpi_processes``.

    Returns
    -------
    dict
        ``size, first_index, last_index, first_id, last_id, label, simulator``,
        the population annotations, then ``dt, mpi_processes``. As in PyNN,
        ``first_index`` is 0 and ``last_index`` equals ``size``.
    """
    metadata: dict[str, Any] = {
        "size": int(size),
        "first_index": 0,
        "last_index": int(size),
        "first_id": int(first_id),
        "last_id": int(last_id),
        "label": label,
        "simulator": simulator,
    }
    metadata.update(annotations or {})
    metadata["dt"] = float(dt)
    metadata["mpi_processes"] = int(mpi_processes)
    return metadata
