"""The Brian 2 simulator behind the pynn_hw backend interface.

``Brian2Backend(**setup_extras)`` builds a :class:`pynn_hw.network.Network` in
Brian 2 (runtime mode, numpy or Cython code) and runs it; ``import pynn_hw.brian2
as sim`` binds it to the PyNN front-end.
"""

from software_backends.brian2.backend import Brian2Backend
from software_backends.brian2.options import Brian2Options

__all__ = ["Brian2Backend", "Brian2Options"]
