"""Text progress bars for the terminal."""

from __future__ import annotations

import sys

from pynn_hw.errors import InvalidParameterValueError

_MODES = ("fixed", "dynamic")
#: Width of a :class:`SimulationProgressBar` is one character per interval, within
#: these bounds (a 1 s run at 0.1 ms steps must not print 10 000 characters).
_MIN_WIDTH, _MAX_WIDTH = 12, 77


class ProgressBar:
    """A bar such as ``[ ######      ] 50%`` redrawn in place on stdout.

    Parameters
    ----------
    width
        Characters between the brackets, plus 2.
    char
        The character that fills the bar.
    mode
        ``'fixed'``: the bar is padded with spaces so the percentage stays in place;
        ``'dynamic'``: the percentage follows the end of the bar.
    """

    def __init__(self, width: int = 77, char: str = "#", mode: str = "fixed") -> None:
        if mode not in _MODES:
            raise InvalidParameterValueError(
                f"ProgressBar.mode: {mode!r} is not valid; use one of {_MODES}")
        if int(width) < 3:
            raise InvalidParameterValueError(
                f"ProgressBar.width: must be at least 3, got {width}")
        self.width = int(width)
        self.char = char
        self.mode = mode

    def render(self, level: float) -> str:
        """The bar text for ``level`` (clipped to [0, 1])."""
        level = min(max(float(level), 0.0), 1.0)
        full = self.width - 2
        filled = int(round(level * full))
        bar = self.char * filled
        if self.mode == "fixed":
            bar += " " * (full - filled)
        return f"[ {bar} ] {100 * level:3.0f}%"

    def set_level(self, level: float) -> None:
        """Redraw the bar for ``level``, a fraction in [0, 1]."""
        sys.stdout.write(self.render(level) + " \r")
        sys.stdout.flush()

    def __call__(self, level: float) -> None:
        self.set_level(level)


class SimulationProgressBar(ProgressBar):
    """A progress bar to pass to ``run(..., callbacks=[bar])``.

    Called with the simulation time ``t``, it redraws itself for ``t / t_stop`` and
    returns the time of its next call, ``t + interval``.

    Parameters
    ----------
    interval
        Time between updates in ms.
    t_stop
        Time at which the bar is full, in ms.
    """

    def __init__(self, interval: float, t_stop: float, char: str = "#",
                 mode: str = "fixed") -> None:
        if not interval > 0 or not t_stop > 0:
            raise InvalidParameterValueError(
                f"SimulationProgressBar: interval ({interval} ms) and t_stop "
                f"({t_stop} ms) must be > 0")
        width = min(max(int(t_stop / interval), _MIN_WIDTH), _MAX_WIDTH)
        super().__init__(width=width, char=char, mode=mode)
        self.interval = float(interval)
        self.t_stop = float(t_stop)

    def __call__(self, t: float) -> float:  # type: ignore[override]
        self.set_level(t / self.t_stop)
        return t + self.interval
