"""The PyNN API on NEST: ``import pynn_hw.nest as sim``."""

from pynn_hw.api import backend_namespace
from software_backends.nest import NestBackend

globals().update(backend_namespace("nest", NestBackend, __name__))
