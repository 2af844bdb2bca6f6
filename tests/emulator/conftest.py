"""Fixtures of the emulator tests: small, hand-checkable chip configurations."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_io import units
from firmware_io.chip_config import ChipConfig
from firmware_io.constants import ROW_SOURCE, SIGN
from firmware_io.packets import make_events

#: Nominal codes used throughout (derivations in the tests refer to them).
G_LEAK_CODE = 100        # 10 nS -> tau_m = 20 ms
V_REST_CODE = 373        # -65.0 mV
V_RESET_CODE = 323       # -70.0 mV
V_THRESH_CODE = 473      # -55.0 mV
E_REV_I_CODE = 223       # -80.0 mV
ROW_TAU_CODE = 100       # 5 ms
STRENGTH_CODE = 256      # 0.001 uS (exc) / 0.016 uS (inh) per weight LSB


def make_chip(serial: int = 1, ext_rows: tuple[int, ...] = (200,), weight: int = 15,
              sign: int = SIGN.EXCITATORY, strength: int = STRENGTH_CODE, tau: int = ROW_TAU_CODE,
              tau_refrac: int = 40) -> ChipConfig:
    """One chip: every neuron nominal, the given block-0 rows EXTERNAL with weight ``weight``."""
    c = ChipConfig.empty(serial)
    c.g_leak[:] = G_LEAK_CODE
    c.tau_refrac[:] = tau_refrac
    c.v_rest[:] = V_REST_CODE
    c.v_reset[:] = V_RESET_CODE
    c.v_thresh[:] = V_THRESH_CODE
    c.e_rev_I[:] = E_REV_I_CODE
    for r in ext_rows:
        c.row_source[r // 256, r % 256] = ROW_SOURCE.EXTERNAL
        c.row_sign[r // 256, r % 256] = sign
        c.row_strength[r // 256, r % 256] = strength
        c.row_tau[r // 256, r % 256] = tau
        c.weights[r // 256, r % 256, :] = weight
    c.readout[:] = [0, 1, 192, 193]
    c.validate()
    return c


def events(times_ticks, rows, chip: int = 0) -> np.ndarray:
    """EVENT_DTYPE input events on one chip."""
    t = np.asarray(times_ticks, dtype=np.int64)
    return make_events(t, np.full(t.size, chip), np.broadcast_to(np.asarray(rows), t.shape))


@pytest.fixture
def chip_factory():
    return make_chip


@pytest.fixture
def ev():
    return events


def mv(register: np.ndarray) -> np.ndarray:
    """Nominal mV of membrane registers."""
    return units.VOLTAGE.zero + units.VOLTAGE.lsb * (np.asarray(register) / 4096.0)


@pytest.fixture
def to_mv():
    return mv
