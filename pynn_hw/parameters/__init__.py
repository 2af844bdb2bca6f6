"""Parameter values of the PyNN API: Sequence, ArrayParameter, LazyArray, ParameterSpace."""

from pynn_hw.parameters.lazyarray import LazyArray, is_random_distribution
from pynn_hw.parameters.sequence import (ArrayParameter, Sequence, filled_object_array,
                                         object_array)
from pynn_hw.parameters.space import ParameterSpace

__all__ = ["ArrayParameter", "LazyArray", "ParameterSpace", "Sequence",
           "filled_object_array", "is_random_distribution", "object_array"]
