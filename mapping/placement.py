"""Placement of the partitions (logical chips) onto the board's chips.

The partitioner fills logical chips in an order that keeps neurons with shared
sources (or neighbouring indices) together, so consecutive logical chips talk
most. First placement: logical chip ``i`` goes to the ``i``-th chip along a
snake (boustrophedon) walk of the chip grid, so neighbours in the order are
neighbours on the board. Refinement (boards of up to ``REFINE_MAX_CHIPS``
chips): the quadratic assignment cost ``sum T[p, q] * hops(pos p, pos q)``
(``T``: expected events/s from logical chip p to q, both directions) is
linearised around the current placement and the resulting linear assignment
problem is solved exactly with OR-Tools (``SimpleLinearSumAssignment``); the new
placement is kept only if the true cost drops. Deterministic.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from pynn_hw.errors import MappingError

from .board_geometry import BoardGeometry

#: Largest board on which the OR-Tools refinement runs (its cost matrix is dense).
REFINE_MAX_CHIPS = 512
REFINE_ROUNDS = 3


def snake_order(geo: BoardGeometry) -> np.ndarray:
    """Chip ids along a boustrophedon walk of the grid (rows, alternating direction)."""
    r, c = geo.pos[:, 0], geo.pos[:, 1]
    key_c = np.where(r % 2 == 0, c, -c)
    return np.lexsort((key_c, r))


def _cost(traffic: sp.csr_matrix, place: np.ndarray, geo: BoardGeometry) -> float:
    coo = traffic.tocoo()
    return float(np.sum(coo.data * geo.distance(place[coo.row], place[coo.col])))


def place(n_logical: int, traffic: sp.csr_matrix, geo: BoardGeometry, board_name: str) -> tuple[np.ndarray, dict]:
    """Board chip id of every logical chip, and statistics of the refinement.

    Raises
    ------
    MappingError
        If the board has fewer chips than the partition needs.
    """
    if n_logical > geo.n:
        raise MappingError(
            f"board {board_name!r} is too small: the network needs {n_logical} chips, the board has {geo.n}"
        )
    placement = snake_order(geo)[:n_logical].astype(np.int64)
    stats = {"cost_initial": _cost(traffic, placement, geo) if n_logical else 0.0, "rounds": 0}
    stats["cost_final"] = stats["cost_initial"]
    if n_logical < 2 or geo.n > REFINE_MAX_CHIPS or traffic.nnz == 0:
        return placement, stats
    from ortools.graph.python import linear_sum_assignment

    sym = (traffic + traffic.T).tocsr()
    all_chips = np.arange(geo.n)
    best = stats["cost_initial"]
    for _ in range(REFINE_ROUNDS):
        dist = geo.distance(placement[:, None], all_chips[None, :])  # (n_logical, n_chips)
        lin = np.asarray(sym @ dist)  # cost of putting p at chip x given the others stay
        scale = 1e6 / max(float(lin.max()), 1e-12)
        cost = np.rint(lin * scale).astype(np.int64)
        solver = linear_sum_assignment.SimpleLinearSumAssignment()
        # square problem: idle chips are filled by dummy logical chips of cost 0
        left = np.repeat(np.arange(geo.n), geo.n)
        right = np.tile(all_chips, geo.n)
        full = np.zeros((geo.n, geo.n), dtype=np.int64)
        # tie-break towards the current position keeps the result stable
        full[:n_logical] = cost * 2
        full[np.arange(n_logical), placement] -= 1
        solver.add_arcs_with_cost(left, right, full.ravel())
        if solver.solve() != solver.OPTIMAL:
            break
        candidate = np.array([solver.right_mate(i) for i in range(n_logical)], dtype=np.int64)
        new = _cost(traffic, candidate, geo)
        stats["rounds"] += 1
        if new >= best:
            break
        placement, best = candidate, new
    stats["cost_final"] = best
    return placement, stats
