"""pynn_hw: the PyNN API, hardware first.

Import a backend module to run a network: ``import pynn_hw.nest as sim`` (NEST),
``pynn_hw.emulator`` (the bit-accurate board emulator) and the others listed in the
README. The front-end subpackages (``random``, ``space``, ``parameters``, ``errors``,
``utility``) mirror PyNN's module names.
"""

__version__ = "0.1.0"
