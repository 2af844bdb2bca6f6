"""Small chip configurations for smoke tests of a board link."""

from __future__ import annotations

import numpy as np

from firmware_io import BoardSpec, ChipConfig, ROW_SOURCE, make_events


def tonic_configs(spec: BoardSpec, readout: tuple[int, int, int, int] = (0, 5, 511, 200),
                  firing: int = 384) -> list[ChipConfig]:
    """One configuration per chip in which every neuron fires tonically.

    The resting potential (code 900) lies above the threshold (500), so each
    neuron climbs back from its reset (300) and fires every few cycles: a busy
    output stream without any input. External rows 192..255 of both blocks
    take input and row 192 + k drives neuron k of its block with weight 15, so
    input events change the output.
    Neurons ``firing`` and up get no leak: after one spike they stay at reset
    unless input drives them.
    """
    configs = []
    for serial in spec.serials:
        cfg = ChipConfig.empty(int(serial))
        cfg.v_rest[:] = 900
        cfg.v_thresh[:] = 500
        cfg.v_reset[:] = 300
        cfg.e_rev_I[:] = 100
        cfg.g_leak[:] = 1000
        cfg.g_leak[firing:] = 0
        cfg.row_source[:, 192:] = ROW_SOURCE.EXTERNAL
        cfg.row_strength[:, 192:] = 300
        cfg.row_tau[:, 192:] = 100
        k = np.arange(64)
        cfg.weights[:, 192 + k, k] = 15  # external row 192 + k drives neuron k of its block
        cfg.readout[:] = readout
        configs.append(cfg)
    return configs


def input_events(n: int, chips: int = 1, *, seed: int = 0, events_per_cycle: float = 2.0) -> np.ndarray:
    """``n`` time-sorted input events on external rows (192..255 of either block), about
    ``events_per_cycle`` per chip and cycle (below a shipped board's input bandwidth of 3)."""
    rng = np.random.default_rng(seed)
    chip = rng.integers(0, chips, n)
    row = rng.integers(192, 256, n) + 256 * rng.integers(0, 2, n)
    t = np.sort(rng.integers(0, int(n * 32 / (events_per_cycle * chips)) + 32, n))
    return make_events(t.astype(np.uint64), chip.astype(np.uint16), row.astype(np.uint16))
