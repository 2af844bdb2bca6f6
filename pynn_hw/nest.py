"""The PyNN API on NEST: ``import pynn_hw.nest as sim``."""

from typing import Any

from pynn_hw.api import backend_namespace


def _make_backend(**options: Any):
    # NEST is imported when the first network is built, not when this module is
    from software_backends.nest import NestBackend
    return NestBackend(**options)


globals().update(backend_namespace("nest", _make_backend, __name__))
