"""The spike sources as Brian 2 groups.

Random sources are NeuronGroups whose threshold draws the spikes: every cell is an
independent process, and each step is a Bernoulli trial (exact in the limit of a
small ``rate * dt``). A spike of step ``n`` is emitted at the end of that step, at
``(n + 1) * dt``, so the window test uses ``t + dt`` and a source fires in
``(start, start + duration]``.

``SpikeSourceArray`` is a SpikeGeneratorGroup; its spikes are scheduled one step
earlier than requested for the same reason (see :mod:`.recording`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pynn_hw.errors import InvalidParameterValueError
from pynn_hw.standardmodels import cells as std

from software_backends.brian2.translation import Rule, computed, same

_WINDOW = "t + dt > start and t + dt <= start + duration"
_WINDOW_RULES = (same("start", "ms"), same("duration", "ms"))


@dataclass(frozen=True)
class SourceModel:
    """A random spike source as a NeuronGroup.

    Attributes
    ----------
    equations
        Declarations of the group's variables other than the parameters.
    threshold
        The spike condition (a random draw inside the window).
    reset, refractory
        Brian reset statements and refractory argument (or None).
    rules
        Brian parameters from PyNN parameters.
    counting
        Code run before the threshold test every step (or None).
    """

    equations: str
    threshold: str
    reset: str | None
    refractory: str | None
    rules: tuple[Rule, ...]
    counting: str | None = None


def _hazard(rate, tau_refrac):
    """Rate of the Poisson process after the dead time, so that the mean rate is
    ``rate``: 1 / rate = tau_refrac + 1 / hazard."""
    rate = np.asarray(rate, dtype=float)
    busy = rate * np.asarray(tau_refrac, dtype=float) / 1000.0
    if np.any(busy >= 1.0):
        raise InvalidParameterValueError(
            "SpikeSourcePoissonRefractory: rate * tau_refrac must be < 1 (a mean rate "
            f"above 1 / tau_refrac cannot be reached); got {float(np.max(busy)):g}")
    return rate / (1.0 - busy)


def _gamma_shape(alpha):
    alpha = np.asarray(alpha, dtype=float)
    bad = (alpha != np.round(alpha)) | (alpha < 1)
    if np.any(bad):
        raise InvalidParameterValueError(
            "SpikeSourceGamma.alpha must be a whole number >= 1 on Brian 2 (a spike is "
            f"every alpha-th event of a Poisson process of rate beta), got {alpha[bad].flat[0]!r}")
    return alpha


SOURCE_MODELS: dict[type, SourceModel] = {
    std.SpikeSourcePoisson: SourceModel(
        "", f"{_WINDOW} and rand() < rate * dt", None, None,
        (same("rate", "Hz"),) + _WINDOW_RULES),
    std.SpikeSourcePoissonRefractory: SourceModel(
        "", f"{_WINDOW} and rand() < hazard * dt", None, "tau_refrac",
        (computed("hazard", ("rate", "tau_refrac"), _hazard, "Hz"),
         same("tau_refrac", "ms")) + _WINDOW_RULES),
    # ISIs of a gamma(alpha, 1 / beta) distribution: every alpha-th event of a
    # Poisson process of rate beta; the count starts uniformly in 0 .. alpha - 1 so
    # that the process starts in its stationary state
    std.SpikeSourceGamma: SourceModel(
        "events : 1\n", "events >= alpha", "events -= alpha", None,
        (computed("alpha", ("alpha",), _gamma_shape, "1"), same("beta", "Hz"))
        + _WINDOW_RULES,
        counting=f"events += int({_WINDOW} and rand() < beta * dt)"),
}

#: Standard sources Brian 2 cannot provide here, with the reason.
UNSUPPORTED_SOURCES: dict[type, str] = {
    std.SpikeSourceInhGamma: "its time-varying gamma process (Sequences a, b, tbins) has "
                             "no model in this backend; use SpikeSourceGamma per segment "
                             "or SpikeSourceArray",
}
