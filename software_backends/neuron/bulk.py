"""Bulk operations on NEURON objects, run as hoc loops.

NEURON has no vectorised calls for creating NetCons or for reading and writing
their weights; a loop in hoc over ``Vector`` arguments is about twice as fast as
the same loop in Python, so every per-connection and per-event loop lives here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_HOC = """
objref pynnhw_pc_
pynnhw_pc_ = new ParallelContext()

proc pynnhw_connect() { local k, receptor  localobj pre, post, w, d, targets, out, nc
    pre = $o1  post = $o2  w = $o3  d = $o4  receptor = $5  targets = $o6  out = $o7
    for k = 0, pre.size() - 1 {
        nc = pynnhw_pc_.gid_connect(pre.x[k], targets.o(post.x[k]))
        nc.weight[0] = w.x[k]
        nc.weight[1] = receptor
        nc.delay = d.x[k]
        out.append(nc)
    }
}

proc pynnhw_connect_uniform() { local k, w, d, receptor  localobj pre, post, targets, out, nc
    pre = $o1  post = $o2  w = $3  d = $4  receptor = $5  targets = $o6  out = $o7
    if (receptor == 0) {
        for k = 0, pre.size() - 1 {
            nc = pynnhw_pc_.gid_connect(pre.x[k], targets.o(post.x[k]))
            nc.weight = w
            nc.delay = d
            out.append(nc)
        }
    } else {
        for k = 0, pre.size() - 1 {
            nc = pynnhw_pc_.gid_connect(pre.x[k], targets.o(post.x[k]))
            nc.weight = w
            nc.weight[1] = receptor
            nc.delay = d
            out.append(nc)
        }
    }
}

proc pynnhw_get_weights() { local k  localobj netcons, out
    netcons = $o1  out = $o2
    out.resize(netcons.count())
    for k = 0, netcons.count() - 1 { out.x[k] = netcons.o(k).weight[0] }
}

proc pynnhw_set_weights() { local k  localobj netcons, values
    netcons = $o1  values = $o2
    for k = 0, netcons.count() - 1 { netcons.o(k).weight[0] = values.x[k] }
}

proc pynnhw_get_delays() { local k  localobj netcons, out
    netcons = $o1  out = $o2
    out.resize(netcons.count())
    for k = 0, netcons.count() - 1 { out.x[k] = netcons.o(k).delay }
}

proc pynnhw_set_delays() { local k  localobj netcons, values
    netcons = $o1  values = $o2
    for k = 0, netcons.count() - 1 { netcons.o(k).delay = values.x[k] }
}

proc pynnhw_schedule() { local k  localobj nc, times
    nc = $o1  times = $o2
    for k = 0, times.size() - 1 { nc.event(times.x[k]) }
}
"""

_defined: list[bool] = []


def _h() -> Any:
    from neuron import h
    if not _defined:
        h(_HOC)
        _defined.append(True)
    return h


def vector(values: np.ndarray) -> Any:
    """A hoc Vector holding ``values`` (float64)."""
    return _h().Vector(np.ascontiguousarray(values, dtype=float))


def connect(pre_gids: np.ndarray, target_slots: np.ndarray, weights: np.ndarray,
            delays: np.ndarray, receptor: int, targets: Any) -> Any:
    """NetCons from source gids to the point processes ``targets.o(slot)``.

    Returns a hoc List of the NetCons, in the order of the arguments.
    """
    h = _h()
    out = h.List()
    if not len(pre_gids):
        return out
    weights, delays = np.asarray(weights, dtype=float), np.asarray(delays, dtype=float)
    if _uniform(weights) and _uniform(delays):
        # the common case of one weight and one delay: fewer hoc statements per NetCon
        h.pynnhw_connect_uniform(vector(pre_gids), vector(target_slots), float(weights.flat[0]),
                                 float(delays.flat[0]), float(receptor), targets, out)
    else:
        h.pynnhw_connect(vector(pre_gids), vector(target_slots), vector(weights),
                         vector(delays), float(receptor), targets, out)
    return out


def _uniform(values: np.ndarray) -> bool:
    return values.size > 0 and bool(np.all(values == values.flat[0]))


def get_weights(netcons: Any) -> np.ndarray:
    h = _h()
    out = h.Vector()
    h.pynnhw_get_weights(netcons, out)
    return out.as_numpy().copy()


def set_weights(netcons: Any, values: np.ndarray) -> None:
    if len(values):
        _h().pynnhw_set_weights(netcons, vector(values))


def get_delays(netcons: Any) -> np.ndarray:
    h = _h()
    out = h.Vector()
    h.pynnhw_get_delays(netcons, out)
    return out.as_numpy().copy()


def set_delays(netcons: Any, values: np.ndarray) -> None:
    if len(values):
        _h().pynnhw_set_delays(netcons, vector(values))


def schedule(netcon: Any, times: np.ndarray) -> None:
    """Queue one event of ``netcon`` at each of ``times`` (ms)."""
    if len(times):
        _h().pynnhw_schedule(netcon, vector(times))
