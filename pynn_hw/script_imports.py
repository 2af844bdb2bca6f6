"""Run unmodified PyNN scripts: make ``import pyNN.<anything>`` land on pynn_hw.

A finder placed in front of ``sys.meta_path`` answers for the ``pyNN`` package:
``pyNN.<simulator>`` (nest, neuron, brian2, mock, ...) becomes the chosen
``pynn_hw.<backend>`` module, and every other ``pyNN.<name>`` becomes
``pynn_hw.<name>`` (random, space, errors, parameters, utility, ...).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

#: Simulator module names a PyNN script may import.
SIMULATOR_NAMES = frozenset({"nest", "neuron", "brian", "brian2", "mock", "nemo", "pcsim",
                             "moose", "spiNNaker", "spynnaker", "hardware", "emulator",
                             "arbor", "nineml"})


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the target module is imported already."""


class PyNNAliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``pyNN`` and its submodules to pynn_hw modules.

    Parameters
    ----------
    backend
        The pynn_hw backend module name that ``pyNN.<simulator>`` becomes,
        e.g. ``'nest'`` for ``pynn_hw.nest``.
    """

    def __init__(self, backend: str) -> None:
        self.backend = backend

    def target(self, fullname: str) -> str | None:
        parts = fullname.split(".")
        if parts[0] != "pyNN":
            return None
        if len(parts) == 1:
            return "pynn_hw"
        if parts[1] in SIMULATOR_NAMES:
            return f"pynn_hw.{self.backend}" if len(parts) == 2 else None
        return "pynn_hw." + ".".join(parts[1:])

    def find_spec(self, fullname, path=None, target=None):
        name = self.target(fullname)
        if name is None:
            return None
        if importlib.util.find_spec(name) is None:
            return None
        module = importlib.import_module(name)
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(name), is_package=hasattr(module, "__path__"))


@contextmanager
def pynn_imports(backend: str) -> Iterator[None]:
    """Within the block, ``import pyNN.xxx`` resolves to pynn_hw (backend ``backend``)."""
    finder = PyNNAliasFinder(backend)
    saved = {k: v for k, v in sys.modules.items() if k == "pyNN" or k.startswith("pyNN.")}
    for key in saved:
        del sys.modules[key]
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for key in [k for k in sys.modules if k == "pyNN" or k.startswith("pyNN.")]:
            del sys.modules[key]
        sys.modules.update(saved)
