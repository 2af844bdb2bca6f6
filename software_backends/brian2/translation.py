"""Declarative PyNN -> Brian 2 translation tables and their vectorised evaluation.

A :class:`CellModel` describes one standard cell type on Brian 2: the model
equations, threshold, reset and refractoriness, one :class:`Rule` per Brian
parameter (computed from PyNN parameters, in PyNN units), the Brian variable and
unit of every PyNN state variable, and what a spike does on each receptor.

Brian variables are declared in SI units in the equations; the tables hold PyNN
units, and :data:`SI` converts (``brian_SI_value = pynn_value * SI[unit]``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: PyNN unit -> factor to SI (the units Brian stores internally).
SI: dict[str, float] = {
    "mV": 1e-3, "ms": 1e-3, "nF": 1e-9, "nA": 1e-9, "uS": 1e-6, "nS": 1e-9, "Hz": 1.0,
    "/ms": 1e3, "mV/ms": 1.0, "1": 1.0,
}


@dataclass(frozen=True)
class Rule:
    """How one Brian parameter is computed from PyNN parameters.

    Attributes
    ----------
    name
        The Brian variable.
    inputs
        The PyNN parameters it depends on (empty for a fixed value).
    forward
        Called with one array per input (PyNN units); returns the value in ``unit``.
    unit
        Unit of the result (a key of :data:`SI`).
    """

    name: str
    inputs: tuple[str, ...]
    forward: Callable[..., Any]
    unit: str


def same(pynn_name: str, unit: str, brian_name: str | None = None) -> Rule:
    """A PyNN parameter taken over as it is (optionally under another name)."""
    return Rule(brian_name or pynn_name, (pynn_name,), lambda value: value, unit)


def computed(brian_name: str, inputs: tuple[str, ...], function: Callable[..., Any],
             unit: str) -> Rule:
    """A Brian parameter computed from several PyNN parameters."""
    return Rule(brian_name, inputs, function, unit)


def fixed(brian_name: str, value: float, unit: str) -> Rule:
    """A Brian parameter with a value the PyNN model does not expose."""
    return Rule(brian_name, (), lambda: np.asarray(value, dtype=float), unit)


@dataclass(frozen=True)
class Variable:
    """A Brian variable and the PyNN unit its values are given in."""

    name: str
    unit: str

    @property
    def factor(self) -> float:
        """SI value per PyNN value."""
        return SI[self.unit]


@dataclass(frozen=True)
class CellModel:
    """A standard cell type as Brian 2 equations.

    Attributes
    ----------
    equations
        Brian model equations (SI units); parameters are declared ``(constant)``,
        and every neuron model has ``i_inj : amp``, the injected current.
    threshold, reset
        Brian threshold condition and reset statements.
    refractory
        Brian ``refractory`` argument (a variable name, a condition), or None.
    method
        Brian integration method.
    rules
        One rule per Brian parameter determined by the PyNN parameters.
    state
        PyNN state variable -> Brian variable (initial values and recordables).
    receptors
        PyNN receptor type -> ``on_pre`` statement, with ``w_syn`` the weight (SI).
    weight_unit
        PyNN unit of the weights onto this cell type.
    delta_synapses
        True when a spike makes the membrane jump: the jump must be applied before
        the threshold test of the same step.
    regular
        ``(code, when)`` pairs run on the group every step (e.g. to remember the
        membrane potential of the previous step).
    checks
        ``(parameter, test, message)``: values for which ``test`` is False are
        refused with :class:`~pynn_hw.errors.InvalidParameterValueError`.
    """

    equations: str
    threshold: str
    reset: str
    refractory: str | None
    method: str
    rules: tuple[Rule, ...]
    state: dict[str, Variable]
    receptors: dict[str, str]
    weight_unit: str
    delta_synapses: bool = False
    regular: tuple[tuple[str, str], ...] = ()
    checks: tuple[tuple[str, Callable[[np.ndarray], np.ndarray], str], ...] = ()
    injectable: bool = True

    def rules_using(self, pynn_name: str) -> tuple[Rule, ...]:
        """The rules that must be re-evaluated when ``pynn_name`` changes."""
        return tuple(rule for rule in self.rules if pynn_name in rule.inputs)

    def parameter_names(self) -> set[str]:
        """Every PyNN parameter some rule reads."""
        return {name for rule in self.rules for name in rule.inputs}


def evaluate(rules: tuple[Rule, ...], params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Evaluate ``rules`` on PyNN parameter arrays (0-d or per cell); SI results."""
    out: dict[str, np.ndarray] = {}
    for rule in rules:
        inputs = [np.asarray(params[name], dtype=float) for name in rule.inputs]
        out[rule.name] = np.asarray(rule.forward(*inputs), dtype=float) * SI[rule.unit]
    return out
