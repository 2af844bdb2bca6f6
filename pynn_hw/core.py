"""Small shared pieces of the PyNN API (``pyNN.core``)."""

from pynn_hw.connectors.expressions import IndexBasedExpression

__all__ = ["IndexBasedExpression"]
