"""The standard models of the PyNN API: cell types, synapse types and current sources."""

from __future__ import annotations

from pynn_hw.standardmodels.base import StandardCellType, StandardModelType
from pynn_hw.standardmodels.cells import *  # noqa: F403 - the cell classes are the API
from pynn_hw.standardmodels.cells import STANDARD_CELL_TYPES
from pynn_hw.standardmodels.electrodes import *  # noqa: F403
from pynn_hw.standardmodels.electrodes import STANDARD_CURRENT_SOURCES, StandardCurrentSource
from pynn_hw.standardmodels.deprecated_synapses import SynapseDynamics, TsodyksMarkramMechanism
from pynn_hw.standardmodels.plasticity import *  # noqa: F403
from pynn_hw.standardmodels.plasticity import (STDP_TIMING_DEPENDENCES, STDP_WEIGHT_DEPENDENCES,
                                               STDPMechanism)
from pynn_hw.standardmodels.synapses import (STANDARD_SYNAPSE_TYPES, StandardSynapseType,
                                             StaticSynapse, TsodyksMarkramSynapse)


def list_standard_models() -> list[type[StandardCellType]]:
    """The standard cell type classes."""
    return list(STANDARD_CELL_TYPES)


__all__ = ["StandardModelType", "StandardCellType", "StandardSynapseType",
           "StandardCurrentSource", "StaticSynapse", "TsodyksMarkramSynapse", "STDPMechanism",
           "SynapseDynamics", "TsodyksMarkramMechanism", "list_standard_models",
           "STANDARD_CELL_TYPES", "STANDARD_SYNAPSE_TYPES", "STANDARD_CURRENT_SOURCES",
           *[cls.__name__ for cls in STANDARD_CELL_TYPES],
           *[cls.__name__ for cls in STANDARD_CURRENT_SOURCES],
           *[cls.__name__ for cls in STDP_TIMING_DEPENDENCES],
           *[cls.__name__ for cls in STDP_WEIGHT_DEPENDENCES]]
