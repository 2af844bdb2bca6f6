"""Connectors: rules that draw the connections of a projection.

The projection calls ``connector.connect(ctx)`` with a :class:`ConnectionContext` and
gets :class:`ConnectionArrays` back; synapse parameter values for those connections
come from :func:`evaluate_synapse_values`.
"""

from pynn_hw.connectors.base import (ConnectionArrays, ConnectionContext, Connector,
                                     index_dtype)
from pynn_hw.connectors.basic import (AllToAllConnector, ArrayConnector, CloneConnector,
                                      FromFileConnector, FromListConnector, OneToOneConnector)
from pynn_hw.connectors.expressions import IndexBasedExpression, compile_distance_expression
from pynn_hw.connectors.fixed_number import (FixedNumberPostConnector, FixedNumberPreConnector,
                                             FixedTotalNumberConnector)
from pynn_hw.connectors.listfile import load_connection_list, save_connection_list
from pynn_hw.connectors.probabilistic import (DisplacementDependentProbabilityConnector,
                                              DistanceDependentProbabilityConnector,
                                              FixedProbabilityConnector,
                                              IndexBasedProbabilityConnector)
from pynn_hw.connectors.small_world import SmallWorldConnector
from pynn_hw.connectors.values import connection_distances, evaluate_synapse_values

#: The PyNN connector classes (what a backend module re-exports); the other names above
#: are the front-end's interface for projections and are imported explicitly.
__all__ = [
    "Connector", "AllToAllConnector", "OneToOneConnector", "FixedProbabilityConnector",
    "DistanceDependentProbabilityConnector", "DisplacementDependentProbabilityConnector",
    "IndexBasedProbabilityConnector", "FixedNumberPreConnector", "FixedNumberPostConnector",
    "FixedTotalNumberConnector", "SmallWorldConnector", "FromListConnector",
    "FromFileConnector", "ArrayConnector", "CloneConnector",
]
