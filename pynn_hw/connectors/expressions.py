"""Expressions used by connectors and synapse values.

- :class:`IndexBasedExpression`: a user class whose ``__call__(i, j)`` maps arrays of
  pre- and post-synaptic indices to values (probabilities, weights, delays).
- :func:`compile_distance_expression`: a string in ``d`` such as ``"exp(-d/100)"`` or
  ``"d < 3"``, turned into a vectorised function of a distance array. The string is
  parsed and only arithmetic, comparisons, numbers, ``d`` and a fixed list of numpy
  functions are accepted, so evaluating it cannot run arbitrary code.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import numpy as np

from pynn_hw.errors import InvalidParameterValueError

__all__ = ["IndexBasedExpression", "compile_distance_expression", "EXPRESSION_NAMES"]


class IndexBasedExpression:
    """Base class of expressions of the pre- and post-synaptic indices.

    Subclasses implement ``__call__(i, j)``, vectorised: ``i`` and ``j`` are integer
    arrays of the same shape (local indices into the pre- and post-synaptic
    objects) and the result has that shape (or broadcasts to it).

    Examples
    --------
    >>> class Diagonal(IndexBasedExpression):
    ...     def __call__(self, i, j):
    ...         return (i == j).astype(float)
    """

    def __call__(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        raise NotImplementedError(
            f"{type(self).__name__} must implement __call__(i, j) on index arrays")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


#: Names usable in distance expressions besides ``d``.
EXPRESSION_NAMES: dict[str, Any] = {
    name: getattr(np, name) for name in (
        "exp", "log", "log10", "log2", "sqrt", "sin", "cos", "tan", "arcsin", "arccos",
        "arctan", "sinh", "cosh", "tanh", "abs", "minimum", "maximum", "where", "floor",
        "ceil", "round", "sign", "clip", "power", "square", "pi", "e", "inf")
}
EXPRESSION_NAMES.update(fabs=np.abs, pow=np.power, min=np.minimum, max=np.maximum)

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Call, ast.Name, ast.Load,
    ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.USub, ast.UAdd, ast.Invert, ast.BitAnd, ast.BitOr, ast.BitXor, ast.Lt, ast.LtE,
    ast.Gt, ast.GtE, ast.Eq, ast.NotEq,
)


def _check_tree(tree: ast.AST, expression: str, variables: tuple[str, ...]) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise InvalidParameterValueError(
                f"expression {expression!r}: {type(node).__name__} is not allowed; use "
                f"arithmetic, comparisons, numbers, {', '.join(variables)} and numpy "
                f"functions such as exp, sqrt, where")
        if isinstance(node, ast.Name) and node.id not in variables \
                and node.id not in EXPRESSION_NAMES:
            raise InvalidParameterValueError(
                f"expression {expression!r}: unknown name {node.id!r}; valid names are "
                f"{', '.join(variables)} and {', '.join(sorted(EXPRESSION_NAMES))}")
        if isinstance(node, ast.Call) and not isinstance(node.func, ast.Name):
            raise InvalidParameterValueError(
                f"expression {expression!r}: only plain function names may be called")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise InvalidParameterValueError(
                f"expression {expression!r}: only numeric constants are allowed "
                f"(got {node.value!r})")


def compile_expression(expression: str, variables: tuple[str, ...]) -> Callable[..., Any]:
    """Compile ``expression`` into a function of the given variables (keyword args)."""
    if not isinstance(expression, str):
        raise InvalidParameterValueError(f"expression must be a string (got {expression!r})")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise InvalidParameterValueError(
            f"expression {expression!r} is not valid: {exc.msg}") from None
    _check_tree(tree, expression, variables)
    code = compile(tree, f"<expression {expression!r}>", "eval")

    def evaluate(**values: Any) -> Any:
        namespace = dict(EXPRESSION_NAMES)
        namespace.update(values)
        return eval(code, {"__builtins__": {}}, namespace)  # noqa: S307 - checked tree

    return evaluate


def compile_distance_expression(expression: str) -> Callable[[np.ndarray], np.ndarray]:
    """Turn a string in ``d`` into a vectorised function ``f(d) -> array``.

    Examples
    --------
    >>> f = compile_distance_expression("exp(-d/100)")
    >>> float(f(np.array([0.0]))[0])
    1.0
    """
    evaluate = compile_expression(expression, ("d",))

    def f(d: np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.asarray(evaluate(d=d)), np.shape(d))

    f.__name__ = f"distance_expression({expression!r})"
    return f
