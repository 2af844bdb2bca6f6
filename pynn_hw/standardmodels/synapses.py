"""Standard synapse types: static and short-term plastic (Tsodyks-Markram).

Long-term plasticity (:class:`~pynn_hw.standardmodels.plasticity.STDPMechanism` and
its timing and weight dependences) lives in :mod:`pynn_hw.standardmodels.plasticity`.
Plastic types set ``is_plastic = True`` and declare their per-synapse state in
``default_initial_values``; such state variables are also entries of the
parameter table, so that ``Projection.initialize(u=...)``/``get('u')`` and the
frozen :class:`~pynn_hw.network.ProjectionSpec` carry them like any other
per-connection value, while ``default_parameters`` lists only the parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from pynn_hw.parameters import ParameterSpace
from pynn_hw.standardmodels.base import StandardModelType
from pynn_hw.standardmodels.spec import NON_NEGATIVE, POSITIVE, Param, p


class StandardSynapseType(StandardModelType):
    """Base of the synapse types.

    ``weight`` is in uS (conductance-based targets), nA (current-based) or mV (delta
    synapses); the post-synaptic cell type's ``weight_units`` tells which, so its
    entry in ``units`` is ``None``. ``delay`` (ms) may be left as ``None``: it then
    means the simulation's minimum delay, which :meth:`resolved_parameter_space`
    fills in.
    """

    #: Values may also be expressions of the distance ``d`` (``delay="0.2 + 0.3*d"``);
    #: functions are functions of the distance, and arrays either one value per
    #: connection or a pre x post matrix. The projection evaluates all of them.
    accepts_expressions: ClassVar[bool] = True
    #: Whether the synapse changes its state (weights, facilitation...) during a run.
    is_plastic: ClassVar[bool] = False
    #: Per-synapse state variables and their defaults (none for static synapses).
    default_initial_values: ClassVar[dict[str, float]] = {}

    @classmethod
    def _derive_class_attributes(cls) -> None:
        super()._derive_class_attributes()
        # state variables sit in the table (per-connection values) but are not
        # parameters in PyNN's sense
        cls.default_parameters = {name: value for name, value in cls.default_parameters.items()
                                  if name not in cls.default_initial_values}

    def __init__(self, **parameters: Any) -> None:
        super().__init__(**{**type(self).default_initial_values, **parameters})

    def __repr__(self) -> str:
        from pynn_hw.parameters import LazyArray
        defaults = {**type(self).default_parameters, **type(self).default_initial_values}
        changed = [f"{name}={value!r}" for name, value in self._homogeneous_values().items()
                   if isinstance(value, LazyArray) or not _same(value, defaults[name])]
        return f"{type(self).__name__}({', '.join(changed)})"

    @property
    def has_default_delay(self) -> bool:
        """True when no delay was given, i.e. the simulation's min_delay applies."""
        return "delay" not in self.parameter_space

    def resolved_parameter_space(self, min_delay: float) -> ParameterSpace:
        """A copy of the parameter space with an unset delay replaced by ``min_delay``.

        Parameters
        ----------
        min_delay
            The simulation's minimum delay in ms.
        """
        space = self.parameter_space.copy()
        if "delay" not in space:
            space["delay"] = float(min_delay)
        return space


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


_WEIGHT_AND_DELAY: dict[str, Param] = {
    "weight": p(0.0, None, doc="synaptic weight (uS, nA or mV, see the target cell type)"),
    "delay": Param(None, "ms", (NON_NEGATIVE,), float,
                   "transmission delay; None means the simulation's min_delay"),
}

@dataclass(frozen=True)
class _AtMost:
    """An upper bound (the spec module only has lower bounds); NaN violates it."""

    high: float

    def violated(self, values: Any) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return ~(np.asarray(values) <= self.high)

    def describe(self) -> str:
        return f"<= {self.high:g}"


#: Checks of a fraction in [0, 1].
FRACTION = (NON_NEGATIVE, _AtMost(1.0))


class StaticSynapse(StandardSynapseType):
    """A synapse of fixed weight and delay.

    Parameters
    ----------
    weight
        Synaptic weight; default 0.
    delay
        Delay in ms; default ``None`` (the simulation's min_delay).
    """

    parameter_table = _WEIGHT_AND_DELAY

    def __init__(self, weight: Any = 0.0, delay: Any = None) -> None:
        super().__init__(weight=weight, delay=delay)


class TsodyksMarkramSynapse(StandardSynapseType):
    """A synapse with short-term depression and facilitation (Tsodyks-Markram model).

    The n-th spike of a train releases the fraction ``u_n`` of the available
    resources ``x_n``, so that its post-synaptic response has the amplitude
    ``weight * u_n * x_n``. With ``h`` the interval since the previous spike::

        u_n = U + u_{n-1} (1 - U) exp(-h / tau_facil)     (exp(...) = 0 if tau_facil = 0)
        x_n = 1 + (x_{n-1} - u_{n-1} x_{n-1} - 1) exp(-h / tau_rec)

    where ``u_0`` is the initial value of ``u`` at t = 0 (default 0, so that
    ``u_1 = U``), ``h`` for the first spike is its time, and nothing is released
    before the first spike (``x_1 = 1``).

    Parameters
    ----------
    weight
        Maximal synaptic weight (uS, nA or mV).
    delay
        Delay in ms; ``None`` means the simulation's min_delay.
    U
        Use parameter: utilisation increment per spike (0..1).
    tau_rec
        Recovery time constant of the resources (ms, > 0).
    tau_facil
        Decay time constant of facilitation (ms, >= 0; 0 means no facilitation).
    u
        Initial value of the utilisation (0..1); PyNN's initial value.
    """

    is_plastic = True
    default_initial_values = {"u": 0.0}
    parameter_table = {
        **_WEIGHT_AND_DELAY,
        "U": Param(0.5, "dimensionless", FRACTION, float, "use parameter"),
        "tau_rec": Param(100.0, "ms", (POSITIVE,), float, "depression time constant"),
        "tau_facil": Param(0.0, "ms", (NON_NEGATIVE,), float, "facilitation time constant"),
        "u": Param(0.0, "dimensionless", FRACTION, float, "utilisation (initial value)"),
    }

    def __init__(self, weight: Any = 0.0, delay: Any = None, U: Any = 0.5,
                 tau_rec: Any = 100.0, tau_facil: Any = 0.0, **initial_values: Any) -> None:
        super().__init__(weight=weight, delay=delay, U=U, tau_rec=tau_rec,
                         tau_facil=tau_facil, **initial_values)


STANDARD_SYNAPSE_TYPES: tuple[type[StandardSynapseType], ...] = (
    StaticSynapse, TsodyksMarkramSynapse)


def tsodyks_markram_release(spike_times: Any, U: float, tau_rec: float, tau_facil: float,
                            u0: float = 0.0) -> np.ndarray:
    """``u_n x_n`` for each spike of a train: the float reference of the model.

    The response to spike n is ``weight * u_n * x_n`` (see
    :class:`TsodyksMarkramSynapse`).

    Parameters
    ----------
    spike_times
        Increasing arrival times (ms).
    U, tau_rec, tau_facil
        The synapse parameters.
    u0
        Initial value of ``u``.
    """
    times = np.asarray(spike_times, dtype=float)
    out = np.empty(times.size)
    # before the first spike: x = 1 (nothing released yet), u decays from u0 at t = 0
    u, x, last, released = float(u0), 1.0, 0.0, 0.0
    for n, t in enumerate(times):      # a recursion: one step per spike of one train
        h = t - last
        facil = np.exp(-h / tau_facil) if tau_facil > 0 else 0.0
        x = 1.0 + (x - released - 1.0) * np.exp(-h / tau_rec)
        u = U + u * (1.0 - U) * facil
        released = u * x
        out[n] = released
        last = t
    return out
