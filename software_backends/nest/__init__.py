"""The NEST simulator behind the pynn_hw backend interface.

``NestBackend(**setup_extras)`` builds a :class:`pynn_hw.network.Network` in NEST 3
and runs it; ``import pynn_hw.nest as sim`` binds it to the PyNN front-end.
"""

import os

# NEST prints a banner on import unless told not to
os.environ.setdefault("PYNEST_QUIET", "1")

from software_backends.nest.backend import NestBackend  # noqa: E402
from software_backends.nest.options import NestOptions  # noqa: E402

__all__ = ["NestBackend", "NestOptions"]
