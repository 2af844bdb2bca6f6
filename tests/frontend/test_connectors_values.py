"""Per-connection synapse values from every accepted form."""

import numpy as np
import pytest

from pynn_hw.connectors import (AllToAllConnector, ConnectionContext, FromListConnector,
                                IndexBasedExpression, evaluate_synapse_values)
from pynn_hw.errors import InvalidDimensionsError, InvalidParameterValueError
from pynn_hw.random import NumpyRNG, RandomDistribution
from pynn_hw.space import Space

# pre cells at x = 0, 1; post cells at x = 0, 1, 2 (ConnectionContext.simple lays out lines)
CTX = ConnectionContext.simple(2, 3)
ARRAYS = FromListConnector([(1, 2), (0, 0), (1, 0), (0, 2)]).connect(CTX)
# sorted connections: (0,0), (0,2), (1,0), (1,2); distances 0, 2, 1, 1


def test_scalar_stays_compact():
    values = evaluate_synapse_values(0.5, ARRAYS, CTX)
    assert values.shape == () and values.dtype == np.float64 and float(values) == 0.5


def test_random_distribution_one_draw_per_connection_in_order():
    values = evaluate_synapse_values(RandomDistribution("normal", (0, 1), rng=NumpyRNG(4)),
                                     ARRAYS, CTX)
    assert np.array_equal(values, NumpyRNG(4).next(4, "normal", {"mu": 0, "sigma": 1}))


def test_pre_post_matrix_is_indexed():
    matrix = np.arange(6.0).reshape(2, 3)  # value = 3 * pre + post
    values = evaluate_synapse_values(matrix, ARRAYS, CTX)
    assert values.tolist() == [0.0, 2.0, 3.0, 5.0]


def test_list_in_connection_order():
    assert evaluate_synapse_values([1, 2, 3, 4], ARRAYS, CTX, name="delay").tolist() == [
        1.0, 2.0, 3.0, 4.0]


def test_distance_expression_and_function():
    assert evaluate_synapse_values("0.2 + 0.3*d", ARRAYS, CTX).tolist() == pytest.approx(
        [0.2, 0.8, 0.5, 0.5])
    assert evaluate_synapse_values(lambda d: d**2, ARRAYS, CTX).tolist() == [0.0, 4.0, 1.0, 1.0]


def test_distance_respects_space():
    ctx = ConnectionContext.simple(2, 3, space=Space(scale_factor=10.0))
    assert evaluate_synapse_values("d", ARRAYS, ctx).tolist() == [0.0, 20.0, 10.0, 10.0]


def test_index_based_expression():
    class Sum(IndexBasedExpression):
        def __call__(self, i, j):
            return 10 * i + j

    assert evaluate_synapse_values(Sum(), ARRAYS, CTX).tolist() == [0.0, 2.0, 10.0, 12.0]


def test_large_projection_distances_are_chunked_correctly():
    ctx = ConnectionContext.simple(1100, 1000)
    arrays = AllToAllConnector().connect(ctx)
    d = evaluate_synapse_values("d", arrays, ctx)
    assert np.array_equal(d, np.abs(arrays.pre.astype(float) - arrays.post))


def test_wrong_shapes_name_parameter_and_shapes():
    with pytest.raises(InvalidDimensionsError, match=r"'delay'.*\(3, 3\).*\(2, 3\)"):
        evaluate_synapse_values(np.ones((3, 3)), ARRAYS, CTX, name="delay")
    with pytest.raises(InvalidDimensionsError, match=r"'weight'.*length 5.*\(4\)"):
        evaluate_synapse_values(np.ones(5), ARRAYS, CTX)
    with pytest.raises(InvalidDimensionsError, match=r"'weight'.*\(3,\).*\(4,\)"):
        evaluate_synapse_values(lambda d: np.ones(3), ARRAYS, CTX)


def test_invalid_values():
    with pytest.raises(InvalidParameterValueError, match="'U'.*cannot use"):
        evaluate_synapse_values(object(), ARRAYS, CTX, name="U")
    with pytest.raises(InvalidParameterValueError, match="unknown name 'x'"):
        evaluate_synapse_values("x + d", ARRAYS, CTX)
    with pytest.raises(InvalidParameterValueError, match="boolean"):
        evaluate_synapse_values(True, ARRAYS, CTX)
