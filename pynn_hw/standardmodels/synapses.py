"""Standard synapse types.

Only :class:`StaticSynapse` exists so far. Plastic types derive from
:class:`StandardSynapseType` with ``is_plastic = True`` and declare their state
(e.g. Tsodyks-Markram ``u``) in ``default_initial_values``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pynn_hw.parameters import ParameterSpace
from pynn_hw.standardmodels.base import StandardModelType
from pynn_hw.standardmodels.spec import NON_NEGATIVE, Param, p


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


_WEIGHT_AND_DELAY: dict[str, Param] = {
    "weight": p(0.0, None, doc="synaptic weight (uS, nA or mV, see the target cell type)"),
    "delay": Param(None, "ms", (NON_NEGATIVE,), float,
                   "transmission delay; None means the simulation's min_delay"),
}


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


STANDARD_SYNAPSE_TYPES: tuple[type[StandardSynapseType], ...] = (StaticSynapse,)
