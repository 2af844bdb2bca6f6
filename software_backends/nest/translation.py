"""Declarative PyNN -> NEST translation tables and their vectorised evaluation.

A :class:`CellModel` lists, for one standard cell type, the NEST model it maps onto,
one :class:`Rule` per NEST parameter (a PyNN parameter times a factor, an expression
of several PyNN parameters, or a fixed value) and one :class:`StateVariable` per
PyNN state variable. Values are numpy arrays: 0-d for a homogeneous population, one
element per cell otherwise, so a whole population is translated in one call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Rule:
    """How one NEST parameter is computed from PyNN parameters.

    Attributes
    ----------
    nest_name
        The NEST parameter.
    inputs
        The PyNN parameters it depends on (empty for a fixed value).
    forward
        Called with one array per input; returns the NEST value(s).
    """

    nest_name: str
    inputs: tuple[str, ...]
    forward: Callable[..., Any]


def scaled(pynn_name: str, nest_name: str, factor: float = 1.0) -> Rule:
    """``nest = pynn * factor`` (unit change, e.g. nF -> pF is 1000)."""
    return Rule(nest_name, (pynn_name,), lambda value: value * factor)


def computed(nest_name: str, inputs: tuple[str, ...], function: Callable[..., Any]) -> Rule:
    """``nest = function(*inputs)``, for NEST parameters built from several PyNN ones."""
    return Rule(nest_name, inputs, function)


def fixed(nest_name: str, value: Any) -> Rule:
    """A NEST parameter with a value the PyNN model does not expose."""
    return Rule(nest_name, (), lambda: np.asarray(value))


@dataclass(frozen=True)
class StateVariable:
    """A PyNN state variable and its NEST counterpart: ``nest = pynn * factor``."""

    nest_name: str
    factor: float = 1.0


@dataclass(frozen=True)
class CellModel:
    """Everything needed to create one standard cell type as NEST neurons.

    Attributes
    ----------
    nest_model
        The NEST model used with ``spike_precision='on_grid'``.
    precise_model
        The model used with ``'off_grid'`` (the same name where NEST has no
        precise-timing variant).
    rules
        One rule per NEST parameter that the PyNN parameters determine.
    state
        PyNN state variable -> NEST state variable.
    weight_factor
        NEST weight = PyNN weight * factor (1000 for uS -> nS and nA -> pA, 1 for mV).
    signed_inhibition
        True when the PyNN weights are positive for both receptors and NEST selects
        the inhibitory receptor by a negative weight (conductance-based models).
    receptors
        The PyNN receptor types NEST provides for this model.
    """

    nest_model: str
    precise_model: str
    rules: tuple[Rule, ...]
    state: dict[str, StateVariable]
    weight_factor: float = 1000.0
    signed_inhibition: bool = True
    receptors: tuple[str, ...] = ("excitatory", "inhibitory")
    notes: str = ""

    def model_name(self, precise: bool) -> str:
        """The NEST model for the given spike precision."""
        return self.precise_model if precise else self.nest_model

    def rules_using(self, pynn_name: str) -> tuple[Rule, ...]:
        """The rules that must be re-evaluated when ``pynn_name`` changes."""
        return tuple(rule for rule in self.rules if pynn_name in rule.inputs)

    def parameter_names(self) -> set[str]:
        """Every PyNN parameter some rule reads."""
        return {name for rule in self.rules for name in rule.inputs}


@dataclass
class Translated:
    """NEST values of one population split by kind.

    ``scalars`` go to ``nest.Create`` (one value for every cell), ``arrays`` are set
    afterwards with one vectorised call, ``per_cell`` holds array-valued NEST
    parameters (e.g. ``tau_stc``) that differ between cells (list of dicts).
    """

    scalars: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    per_cell: list[dict[str, Any]] | None = None


def is_object_array(value: np.ndarray) -> bool:
    return np.asarray(value).dtype == object


def _plain(value: Any) -> Any:
    """NEST-ready form of one evaluated value (Sequence -> list, 0-d -> float)."""
    if hasattr(value, "value") and not isinstance(value, np.ndarray):
        return np.asarray(value.value, dtype=float).tolist()
    array = np.asarray(value)
    if array.dtype == object and array.ndim == 0:
        return _plain(array.item())
    if array.ndim == 0:
        return array.item()
    return array


def evaluate_rule(rule: Rule, values: dict[str, np.ndarray]) -> np.ndarray:
    """Evaluate one rule on per-population arrays (0-d or one element per cell).

    Object arrays (Sequence/ArrayParameter values) are mapped element by element,
    since their elements are themselves arrays.
    """
    inputs = [np.asarray(values[name]) for name in rule.inputs]
    if any(is_object_array(a) and a.ndim > 0 for a in inputs):
        size = max(a.size for a in inputs)
        out = np.empty(size, dtype=object)
        items = [[a.item()] * size if a.ndim == 0 else list(a) for a in inputs]
        for i in range(size):  # only for array-valued parameters (rare, small)
            out[i] = rule.forward(*(column[i] for column in items))
        return out
    if any(is_object_array(a) for a in inputs):
        result = np.empty((), dtype=object)
        result[()] = rule.forward(*(a.item() if a.dtype == object else a for a in inputs))
        return result
    return np.asarray(rule.forward(*inputs))


def translate(rules: tuple[Rule, ...], values: dict[str, np.ndarray], size: int) -> Translated:
    """Evaluate ``rules`` for a population of ``size`` cells, grouped for NEST calls."""
    out = Translated()
    per_cell: dict[str, np.ndarray] = {}
    for rule in rules:
        result = evaluate_rule(rule, values)
        if result.ndim == 0 or _all_equal(result):
            first = result if result.ndim == 0 else result[:1].reshape(())
            out.scalars[rule.nest_name] = _plain(first)
        elif result.dtype == object:
            per_cell[rule.nest_name] = result
        else:
            out.arrays[rule.nest_name] = np.broadcast_to(result, (size,)).astype(float)
    if per_cell:
        # NEST checks array-valued parameters against each other (tau_stc and q_stc
        # must have equal lengths), so they are all set together, per cell
        shared = {name: value for name, value in out.scalars.items() if isinstance(value, list)}
        for name in shared:
            del out.scalars[name]
        out.per_cell = [
            {**shared, **{name: _plain(column[i]) for name, column in per_cell.items()}}
            for i in range(size)]
    return out


def _all_equal(values: np.ndarray) -> bool:
    if values.size == 0:
        return True
    if values.dtype == object:
        first = values[0]
        return all(item == first for item in values[1:])
    return bool(np.all(values == values[0]))
