"""The Brian 2 specific keyword arguments of ``setup()``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pynn_hw.errors import InvalidParameterValueError

from software_backends.common.options import SetupOptions, check_whole_number

#: Code generation targets: Brian's pure-numpy runtime (no compiler, starts at
#: once) and Cython (compiled once per model and cached on disk, faster per step).
CODEGEN_TARGETS = ("numpy", "cython")
DEFAULT_SEED = 1


@dataclass(frozen=True)
class Brian2Options(SetupOptions):
    """Validated ``setup()`` extras of the Brian 2 backend.

    Attributes
    ----------
    codegen_target
        ``'numpy'`` (default) or ``'cython'``; see ``docs`` of the backend for the
        measured trade-off.
    rng_seed
        Seed of the random numbers (spike sources, noise). Segment ``k`` (after
        ``k`` resets) uses ``rng_seed + k``, so random sources give a new
        realisation in every segment. The default is a fixed seed, so that runs
        repeat (as NEST's do); None draws a fresh seed. Brian's ``seed()`` also
        seeds numpy's global generator, which Brian's random functions use.
    """

    codegen_target: str = "numpy"
    rng_seed: int | None = DEFAULT_SEED

    SIMULATOR: ClassVar[str] = "Brian 2"

    def _check(self) -> None:
        if self.codegen_target not in CODEGEN_TARGETS:
            raise InvalidParameterValueError(
                f"setup(): codegen_target must be one of {', '.join(CODEGEN_TARGETS)}, "
                f"got {self.codegen_target!r}")
        if self.rng_seed is not None:
            check_whole_number("rng_seed", self.rng_seed, 0, 2**31, "2**31")
