"""Changes between runs: re-map, then write only what changed to the board.

Parameter and weight changes are re-mapped with the same seed. If the layout
(placement, rows, routes, input rows) is the same, the chips whose codes changed
get their new codes in place (``reconfigure``: state kept). A change that needs
another layout is applied by reloading the board when the time is 0 (before the
first run or after ``reset()``); later it is refused, since reloading would
silently lose the network's state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from firmware_io import ARRAY_FIELDS, SCALAR_FIELDS, ChipConfig
from pynn_hw.errors import InvalidParameterValueError
from pynn_hw.network import Network

from .calibration import calibrated_configs, with_readout

if TYPE_CHECKING:  # pragma: no cover
    from .backend import BoardBackend

_LAYOUT_ROW_FIELDS = ("row_indptr", "row_addr", "row_source", "row_sign", "row_tau")


def same_layout(old, new) -> bool:
    """Whether two mappings differ in codes only (same cells, rows, routes and input rows)."""
    pairs = [(old.placement.chip, new.placement.chip), (old.placement.neuron, new.placement.neuron),
             (old.routes, new.routes), (old.inputs.sources, new.inputs.sources),
             (old.inputs.indptr, new.inputs.indptr), (old.inputs.chip, new.inputs.chip),
             (old.inputs.row, new.inputs.row)]
    pairs += [(getattr(old.chip_data, f), getattr(new.chip_data, f)) for f in _LAYOUT_ROW_FIELDS]
    return all(a.shape == b.shape and np.array_equal(a, b) for a, b in pairs)


def configs_differ(a: ChipConfig, b: ChipConfig) -> bool:
    """Whether any code of two chip configurations differs."""
    return any(not np.array_equal(np.asarray(getattr(a, f)), np.asarray(getattr(b, f)))
               for f in (*ARRAY_FIELDS, *SCALAR_FIELDS))


def apply_changes(backend: "BoardBackend", network: Network, what: str) -> None:
    """Bring the board to ``network`` (same structure, new values).

    Raises
    ------
    InvalidParameterValueError
        If the change needs a new layout of the board while the simulation is past
        t = 0 (the backend's values are restored to what they were).
    mapping errors
        As :func:`mapping.map_network` (e.g. a value outside the hardware's range).
    """
    from mapping import map_network
    old_network = backend.network
    try:
        mapped = map_network(network, backend.board, allow_synapse_loss=backend.options.allow_synapse_loss,
                             seed=backend.options.mapping_seed)
        if not same_layout(backend.mapped, mapped) and backend.cycle > 0:
            raise InvalidParameterValueError(
                f"changing {what} at t = {backend.cycle * 0.1:g} ms needs a new layout of the board (other "
                "parameter groups, rows or routes), which would lose the network's state; call reset() and "
                "set it again, or set it before the first run")
    except Exception:
        backend.params = [dict(p.parameters) for p in old_network.populations]
        backend.synapses = [dict(p.parameters) for p in old_network.projections]
        raise
    backend.network = network
    if not same_layout(backend.mapped, mapped):
        backend._set_mapping(mapped)
        backend._reload(mapped)
        return
    backend._set_mapping(mapped)
    readout = np.stack([cfg.readout for cfg in backend.configs])
    new = with_readout(calibrated_configs(mapped.configs, backend.calibration_tables), readout)
    for chip, cfg in enumerate(new):
        if configs_differ(cfg, backend.configs[chip]):
            backend.driver.reconfigure(chip, cfg)
            backend.configs[chip] = cfg
