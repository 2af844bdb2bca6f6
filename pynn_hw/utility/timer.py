"""Wall-clock timing of script phases."""

from __future__ import annotations

import time

_UNITS = (("year", 31556952), ("day", 86400), ("hour", 3600), ("minute", 60),
          ("second", 1))


class Timer:
    """Measures wall-clock time; starts when created.

    Attributes
    ----------
    marks
        ``(label, seconds)`` pairs stored by :meth:`mark`.
    """

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []
        self.start()

    def start(self) -> None:
        """Start (or restart) timing from now."""
        self._start_time = time.perf_counter()
        self._last_check = self._start_time

    def reset(self) -> None:
        """Set the elapsed time back to zero and keep timing."""
        self.start()

    def elapsed_time(self, format: str | None = None) -> float | str:  # noqa: A002
        """Seconds since :meth:`start`; the clock keeps running.

        With ``format='long'`` the time is returned in words
        (``'16 minutes, 27 seconds'``).
        """
        now = time.perf_counter()
        self._last_check = now
        elapsed = now - self._start_time
        return self.time_in_words(elapsed) if format == "long" else elapsed

    def diff(self, format: str | None = None) -> float | str:  # noqa: A002
        """Seconds since the last call of :meth:`elapsed_time`, :meth:`diff` or
        :meth:`mark` (or since the start); ``format='long'`` as in
        :meth:`elapsed_time`."""
        now = time.perf_counter()
        delta = now - self._last_check
        self._last_check = now
        return self.time_in_words(delta) if format == "long" else delta

    def mark(self, label: str) -> None:
        """Store ``(label, diff())`` in :attr:`marks`."""
        self.marks.append((label, self.diff()))

    @staticmethod
    def time_in_words(seconds: float) -> str:
        """Whole years, days, hours, minutes and seconds, leaving out zero parts:
        ``123`` -> ``'2 minutes, 3 seconds'``, ``86400`` -> ``'1 day'``,
        under one second -> ``'0 seconds'``."""
        remaining = int(seconds)
        parts = []
        for name, size in _UNITS:
            count, remaining = divmod(remaining, size)
            if count:
                parts.append(f"{count} {name}{'s' if count > 1 else ''}")
        return ", ".join(parts) or "0 seconds"
