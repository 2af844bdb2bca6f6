"""The per-backend list of unsupported tests names tests that exist (a typo would
silently run a test the list means to skip)."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import BACKENDS, UNSUPPORTED


def test_unsupported_names_existing_tests_of_known_backends():
    names = set()
    for module in Path(__file__).parent.glob("test_common_*.py"):
        tree = ast.parse(module.read_text())
        names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert set(UNSUPPORTED) == set(BACKENDS)
    for backend, tests in UNSUPPORTED.items():
        assert set(tests) <= names, (backend, set(tests) - names)
