"""Script arguments per backend, and scripts that import the backend named on their command line.

Some benchmark scripts (the shared ``va_coba.py`` among them) do not import
``pyNN.<simulator>`` but take the backend module's name as their first argument
and import it with ``importlib.import_module(sys.argv[1])``. For those, the
comparison passes ``pynn_hw.<backend>`` as that argument: explicitly, when a
script argument contains the placeholder ``{module}``, or automatically, when the
script's source shows the convention (found by :func:`takes_module_argument`)
and no argument has the placeholder.
"""

from __future__ import annotations

import ast
from pathlib import Path

from pynn_hw.comparison.worker import MODULE_PLACEHOLDER


def _is_argv_1(node: ast.AST) -> bool:
    """``sys.argv[1]``."""
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
            and node.value.attr == "argv" and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "sys" and isinstance(node.slice, ast.Constant)
            and node.slice.value == 1)


def takes_module_argument(script: str | Path) -> bool:
    """True if the script imports the module named by ``sys.argv[1]``.

    Recognised: ``import_module(sys.argv[1])`` or ``__import__(sys.argv[1])``,
    directly or through a name assigned from ``sys.argv[1]`` (``modname = sys.argv[1]``).
    A script that cannot be read or parsed is not recognised.
    """
    try:
        tree = ast.parse(Path(script).read_text(), filename=str(script))
    except (OSError, SyntaxError, ValueError):
        return False
    names = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and _is_argv_1(node.value)
             for target in node.targets if isinstance(target, ast.Name)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if called not in ("import_module", "__import__"):
            continue
        first = node.args[0]
        if _is_argv_1(first) or (isinstance(first, ast.Name) and first.id in names):
            return True
    return False


def prepare_script_args(script: str | Path, script_args: list[str]) -> tuple[list[str], str | None]:
    """The arguments to pass (still holding ``{module}``) and a note on what was added, if anything."""
    args = list(script_args)
    if any(MODULE_PLACEHOLDER in a for a in args):
        return args, None
    if takes_module_argument(script):
        return [MODULE_PLACEHOLDER, *args], ("the script imports the module named by its first argument; "
                                             "it was given pynn_hw.<backend> (placeholder {module})")
    return args, None
