"""In-memory configuration of one chip: every setting as an integer code.

:class:`ChipConfig` is what the image builder serialises, what the parser
returns and what the emulator executes. All fields are codes (no physical
units); :mod:`firmware_io.units` converts codes to nominal physical values.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

import numpy as np

from .constants import (
    BLOCKS_PER_CHIP,
    EXTERNAL_ROWS_PER_CHIP,
    FEEDBACK_ROWS_PER_BLOCK,
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    NO_READOUT,
    PARAM_GROUPS_PER_CHIP,
    PARAM_MAX,
    READOUT_CHANNELS_PER_CHIP,
    ROW_SOURCE,
    ROWS_PER_BLOCK,
    SERIAL_MAX,
    SIGN,
    STDP_LUT_SIZE,
    STP_MODES,
    WEIGHT_MAX,
)
from .errors import ConfigError


class FieldSpec(NamedTuple):
    """Storage type, shape and largest code of one ChipConfig field."""

    dtype: type
    shape: tuple[int, ...]
    max: int


_ROWS = (BLOCKS_PER_CHIP, ROWS_PER_BLOCK)

#: Specification of every array field, in image order.
ARRAY_FIELDS: dict[str, FieldSpec] = {
    "weights": FieldSpec(np.uint8, (BLOCKS_PER_CHIP, ROWS_PER_BLOCK, NEURONS_PER_BLOCK), WEIGHT_MAX),
    "row_source": FieldSpec(np.uint8, _ROWS, max(ROW_SOURCE)),
    "row_sign": FieldSpec(np.uint8, _ROWS, max(SIGN)),
    "row_stp": FieldSpec(np.uint8, _ROWS, max(STP_MODES)),
    "row_stdp": FieldSpec(np.bool_, _ROWS, 1),
    "row_strength": FieldSpec(np.uint16, _ROWS, PARAM_MAX),
    "row_tau": FieldSpec(np.uint16, _ROWS, PARAM_MAX),
    "g_leak": FieldSpec(np.uint16, (NEURONS_PER_CHIP,), PARAM_MAX),
    "tau_refrac": FieldSpec(np.uint16, (NEURONS_PER_CHIP,), PARAM_MAX),
    "v_rest": FieldSpec(np.uint16, (PARAM_GROUPS_PER_CHIP,), PARAM_MAX),
    "v_reset": FieldSpec(np.uint16, (PARAM_GROUPS_PER_CHIP,), PARAM_MAX),
    "v_thresh": FieldSpec(np.uint16, (PARAM_GROUPS_PER_CHIP,), PARAM_MAX),
    "e_rev_I": FieldSpec(np.uint16, (PARAM_GROUPS_PER_CHIP,), PARAM_MAX),
    "stdp_lut_causal": FieldSpec(np.uint8, (STDP_LUT_SIZE,), WEIGHT_MAX),
    "stdp_lut_acausal": FieldSpec(np.uint8, (STDP_LUT_SIZE,), WEIGHT_MAX),
    "readout": FieldSpec(np.uint16, (READOUT_CHANNELS_PER_CHIP,), NO_READOUT),
}

#: Largest code of every scalar field (all chip-wide 10-bit codes but serial).
SCALAR_FIELDS: dict[str, int] = {
    "serial": SERIAL_MAX,
    "stp_u": PARAM_MAX,
    "stp_tau_rec": PARAM_MAX,
    "stp_tau_facil": PARAM_MAX,
    "stdp_threshold": PARAM_MAX,
    "stdp_tau": PARAM_MAX,
}


def _coerce_array(name: str, value: Any, spec: FieldSpec) -> np.ndarray:
    arr = np.asarray(value)
    if arr.shape != spec.shape:
        raise ConfigError(f"ChipConfig.{name}: shape {arr.shape} is invalid; expected {spec.shape}")
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8)
    if not np.issubdtype(arr.dtype, np.integer):
        raise ConfigError(f"ChipConfig.{name}: dtype {arr.dtype} is invalid; expected integer codes 0..{spec.max}")
    bad = (arr < 0) | (arr > spec.max)
    if name == "readout":
        bad = bad | ((arr >= NEURONS_PER_CHIP) & (arr != NO_READOUT))
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        valid = f"0..{NEURONS_PER_CHIP - 1} or NO_READOUT={NO_READOUT}" if name == "readout" else f"0..{spec.max}"
        raise ConfigError(
            f"ChipConfig.{name}[{', '.join(map(str, idx))}]: value {int(arr[idx])} is out of range; valid: {valid}"
        )
    return np.ascontiguousarray(arr, dtype=spec.dtype)


def _coerce_scalar(name: str, value: Any, vmax: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"ChipConfig.{name}: value {value!r} is not an integer code; valid: 0..{vmax}")
    if not 0 <= int(value) <= vmax:
        raise ConfigError(f"ChipConfig.{name}: value {int(value)} is out of range; valid: 0..{vmax}")
    return int(value)


def _array(name: str) -> Any:
    spec = ARRAY_FIELDS[name]
    return field(default_factory=lambda: np.zeros(spec.shape, dtype=spec.dtype))


@dataclass(eq=False)
class ChipConfig:
    """Complete configuration of one chip, as integer codes.

    Arrays are indexed ``[block, row]`` for drivers, ``[block, row, column]``
    for synapses, ``[neuron]`` (0..383, ``block * 192 + column``) for
    neurons and ``[group]`` (``2 * block + (column & 1)``) for the shared
    voltages. Values are validated on construction (and by :meth:`validate`);
    a :class:`~firmware_io.errors.ConfigError` names field, index, value and
    valid range.

    Parameters
    ----------
    serial : int
        32-bit serial number of the chip (also seeds its mismatch pattern).
    weights : ndarray of uint8, shape (2, 256, 192)
        4-bit synapse weights, 0 = off.
    row_source, row_sign, row_stp : ndarray of uint8, shape (2, 256)
        :class:`ROW_SOURCE`, :class:`SIGN` and :class:`STP_MODES` codes.
    row_stdp : ndarray of bool, shape (2, 256)
        Whether the STDP controller rewrites the row.
    row_strength, row_tau : ndarray of uint16, shape (2, 256)
        10-bit driver strength (conductance per weight LSB) and PSC decay codes.
    g_leak, tau_refrac : ndarray of uint16, shape (384,)
        10-bit per-neuron codes.
    v_rest, v_reset, v_thresh, e_rev_I : ndarray of uint16, shape (4,)
        10-bit voltage codes, one per parameter group.
    stp_u, stp_tau_rec, stp_tau_facil : int
        Chip-wide 10-bit STP codes.
    stdp_lut_causal, stdp_lut_acausal : ndarray of uint8, shape (16,)
        New weight for each old weight when the causal / acausal flag is set.
    stdp_threshold, stdp_tau : int
        Chip-wide 10-bit STDP codes.
    readout : ndarray of uint16, shape (READOUT_CHANNELS_PER_CHIP,)
        Neuron whose membrane each channel shows, or ``NO_READOUT``.
    """

    serial: int = 0
    weights: np.ndarray = _array("weights")
    row_source: np.ndarray = _array("row_source")
    row_sign: np.ndarray = _array("row_sign")
    row_stp: np.ndarray = _array("row_stp")
    row_stdp: np.ndarray = _array("row_stdp")
    row_strength: np.ndarray = _array("row_strength")
    row_tau: np.ndarray = _array("row_tau")
    g_leak: np.ndarray = _array("g_leak")
    tau_refrac: np.ndarray = _array("tau_refrac")
    v_rest: np.ndarray = _array("v_rest")
    v_reset: np.ndarray = _array("v_reset")
    v_thresh: np.ndarray = _array("v_thresh")
    e_rev_I: np.ndarray = _array("e_rev_I")
    stp_u: int = 0
    stp_tau_rec: int = 0
    stp_tau_facil: int = 0
    stdp_lut_causal: np.ndarray = field(default_factory=lambda: np.arange(STDP_LUT_SIZE, dtype=np.uint8))
    stdp_lut_acausal: np.ndarray = field(default_factory=lambda: np.arange(STDP_LUT_SIZE, dtype=np.uint8))
    stdp_threshold: int = 0
    stdp_tau: int = 0
    readout: np.ndarray = field(default_factory=lambda: np.full(READOUT_CHANNELS_PER_CHIP, NO_READOUT, dtype=np.uint16))

    def __post_init__(self) -> None:
        self.validate()

    @classmethod
    def empty(cls, serial: int) -> "ChipConfig":
        """A configuration with every synapse and row off.

        Weights, row codes and parameters are 0, the STDP look-up tables are
        the identity (no weight change) and no read-out channel is connected.
        """
        return cls(serial=serial)

    def validate(self) -> None:
        """Coerce every field to its storage dtype and check every code.

        Raises
        ------
        ConfigError
            If a field has the wrong shape or type, a code is out of range,
            a row without feedback wiring (192..255) is set to a feedback
            source, or more than 256 rows of the chip take external input.
        """
        for name, vmax in SCALAR_FIELDS.items():
            setattr(self, name, _coerce_scalar(name, getattr(self, name), vmax))
        for name, spec in ARRAY_FIELDS.items():
            setattr(self, name, _coerce_array(name, getattr(self, name), spec))
        self.row_stdp = self.row_stdp.astype(np.bool_)
        fed_back = self.row_source[:, FEEDBACK_ROWS_PER_BLOCK:] >= ROW_SOURCE.FEEDBACK_SAME
        if fed_back.any():
            block, off = (int(i) for i in np.argwhere(fed_back)[0])
            row = FEEDBACK_ROWS_PER_BLOCK + off
            raise ConfigError(
                f"ChipConfig.row_source[{block}, {row}]: value "
                f"{ROW_SOURCE(int(self.row_source[block, row])).name} is invalid: rows "
                f"{FEEDBACK_ROWS_PER_BLOCK}..{ROWS_PER_BLOCK - 1} have no feedback wiring; valid: OFF, EXTERNAL"
            )
        n_external = int(np.count_nonzero(self.row_source == ROW_SOURCE.EXTERNAL))
        if n_external > EXTERNAL_ROWS_PER_CHIP:
            raise ConfigError(
                f"ChipConfig.row_source: {n_external} rows set to EXTERNAL; "
                f"a chip takes at most {EXTERNAL_ROWS_PER_CHIP} external sources"
            )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ChipConfig):
            return NotImplemented
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, np.ndarray):
                if not np.array_equal(a, b):
                    return False
            elif a != b:
                return False
        return True

    def copy(self) -> "ChipConfig":
        """A deep copy (arrays are copied)."""
        kwargs = {}
        for f in fields(self):
            v = getattr(self, f.name)
            kwargs[f.name] = v.copy() if isinstance(v, np.ndarray) else v
        return ChipConfig(**kwargs)

    @staticmethod
    def neuron_group(neuron: np.ndarray | int) -> np.ndarray:
        """Parameter group (0..3) of chip-local neuron indices (vectorised)."""
        n = np.asarray(neuron)
        return 2 * (n // NEURONS_PER_BLOCK) + (n % NEURONS_PER_BLOCK & 1)
