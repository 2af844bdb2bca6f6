"""Time step and delay bounds of a simulation, and their validation."""

from __future__ import annotations

from dataclasses import dataclass

from pynn_hw.errors import InvalidParameterValueError

#: Delay upper bound used when the user asks for ``max_delay='auto'`` and the
#: network does not say more (ms).
DEFAULT_MAX_DELAY = 10.0

_REFUSED_NAMES = {"mindelay": "min_delay", "maxdelay": "max_delay", "dt": "timestep",
                  "time_step": "timestep"}


@dataclass
class Timing:
    """Time resolution and delay bounds given to ``setup``.

    ``min_delay``/``max_delay`` may be ``'auto'``: the smallest and largest delay of
    the built network are used then.
    """

    timestep: float = 0.1
    min_delay: float | str = "auto"
    max_delay: float | str = "auto"

    @classmethod
    def from_setup(cls, timestep: float, min_delay: float | str, max_delay: float | str,
                   extra: dict) -> "Timing":
        """Validate the arguments of ``setup`` and return the timing they describe."""
        for old, new in _REFUSED_NAMES.items():
            if old in extra:
                raise Exception(f"setup() got {old}={extra[old]!r}: the argument is called "
                                f"{new!r}")
        timestep = float(timestep)
        if not timestep > 0:
            raise InvalidParameterValueError(
                f"setup(): timestep must be > 0 ms, got {timestep!r}")
        for name, value in (("min_delay", min_delay), ("max_delay", max_delay)):
            if value != "auto" and not isinstance(value, (int, float)):
                raise InvalidParameterValueError(
                    f"setup(): {name} must be a number of ms or 'auto', got {value!r}")
        if min_delay != "auto" and min_delay < timestep:
            raise Exception(f"setup(): min_delay ({min_delay} ms) must be >= timestep "
                            f"({timestep} ms)")
        if min_delay != "auto" and max_delay != "auto" and min_delay > max_delay:
            raise Exception(f"setup(): min_delay ({min_delay} ms) must be <= max_delay "
                            f"({max_delay} ms)")
        return cls(timestep, min_delay, max_delay)

    @property
    def default_delay(self) -> float:
        """The delay used where a synapse has ``delay=None``."""
        return self.timestep if self.min_delay == "auto" else float(self.min_delay)

    def check_delays(self, delays, label: str) -> None:
        """Refuse delays outside [min_delay, max_delay] (or below the time step)."""
        import numpy as np
        delays = np.asarray(delays)
        if delays.size == 0:
            return
        low = self.timestep if self.min_delay == "auto" else float(self.min_delay)
        lo = float(delays.min())
        # delays are compared after rounding to the grid, with float slack
        if lo < low - 1e-9 * max(1.0, low):
            raise InvalidParameterValueError(
                f"{label}: delay {lo} ms is below the minimum delay {low} ms "
                f"(min_delay={self.min_delay!r}, timestep={self.timestep})")
        if self.max_delay != "auto":
            hi = float(delays.max())
            if hi > float(self.max_delay) + 1e-9 * max(1.0, hi):
                raise InvalidParameterValueError(
                    f"{label}: delay {hi} ms is above max_delay {self.max_delay} ms")
