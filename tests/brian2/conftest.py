"""The ``net`` fixture: Network descriptions built by hand (tests/support/networks.py),
so the Brian 2 backend is tested without the front-end. Tests use the numpy code
target, which needs no compiler and starts at once."""

from __future__ import annotations

import pytest

pytest.importorskip("brian2")

from software_backends.brian2 import Brian2Backend  # noqa: E402

from ..support.networks import ignore_brian2_deprecations, net_factory  # noqa: E402


@pytest.fixture(scope="session")
def net():
    """Makes a fresh NetBuilder (dt = 0.1 ms, min_delay = 0.1 ms, numpy target)."""
    yield from net_factory(Brian2Backend, end=False)


def pytest_collection_modifyitems(items):
    ignore_brian2_deprecations(items, __file__.rsplit("/", 1)[0])
