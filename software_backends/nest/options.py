"""The NEST-specific keyword arguments of ``setup()``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pynn_hw.errors import InvalidParameterValueError

from software_backends.common.options import SetupOptions, check_whole_number

_VERBOSITY = ("all", "debug", "status", "info", "progress", "deprecated", "warning",
              "error", "fatal", "quiet")
_PRECISION = ("off_grid", "on_grid")


@dataclass(frozen=True)
class NestOptions(SetupOptions):
    """Validated ``setup()`` extras of the NEST backend.

    Attributes
    ----------
    threads
        Number of threads (NEST ``local_num_threads``).
    rng_seed
        Seed of NEST's random number generators (None: NEST's default seed).
        Segment ``k`` (after ``k`` resets) runs with ``rng_seed + k``, so random
        sources give a new realisation in every segment.
    rng_type
        One of NEST's ``rng_types`` (None: NEST's default).
    verbosity
        NEST's message level.
    spike_precision
        ``'off_grid'`` (PyNN's default): models with precise spike timing where NEST
        has them; ``'on_grid'``: spikes on the time grid.
    recording_precision
        Number of decimals of recorded spike times (None: 15 off-grid, 3 on-grid).
    t_flush
        Accepted for PyNN compatibility. ``reset()`` rebuilds the kernel, so there is
        no state left to flush and the value has no effect.
    """

    threads: int = 1
    rng_seed: int | None = None
    rng_type: str | None = None
    verbosity: str = "error"
    spike_precision: str = "off_grid"
    recording_precision: int | None = None
    t_flush: float = 0.0

    SIMULATOR: ClassVar[str] = "NEST"

    def _check(self) -> None:
        if not isinstance(self.threads, int) or self.threads < 1:
            raise InvalidParameterValueError(
                f"setup(): threads must be a whole number >= 1, got {self.threads!r}")
        if self.rng_seed is not None:
            check_whole_number("rng_seed", self.rng_seed, 1, 2**31, "2**31")
        if str(self.verbosity).lower() not in _VERBOSITY:
            raise InvalidParameterValueError(
                f"setup(): verbosity must be one of {', '.join(_VERBOSITY)}, "
                f"got {self.verbosity!r}")
        if self.spike_precision not in _PRECISION:
            raise InvalidParameterValueError(
                f"setup(): spike_precision must be 'on_grid' or 'off_grid', "
                f"got {self.spike_precision!r}")
        if self.recording_precision is not None and (
                not isinstance(self.recording_precision, int) or self.recording_precision < 0):
            raise InvalidParameterValueError(
                f"setup(): recording_precision must be a number of decimals >= 0, "
                f"got {self.recording_precision!r}")

    @property
    def precise(self) -> bool:
        """Whether off-grid spike timing is used."""
        return self.spike_precision == "off_grid"

    @property
    def decimals(self) -> int:
        """Decimals kept in recorded spike times."""
        if self.recording_precision is not None:
            return self.recording_precision
        return 15 if self.precise else 3
