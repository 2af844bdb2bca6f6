"""The PyNN API on the bit-accurate board emulator: ``import pynn_hw.emulator as sim``.

``setup(board=..., allow_synapse_loss=..., mismatch=..., rng_seed=...)`` chooses the
board and the mapping options (see ``docs/emulator_backend.md``); the mapping
report of the current network is ``sim.session.backend.report``.
"""

from typing import Any

from pynn_hw.api import backend_namespace


def _make_backend(**options: Any):
    from pynn_hw.board_backend import BoardBackend
    return BoardBackend(**options)


globals().update(backend_namespace("emulator", _make_backend, __name__))
