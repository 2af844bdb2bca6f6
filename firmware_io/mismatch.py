"""Fixed-pattern mismatch of a chip, derived from its serial number.

Every analog circuit of a real chip has its own gain and offset. The target
models them as a deterministic function of the chip serial, so that the
emulator of chip ``s`` always shows the same deviations and calibration of
the emulated board is as meaningful as on silicon.

Generator (exact, machine independent): for parameter id ``p`` (table
:data:`MISMATCH_SPECS`), element ``i`` (C order of the parameter's shape)
and draw ``k`` in 0..3 the counter

    ``x = (serial << 32) | (p << 24) | (i << 2) | k``   (uint64)

is hashed with the SplitMix64 finaliser; ``u_k = (h >> 11) * 2**-53`` is
uniform on [0, 1). The standardised deviate is the Irwin-Hall sum
``z = (u_0 + u_1 + u_2 + u_3 - 2) * sqrt(3)`` (mean 0, variance 1, bounded
by +-2*sqrt(3)), summed in that order in float64. A gain is ``1 + sigma*z``,
an offset ``sigma*z``. IEEE-754 arithmetic with correctly rounded sqrt makes
the result bit-identical everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from .chip_config import ChipConfig
from .constants import (
    BLOCKS_PER_CHIP,
    NEURONS_PER_BLOCK,
    NEURONS_PER_CHIP,
    PARAM_GROUPS_PER_CHIP,
    ROWS_PER_BLOCK,
    SERIAL_MAX,
    SIGN,
)
from .errors import ConfigError
from .units import (
    E_REV_E_MV,
    code_to_g_leak,
    code_to_row_tau,
    code_to_strength,
    code_to_tau_refrac,
    code_to_voltage,
)


class MismatchSpec(NamedTuple):
    """Parameter id, shape, kind ("gain" or "offset") and width (sigma)."""

    pid: int
    shape: tuple[int, ...]
    kind: str
    sigma: float


_N = (NEURONS_PER_CHIP,)
_G = (PARAM_GROUPS_PER_CHIP,)
_R = (BLOCKS_PER_CHIP, ROWS_PER_BLOCK)

#: Every mismatch term: id (fixed forever, part of the generator), shape,
#: kind and sigma (relative for gains, mV for offsets).
MISMATCH_SPECS: dict[str, MismatchSpec] = {
    "g_leak_gain": MismatchSpec(1, _N, "gain", 0.15),
    "tau_refrac_gain": MismatchSpec(2, _N, "gain", 0.15),
    "v_rest_offset": MismatchSpec(3, _N, "offset", 1.0),
    "v_reset_offset": MismatchSpec(4, _N, "offset", 1.0),
    "v_thresh_offset": MismatchSpec(5, _N, "offset", 1.0),
    "e_rev_I_offset": MismatchSpec(6, _N, "offset", 1.0),
    "e_rev_E_offset": MismatchSpec(7, _N, "offset", 2.0),
    "v_rest_group_offset": MismatchSpec(8, _G, "offset", 2.0),
    "v_reset_group_offset": MismatchSpec(9, _G, "offset", 2.0),
    "v_thresh_group_offset": MismatchSpec(10, _G, "offset", 2.0),
    "e_rev_I_group_offset": MismatchSpec(11, _G, "offset", 2.0),
    "row_strength_gain": MismatchSpec(12, _R, "gain", 0.10),
    "row_tau_gain": MismatchSpec(13, _R, "gain", 0.10),
    "neuron_gain_exc": MismatchSpec(14, _N, "gain", 0.10),
    "neuron_gain_inh": MismatchSpec(15, _N, "gain", 0.10),
    "synapse_gain": MismatchSpec(16, (BLOCKS_PER_CHIP, ROWS_PER_BLOCK, NEURONS_PER_BLOCK), "gain", 0.03),
}


def splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser of uint64 counters (wrapping arithmetic)."""
    z = np.asarray(x, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def standard_deviates(serial: int, pid: int, n: int) -> np.ndarray:
    """The ``n`` bounded standard deviates ``z`` of parameter ``pid`` of chip ``serial``."""
    base = (np.uint64(serial) << np.uint64(32)) | (np.uint64(pid) << np.uint64(24))
    counters = base | (np.arange(n, dtype=np.uint64)[:, None] << np.uint64(2)) | np.arange(4, dtype=np.uint64)
    u = (splitmix64(counters) >> np.uint64(11)).astype(np.float64) * 2.0**-53
    s = ((u[:, 0] + u[:, 1]) + u[:, 2]) + u[:, 3]
    return (s - 2.0) * np.sqrt(3.0)


@dataclass(frozen=True, eq=False)
class ChipMismatch:
    """Gains (dimensionless, around 1) and offsets (mV) of every circuit of one chip.

    Field names and meanings are those of :data:`MISMATCH_SPECS`. Use
    :meth:`from_serial` for a chip, :meth:`ideal` for a mismatch-free chip.
    """

    serial: int
    g_leak_gain: np.ndarray
    tau_refrac_gain: np.ndarray
    v_rest_offset: np.ndarray
    v_reset_offset: np.ndarray
    v_thresh_offset: np.ndarray
    e_rev_I_offset: np.ndarray
    e_rev_E_offset: np.ndarray
    v_rest_group_offset: np.ndarray
    v_reset_group_offset: np.ndarray
    v_thresh_group_offset: np.ndarray
    e_rev_I_group_offset: np.ndarray
    row_strength_gain: np.ndarray
    row_tau_gain: np.ndarray
    neuron_gain_exc: np.ndarray
    neuron_gain_inh: np.ndarray
    synapse_gain: np.ndarray

    @classmethod
    def from_serial(cls, serial: int) -> "ChipMismatch":
        """The mismatch pattern of the chip with this 32-bit serial number."""
        if not 0 <= int(serial) <= SERIAL_MAX:
            raise ConfigError(f"serial {serial} is out of range; valid: 0..{SERIAL_MAX}")
        values = {}
        for name, spec in MISMATCH_SPECS.items():
            z = standard_deviates(int(serial), spec.pid, int(np.prod(spec.shape))).reshape(spec.shape)
            values[name] = 1.0 + spec.sigma * z if spec.kind == "gain" else spec.sigma * z
        return cls(serial=int(serial), **values)

    @classmethod
    def ideal(cls, serial: int = 0) -> "ChipMismatch":
        """A chip without mismatch: gains 1, offsets 0."""
        values = {
            name: np.ones(spec.shape) if spec.kind == "gain" else np.zeros(spec.shape)
            for name, spec in MISMATCH_SPECS.items()
        }
        return cls(serial=int(serial), **values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ChipMismatch):
            return NotImplemented
        return all(np.array_equal(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))


@dataclass(frozen=True)
class ChipPhysics:
    """What a configured chip really does: float64 biological values per circuit.

    Attributes
    ----------
    g_leak_nS, tau_refrac_ms, v_rest_mV, v_reset_mV, v_thresh_mV, e_rev_I_mV, e_rev_E_mV : ndarray (384,)
    row_tau_ms : ndarray (2, 256)
    syn_weight_uS : ndarray (2, 256, 192)
        Peak conductance of every synapse, in uS (0 where the weight is 0).
    """

    g_leak_nS: np.ndarray
    tau_refrac_ms: np.ndarray
    v_rest_mV: np.ndarray
    v_reset_mV: np.ndarray
    v_thresh_mV: np.ndarray
    e_rev_I_mV: np.ndarray
    e_rev_E_mV: np.ndarray
    row_tau_ms: np.ndarray
    syn_weight_uS: np.ndarray


def chip_physics(config: ChipConfig, mismatch: ChipMismatch | None = None) -> ChipPhysics:
    """Apply the nominal transfer functions and the mismatch to a configuration.

    ``value = nominal(code) * gain`` for g_leak, tau_refrac and row_tau;
    ``v = nominal(code[group]) + group_offset[group] + neuron_offset`` for the
    shared voltages; ``e_rev_E = 0 mV + offset``; a synapse conductance is
    ``weight * strength(code, sign) * row_strength_gain * neuron_gain_<sign>
    * synapse_gain``. ``mismatch=None`` uses the chip's own serial.
    """
    m = ChipMismatch.from_serial(config.serial) if mismatch is None else mismatch
    group = ChipConfig.neuron_group(np.arange(NEURONS_PER_CHIP))

    def shared(name: str) -> np.ndarray:
        code = getattr(config, name)
        return code_to_voltage(code)[group] + getattr(m, f"{name}_group_offset")[group] + getattr(m, f"{name}_offset")

    per_lsb = code_to_strength(config.row_strength, config.row_sign) * m.row_strength_gain  # (2, 256)
    neuron_gain = np.where(
        (config.row_sign == SIGN.INHIBITORY)[:, :, None],
        m.neuron_gain_inh.reshape(BLOCKS_PER_CHIP, 1, NEURONS_PER_BLOCK),
        m.neuron_gain_exc.reshape(BLOCKS_PER_CHIP, 1, NEURONS_PER_BLOCK),
    )
    syn = config.weights * per_lsb[:, :, None] * neuron_gain * m.synapse_gain
    return ChipPhysics(
        g_leak_nS=code_to_g_leak(config.g_leak) * m.g_leak_gain,
        tau_refrac_ms=code_to_tau_refrac(config.tau_refrac) * m.tau_refrac_gain,
        v_rest_mV=shared("v_rest"),
        v_reset_mV=shared("v_reset"),
        v_thresh_mV=shared("v_thresh"),
        e_rev_I_mV=shared("e_rev_I"),
        e_rev_E_mV=E_REV_E_MV + m.e_rev_E_offset,
        row_tau_ms=code_to_row_tau(config.row_tau) * m.row_tau_gain,
        syn_weight_uS=syn,
    )
