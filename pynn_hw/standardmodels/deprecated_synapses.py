"""The PyNN 0.6/0.7 way of giving plastic synapses: ``SynapseDynamics(fast, slow)``.

``Projection(..., synapse_dynamics=SynapseDynamics(fast=TsodyksMarkramMechanism(...)))``
or ``SynapseDynamics(slow=STDPMechanism(...))``, with weights and delays given to
the connector, is accepted with a DeprecationWarning and turned into the
equivalent synapse type of the current API.
"""

from __future__ import annotations

import warnings
from typing import Any

from pynn_hw.errors import NoModelAvailableError
from pynn_hw.standardmodels.plasticity import STDPMechanism
from pynn_hw.standardmodels.synapses import StandardSynapseType, TsodyksMarkramSynapse


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated; use {new}", DeprecationWarning, stacklevel=3)


class TsodyksMarkramMechanism:
    """Deprecated: short-term plasticity for ``SynapseDynamics(fast=...)``.

    Parameters
    ----------
    U, tau_rec, tau_facil
        As :class:`~pynn_hw.standardmodels.synapses.TsodyksMarkramSynapse`.
    u0
        Initial utilisation.
    x0, y0
        Initial available and active resources; only ``x0 = 1``, ``y0 = 0`` (the
        state of a synapse at rest) exist in the current model.
    """

    def __init__(self, U: float = 0.5, tau_rec: float = 100.0, tau_facil: float = 0.0,
                 u0: float = 0.0, x0: float = 1.0, y0: float = 0.0) -> None:
        _deprecated("TsodyksMarkramMechanism", "TsodyksMarkramSynapse")
        if x0 != 1.0 or y0 != 0.0:
            raise NoModelAvailableError(
                f"TsodyksMarkramMechanism: x0={x0!r}, y0={y0!r} cannot be represented; "
                "the model starts from rest (x0=1, y0=0)")
        self.parameters = {"U": U, "tau_rec": tau_rec, "tau_facil": tau_facil, "u": u0}

    def synapse_type(self, weight: Any, delay: Any) -> TsodyksMarkramSynapse:
        """The equivalent synapse type with the given weight and delay."""
        return TsodyksMarkramSynapse(weight=weight, delay=delay, **self.parameters)


class SynapseDynamics:
    """Deprecated: a container of fast (short-term) and slow (long-term) plasticity.

    Parameters
    ----------
    fast
        A :class:`TsodyksMarkramMechanism`, or None.
    slow
        An :class:`~pynn_hw.standardmodels.plasticity.STDPMechanism`, or None.

    Raises
    ------
    NoModelAvailableError
        If both are given (no standard synapse type combines them).
    TypeError
        For objects of other types.
    """

    def __init__(self, fast: Any = None, slow: Any = None) -> None:
        _deprecated("SynapseDynamics(fast=..., slow=...)",
                    "synapse_type=TsodyksMarkramSynapse(...) or STDPMechanism(...)")
        if fast is not None and not isinstance(fast, TsodyksMarkramMechanism):
            raise TypeError(f"SynapseDynamics: fast must be a TsodyksMarkramMechanism, "
                            f"got {fast!r}")
        if slow is not None and not isinstance(slow, STDPMechanism):
            raise TypeError(f"SynapseDynamics: slow must be an STDPMechanism, got {slow!r}")
        if fast is not None and slow is not None:
            raise NoModelAvailableError(
                "SynapseDynamics: short-term (fast) and long-term (slow) plasticity in one "
                "synapse is not available; give one of them")
        self.fast, self.slow = fast, slow

    def synapse_type(self, weight: Any = 0.0, delay: Any = None) -> StandardSynapseType:
        """The equivalent synapse type of the current API.

        Parameters
        ----------
        weight, delay
            Used for the fast mechanism and for the STDP mechanism's initial values;
            a Projection given ``synapse_dynamics`` overrides them with the connector's
            weights and delays.
        """
        from pynn_hw.standardmodels.synapses import StaticSynapse
        if self.fast is not None:
            return self.fast.synapse_type(weight, delay)
        if self.slow is not None:
            return self.slow
        return StaticSynapse(weight=weight, delay=delay)
