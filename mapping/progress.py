"""A ``progress`` callback for :func:`mapping.map_network` that draws text bars."""

from __future__ import annotations

import sys
from collections.abc import Callable

from pynn_hw.utility import ProgressBar


def progress_bar(width: int = 40) -> Callable[[str, float], None]:
    """A callback that shows one :class:`pynn_hw.utility.ProgressBar` per mapping step.

    Usage: ``map_network(network, board, progress=progress_bar())``.
    """
    bar = ProgressBar(width=width)
    state = {"step": ""}

    def show(step: str, fraction: float) -> None:
        if step != state["step"]:
            if state["step"]:
                sys.stdout.write("\n")
            state["step"] = step
        sys.stdout.write(f"{step:<12} {bar.render(fraction)} \r")
        sys.stdout.flush()

    return show
