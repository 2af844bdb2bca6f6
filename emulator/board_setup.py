"""Load-time helpers of the board: inputs, checks, fabric, output wiring, event records."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from firmware_io.chip_config import ChipConfig
from firmware_io.constants import NEURONS_PER_BLOCK, NEURONS_PER_CHIP, ROW_SOURCE, ROWS_PER_BLOCK, ROWS_PER_CHIP
from firmware_io.errors import ConfigError
from firmware_io.image import ROUTE_DTYPE, BoardImage, parse_board_image
from firmware_io.packets import EVENT_DTYPE, MAX_CHIPS

from .network_fabric import FabricSpec


def as_board_image(configs: Sequence[ChipConfig] | BoardImage | bytes,
                    routes: np.ndarray | None) -> tuple[list[ChipConfig], np.ndarray]:
    """Chip configurations and routes from a list, a parsed image or image bytes."""
    if isinstance(configs, (bytes, bytearray, memoryview)):
        configs = parse_board_image(bytes(configs))
    if isinstance(configs, BoardImage):
        if routes is not None:
            raise ValueError("Board.load: routes given twice (the image carries its own); pass one of them")
        configs, routes = configs.configs, configs.routes
    configs = list(configs)
    if not 1 <= len(configs) <= MAX_CHIPS:
        raise ValueError(f"Board.load: {len(configs)} chip configurations given; valid: 1..{MAX_CHIPS} "
                         "(the event formats carry 6-bit chip ids)")
    for i, c in enumerate(configs):
        if not isinstance(c, ChipConfig):
            raise TypeError(f"Board.load: configs[{i}] is a {type(c).__name__}; valid: ChipConfig")
        c.validate()
    routes = np.zeros(0, dtype=ROUTE_DTYPE) if routes is None else np.asarray(routes)
    missing = [f for f in ROUTE_DTYPE.names if routes.dtype.names is None or f not in routes.dtype.names]
    if missing:
        raise ValueError(f"Board.load: routes lack the fields {missing}; valid: a ROUTE_DTYPE array")
    return configs, routes


def check_routes(routes: np.ndarray, n_chips: int, row_source: np.ndarray) -> None:
    """Ranges, and every destination row must take external input (as the image codec checks)."""
    checks = (("src_chip", n_chips), ("src_neuron", NEURONS_PER_CHIP), ("dst_chip", n_chips),
              ("dst_row", ROWS_PER_CHIP))
    for name, limit in checks:
        arr = routes[name].astype(np.int64)
        bad = (arr < 0) | (arr >= limit)
        if bad.any():
            i = int(np.argmax(bad))
            raise ConfigError(f"routes[{i}].{name}: value {int(arr[i])} is out of range; valid: 0..{limit - 1}")
    dst = routes["dst_chip"].astype(np.int64) * ROWS_PER_CHIP + routes["dst_row"].astype(np.int64)
    bad = row_source[dst] != ROW_SOURCE.EXTERNAL
    if bad.any():
        i = int(np.argmax(bad))
        raise ConfigError(f"routes[{i}].dst_row: row {int(routes['dst_row'][i])} of chip {int(routes['dst_chip'][i])} "
                          f"has row_source {ROW_SOURCE(int(row_source[dst[i]])).name}; a routed event needs an "
                          "EXTERNAL row")


def feedback_targets(source: np.ndarray, n_chips: int) -> np.ndarray:
    """For every neuron, the (up to two) global rows its spikes feed back to; -1 = none."""
    n = np.arange(n_chips * NEURONS_PER_CHIP)
    chip, local = n // NEURONS_PER_CHIP, n % NEURONS_PER_CHIP
    block, col = local // NEURONS_PER_BLOCK, local % NEURONS_PER_BLOCK
    same = chip * ROWS_PER_CHIP + block * ROWS_PER_BLOCK + col
    other = chip * ROWS_PER_CHIP + (1 - block) * ROWS_PER_BLOCK + (col ^ 1)
    out = np.stack([np.where(source[same] == ROW_SOURCE.FEEDBACK_SAME, same, -1),
                    np.where(source[other] == ROW_SOURCE.FEEDBACK_OTHER, other, -1)], axis=1)
    return out


def output_targets(source: np.ndarray, n_chips: int, routes: np.ndarray,
                    paths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per neuron: destination rows (feedback, then routes; -1 padded) and path ids.

    A path id is ``src_chip * n_chips + dst_chip`` for a route over links, -1 for
    a route inside one chip and -2 for a feedback row.
    """
    feedback = feedback_targets(source, n_chips)
    n = feedback.shape[0]
    src_chip = routes["src_chip"].astype(np.int64)
    src = src_chip * NEURONS_PER_CHIP + routes["src_neuron"].astype(np.int64)
    order = np.argsort(src, kind="stable")
    src, src_chip = src[order], src_chip[order]
    dst_chip, dst_row = routes["dst_chip"].astype(np.int64)[order], routes["dst_row"].astype(np.int64)[order]
    counts = np.bincount(src, minlength=n)
    width = 2 + int(counts.max(initial=0))
    rows = np.full((n, width), -1, dtype=np.int64)
    pid = np.full((n, width), -1, dtype=np.int64)
    pid[:, :2] = -2
    rows[:, :2] = feedback
    if src.size:
        first = np.concatenate([[0], np.cumsum(counts)])[src]
        col = 2 + np.arange(src.size) - first
        rows[src, col] = dst_chip * ROWS_PER_CHIP + dst_row
        via_links = paths[src_chip, dst_chip, 0] >= 0
        pid[src, col] = np.where(via_links, src_chip * n_chips + dst_chip, -1)
    return rows, pid


def output_events(ticks: list[np.ndarray], neurons: list[np.ndarray]) -> np.ndarray:
    if not ticks:
        return np.zeros(0, dtype=EVENT_DTYPE)
    t, n = np.concatenate(ticks), np.concatenate(neurons)
    order = np.lexsort((n, t))
    ev = np.empty(t.size, dtype=EVENT_DTYPE)
    ev["t"] = t[order]
    ev["chip"] = n[order] // NEURONS_PER_CHIP
    ev["addr"] = n[order] % NEURONS_PER_CHIP
    return ev


def check_board(spec: object | None, configs: list[ChipConfig], routes: np.ndarray) -> None:
    """With a BoardSpec: serials must match the board's chips, router tables must not overflow."""
    from firmware_io.board import BoardSpec
    if not isinstance(spec, BoardSpec):
        return
    for i, (cfg, chip) in enumerate(zip(configs, spec.chips)):
        if cfg.serial != chip.serial:
            raise ConfigError(f"configs[{i}].serial: value {cfg.serial:#x} differs from chip {i} of board "
                              f"{spec.name!r} (serial {chip.serial:#x}); a configuration is made for one chip")
    used = spec.router_entries_used(routes)
    capacity = np.array([chip.router_entries for chip in spec.chips])
    over = used > capacity
    if over.any():
        i = int(np.argmax(over))
        raise ConfigError(f"routes: chip {i} needs {int(used[i])} router entries; board {spec.name!r} "
                          f"has {int(capacity[i])}")


def fabric_spec(arg: object | None, n_chips: int) -> FabricSpec:
    if arg is None:
        return FabricSpec.crossbar(n_chips)
    if isinstance(arg, FabricSpec):
        if arg.n_chips != n_chips:
            raise ValueError(f"fabric describes {arg.n_chips} chips but {n_chips} configurations were loaded")
        return arg
    from .board_spec_adapter import fabric_from_board_spec
    return fabric_from_board_spec(arg, n_chips)
