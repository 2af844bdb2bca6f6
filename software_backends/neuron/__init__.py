"""The NEURON simulator behind the pynn_hw backend interface.

``NeuronBackend(**setup_extras)`` builds a :class:`pynn_hw.network.Network` in
NEURON (on one process, or spread over MPI ranks) and runs it;
``import pynn_hw.neuron as sim`` binds it to the PyNN front-end. The NMODL
mechanisms in ``mod/`` are compiled on first use (see :mod:`.mechanisms`).
"""

import os

# no GUI (and no warning about a missing display) when NEURON is imported
os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")

from software_backends.neuron.backend import NeuronBackend  # noqa: E402
from software_backends.neuron.options import NeuronOptions  # noqa: E402
from software_backends.neuron.populations import describe_support  # noqa: E402

__all__ = ["NeuronBackend", "NeuronOptions", "describe_support"]
