"""Declarative PyNN -> NEURON translation tables and their vectorised evaluation.

Every neuron is one section that carries one point process of the backend's own
NMODL mechanisms (``mod/``). The section's area is fixed at 1e5 um^2, so that its
specific capacitance in uF/cm^2 equals the cell's capacitance in nF; all other
quantities keep PyNN's units (mV, ms, nA, uS), so most rules are plain copies.

A :class:`CellModel` lists the mechanism, one :class:`Rule` per mechanism parameter
(or :data:`SECTION_CM` for the capacitance) and one :class:`StateVariable` per PyNN
state variable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Target name of rules that set the section's capacitance (nF).
SECTION_CM = "section.cm"

#: Membrane area of every cell section in um^2: 1 uF/cm^2 x 1e5 um^2 = 1 nF.
SECTION_AREA = 1e5


@dataclass(frozen=True)
class Rule:
    """How one mechanism parameter is computed from PyNN parameters.

    Attributes
    ----------
    target
        The mechanism's RANGE variable, or :data:`SECTION_CM`.
    inputs
        The PyNN parameters it depends on (empty for a fixed value).
    forward
        Called with one array per input; returns the NEURON value(s).
    """

    target: str
    inputs: tuple[str, ...]
    forward: Callable[..., Any]


def scaled(pynn_name: str, target: str | None = None, factor: float = 1.0) -> Rule:
    """``neuron = pynn * factor`` (same name when ``target`` is omitted)."""
    return Rule(target or pynn_name, (pynn_name,), lambda value: value * factor)


def computed(target: str, inputs: tuple[str, ...], function: Callable[..., Any]) -> Rule:
    """``neuron = function(*inputs)``."""
    return Rule(target, inputs, function)


def fixed(target: str, value: float) -> Rule:
    """A mechanism parameter the PyNN model does not expose."""
    return Rule(target, (), lambda: np.asarray(value))


@dataclass(frozen=True)
class StateVariable:
    """A PyNN state variable in NEURON.

    Attributes
    ----------
    live
        What holds the current value: ``'v'`` for the membrane potential of the
        section, otherwise a variable of the point process.
    initial
        The point-process parameter that holds the value restored at t = 0.
    """

    live: str
    initial: str


@dataclass(frozen=True)
class CellModel:
    """Everything needed to create one standard cell type in NEURON.

    Attributes
    ----------
    mechanism
        The point process (an NMODL ``POINT_PROCESS`` of ``mod/``).
    rules
        One rule per mechanism parameter (and the section capacitance).
    state
        PyNN state variable -> NEURON variables.
    threshold
        The membrane potential (mV) whose upward crossing is a spike (target name
        ``'threshold'``); a NetCon watching v detects it.
    resets
        Whether the point process must hear of its own spikes (to reset).
    receptors
        PyNN receptor types, in the order of the NetCon's receptor index.
    """

    mechanism: str
    rules: tuple[Rule, ...]
    state: dict[str, StateVariable]
    threshold: Rule
    resets: bool = True
    receptors: tuple[str, ...] = ("excitatory", "inhibitory")

    def rules_using(self, pynn_name: str) -> tuple[Rule, ...]:
        """The rules that must be re-evaluated when ``pynn_name`` changes."""
        return tuple(rule for rule in self.rules if pynn_name in rule.inputs)

    def parameter_names(self) -> set[str]:
        """Every PyNN parameter some rule reads."""
        return {name for rule in (*self.rules, self.threshold) for name in rule.inputs}


def evaluate(rule: Rule, values: dict[str, np.ndarray]) -> np.ndarray:
    """One rule on population arrays (0-d, or one element per cell)."""
    inputs = [np.asarray(values[name], dtype=float) for name in rule.inputs]
    return np.asarray(rule.forward(*inputs), dtype=float)


def translate(rules: tuple[Rule, ...], values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Target name -> values (0-d or per cell) of every rule."""
    return {rule.target: evaluate(rule, values) for rule in rules}
