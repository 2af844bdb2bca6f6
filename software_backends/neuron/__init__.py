"""The NEURON simulator behind the pynn_hw backend interface.

``NeuronBackend(**setup_extras)`` builds a :class:`pynn_hw.network.Network` in
NEURON (on one process, or spread over MPI ranks) and runs it;
``import pynn_hw.neuron as sim`` binds it to the PyNN front-end. The NMODL
mechanisms in ``mod/`` are compiled on first use (see :mod:`.mechanisms`).
"""

from software_backends.neuron.backend import NeuronBackend
from software_backends.neuron.options import NeuronOptions
from software_backends.neuron.populations import describe_support

__all__ = ["NeuronBackend", "NeuronOptions", "describe_support"]
