"""One connection of a projection, as PyNN's ``Projection.connections`` yields it."""

from __future__ import annotations

from typing import Any


class Connection:
    """A view of connection ``k`` of a projection.

    Attributes
    ----------
    presynaptic_index, postsynaptic_index
        Indices into the projection's pre- and post-synaptic objects.
    """

    __slots__ = ("_projection", "_k")

    def __init__(self, projection: Any, k: int) -> None:
        self._projection = projection
        self._k = k

    @property
    def presynaptic_index(self) -> int:
        return int(self._projection._pre_idx[self._k])

    @property
    def postsynaptic_index(self) -> int:
        return int(self._projection._post_idx[self._k])

    @property
    def presynaptic_cell(self):
        return self._projection.pre[self.presynaptic_index]

    @property
    def postsynaptic_cell(self):
        return self._projection.post[self.postsynaptic_index]

    def _value(self, name: str) -> float:
        return float(self._projection._values(name)[self._k])

    @property
    def weight(self) -> float:
        return self._value("weight")

    @property
    def delay(self) -> float:
        return self._value("delay")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._projection.synapse_type.get_parameter_names():
            return self._value(name)
        raise AttributeError(f"connection has no attribute {name!r}")

    def as_tuple(self, *attribute_names: str) -> tuple:
        """(pre index, post index, values of ``attribute_names``...)."""
        return (self.presynaptic_index, self.postsynaptic_index,
                *(self._value(name) for name in attribute_names))

    def __repr__(self) -> str:
        return (f"Connection({self.presynaptic_index} -> {self.postsynaptic_index}, "
                f"weight={self.weight}, delay={self.delay})")
