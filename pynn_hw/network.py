"""The frozen, backend-neutral description of a network.

The front-end turns populations, projections, current sources and recording requests
into one :class:`Network`. Every backend (software simulators and the hardware
tool-chain) builds from this description alone, so all backends receive exactly the
same cells, parameter values and connections.

Cells are numbered globally: population ``k`` holds the global indices
``offset .. offset + size - 1``. Projections keep their connections as parallel arrays
(COO form) of *local* indices into ``pre_cells``/``post_cells``, which hold the
global indices of the cells of the projection's pre- and post-synaptic objects
(a population, a view or an assembly).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: A per-cell or per-synapse parameter: an array of length n, or a 0-d array when
#: every element has the same value (saves memory for homogeneous networks).
ValueArray = np.ndarray


def expand(values: ValueArray, n: int) -> np.ndarray:
    """Return ``values`` as a full array of length ``n`` (broadcasting 0-d arrays)."""
    values = np.asarray(values)
    if values.ndim == 0:
        return np.full(n, values.item(), dtype=values.dtype)
    return values


@dataclass(frozen=True, eq=False)
class RecordingSpec:
    """What to record from one population.

    Attributes
    ----------
    variables
        Variable name -> local indices (int array) of the recorded cells.
    sampling_interval
        Sampling interval of analog variables in ms.
    """

    variables: dict[str, np.ndarray]
    sampling_interval: float


@dataclass(frozen=True, eq=False)
class PopulationSpec:
    """One population: a cell type and per-cell values.

    Attributes
    ----------
    index
        Position of the population in :attr:`Network.populations`.
    label
        The population's label.
    size
        Number of cells.
    offset
        Global index of the first cell.
    celltype
        The standard cell type *class* (e.g. ``IF_cond_exp``); backends look up
        their build function by this class.
    parameters
        Parameter name -> values (length ``size`` or 0-d). Sequence-valued
        parameters are object arrays of :class:`pynn_hw.parameters.Sequence`.
    initial_values
        State variable name -> initial values (length ``size`` or 0-d).
    positions
        Cell positions, shape (3, size).
    recording
        The recording request.
    annotations
        User annotations.
    """

    index: int
    label: str
    size: int
    offset: int
    celltype: type
    parameters: dict[str, ValueArray]
    initial_values: dict[str, ValueArray]
    positions: np.ndarray
    recording: RecordingSpec
    annotations: dict[str, Any] = field(default_factory=dict)

    @property
    def global_indices(self) -> np.ndarray:
        """Global indices of the cells, in order."""
        return np.arange(self.offset, self.offset + self.size)

    def parameter(self, name: str) -> np.ndarray:
        """Full per-cell array of one parameter."""
        return expand(self.parameters[name], self.size)


@dataclass(frozen=True, eq=False)
class ProjectionSpec:
    """Connections between two sets of cells, as arrays.

    Attributes
    ----------
    index
        Position in :attr:`Network.projections`.
    label
        The projection's label.
    pre_cells, post_cells
        Global indices of the cells of the pre- and post-synaptic objects.
    pre, post
        Local connection indices into ``pre_cells`` and ``post_cells`` (int32/int64).
    synapse_type
        The synapse type *class* (e.g. ``StaticSynapse``).
    parameters
        Synapse parameter name -> values per connection (length ``n`` or 0-d);
        always contains ``weight`` (uS, nA or mV as PyNN) and ``delay`` (ms).
    receptor_type
        Receptor name on the post-synaptic cells, e.g. ``'excitatory'``.
    """

    index: int
    label: str
    pre_cells: np.ndarray
    post_cells: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    synapse_type: type
    parameters: dict[str, ValueArray]
    receptor_type: str

    @property
    def size(self) -> int:
        """Number of connections."""
        return int(self.pre.shape[0])

    def global_pre(self) -> np.ndarray:
        """Global indices of the source cell of each connection."""
        return self.pre_cells[self.pre]

    def global_post(self) -> np.ndarray:
        """Global indices of the target cell of each connection."""
        return self.post_cells[self.post]

    def parameter(self, name: str) -> np.ndarray:
        """Full per-connection array of one synapse parameter."""
        return expand(self.parameters[name], self.size)


@dataclass(frozen=True, eq=False)
class CurrentSourceSpec:
    """A current source injected into cells.

    Attributes
    ----------
    index
        Position in :attr:`Network.current_sources`.
    source_type
        The current source class (e.g. ``DCSource``).
    parameters
        Parameter name -> value (scalars, or arrays for ``times``/``amplitudes``);
        currents in nA, times in ms.
    cells
        Global indices of the cells the current is injected into.
    record
        Whether the injected current is recorded.
    """

    index: int
    source_type: type
    parameters: dict[str, Any]
    cells: np.ndarray
    record: bool = False


@dataclass(frozen=True, eq=False)
class Network:
    """Everything a backend needs to build and run a network.

    Attributes
    ----------
    timestep
        Integration time step in ms.
    min_delay, max_delay
        Delay bounds in ms.
    populations, projections, current_sources
        The network's parts, each in creation order.
    options
        Backend-specific keyword arguments given to ``setup`` (e.g. ``threads``).
    """

    timestep: float
    min_delay: float
    max_delay: float
    populations: tuple[PopulationSpec, ...]
    projections: tuple[ProjectionSpec, ...]
    current_sources: tuple[CurrentSourceSpec, ...]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def n_cells(self) -> int:
        """Total number of cells."""
        if not self.populations:
            return 0
        last = self.populations[-1]
        return last.offset + last.size

    def population_of(self, global_indices: np.ndarray) -> np.ndarray:
        """Index of the population that holds each global cell index."""
        offsets = np.array([p.offset for p in self.populations])
        return np.searchsorted(offsets, global_indices, side="right") - 1
