"""The PyNN API on NEURON: ``import pynn_hw.neuron as sim``.

Under ``mpirun`` the cells are spread over the processes; every process runs the
same script, and a random number generator created with ``seed=None`` gets rank
0's seed on every rank, so that all ranks draw the same network.
"""

from typing import Any

from pynn_hw import random as _random
from pynn_hw.api import backend_namespace
from software_backends.neuron import parallel as _parallel


def _make_backend(**options: Any):
    # NEURON is imported when the first network is built, not when this module is
    from software_backends.neuron import NeuronBackend
    return NeuronBackend(**options)


if _parallel.launched_by_mpi():
    _random.set_seed_source(lambda draw: _parallel.broadcast(draw()))

globals().update(backend_namespace("neuron", _make_backend, __name__,
                                   rank=_parallel.rank, num_processes=_parallel.num_processes))
