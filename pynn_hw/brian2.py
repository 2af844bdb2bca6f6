"""The PyNN API on Brian 2: ``import pynn_hw.brian2 as sim``."""

from typing import Any

from pynn_hw.api import backend_namespace


def _make_backend(**options: Any):
    # Brian 2 is imported when the first network is built, not when this module is
    from software_backends.brian2 import Brian2Backend
    return Brian2Backend(**options)


globals().update(backend_namespace("brian2", _make_backend, __name__))
