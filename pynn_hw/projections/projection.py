"""Projection: the connections from one set of cells to another."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np

from pynn_hw.deprecation import warn_deprecated
from pynn_hw.errors import ConnectionError, InvalidParameterValueError, NonExistentParameterError
from pynn_hw.network import ProjectionSpec, expand
from pynn_hw.projections.connection import Connection
from pynn_hw.projections.deprecated import DeprecatedProjectionMethods
from pynn_hw.projections.formats import values_as_array, values_as_list

_AGGREGATES = ("sum", "first", "last", "min", "max")


class Projection(DeprecatedProjectionMethods):
    """Connections from ``pre`` to ``post``, drawn once by ``connector``.

    Parameters
    ----------
    presynaptic_neurons, postsynaptic_neurons
        Population, PopulationView or Assembly.
    connector
        How to draw the connections (e.g. ``FixedProbabilityConnector(0.1)``).
    synapse_type
        Synapse model with weight and delay (default ``StaticSynapse()``).
    source
        Where on the pre-synaptic cell spikes come from (point neurons: ignored).
    receptor_type
        Receptor on the post-synaptic cells; by default 'excitatory' for
        non-negative weights and 'inhibitory' otherwise.
    space
        Metric used by distance-dependent connectors and parameters.
    label
        A name; defaults to ``"pre.label→post.label"``.
    synapse_dynamics
        Deprecated (PyNN 0.7): ``SynapseDynamics(fast=..., slow=...)``, with weights
        and delays given to the connector; turned into the equivalent synapse type.
    """

    def __init__(self, presynaptic_neurons: Any, postsynaptic_neurons: Any, connector: Any,
                 synapse_type: Any = None, source: str | None = None,
                 receptor_type: str | None = None, space: Any = None,
                 label: str | None = None, synapse_dynamics: Any = None,
                 target: str | None = None, rng: Any = None) -> None:
        from pynn_hw.connectors.base import ConnectionContext
        if target is not None:
            # the 0.7 name of receptor_type
            warn_deprecated("Projection(target=...)", "receptor_type=...")
            if receptor_type is not None and receptor_type != target:
                raise ConnectionError(f"Projection got target={target!r} and "
                                      f"receptor_type={receptor_type!r}: give only one")
            receptor_type = target
        if rng is not None:
            # 0.7 connectors took no rng: the projection's generator drew them
            warn_deprecated("Projection(rng=...)", "the connector's rng argument")
            if hasattr(connector, "rng"):
                connector.rng = rng
        from pynn_hw.space import Space
        from pynn_hw.standardmodels.synapses import StaticSynapse
        self.pre = presynaptic_neurons
        self.post = postsynaptic_neurons
        self._session = _common_session(self.pre, self.post)
        self._connector = connector
        self.synapse_type = synapse_type if synapse_type is not None else StaticSynapse()
        if synapse_dynamics is not None:
            self.synapse_type = _from_synapse_dynamics(synapse_dynamics, synapse_type)
        self.source = source
        # the 0.7 form passed space, weights and delays to the connector
        old_space = getattr(connector, "space", None)
        self.space = space if space is not None else old_space if old_space is not None \
            else Space()
        self._old_style = {} if synapse_type is not None else \
            dict(getattr(connector, "old_style_synapse_values", dict)())
        self.label = label if label is not None else f"{self.pre.label}→{self.post.label}"
        self._annotations: dict[str, Any] = {}
        self.receptor_type = self._choose_receptor(receptor_type)
        self._ctx = ConnectionContext(
            pre_size=self.pre.size, post_size=self.post.size,
            pre_positions=self.pre.positions, post_positions=self.post.positions,
            pre_ids=self.pre._global_indices(), post_ids=self.post._global_indices(),
            space=self.space, label=self.label)
        self._arrays = connector.connect(self._ctx)
        index_type = np.int32 if max(self.pre.size, self.post.size) < 2 ** 31 else np.int64
        self._pre_idx = np.asarray(self._arrays.pre, dtype=index_type)
        self._post_idx = np.asarray(self._arrays.post, dtype=index_type)
        self._params: dict[str, np.ndarray] = {}
        self._assign(self._initial_values(), check=getattr(connector, "safe", True))
        self._index = self._session.register_projection(self)

    # -- construction helpers -----------------------------------------------------------
    def _choose_receptor(self, receptor_type: str | None) -> str:
        valid = self.post.receptor_types
        if receptor_type is None:
            weight = self.synapse_type.parameter_space["weight"].base_value
            negative = isinstance(weight, (int, float, np.number)) and weight < 0
            receptor_type = valid[1] if negative and len(valid) > 1 else valid[0]
        if receptor_type not in valid:
            raise ConnectionError(f"{self.label}: receptor_type {receptor_type!r} is not "
                                  f"one of {list(valid)} of the post-synaptic cells")
        return receptor_type

    def _initial_values(self) -> dict[str, Any]:
        values = {}
        space = self.synapse_type.resolved_parameter_space(self._session.timing.default_delay)
        for name in self.synapse_type.get_parameter_names():
            if name in self._arrays.columns:
                values[name] = np.asarray(self._arrays.columns[name], dtype=float)
            elif self._old_style.get(name) is not None:
                values[name] = self._old_style[name]
            else:
                values[name] = space[name].base_value
        for name in self._arrays.columns:
            if name not in values:
                raise NonExistentParameterError(name, type(self.synapse_type).__name__,
                                                self.synapse_type.get_parameter_names())
        return values

    def _evaluate(self, name: str, value: Any) -> np.ndarray:
        from pynn_hw.connectors.values import evaluate_synapse_values
        if value is None and name == "delay":
            value = self._session.timing.default_delay
        if isinstance(value, np.ndarray) and value.ndim == 1 and value.shape[0] == self.size():
            return value.astype(float)
        return evaluate_synapse_values(value, self._arrays, self._ctx, name=name)

    def _assign(self, values: dict[str, Any], check: bool = True) -> None:
        evaluated = {name: np.asarray(self._evaluate(name, v)) for name, v in values.items()}
        if check and "weight" in evaluated:
            self._check_weights(evaluated["weight"])
        if "delay" in evaluated:
            delays = evaluated["delay"]
            if delays.size and np.any(~np.isfinite(delays)):
                raise InvalidParameterValueError(f"{self.label}: delays must be finite")
            self._session.timing.check_delays(delays, self.label)
        self._params.update(evaluated)

    def _check_weights(self, weights: np.ndarray) -> None:
        if weights.size == 0:
            return
        must_be_positive = self.post.conductance_based or self.receptor_type == "excitatory"
        if must_be_positive and weights.min() < 0:
            raise ConnectionError(
                f"{self.label}: weight {weights.min()} is negative; weights must be >= 0 "
                f"for conductance-based or excitatory synapses (receptor "
                f"{self.receptor_type!r})")
        if not must_be_positive and self.receptor_type == "inhibitory" and weights.max() > 0:
            raise ConnectionError(
                f"{self.label}: weight {weights.max()} is positive; weights of current-based "
                "inhibitory synapses must be <= 0")

    # -- size and connections --------------------------------------------------------------
    def size(self, gather: bool = True) -> int:
        """Number of connections."""
        return int(self._pre_idx.shape[0])

    def __len__(self) -> int:
        return self.size()

    @property
    def shape(self) -> tuple[int, int]:
        return (self.pre.size, self.post.size)

    def connection_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(pre indices, post indices) of all connections, in connection order."""
        return self._pre_idx, self._post_idx

    def __getitem__(self, k: int) -> Connection:
        if not -self.size() <= k < self.size():
            raise IndexError(f"{self.label}: connection {k} out of range ({self.size()})")
        return Connection(self, k % self.size())

    def __iter__(self) -> Iterator[Connection]:
        for k in range(self.size()):
            yield Connection(self, k)

    @property
    def connections(self) -> Iterator[Connection]:
        return iter(self)

    def min_delay_value(self) -> float:
        return float(np.min(self._params["delay"]))

    def max_delay_value(self) -> float:
        return float(np.max(self._params["delay"]))

    # -- values ------------------------------------------------------------------------------
    def _values(self, name: str) -> np.ndarray:
        """Current per-connection values of one synapse parameter."""
        backend = self._session.backend
        if backend is not None and getattr(self.synapse_type, "is_plastic", False) \
                and name == "weight" and not self._session.structure_changed:
            return np.asarray(backend.get_synapse_parameter(self._index, name))
        return expand(self._params[name], self.size())

    def _names(self, attribute_names: Any) -> list[str]:
        names = [attribute_names] if isinstance(attribute_names, str) else list(attribute_names)
        if names == ["all"]:
            names = list(self.synapse_type.get_parameter_names())
        valid = list(self.synapse_type.get_parameter_names())
        for name in names:
            if name not in valid:
                raise NonExistentParameterError(name, type(self.synapse_type).__name__, valid)
        return names

    def get(self, attribute_names: Any, format: str, gather: bool = True,
            with_address: bool = True, multiple_synapses: str = "sum") -> Any:
        """Synapse values as a list of (i, j, value...) tuples or pre x post arrays."""
        names = self._names(attribute_names)
        single = isinstance(attribute_names, str)
        columns = [self._values(name) for name in names]
        if format == "list":
            return values_as_list(self._pre_idx, self._post_idx, columns, with_address)
        if format == "array":
            if multiple_synapses not in _AGGREGATES:
                raise ValueError(f"multiple_synapses={multiple_synapses!r}; valid: "
                                 f"{', '.join(_AGGREGATES)}")
            arrays = [values_as_array(self._pre_idx, self._post_idx, c, self.shape,
                                      multiple_synapses) for c in columns]
            return arrays[0] if single else arrays
        raise ValueError(f"format={format!r}; valid: 'list', 'array'")

    def set(self, **attributes: Any) -> None:
        """Change synapse values: scalar, distribution, pre x post array, f(d) or list."""
        names = self._names(list(attributes))
        values = {name: attributes[name] for name in names}
        for name, value in values.items():
            if isinstance(value, list) and len(value) == self.size():
                values[name] = np.asarray(value, dtype=float)
        self._assign(values)
        backend = self._session.backend
        if backend is not None and not self._session.structure_changed:
            for name in names:
                # the values just assigned (for plastic weights _values would read
                # the simulator's current ones back)
                backend.set_synapse_parameter(self._index, name,
                                              expand(self._params[name], self.size()))

    def initialize(self, **initial_values: Any) -> None:
        """Set initial values of synaptic state variables (plastic synapses)."""
        self.set(**initial_values)

    def save(self, attribute_names: Any, file: Any, format: str = "list", gather: bool = True,
             with_address: bool = True) -> None:
        """Write connections to a text file that FromFileConnector reads back."""
        names = self._names(attribute_names)
        if format == "array":
            for name, array in zip(names, [self.get(n, "array") for n in names]):
                np.savetxt(file if len(names) == 1 else f"{file}.{name}", array)
            return
        columns = (["i", "j"] if with_address else []) + names
        table = np.column_stack(
            ([self._pre_idx, self._post_idx] if with_address else [])
            + [self._values(n) for n in names]) if self.size() else np.zeros((0, len(columns)))
        header = f"columns = {json.dumps(columns)}"
        fmt = (["%d", "%d"] if with_address else []) + ["%.17g"] * len(names)
        np.savetxt(file, table, fmt=fmt, header=header, comments="# ")

    # -- description ---------------------------------------------------------------------------
    @property
    def annotations(self) -> dict[str, Any]:
        return self._annotations

    def annotate(self, **annotations: Any) -> None:
        self._annotations.update(annotations)

    def describe(self, template: Any = None, engine: Any = None) -> str:
        return "\n".join([
            f"Projection {self.label!r} from {self.pre.label!r} ({self.pre.size} cells) to "
            f"{self.post.label!r} ({self.post.size} cells)",
            f"  connector: {self._connector!r}",
            f"  synapse type: {type(self.synapse_type).__name__}, receptor "
            f"{self.receptor_type!r}",
            f"  {self.size()} connections"])

    def __repr__(self) -> str:
        return f"Projection({self.label!r}, {self.size()} connections)"

    def _spec(self) -> ProjectionSpec:
        return ProjectionSpec(
            index=self._index, label=self.label, pre_cells=self.pre._global_indices(),
            post_cells=self.post._global_indices(), pre=self._pre_idx, post=self._post_idx,
            synapse_type=type(self.synapse_type), parameters=dict(self._params),
            receptor_type=self.receptor_type)


def _from_synapse_dynamics(dynamics: Any, synapse_type: Any) -> Any:
    """The synapse type equivalent to a PyNN 0.7 ``SynapseDynamics``; weights and
    delays still come from the connector (the old-style values)."""
    import warnings

    from pynn_hw.standardmodels import SynapseDynamics
    warnings.warn("Projection(synapse_dynamics=...) is deprecated; use synapse_type=",
                  DeprecationWarning, stacklevel=3)
    if synapse_type is not None:
        raise ConnectionError("Projection: give synapse_type or synapse_dynamics, not both")
    if not isinstance(dynamics, SynapseDynamics):
        raise ConnectionError(f"Projection: synapse_dynamics must be a SynapseDynamics, "
                              f"got {dynamics!r}")
    return dynamics.synapse_type()


def _common_session(pre: Any, post: Any):
    if pre._session is not post._session:
        raise ConnectionError("pre- and post-synaptic cells belong to different "
                              "simulations (different backend modules or setup() calls)")
    return pre._session
