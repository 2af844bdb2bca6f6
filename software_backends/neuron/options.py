"""The NEURON-specific keyword arguments of ``setup()``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pynn_hw.errors import InvalidParameterValueError

from software_backends.common.options import SetupOptions, check_whole_number


@dataclass(frozen=True)
class NeuronOptions(SetupOptions):
    """Validated ``setup()`` extras of the NEURON backend.

    Attributes
    ----------
    use_cvode
        Integrate with NEURON's variable-step solver CVODE instead of the fixed
        time step (second-order Crank-Nicolson, ``secondorder = 2``).
    rtol, atol
        Relative and absolute tolerances of CVODE (ignored with a fixed step).
    default_maxstep
        Longest interval (ms) between spike exchanges when the network has no
        connection that sets it (NEURON exchanges spikes every min_delay otherwise).
    native_rng_baseseed
        Base of the Random123 stream identifiers of the random spike sources and
        noisy currents: streams are ``(baseseed, cell or source, segment)``, so
        they do not depend on the number of MPI processes.
    """

    use_cvode: bool = False
    rtol: float = 1e-3
    atol: float = 1e-4
    default_maxstep: float = 10.0
    native_rng_baseseed: int = 0

    SIMULATOR: ClassVar[str] = "NEURON"

    def _check(self) -> None:
        if not isinstance(self.use_cvode, (bool, int)):
            raise InvalidParameterValueError(
                f"setup(): use_cvode must be True or False, got {self.use_cvode!r}")
        for name in ("rtol", "atol", "default_maxstep"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise InvalidParameterValueError(
                    f"setup(): {name} must be a number > 0, got {value!r}")
        check_whole_number("native_rng_baseseed", self.native_rng_baseseed, 0, 2**32,
                           "2**32", refuse_bool=True)
