"""Long-term plasticity: STDP composed of a timing dependence and a weight dependence.

``STDPMechanism(timing_dependence, weight_dependence)`` returns an instance of a
class composed for that pair of component classes, e.g.
``STDPMechanism[SpikePairRule, AdditiveWeightDependence]``. The composed class
carries ``timing_dependence_type`` and ``weight_dependence_type``, and its
parameter table is the union of ``weight``, ``delay``, ``dendritic_delay_fraction``
and the components' parameters; so the frozen
:class:`~pynn_hw.network.ProjectionSpec` (which keeps the synapse *class* and
per-connection parameter arrays) says everything a backend or the hardware
mapping needs.

The rule (all backends implement exactly this; :func:`stdp_pair_update` is the
float reference). Each synapse keeps a pre-synaptic trace ``K+`` (decay
``tau_plus``) and a post-synaptic trace ``K-`` (decay ``tau_minus``), each
incremented by 1 per spike (all-to-all pairing). A post-synaptic spike
potentiates, a pre-synaptic spike depresses, using the other side's trace just
before the spike::

    w <- min(w_max, w + A_plus  * K+ * w_max * (max(w_max - w, 0) / w_max) ** mu_plus)
    w <- max(w_min, w - A_minus * K- * w_max * (max(w - w_min, 0) / w_max) ** mu_minus)

with ``(mu_plus, mu_minus)`` = (0, 0) additive, (1, 1) multiplicative (``A_plus
(w_max - w)``, ``A_minus (w - w_min)``), (0, 1) additive potentiation with
multiplicative depression, and the free exponents of Gutig et al. (2003).

Timing convention (``dendritic_delay_fraction`` f, delay d): the pre-synaptic spike
reaches the synapse (1 - f) d after it is emitted, the post-synaptic spike
f d after it is emitted; the rule sees ``dt = (t_post + f d) - (t_pre + (1 - f) d)``.
PyNN's default f = 1 is NEST's convention (purely dendritic delay):
``dt = t_post + d - t_pre``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from pynn_hw.errors import InvalidParameterValueError, NoModelAvailableError
from pynn_hw.standardmodels.base import StandardModelType
from pynn_hw.standardmodels.spec import NON_NEGATIVE, POSITIVE, Param
from pynn_hw.standardmodels.synapses import _WEIGHT_AND_DELAY, FRACTION, StandardSynapseType


class STDPComponent(StandardModelType):
    """Base of the timing and weight dependences (a set of validated parameters)."""


class STDPTimingDependence(STDPComponent):
    """How the weight change depends on the timing of pre- and post-synaptic spikes."""


class STDPWeightDependence(STDPComponent):
    """How the weight change depends on the current weight (bounds ``w_min``, ``w_max``).

    ``w_min`` and ``w_max`` are in the synapse's weight units.
    """

    #: Soft-bound exponents of the rule (see the module docstring); ``None`` means
    #: they are the parameters ``mu_plus``/``mu_minus``.
    mu: ClassVar[tuple[float, float] | None] = None

    @classmethod
    def exponents(cls, parameters: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """(mu_plus, mu_minus) per connection from a synapse's parameter arrays."""
        if cls.mu is not None:
            return np.asarray(cls.mu[0], dtype=float), np.asarray(cls.mu[1], dtype=float)
        return (np.asarray(parameters["mu_plus"], dtype=float),
                np.asarray(parameters["mu_minus"], dtype=float))

    @classmethod
    def check_consistency(cls, values: Mapping[str, Any]) -> None:
        super().check_consistency(values)
        low, high = values.get("w_min"), values.get("w_max")
        if low is not None and high is not None and low.is_homogeneous \
                and high.is_homogeneous:
            w_min, w_max = float(low.evaluate(simplify=True)), float(high.evaluate(simplify=True))
            if not w_min <= w_max or w_max <= 0:
                raise InvalidParameterValueError(
                    f"{cls.__name__}: need 0 < w_max and w_min <= w_max "
                    f"(got w_min={w_min!r}, w_max={w_max!r})")


_BOUNDS = {
    "w_min": Param(0.0, None, (NON_NEGATIVE,), float, "lower weight bound"),
    "w_max": Param(1.0, None, (POSITIVE,), float, "upper weight bound"),
}


class SpikePairRule(STDPTimingDependence):
    """Pair-based STDP with exponential windows (all-to-all pairing through traces).

    Parameters
    ----------
    tau_plus, tau_minus
        Time constants (ms) of the potentiation and depression windows.
    A_plus, A_minus
        Amplitudes (dimensionless, relative to the weight dependence's scale).
    """

    parameter_table = {
        "tau_plus": Param(20.0, "ms", (POSITIVE,), float, "potentiation time constant"),
        "tau_minus": Param(20.0, "ms", (POSITIVE,), float, "depression time constant"),
        "A_plus": Param(0.01, "dimensionless", (NON_NEGATIVE,), float,
                        "potentiation amplitude"),
        "A_minus": Param(0.01, "dimensionless", (NON_NEGATIVE,), float,
                         "depression amplitude"),
    }

    def __init__(self, tau_plus: Any = 20.0, tau_minus: Any = 20.0, A_plus: Any = 0.01,
                 A_minus: Any = 0.01) -> None:
        super().__init__(tau_plus=tau_plus, tau_minus=tau_minus, A_plus=A_plus,
                         A_minus=A_minus)


class AdditiveWeightDependence(STDPWeightDependence):
    """Weight changes ``A_plus w_max`` and ``-A_minus w_max``, clipped to [w_min, w_max]."""

    mu = (0.0, 0.0)
    parameter_table = _BOUNDS

    def __init__(self, w_min: Any = 0.0, w_max: Any = 1.0) -> None:
        super().__init__(w_min=w_min, w_max=w_max)


class MultiplicativeWeightDependence(STDPWeightDependence):
    """Weight changes ``A_plus (w_max - w)`` and ``-A_minus (w - w_min)``."""

    mu = (1.0, 1.0)
    parameter_table = _BOUNDS

    def __init__(self, w_min: Any = 0.0, w_max: Any = 1.0) -> None:
        super().__init__(w_min=w_min, w_max=w_max)


class AdditivePotentiationMultiplicativeDepression(STDPWeightDependence):
    """Weight changes ``A_plus w_max`` and ``-A_minus (w - w_min)``."""

    mu = (0.0, 1.0)
    parameter_table = _BOUNDS

    def __init__(self, w_min: Any = 0.0, w_max: Any = 1.0) -> None:
        super().__init__(w_min=w_min, w_max=w_max)


class GutigWeightDependence(STDPWeightDependence):
    """Weight changes ``A_plus w_max ((w_max - w)/w_max)^mu_plus`` and
    ``-A_minus w_max ((w - w_min)/w_max)^mu_minus`` (Gutig et al. 2003)."""

    parameter_table = {
        **_BOUNDS,
        "mu_plus": Param(0.5, "dimensionless", (NON_NEGATIVE,), float,
                         "potentiation exponent"),
        "mu_minus": Param(0.5, "dimensionless", (NON_NEGATIVE,), float,
                          "depression exponent"),
    }

    def __init__(self, w_min: Any = 0.0, w_max: Any = 1.0, mu_plus: Any = 0.5,
                 mu_minus: Any = 0.5) -> None:
        super().__init__(w_min=w_min, w_max=w_max, mu_plus=mu_plus, mu_minus=mu_minus)


_COMPOSED: dict[tuple[type, type], type] = {}


class STDPMechanism(StandardSynapseType):
    """A synapse whose weight changes with spike timing (STDP).

    Parameters
    ----------
    timing_dependence
        E.g. :class:`SpikePairRule`.
    weight_dependence
        One of :class:`AdditiveWeightDependence`, :class:`MultiplicativeWeightDependence`,
        :class:`AdditivePotentiationMultiplicativeDepression`,
        :class:`GutigWeightDependence`.
    voltage_dependence
        Must be ``None`` (PyNN defines no standard voltage dependence).
    dendritic_delay_fraction
        Part of the delay that is dendritic (0..1; see the module docstring).
    weight
        Initial weight (uS, nA or mV).
    delay
        Delay in ms; ``None`` means the simulation's min_delay.

    Raises
    ------
    TypeError
        If a component is missing or of the wrong kind.
    NoModelAvailableError
        For a voltage dependence.
    """

    is_plastic = True
    timing_dependence_type: ClassVar[type[STDPTimingDependence] | None] = None
    weight_dependence_type: ClassVar[type[STDPWeightDependence] | None] = None
    parameter_table = {
        **_WEIGHT_AND_DELAY,
        "dendritic_delay_fraction": Param(1.0, "dimensionless", FRACTION, float,
                                          "dendritic part of the delay"),
    }

    def __new__(cls, timing_dependence: Any = None, weight_dependence: Any = None,
                *args: Any, **kwargs: Any) -> STDPMechanism:
        if not isinstance(timing_dependence, STDPTimingDependence):
            raise TypeError(f"STDPMechanism: timing_dependence must be a timing dependence "
                            f"such as SpikePairRule(), got {timing_dependence!r}")
        if not isinstance(weight_dependence, STDPWeightDependence):
            raise TypeError(f"STDPMechanism: weight_dependence must be a weight dependence "
                            f"such as AdditiveWeightDependence(), got {weight_dependence!r}")
        composed = composed_stdp_class(type(timing_dependence), type(weight_dependence))
        return super().__new__(composed)

    def __init__(self, timing_dependence: Any = None, weight_dependence: Any = None,
                 voltage_dependence: Any = None, dendritic_delay_fraction: Any = 1.0,
                 weight: Any = 0.0, delay: Any = None) -> None:
        if voltage_dependence is not None:
            raise NoModelAvailableError(
                f"STDPMechanism: voltage_dependence={voltage_dependence!r} is not available; "
                "PyNN defines no standard voltage dependence (use None)")
        values = {name: lazy.base_value for component in (timing_dependence, weight_dependence)
                  for name, lazy in component.parameter_space.items()}
        super().__init__(weight=weight, delay=delay,
                         dendritic_delay_fraction=dendritic_delay_fraction, **values)
        object.__setattr__(self, "timing_dependence", timing_dependence)
        object.__setattr__(self, "weight_dependence", weight_dependence)
        object.__setattr__(self, "voltage_dependence", None)

    def __getnewargs__(self) -> tuple[Any, Any]:
        return (self.timing_dependence, self.weight_dependence)

    def _describe_extra(self) -> list[str]:
        return [f"  timing dependence: {type(self.timing_dependence).__name__}",
                f"  weight dependence: {type(self.weight_dependence).__name__}"]

    def __repr__(self) -> str:
        return (f"STDPMechanism({self.timing_dependence!r}, {self.weight_dependence!r}, "
                f"weight={self.parameter_space['weight'].base_value!r})")


def composed_stdp_class(timing: type[STDPTimingDependence],
                        weight: type[STDPWeightDependence]) -> type[STDPMechanism]:
    """The STDPMechanism subclass for one pair of component classes (made once)."""
    key = (timing, weight)
    if key not in _COMPOSED:
        clash = set(timing.parameter_table) & set(weight.parameter_table)
        if clash:
            raise TypeError(f"STDPMechanism: {timing.__name__} and {weight.__name__} both "
                            f"define {sorted(clash)}")
        name = f"STDPMechanism[{timing.__name__}, {weight.__name__}]"
        _COMPOSED[key] = type(name, (STDPMechanism,), {
            "__module__": __name__, "__qualname__": name, "__doc__": STDPMechanism.__doc__,
            "timing_dependence_type": timing, "weight_dependence_type": weight,
            "parameter_table": {**STDPMechanism.parameter_table, **timing.parameter_table,
                                **weight.parameter_table}})
    return _COMPOSED[key]


def __getattr__(name: str) -> type:
    """Resolve composed class names (``STDPMechanism[A, B]``), e.g. for pickle."""
    if name.startswith("STDPMechanism[") and name.endswith("]"):
        parts = [part.strip() for part in name[len("STDPMechanism["):-1].split(",")]
        components = [globals().get(part) for part in parts]
        if len(components) == 2 and all(isinstance(c, type) for c in components):
            return composed_stdp_class(*components)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_stdp_weights(label: str, weights: Any) -> None:
    """Refuse negative STDP weights (current-based inhibitory projections).

    The rule keeps weights in [w_min, w_max] with w_min >= 0, so a negative weight
    would be clipped to w_min at its first change.

    Raises
    ------
    NoModelAvailableError
        If any weight is negative.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.size and weights.min() < 0:
        raise NoModelAvailableError(
            f"projection {label!r}: STDP weights must be >= 0 (got {float(weights.min())!r}); "
            "STDP on current-based inhibitory synapses (negative weights) is not available")


def stdp_pair_update(weight: Any, dt: Any, parameters: Mapping[str, Any],
                     weight_dependence: type[STDPWeightDependence]) -> np.ndarray:
    """Weight after one pre/post spike pair, the float reference of the rule.

    Parameters
    ----------
    weight
        Weights before the pair.
    dt
        ``t_post - t_pre`` as seen at the synapse (ms, see the timing convention);
        > 0 potentiates, < 0 depresses, 0 leaves the weight unchanged.
    parameters
        ``tau_plus, tau_minus, A_plus, A_minus, w_min, w_max`` (and ``mu_plus``,
        ``mu_minus`` for Gutig), scalars or arrays.
    weight_dependence
        The weight dependence class.
    """
    w = np.asarray(weight, dtype=float)
    dt = np.asarray(dt, dtype=float)
    q = {k: np.asarray(v, dtype=float) for k, v in parameters.items()}
    mu_plus, mu_minus = weight_dependence.exponents(q)
    w_min, w_max = q["w_min"], q["w_max"]
    k_plus = np.where(dt > 0, np.exp(-np.abs(dt) / q["tau_plus"]), 0.0)
    k_minus = np.where(dt < 0, np.exp(-np.abs(dt) / q["tau_minus"]), 0.0)
    up = q["A_plus"] * k_plus * w_max * (np.maximum(w_max - w, 0.0) / w_max) ** mu_plus
    down = q["A_minus"] * k_minus * w_max * (np.maximum(w - w_min, 0.0) / w_max) ** mu_minus
    return np.clip(w + up - down, w_min, w_max)


__all__ = ["STDPMechanism", "SpikePairRule", "AdditiveWeightDependence",
           "MultiplicativeWeightDependence", "AdditivePotentiationMultiplicativeDepression",
           "GutigWeightDependence", "stdp_pair_update", "check_stdp_weights"]

STDP_TIMING_DEPENDENCES: tuple[type[STDPTimingDependence], ...] = (SpikePairRule,)
STDP_WEIGHT_DEPENDENCES: tuple[type[STDPWeightDependence], ...] = (
    AdditiveWeightDependence, MultiplicativeWeightDependence,
    AdditivePotentiationMultiplicativeDepression, GutigWeightDependence)
