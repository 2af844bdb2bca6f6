"""The ``net`` fixture: Network descriptions built by hand (tests/support/networks.py),
so the NEST backend is tested without the front-end."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("PYNEST_QUIET", "1")
pytest.importorskip("nest")

from software_backends.nest import NestBackend  # noqa: E402

from ..support.networks import net_factory  # noqa: E402


@pytest.fixture
def net():
    """Makes a fresh NetBuilder (dt = 0.1 ms, min_delay = 0.1 ms, on the grid)."""
    yield from net_factory(NestBackend, spike_precision="on_grid")
