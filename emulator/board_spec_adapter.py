"""Turn a :class:`firmware_io.board.BoardSpec` into the emulator's :class:`FabricSpec`."""

from __future__ import annotations

import numpy as np

from firmware_io.board import BoardSpec

from .network_fabric import FabricSpec, rate_per_cycle


def fabric_from_board_spec(spec: BoardSpec, n_chips: int | None = None) -> FabricSpec:
    """Links (directed, in :meth:`BoardSpec.links` order), delays and bandwidths of ``spec``.

    Raises
    ------
    ValueError
        If ``n_chips`` is given and differs from the board's chip count.
    """
    if not isinstance(spec, BoardSpec):
        raise TypeError(f"board description is a {type(spec).__name__}; valid: BoardSpec or FabricSpec")
    if n_chips is not None and n_chips != spec.n_chips:
        raise ValueError(f"board {spec.name!r} has {spec.n_chips} chips but {n_chips} configurations were loaded")
    ends, rate, delay, depth = spec.links()
    return FabricSpec(
        n_chips=spec.n_chips,
        link_ends=ends.astype(np.int64),
        link_delay_ticks=delay.astype(np.int64),
        link_rate=np.array([rate_per_cycle(float(r)) for r in rate], dtype=np.int64),
        link_depth=depth.astype(np.int64),
        input_rate=np.array([rate_per_cycle(c.input_events_per_s) for c in spec.chips], dtype=np.int64),
        input_depth=np.array([c.input_buffer_events for c in spec.chips], dtype=np.int64),
        fixed_paths={(a, b): spec.path(a, b) for a in range(spec.n_chips) for b in range(spec.n_chips)},
    )
