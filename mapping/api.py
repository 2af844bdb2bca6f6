"""``map_network``: Network + BoardSpec -> MappedNetwork."""

from __future__ import annotations

from collections.abc import Callable

from firmware_io import BoardSpec
from pynn_hw.network import Network

from .mapped_network import MappedNetwork

#: Expected firing rate (Hz, biological) of a hardware neuron when the user gives none;
#: used for link and input bandwidth estimates.
DEFAULT_NEURON_RATE_HZ = 10.0


def map_network(
    network: Network,
    board: BoardSpec,
    *,
    allow_synapse_loss: float = 0.0,
    seed: int = 0,
    neuron_rate_hz: float = DEFAULT_NEURON_RATE_HZ,
    progress: Callable[[str, float], None] | None = None,
) -> MappedNetwork:
    """Map ``network`` onto ``board``.

    Parameters
    ----------
    network
        The frozen network description.
    board
        The board to map onto.
    allow_synapse_loss
        Largest fraction of requested synapses that may be lost (with a warning);
        0 (default): any loss raises :class:`pynn_hw.errors.MappingError`.
    seed
        Seed of every tie-break; the same network, board and seed give the same mapping.
    neuron_rate_hz
        Expected firing rate of hardware neurons for bandwidth estimates.
    progress
        Called as ``progress(step_name, fraction_done)`` during long steps.

    Raises
    ------
    pynn_hw.errors.MappingError
        If the network cannot be mapped (the message names the constraint, the
        population and the numbers; ``error.report`` holds the report so far).
    """
    raise NotImplementedError("map_network: the pipeline is being written")
