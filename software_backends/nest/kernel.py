"""The NEST kernel: one per process, so the backend that built last owns it."""

from __future__ import annotations

import nest

from pynn_hw.errors import InvalidParameterValueError

from software_backends.nest.grid import Grid
from software_backends.nest.options import NestOptions

_owner: list[object | None] = [None]


def claim(owner: object, options: NestOptions, grid: Grid, min_delay: float,
          max_delay: float, seed_offset: int) -> None:
    """Reset the kernel and configure it for ``owner``.

    Parameters
    ----------
    owner
        The backend that will use the kernel from now on.
    options
        Validated setup() options.
    grid
        The time grid (its step is NEST's resolution).
    min_delay, max_delay
        Delay bounds in ms (multiples of the resolution).
    seed_offset
        Added to the seed (the segment number), so that random sources give a new
        realisation after every reset.
    """
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel[options.verbosity.upper()]
    nest.set(local_num_threads=options.threads)
    nest.set(resolution=grid.dt)
    nest.set(min_delay=min_delay, max_delay=max_delay)
    if options.rng_type is not None:
        if options.rng_type not in nest.rng_types:
            raise InvalidParameterValueError(
                f"setup(): rng_type must be one of {', '.join(nest.rng_types)}, "
                f"got {options.rng_type!r}")
        nest.set(rng_type=options.rng_type)
    seed = options.rng_seed if options.rng_seed is not None else nest.rng_seed
    nest.set(rng_seed=(seed + seed_offset - 1) % (2**31 - 1) + 1)
    _owner[0] = owner


def owns(owner: object) -> bool:
    """Whether ``owner`` built the kernel's current contents."""
    return _owner[0] is owner


def release(owner: object) -> None:
    """Free the kernel if ``owner`` still holds it."""
    if _owner[0] is owner:
        nest.ResetKernel()
        _owner[0] = None
